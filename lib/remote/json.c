/* remote/json.c - a small JSON reader (RFC 8259) for the SPARQL 1.1 query
 * results JSON a server answers with
 *
 * The document becomes a tree in an arena; strings are unescaped to UTF-8
 * (surrogate pairs joined, a lone surrogate becomes U+FFFD).  Nesting is
 * limited, so no input can exhaust the stack.  rasqal 0.9.33 has a
 * reader for SPARQL XML results, but it leaks memory for every row.
 */
#include <stdlib.h>
#include <string.h>

#include "remote/remote.h"

#define MAX_DEPTH 64

typedef struct {
  const char *p, *end;
  evpubp_arena *arena;
  const char *error;
} jparser;

static void
skip_ws(jparser *j)
{
  while(j->p < j->end &&
        (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
    j->p++;
}

static evpubp_json *
new_value(jparser *j, int type)
{
  evpubp_json *v = evpubp_arena_alloc(j->arena, sizeof(*v));
  if(!v) {
    j->error = "out of memory";
    return NULL;
  }
  memset(v, 0, sizeof(*v));
  v->type = type;
  return v;
}

static int
hex4(const char *p, unsigned *out)
{
  unsigned v = 0;
  int i;
  for(i = 0; i < 4; i++) {
    char c = p[i];
    v <<= 4;
    if(c >= '0' && c <= '9')
      v |= (unsigned)(c - '0');
    else if(c >= 'a' && c <= 'f')
      v |= (unsigned)(c - 'a' + 10);
    else if(c >= 'A' && c <= 'F')
      v |= (unsigned)(c - 'A' + 10);
    else
      return -1;
  }
  *out = v;
  return 0;
}

static size_t
put_utf8(char *o, unsigned cp)
{
  if(cp < 0x80) {
    o[0] = (char)cp;
    return 1;
  }
  if(cp < 0x800) {
    o[0] = (char)(0xc0 | (cp >> 6));
    o[1] = (char)(0x80 | (cp & 0x3f));
    return 2;
  }
  if(cp < 0x10000) {
    o[0] = (char)(0xe0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
    o[2] = (char)(0x80 | (cp & 0x3f));
    return 3;
  }
  o[0] = (char)(0xf0 | (cp >> 18));
  o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
  o[3] = (char)(0x80 | (cp & 0x3f));
  return 4;
}

/* A string at j->p (at the opening quote), unescaped into the arena. */
static char *
read_string(jparser *j, size_t *len)
{
  const char *s = ++j->p, *q;
  char *out, *o;
  /* the unescaped text is never longer than the escaped one */
  for(q = s; q < j->end && *q != '"'; q++)
    if(*q == '\\')
      q++;
  if(q >= j->end) {
    j->error = "a string does not end";
    return NULL;
  }
  out = evpubp_arena_alloc(j->arena, (size_t)(q - s) + 1);
  if(!out) {
    j->error = "out of memory";
    return NULL;
  }
  for(o = out; j->p < q;) {
    unsigned char c = (unsigned char)*j->p++;
    unsigned cp, lo;
    if(c < 0x20) {
      j->error = "a control character in a string";
      return NULL;
    }
    if(c != '\\') {
      *o++ = (char)c;
      continue;
    }
    c = (unsigned char)*j->p++;
    switch(c) {
    case '"': *o++ = '"'; break;
    case '\\': *o++ = '\\'; break;
    case '/': *o++ = '/'; break;
    case 'b': *o++ = '\b'; break;
    case 'f': *o++ = '\f'; break;
    case 'n': *o++ = '\n'; break;
    case 'r': *o++ = '\r'; break;
    case 't': *o++ = '\t'; break;
    case 'u':
      if(q - j->p < 4 || hex4(j->p, &cp)) {
        j->error = "a bad \\u escape";
        return NULL;
      }
      j->p += 4;
      if(cp >= 0xd800 && cp <= 0xdbff && q - j->p >= 6 && j->p[0] == '\\' &&
         j->p[1] == 'u' && !hex4(j->p + 2, &lo) && lo >= 0xdc00 &&
         lo <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
        j->p += 6;
      } else if(cp >= 0xd800 && cp <= 0xdfff) {
        cp = 0xfffd; /* a lone surrogate */
      }
      o += put_utf8(o, cp);
      break;
    default: j->error = "a bad escape"; return NULL;
    }
  }
  j->p = q + 1;
  *o = '\0';
  *len = (size_t)(o - out);
  return out;
}

static evpubp_json *read_value(jparser *j, int depth);

static evpubp_json *
read_container(jparser *j, int depth, int object)
{
  evpubp_json *v = new_value(j, object ? EVPUBP_J_OBJECT : EVPUBP_J_ARRAY);
  evpubp_json **tail;
  char close = object ? '}' : ']';
  if(!v)
    return NULL;
  tail = &v->child;
  j->p++;
  skip_ws(j);
  if(j->p < j->end && *j->p == close) {
    j->p++;
    return v;
  }
  for(;;) {
    char *key = NULL;
    size_t klen = 0;
    evpubp_json *item;
    skip_ws(j);
    if(object) {
      if(j->p >= j->end || *j->p != '"') {
        j->error = "a key expected";
        return NULL;
      }
      if(!(key = read_string(j, &klen)))
        return NULL;
      skip_ws(j);
      if(j->p >= j->end || *j->p != ':') {
        j->error = "':' expected";
        return NULL;
      }
      j->p++;
    }
    if(!(item = read_value(j, depth + 1)))
      return NULL;
    item->key = key;
    *tail = item;
    tail = &item->next;
    skip_ws(j);
    if(j->p < j->end && *j->p == ',') {
      j->p++;
      continue;
    }
    if(j->p < j->end && *j->p == close) {
      j->p++;
      return v;
    }
    j->error = object ? "',' or '}' expected" : "',' or ']' expected";
    return NULL;
  }
}

static evpubp_json *
read_value(jparser *j, int depth)
{
  evpubp_json *v;
  skip_ws(j);
  if(depth > MAX_DEPTH) {
    j->error = "nested too deeply";
    return NULL;
  }
  if(j->p >= j->end) {
    j->error = "a value expected";
    return NULL;
  }
  switch(*j->p) {
  case '{': return read_container(j, depth, 1);
  case '[': return read_container(j, depth, 0);
  case '"':
    v = new_value(j, EVPUBP_J_STRING);
    if(v && !(v->str = read_string(j, &v->len)))
      return NULL;
    return v;
  default: break;
  }
  if((size_t)(j->end - j->p) >= 4 && !memcmp(j->p, "true", 4)) {
    j->p += 4;
    return new_value(j, EVPUBP_J_TRUE);
  }
  if((size_t)(j->end - j->p) >= 5 && !memcmp(j->p, "false", 5)) {
    j->p += 5;
    return new_value(j, EVPUBP_J_FALSE);
  }
  if((size_t)(j->end - j->p) >= 4 && !memcmp(j->p, "null", 4)) {
    j->p += 4;
    return new_value(j, EVPUBP_J_NULL);
  }
  if(*j->p == '-' || (*j->p >= '0' && *j->p <= '9')) {
    /* kept as its text */
    const char *s = j->p;
    while(j->p < j->end &&
          ((*j->p >= '0' && *j->p <= '9') || *j->p == '-' || *j->p == '+' ||
           *j->p == '.' || *j->p == 'e' || *j->p == 'E'))
      j->p++;
    v = new_value(j, EVPUBP_J_NUMBER);
    if(v) {
      v->str = evpubp_arena_strndup(j->arena, s, (size_t)(j->p - s));
      v->len = (size_t)(j->p - s);
      if(!v->str)
        return NULL;
    }
    return v;
  }
  j->error = "a value expected";
  return NULL;
}

evpubp_json *
evpubp_json_parse(const char *text, size_t len, evpubp_arena *arena,
                  const char **error)
{
  jparser j;
  evpubp_json *v;
  j.p = text;
  j.end = text + len;
  j.arena = arena;
  j.error = NULL;
  v = read_value(&j, 0);
  if(v) {
    skip_ws(&j);
    if(j.p != j.end) {
      j.error = "text after the value";
      v = NULL;
    }
  }
  if(!v && error)
    *error = j.error ? j.error : "not JSON";
  return v;
}

const evpubp_json *
evpubp_json_get(const evpubp_json *obj, const char *key)
{
  const evpubp_json *c;
  if(!obj || obj->type != EVPUBP_J_OBJECT)
    return NULL;
  for(c = obj->child; c; c = c->next)
    if(c->key && !strcmp(c->key, key))
      return c;
  return NULL;
}
