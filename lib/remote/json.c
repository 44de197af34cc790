/* remote/json.c - the SPARQL 1.1 query results JSON a server answers
 * with, read by yajl into a tree
 *
 * The document becomes a tree in an arena; strings are unescaped to UTF-8
 * by yajl (surrogate pairs joined).  yajl would turn a lone surrogate
 * into '?' or into bytes that are not UTF-8, so each one is handed to it
 * as U+FFFD instead: a server's answer is read as well as it can be.
 * Nesting is limited, so no answer can make the tree unbounded in depth.
 * rasqal 0.9.33 has a reader for SPARQL XML results, but it leaks memory
 * for every row.
 */
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "remote/remote.h"

#define MAX_DEPTH 64

typedef struct {
  evpubp_arena *arena;
  evpubp_json *root;
  /* the open arrays and objects, and where their next child goes */
  evpubp_json *open[MAX_DEPTH + 1];
  evpubp_json **tail[MAX_DEPTH + 1];
  int depth;
  const char *key; /* the key of the next member of an object */
  const char *error;
} builder;

/* A new value of type, placed in its parent; NULL stops yajl. */
static evpubp_json *
add(builder *b, int type)
{
  evpubp_json *v;
  if(b->depth > MAX_DEPTH) {
    b->error = "nested too deeply";
    return NULL;
  }
  v = evpubp_arena_alloc(b->arena, sizeof(*v));
  if(!v) {
    b->error = "out of memory";
    return NULL;
  }
  memset(v, 0, sizeof(*v));
  v->type = type;
  if(!b->depth) {
    b->root = v;
  } else {
    if(b->open[b->depth - 1]->type == EVPUBP_J_OBJECT)
      v->key = b->key;
    *b->tail[b->depth - 1] = v;
    b->tail[b->depth - 1] = &v->next;
  }
  return v;
}

static char *
copy(builder *b, const void *s, size_t len)
{
  char *c = evpubp_arena_strndup(b->arena, s, len);
  if(!c)
    b->error = "out of memory";
  return c;
}

static int
on_null(void *user)
{
  return add(user, EVPUBP_J_NULL) != NULL;
}

static int
on_boolean(void *user, int t)
{
  return add(user, t ? EVPUBP_J_TRUE : EVPUBP_J_FALSE) != NULL;
}

/* kept as its text */
static int
on_number(void *user, const char *s, size_t len)
{
  evpubp_json *v = add(user, EVPUBP_J_NUMBER);
  if(!v)
    return 0;
  v->len = len;
  v->str = copy(user, s, len);
  return v->str != NULL;
}

static int
on_string(void *user, const unsigned char *s, size_t len)
{
  evpubp_json *v = add(user, EVPUBP_J_STRING);
  if(!v)
    return 0;
  v->len = len;
  v->str = copy(user, s, len);
  return v->str != NULL;
}

static int
on_map_key(void *user, const unsigned char *s, size_t len)
{
  builder *b = user;
  b->key = copy(b, s, len);
  return b->key != NULL;
}

static int
open_container(builder *b, int type)
{
  evpubp_json *v = add(b, type);
  if(!v)
    return 0;
  /* add() refused a value deeper than MAX_DEPTH: open[] has room */
  b->open[b->depth] = v;
  b->tail[b->depth] = &v->child;
  b->depth++;
  return 1;
}

static int
on_start_map(void *user)
{
  return open_container(user, EVPUBP_J_OBJECT);
}

static int
on_start_array(void *user)
{
  return open_container(user, EVPUBP_J_ARRAY);
}

static int
on_end(void *user)
{
  builder *b = user;
  b->depth--;
  return 1;
}

static const yajl_callbacks callbacks = {
  on_null,      on_boolean, NULL,   NULL,           on_number, on_string,
  on_start_map, on_map_key, on_end, on_start_array, on_end
};

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

/* The offset of the first '\uXXXX' at or after from in text[len] that is
 * a lone surrogate, or len.  Escapes are read in pairs from the start, so
 * that the 'u' of an escaped backslash ("\\u") starts none. */
static size_t
next_lone_surrogate(const char *text, size_t len, size_t from)
{
  size_t i = from;
  for(;;) {
    const char *bs = memchr(text + i, '\\', len - i);
    unsigned cp, lo;
    if(!bs)
      return len;
    i = (size_t)(bs - text);
    if(len - i < 6 || text[i + 1] != 'u' || hex4(text + i + 2, &cp)) {
      i += len - i < 2 ? 1 : 2; /* another escape */
      continue;
    }
    if(cp >= 0xD800 && cp <= 0xDBFF && len - i >= 12 && text[i + 6] == '\\' &&
       text[i + 7] == 'u' && !hex4(text + i + 8, &lo) && lo >= 0xDC00 &&
       lo <= 0xDFFF) {
      i += 12; /* a pair */
      continue;
    }
    if(cp >= 0xD800 && cp <= 0xDFFF)
      return i;
    i += 6;
  }
}

/* yajl's error message, in the arena (a static text when there is no
 * room). */
static const char *
yajl_message(yajl_handle h, evpubp_arena *arena)
{
  unsigned char *e = yajl_get_error(h, 0, NULL, 0);
  const char *msg = "not JSON";
  if(e) {
    size_t n = strlen((const char *)e);
    char *c;
    while(n && (e[n - 1] == '\n' || e[n - 1] == '.'))
      n--;
    c = evpubp_arena_strndup(arena, (const char *)e, n);
    if(c)
      msg = c;
    yajl_free_error(h, e);
  }
  return msg;
}

evpubp_json *
evpubp_json_parse(const char *text, size_t len, evpubp_arena *arena,
                  const char **error)
{
  builder b;
  yajl_handle h;
  yajl_status st = yajl_status_ok;
  size_t at = 0;
  memset(&b, 0, sizeof(b));
  b.arena = arena;
  h = yajl_alloc(&callbacks, NULL, &b);
  if(!h) {
    if(error)
      *error = "out of memory";
    return NULL;
  }
  /* as before yajl: the strings' bytes are the server's */
  yajl_config(h, yajl_dont_validate_strings, 1);
  while(st == yajl_status_ok) {
    size_t lone = next_lone_surrogate(text, len, at);
    if(lone > at)
      st = yajl_parse(h, (const unsigned char *)text + at, lone - at);
    if(st != yajl_status_ok || lone == len)
      break;
    st = yajl_parse(h, (const unsigned char *)"\\ufffd", 6);
    at = lone + 6;
  }
  if(st == yajl_status_ok)
    st = yajl_complete_parse(h);
  if(st != yajl_status_ok) {
    if(!b.error)
      b.error = yajl_message(h, arena);
    b.root = NULL;
  }
  yajl_free(h);
  if(!b.root && error)
    *error = b.error ? b.error : "not JSON";
  return b.root;
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
