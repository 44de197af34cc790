/* read/json.c - the JSON reader: yajl's events to description trees
 *
 * yajl, a streaming JSON parser, checks the grammar and unescapes the
 * strings, but it knows no lines or columns and is lenient where RDF
 * cannot be (it turns a lone surrogate into '?' or into bytes that are not
 * UTF-8, and takes overlong UTF-8).  So every byte goes through a scanner
 * of ours first, which
 *
 *  - counts lines and columns (columns in characters, as the YAML reader
 *    counts them; a line ends at LF, CR or CR LF),
 *  - refuses what is not UTF-8, NUL bytes, control characters in strings,
 *    bad escapes and lone surrogates, and words that are not true, false,
 *    null or a JSON number, at the character where they are,
 *  - and queues where each token starts.
 *
 * yajl is then given the bytes before the first bad one, whole tokens
 * only (a string or word cut by the end of a chunk waits for the next);
 * its callbacks come in the order of the tokens, so each takes its
 * position from the queue, and a grammar error is reported at the token
 * yajl stopped at.  The first error in the file is the one reported, as
 * with YAML.  Memory is one item's tree, one chunk and the longest token.
 *
 * The trees are those of the YAML reader (read/yaml.c), with the same
 * streaming: the items of a document's collections (or of a top-level
 * list) are built and handed over one at a time, the header keys (base,
 * lang, prefixes) as they come, the other top-level keys at the end,
 * where the schema says whether they are one event.  Strings are quoted
 * scalars; numbers (as written), true and false are plain scalars, as
 * libyaml read them when it read JSON; null is an absent value.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <yajl/yajl_parse.h>

#include "read/read.h"

#define MAX_DEPTH 256 /* as the YAML reader */
#define CHUNK 16384
#define WORD_SHOWN 24 /* bytes of a bad word quoted in its message */

/* ---- the scanner ---------------------------------------------------- */

/* Where a token or character starts. */
typedef struct {
  uint64_t off; /* bytes before it in the input */
  unsigned long line, col;
  unsigned char kind; /* queued tokens: T_* */
  char ch;            /* the token's first character */
} mark;

enum { T_VALUE, T_CLOSE, T_SEP };
enum { S_OUT, S_WORD, S_STR, S_ESC, S_HEX };
/* a word: the states of a JSON number, then true/false/null */
enum {
  W_MINUS,
  W_ZERO,
  W_INT,
  W_DOT,
  W_FRAC,
  W_E,
  W_ESIGN,
  W_EXP,
  W_LITERAL,
  W_BAD
};

typedef struct {
  mark at; /* the next character */
  int cr;  /* the last character was CR */
  int state;
  int any; /* a token was seen */
  /* a UTF-8 sequence being read */
  unsigned need;
  uint32_t cp, min;
  mark seq;
  /* the string or word being read, and the escape in it */
  mark start, esc;
  int hexn;
  uint32_t hex, high; /* high: a high surrogate waiting for its low half */
  mark high_at;
  int word;            /* W_* */
  const char *literal; /* W_LITERAL: "true", "false" or "null" */
  size_t wlen;
  char shown[WORD_SHOWN + 1];
  /* the first error found */
  int bad;
  mark bad_at;
  char text[200];
} scanner;

/* ---- the trees ------------------------------------------------------ */
typedef enum {
  F_NODE,    /* a mapping or list being built */
  F_TOP_MAP, /* a document's top-level mapping (never built whole) */
  F_STREAM   /* a list whose items are handed over one by one */
} frame_kind;

typedef struct {
  frame_kind kind;
  char open;               /* '{' or '[' */
  unsigned long line, col; /* where it opens */
  evpubp_node *node;       /* F_NODE */
  size_t base;             /* F_NODE: its items from stack[base] */
  evpubp_arena *arena;     /* F_NODE: where its nodes go */
  int depth;               /* F_NODE: 1 for an item, as in yaml.c */
  evpubp_collection coll;  /* F_STREAM */
} frame;

typedef struct {
  const evpubp_read_ctx *ctx; /* its arena holds the items */
  yajl_handle yajl;
  scanner s;
  mark *q; /* the tokens yajl has not reached, from q[qhead] */
  size_t qhead, qn, qcap;
  mark last;              /* the last token taken */
  uint64_t fed;           /* offset of the bytes yajl was last given */
  evpubp_arena doc_arena; /* top-level keys and header values */
  evpubp_node **stack;    /* children of the nodes being built */
  size_t sp, stack_cap;
  frame frames[MAX_DEPTH + 2];
  size_t nf;
  int begun;  /* the document has begun (doc_begin called) */
  int failed; /* an error stopped the reading */
  int rc;     /* a callback's result that stopped it */
  /* the top-level mapping: the key whose value comes next */
  evpubp_node *key;
  int key_coll;  /* its collection, or -1 */
  unsigned seen; /* collections and header keys met (bits) */
  int with_collections;
  evpubp_node_list other; /* the other keys and their values */
} reader;

static void scan_error(scanner *s, const mark *at, const char *fmt, ...)
#ifdef __GNUC__
  __attribute__((format(printf, 3, 4)))
#endif
  ;

static void
scan_error(scanner *s, const mark *at, const char *fmt, ...)
{
  va_list ap;
  s->bad = 1;
  s->bad_at = *at;
  va_start(ap, fmt);
  vsnprintf(s->text, sizeof(s->text), fmt, ap);
  va_end(ap);
}

/* A character in a message: 'c' when printable ASCII, else U+XXXX. */
static void
show_char(char *out, size_t n, uint32_t c)
{
  if(c > 0x20 && c < 0x7f)
    snprintf(out, n, "'%c'", (int)c);
  else
    snprintf(out, n, "U+%04lX", (unsigned long)c);
}

static int
enqueue(reader *r, const mark *at, int kind, uint32_t c)
{
  mark m = *at;
  m.kind = (unsigned char)kind;
  m.ch = (char)c;
  if(evpubp_grow(&r->q, r->qn, &r->qcap, sizeof(*r->q), 64)) {
    scan_error(&r->s, at, "out of memory");
    return -1;
  }
  r->q[r->qn++] = m;
  r->s.any = 1;
  return 0;
}

static int
is_word_char(uint32_t c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
    (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == '_';
}

/* One more character of a word: a JSON number, true, false or null. */
static void
word_step(scanner *s, uint32_t c)
{
  int digit = c >= '0' && c <= '9', w = s->word;
  if(s->wlen < WORD_SHOWN)
    s->shown[s->wlen] = (char)c;
  s->wlen++;
  if(s->wlen == 1) {
    s->literal = c == 't' ? "true"
      : c == 'f'          ? "false"
      : c == 'n'          ? "null"
                          : 0;
    s->word = c == '-' ? W_MINUS
      : c == '0'       ? W_ZERO
      : digit          ? W_INT
      : s->literal     ? W_LITERAL
                       : W_BAD;
    return;
  }
  switch(w) {
  case W_MINUS: w = c == '0' ? W_ZERO : digit ? W_INT : W_BAD; break;
  case W_ZERO:
    w = c == '.' ? W_DOT : (c == 'e' || c == 'E') ? W_E : W_BAD;
    break;
  case W_INT:
    w = digit                  ? W_INT
      : c == '.'               ? W_DOT
      : (c == 'e' || c == 'E') ? W_E
                               : W_BAD;
    break;
  case W_DOT: w = digit ? W_FRAC : W_BAD; break;
  case W_FRAC:
    w = digit ? W_FRAC : (c == 'e' || c == 'E') ? W_E : W_BAD;
    break;
  case W_E:
    w = digit ? W_EXP : (c == '+' || c == '-') ? W_ESIGN : W_BAD;
    break;
  case W_ESIGN:
  case W_EXP: w = digit ? W_EXP : W_BAD; break;
  case W_LITERAL:
    if(s->wlen > strlen(s->literal) || s->literal[s->wlen - 1] != (char)c)
      w = W_BAD;
    break;
  default: break;
  }
  s->word = w;
}

/* The word has ended: is it one? */
static int
word_end(scanner *s)
{
  int ok;
  size_t n = s->wlen < WORD_SHOWN ? s->wlen : WORD_SHOWN;
  s->state = S_OUT;
  switch(s->word) {
  case W_ZERO:
  case W_INT:
  case W_FRAC:
  case W_EXP: ok = 1; break;
  case W_LITERAL: ok = s->wlen == strlen(s->literal); break;
  default: ok = 0; break;
  }
  if(ok)
    return 0;
  s->shown[n] = '\0';
  if(strchr("+-.", s->shown[0]) || (s->shown[0] >= '0' && s->shown[0] <= '9'))
    scan_error(s, &s->start, "syntax error: invalid number '%s%s'", s->shown,
               s->wlen > n ? "..." : "");
  else
    scan_error(s, &s->start,
               "syntax error: invalid word '%s%s' (strings are in double "
               "quotes; the only words are true, false and null)",
               s->shown, s->wlen > n ? "..." : "");
  return -1;
}

static void
lone_surrogate(scanner *s, const mark *at, uint32_t u)
{
  scan_error(s, at,
             "lone surrogate '\\u%04lx' in a string (half of a UTF-16 pair "
             "is not a character)",
             (unsigned long)u);
}

static int
hex_value(uint32_t c)
{
  if(c >= '0' && c <= '9')
    return (int)(c - '0');
  if(c >= 'a' && c <= 'f')
    return (int)(c - 'a' + 10);
  if(c >= 'A' && c <= 'F')
    return (int)(c - 'A' + 10);
  return -1;
}

/* One character c at at.  Returns 0, or -1 with the error set. */
static int
scan_char(reader *r, uint32_t c, const mark *at)
{
  scanner *s = &r->s;
  char shown[16];
  int h;
  switch(s->state) {
  case S_WORD:
    if(is_word_char(c)) {
      word_step(s, c);
      return 0;
    }
    if(word_end(s))
      return -1;
    break; /* and c starts what follows */
  case S_STR:
    if(s->high && c != '\\') {
      lone_surrogate(s, &s->high_at, s->high);
      return -1;
    }
    if(c == '"')
      s->state = S_OUT;
    else if(c == '\\')
      s->state = S_ESC, s->esc = *at;
    else if(c == '\n' || c == '\r') {
      scan_error(s, at,
                 "syntax error: line break in a string (a string ends on "
                 "its line; write a line break as '\\n')");
      return -1;
    } else if(c < 0x20) {
      char esc[8];
      snprintf(esc, sizeof(esc), c == '\t' ? "\\t" : "\\u%04lx",
               (unsigned long)c);
      scan_error(s, at,
                 "syntax error: control character U+%04lX in a string "
                 "(write it as '%s')",
                 (unsigned long)c, esc);
      return -1;
    }
    return 0;
  case S_ESC:
    if(s->high && c != 'u') {
      lone_surrogate(s, &s->high_at, s->high);
      return -1;
    }
    if(c == 'u') {
      s->state = S_HEX;
      s->hexn = 0;
      s->hex = 0;
      return 0;
    }
    if(c == '"' || c == '\\' || c == '/' || c == 'b' || c == 'f' || c == 'n' ||
       c == 'r' || c == 't') {
      s->state = S_STR;
      return 0;
    }
    if(c > 0x20 && c < 0x7f)
      scan_error(s, &s->esc,
                 "syntax error: invalid escape '\\%c' in a string (write a "
                 "backslash as '\\\\')",
                 (int)c);
    else
      scan_error(s, &s->esc, "syntax error: invalid escape in a string");
    return -1;
  case S_HEX:
    h = hex_value(c);
    if(h < 0) {
      scan_error(s, &s->esc,
                 "syntax error: '\\u' in a string must be followed by four "
                 "hexadecimal digits");
      return -1;
    }
    s->hex = s->hex << 4 | (uint32_t)h;
    if(++s->hexn < 4)
      return 0;
    s->state = S_STR;
    if(s->high) {
      if(s->hex < 0xDC00 || s->hex > 0xDFFF) {
        lone_surrogate(s, &s->high_at, s->high);
        return -1;
      }
      s->high = 0; /* a pair: one character */
    } else if(s->hex >= 0xD800 && s->hex <= 0xDBFF) {
      s->high = s->hex;
      s->high_at = s->esc;
    } else if(s->hex >= 0xDC00 && s->hex <= 0xDFFF) {
      lone_surrogate(s, &s->esc, s->hex);
      return -1;
    }
    return 0;
  default: break;
  }

  /* between tokens */
  switch(c) {
  case ' ':
  case '\t':
  case '\n':
  case '\r': return 0;
  case '{':
  case '[': return enqueue(r, at, T_VALUE, c);
  case '}':
  case ']': return enqueue(r, at, T_CLOSE, c);
  case ',':
  case ':': return enqueue(r, at, T_SEP, c);
  case '"':
    s->state = S_STR;
    s->start = *at;
    return enqueue(r, at, T_VALUE, c);
  default: break;
  }
  if(is_word_char(c)) {
    s->state = S_WORD;
    s->start = *at;
    s->wlen = 0;
    word_step(s, c);
    return enqueue(r, at, T_VALUE, c);
  }
  show_char(shown, sizeof(shown), c);
  scan_error(s, at, "syntax error: unexpected character %s%s", shown,
             c == '/' || c == '#' ? " (JSON has no comments)"
               : c == '\''        ? " (strings are in double quotes)"
                                  : "");
  return -1;
}

/* Scan b[n], which starts at offset s->at.off.  Returns how many of its
 * bytes come before the first bad one (all of them when none is). */
static size_t
scan(reader *r, const unsigned char *b, size_t n)
{
  scanner *s = &r->s;
  uint64_t first = s->at.off;
  size_t i;
  for(i = 0; i < n && !s->bad; i++) {
    unsigned c = b[i];
    uint32_t ch;
    mark at;
    if(s->need) {
      if((c & 0xC0) != 0x80)
        goto bad_utf8;
      s->cp = s->cp << 6 | (c & 0x3F);
      s->at.off++;
      if(--s->need)
        continue;
      if(s->cp < s->min || (s->cp >= 0xD800 && s->cp <= 0xDFFF) ||
         s->cp > 0x10FFFF)
        goto bad_utf8;
      ch = s->cp;
      at = s->seq;
    } else if(c < 0x80) {
      if(!c) {
        scan_error(s, &s->at, "NUL byte (the input must be text)");
        break;
      }
      ch = c;
      at = s->at;
      s->at.off++;
    } else {
      s->seq = s->at;
      s->at.off++;
      if(c >= 0xC2 && c <= 0xDF)
        s->need = 1, s->cp = c & 0x1F, s->min = 0x80;
      else if(c >= 0xE0 && c <= 0xEF)
        s->need = 2, s->cp = c & 0x0F, s->min = 0x800;
      else if(c >= 0xF0 && c <= 0xF4)
        s->need = 3, s->cp = c & 0x07, s->min = 0x10000;
      else
        goto bad_utf8;
      continue;
    }
    /* the position after ch */
    if(ch == '\n' && s->cr) {
      s->cr = 0;
    } else if(ch == '\n' || ch == '\r') {
      s->at.line++;
      s->at.col = 1;
      s->cr = ch == '\r';
    } else {
      s->at.col++;
      s->cr = 0;
    }
    if(scan_char(r, ch, &at))
      break;
    continue;
  bad_utf8:
    scan_error(s, &s->seq, "invalid UTF-8 (the input must be UTF-8 text)");
    break;
  }
  if(!s->bad)
    return n;
  /* yajl gets what comes before the bad character or token */
  return s->bad_at.off > first ? (size_t)(s->bad_at.off - first) : 0;
}

/* The input has ended: nothing may be left unfinished. */
static void
scan_end(reader *r)
{
  scanner *s = &r->s;
  if(s->bad)
    return;
  if(s->need)
    scan_error(s, &s->seq, "invalid UTF-8 (the input must be UTF-8 text)");
  else if(s->state == S_WORD)
    word_end(s);
  else if(s->state != S_OUT)
    scan_error(s, &s->start, "syntax error: the input ends inside a string");
}

/* ---- positions of yajl's events -------------------------------------- */

/* The next queued token of kind (those before it are separators). */
static mark
take(reader *r, int kind)
{
  while(r->qhead < r->qn) {
    mark m = r->q[r->qhead++];
    if(m.kind == kind) {
      r->last = m;
      return m;
    }
  }
  return r->last; /* not reached: yajl reads the tokens we queued */
}

/* ---- building ------------------------------------------------------- */

static int
stop(reader *r)
{
  r->failed = 1;
  return 0; /* yajl: cancel */
}

static int
no_memory(reader *r)
{
  evpubp_read_error(r->ctx, 0, 0, "out of memory");
  return stop(r);
}

static frame *
top(reader *r)
{
  return r->nf ? &r->frames[r->nf - 1] : NULL;
}

/* Where the nodes of the next value go. */
static evpubp_arena *
arena_of_next(reader *r)
{
  frame *p = top(r);
  if(!p)
    return &r->doc_arena;
  if(p->kind == F_NODE)
    return p->arena;
  if(p->kind == F_STREAM || r->key_coll >= 0)
    return r->ctx->arena;
  return &r->doc_arena;
}

/* The document begins with its first value. */
static int
begin(reader *r)
{
  int rc;
  if(r->begun)
    return 1;
  r->begun = 1;
  rc = r->ctx->cb->doc_begin(r->ctx->user, (*r->ctx->docno)++);
  if(rc) {
    r->rc = rc;
    return 0;
  }
  return 1;
}

static int
collection_of(const char *key, size_t len)
{
  int i;
  for(i = 0; i < EVPUBP_C_COUNT; i++)
    if(strlen(evpubp_collection_names[i]) == len &&
       !memcmp(evpubp_collection_names[i], key, len))
      return i;
  return -1;
}

/* A bit for each header key (above the collections' bits), 0 for any
 * other key. */
static unsigned
header_bit(const evpubp_node *key)
{
  if(evpubp_streq(key, "base"))
    return 1u << EVPUBP_C_COUNT;
  if(evpubp_streq(key, "lang"))
    return 1u << (EVPUBP_C_COUNT + 1);
  if(evpubp_streq(key, "prefixes"))
    return 1u << (EVPUBP_C_COUNT + 2);
  return 0;
}

/* An item of collection c: handed over, then its memory reused. */
static int
hand_item(reader *r, evpubp_collection c, const evpubp_node *node)
{
  int rc = 0;
  if(node->kind != EVPUBP_N_NULL)
    rc = r->ctx->cb->item(r->ctx->user, c, node);
  evpubp_arena_reset(r->ctx->arena);
  if(rc) {
    r->rc = rc;
    return 0;
  }
  return 1;
}

/* The value of the top-level mapping's current key. */
static int
top_value(reader *r, evpubp_node *val)
{
  evpubp_node *key = r->key;
  int rc = 0;
  r->key = NULL;
  if(r->key_coll >= 0) {
    if(val->kind == EVPUBP_N_MAP)
      rc = r->ctx->cb->item(r->ctx->user, (evpubp_collection)r->key_coll, val);
    else if(val->kind != EVPUBP_N_NULL)
      evpubp_read_error(r->ctx, val->line, val->col,
                        "'%s' must be a list of mappings", key->str);
    evpubp_arena_reset(r->ctx->arena);
  } else if(header_bit(key)) {
    rc = r->ctx->cb->header(r->ctx->user, key, val);
  } else {
    evpubp_node_list_push(&r->other, key);
    evpubp_node_list_push(&r->other, val);
  }
  if(rc) {
    r->rc = rc;
    return 0;
  }
  return 1;
}

/* A complete value (a scalar, or a mapping or list just closed). */
static int
place(reader *r, evpubp_node *node)
{
  frame *p = top(r);
  if(!p) {
    if(node->kind == EVPUBP_N_NULL)
      return 1; /* an empty document */
    evpubp_read_error(r->ctx, node->line, node->col,
                      "expected an event, a list of events or a "
                      "mapping with 'events'");
    return stop(r);
  }
  switch(p->kind) {
  case F_NODE:
    if(evpubp_grow(&r->stack, r->sp, &r->stack_cap, sizeof(*r->stack), 256))
      return no_memory(r);
    r->stack[r->sp++] = node;
    return 1;
  case F_STREAM: return hand_item(r, p->coll, node);
  case F_TOP_MAP: return top_value(r, node);
  }
  return 1;
}

static int
scalar(reader *r, evpubp_node_kind kind, int plain, const char *str,
       size_t len)
{
  mark m = take(r, T_VALUE);
  evpubp_arena *a = arena_of_next(r);
  evpubp_node *node;
  if(!begin(r))
    return 0;
  node = evpubp_new_node(a, kind, m.line, m.col);
  if(!node)
    return no_memory(r);
  node->str = "";
  if(kind == EVPUBP_N_SCALAR) {
    node->plain = (unsigned char)plain;
    node->len = len;
    node->str = evpubp_arena_strndup(a, str, len);
    if(!node->str)
      return no_memory(r);
  }
  return place(r, node);
}

static int
on_null(void *user)
{
  return scalar(user, EVPUBP_N_NULL, 1, "", 0);
}

static int
on_boolean(void *user, int b)
{
  return scalar(user, EVPUBP_N_SCALAR, 1, b ? "true" : "false", b ? 4 : 5);
}

static int
on_number(void *user, const char *s, size_t len)
{
  return scalar(user, EVPUBP_N_SCALAR, 1, s, len);
}

static int
on_string(void *user, const unsigned char *s, size_t len)
{
  return scalar(user, EVPUBP_N_SCALAR, 0, (const char *)s, len);
}

static int
on_map_key(void *user, const unsigned char *s, size_t len)
{
  reader *r = user;
  mark m = take(r, T_VALUE);
  frame *p = top(r);
  evpubp_arena *a = p && p->kind == F_NODE ? p->arena : &r->doc_arena;
  evpubp_node *key = evpubp_new_node(a, EVPUBP_N_SCALAR, m.line, m.col);
  unsigned bit;
  if(!key)
    return no_memory(r);
  key->len = len;
  key->str = evpubp_arena_strndup(a, (const char *)s, len);
  if(!key->str)
    return no_memory(r);
  if(p && p->kind == F_NODE) {
    if(evpubp_grow(&r->stack, r->sp, &r->stack_cap, sizeof(*r->stack), 256))
      return no_memory(r);
    r->stack[r->sp++] = key;
    return 1;
  }
  /* A collection or header key said twice is reported here; the other
   * keys are checked with the single event's mapping. */
  r->key = key;
  r->key_coll = collection_of(key->str, key->len);
  bit = r->key_coll >= 0 ? 1u << r->key_coll : header_bit(key);
  if(bit & r->seen)
    evpubp_read_error(r->ctx, key->line, key->col, "duplicate key '%s'",
                      key->str);
  r->seen |= bit;
  if(r->key_coll >= 0)
    r->with_collections = 1;
  return 1;
}

static int
open_container(reader *r, char open)
{
  mark m = take(r, T_VALUE);
  frame *p = top(r), f;
  if(!begin(r))
    return 0;
  memset(&f, 0, sizeof(f));
  f.open = open;
  f.line = m.line;
  f.col = m.col;
  if(!p) {
    f.kind = open == '{' ? F_TOP_MAP : F_STREAM;
    f.coll = EVPUBP_C_EVENTS;
  } else if(p->kind == F_TOP_MAP && r->key_coll >= 0 && open == '[') {
    f.kind = F_STREAM; /* a collection's list */
    f.coll = (evpubp_collection)r->key_coll;
  } else {
    f.kind = F_NODE;
    f.depth = p->kind == F_NODE ? p->depth + 1 : 1;
    f.arena = arena_of_next(r);
    if(f.depth >= MAX_DEPTH) {
      evpubp_read_error(r->ctx, m.line, m.col,
                        "nesting deeper than 256 levels");
      return stop(r);
    }
    f.node = evpubp_new_node(
      f.arena, open == '{' ? EVPUBP_N_MAP : EVPUBP_N_SEQ, m.line, m.col);
    if(!f.node)
      return no_memory(r);
    f.base = r->sp;
  }
  r->frames[r->nf++] = f;
  return 1;
}

/* The end of the document's top-level mapping: its other keys, if any,
 * go to the schema. */
static int
end_top_map(reader *r)
{
  evpubp_node *keys;
  int rc;
  if(!r->other.n && !r->other.failed)
    return 1;
  keys = evpubp_node_list_finish(&r->other, &r->doc_arena, EVPUBP_N_MAP,
                                 r->other.n ? r->other.it[0]->line : 0,
                                 r->other.n ? r->other.it[0]->col : 0);
  if(!keys)
    return no_memory(r);
  rc = r->ctx->schema->other_keys(r->ctx, keys, r->with_collections);
  if(rc) {
    r->rc = rc;
    return 0;
  }
  return 1;
}

static int
close_container(reader *r)
{
  frame f;
  size_t n;
  int ok = 1;
  take(r, T_CLOSE);
  f = r->frames[--r->nf];
  switch(f.kind) {
  case F_NODE:
    n = r->sp - f.base;
    f.node->n = f.node->kind == EVPUBP_N_MAP ? n / 2 : n;
    if(n) {
      f.node->items = evpubp_arena_alloc(f.arena, n * sizeof(*f.node->items));
      if(!f.node->items)
        return no_memory(r);
      memcpy(f.node->items, r->stack + f.base, n * sizeof(*f.node->items));
    }
    r->sp = f.base;
    if(f.node->kind == EVPUBP_N_MAP)
      evpubp_read_duplicate_keys(r->ctx, f.node);
    return place(r, f.node);
  case F_STREAM:
    if(r->nf) {
      r->key = NULL; /* the collection's list is its key's value */
      return 1;
    }
    break;
  case F_TOP_MAP: ok = end_top_map(r); break;
  }
  evpubp_arena_reset(&r->doc_arena); /* the document has ended */
  return ok;
}

static int
on_start_map(void *user)
{
  return open_container(user, '{');
}

static int
on_start_array(void *user)
{
  return open_container(user, '[');
}

static int
on_end(void *user)
{
  return close_container(user);
}

static const yajl_callbacks callbacks = {
  on_null,      on_boolean, NULL,   NULL,           on_number, on_string,
  on_start_map, on_map_key, on_end, on_start_array, on_end
};

/* ---- yajl's errors -------------------------------------------------- */

/* yajl stopped at a grammar error after consumed bytes of the last ones
 * it was given: report it at the token it read last. */
static void
grammar_error(reader *r, size_t consumed)
{
  unsigned char *e = yajl_get_error(r->yajl, 0, NULL, 0);
  const char *what = e ? (const char *)e : "";
  uint64_t end = r->fed + consumed;
  mark at = r->last, before;
  const char *text;
  char other[160];
  size_t i;
  memset(&before, 0, sizeof(before));
  for(i = r->qhead; i < r->qn && r->q[i].off < end; i++) {
    before = at;
    at = r->q[i];
  }
  if(strstr(what, "trailing garbage"))
    text = "syntax error: text after the end of the JSON value";
  else if(strstr(what, "separated by a colon"))
    text = "syntax error: expected ':' after the key";
  else if(strstr(what, "inside map, I expect"))
    text = "syntax error: expected ',' or '}' after a value in an object";
  else if(strstr(what, "after array element"))
    text = "syntax error: expected ',' or ']' after a value in an array";
  else if((at.ch == '}' || at.ch == ']') && before.ch == ',') {
    snprintf(other, sizeof(other),
             "syntax error: ',' before '%c' (JSON has no trailing commas)",
             at.ch);
    text = other;
    at = before;
  } else if(strstr(what, "invalid object key"))
    text = "syntax error: expected a key (a string in double quotes)";
  else if(strstr(what, "unallowed token"))
    text = "syntax error: expected a value";
  else {
    size_t n;
    const char *colon = strstr(what, "error: ");
    snprintf(other, sizeof(other), "syntax error: %s",
             colon ? colon + 7 : what);
    n = strlen(other);
    while(n && (other[n - 1] == '\n' || other[n - 1] == '.'))
      other[--n] = '\0';
    text = other;
  }
  evpubp_read_error(r->ctx, at.line, at.col, "%s", text);
  if(e)
    yajl_free_error(r->yajl, e);
}

/* The input ended in the middle of the value. */
static void
early_end(reader *r)
{
  frame *p = top(r);
  if(p)
    evpubp_read_error(r->ctx, p->line, p->col,
                      "syntax error: the input ends before this '%c' is "
                      "closed",
                      p->open);
  else
    evpubp_read_error(r->ctx, r->s.at.line, r->s.at.col,
                      "syntax error: the input ends early");
}

/* Give yajl b[n].  Returns 0, or -1 when reading stops. */
static int
feed(reader *r, const unsigned char *b, size_t n)
{
  yajl_status st = yajl_parse(r->yajl, b, n);
  if(st == yajl_status_ok)
    return 0;
  if(st == yajl_status_error && !r->failed && !r->rc) {
    grammar_error(r, yajl_get_bytes_consumed(r->yajl));
    r->failed = 1;
  }
  return -1;
}

/* Is the scanner inside a string or a word? */
static int
in_token(const scanner *s)
{
  return s->state != S_OUT;
}

/* Hand yajl the pending bytes b[0..n) (at offset r->fed), then keep
 * what it was not given.  A string or word that the bytes end in is held
 * back until it is whole: yajl re-reads a token it was given in pieces
 * from its start with each piece, which makes a long string quadratic. */
static int
feed_pending(reader *r, unsigned char *b, size_t *n, size_t upto)
{
  int rc = 0;
  if(upto)
    rc = feed(r, b, upto);
  memmove(b, b + upto, *n - upto);
  *n -= upto;
  r->fed += upto;
  if(r->qhead) { /* drop the tokens yajl has passed */
    memmove(r->q, r->q + r->qhead, (r->qn - r->qhead) * sizeof(*r->q));
    r->qn -= r->qhead;
    r->qhead = 0;
  }
  return rc;
}

static int
read_json(const evpubp_read_ctx *ctx)
{
  reader r;
  unsigned char *buf = NULL; /* what yajl has not had, then new bytes */
  size_t len = 0, cap = 0;
  int first = 1, stopped = 0;
  memset(&r, 0, sizeof(r));
  r.ctx = ctx;
  r.key_coll = -1;
  r.s.at.line = 1;
  r.s.at.col = 1;
  evpubp_arena_init(&r.doc_arena);
  r.yajl = yajl_alloc(&callbacks, NULL, &r);
  if(!r.yajl) {
    evpubp_read_error(ctx, 0, 0, "out of memory");
    return -1;
  }
  /* the scanner has checked the UTF-8 already */
  yajl_config(r.yajl, yajl_dont_validate_strings, 1);
  while(!stopped) {
    size_t n, good;
    while(cap - len < CHUNK) {
      unsigned char *nb = realloc(buf, cap ? 2 * cap : 2 * CHUNK);
      if(!nb) {
        evpubp_read_error(ctx, 0, 0, "out of memory");
        r.failed = 1;
        goto done;
      }
      buf = nb;
      cap = cap ? 2 * cap : 2 * CHUNK;
    }
    n = fread(buf + len, 1, CHUNK, ctx->fp);
    if(!n) {
      if(ferror(ctx->fp)) {
        evpubp_read_error(ctx, r.s.at.line, r.s.at.col,
                          "cannot read the input");
        r.failed = 1;
      }
      break;
    }
    if(first && n >= 3 && !memcmp(buf, "\xEF\xBB\xBF", 3)) {
      /* a byte order mark: not counted, as libyaml does not count it */
      memmove(buf, buf + 3, n - 3);
      n -= 3;
      r.s.at.off = r.fed = 3;
    }
    first = 0;
    good = scan(&r, buf + len, n);
    len += n;
    if(r.s.bad) {
      /* what comes before the bad byte, then the error */
      stopped = 1;
      if(feed_pending(&r, buf, &len, len - n + good))
        break;
    } else if(feed_pending(&r, buf, &len,
                           in_token(&r.s) ? (size_t)(r.s.start.off - r.fed)
                                          : len)) {
      stopped = 1;
    }
  }
  if(!stopped && !r.failed) {
    scan_end(&r);
    /* a number or word at the end, whole now */
    if(!r.s.bad && len && feed_pending(&r, buf, &len, len))
      stopped = 1;
    /* an input of white space alone is an empty stream, as in YAML */
    if(!stopped && !r.s.bad && r.s.any) {
      yajl_status st = yajl_complete_parse(r.yajl);
      if(st == yajl_status_error && !r.failed && !r.rc) {
        unsigned char *e = yajl_get_error(r.yajl, 0, NULL, 0);
        if(e && strstr((const char *)e, "premature EOF"))
          early_end(&r);
        else
          grammar_error(&r, 0);
        if(e)
          yajl_free_error(r.yajl, e);
        r.failed = 1;
      }
    }
  }
  if(r.s.bad && !r.failed && !r.rc) {
    evpubp_read_error(ctx, r.s.bad_at.line, r.s.bad_at.col, "%s", r.s.text);
    r.failed = 1;
  }
done:
  yajl_free(r.yajl);
  free(buf);
  free(r.q);
  free(r.stack);
  evpubp_node_list_free(&r.other);
  evpubp_arena_free(&r.doc_arena);
  if(r.rc)
    return r.rc;
  return r.failed ? -1 : 0;
}

static int
json_sniff(const char *head, size_t len)
{
  size_t i = evpubp_sniff_skip(head, len);
  return i < len && (head[i] == '{' || head[i] == '[');
}

const evpubp_reader evpubp_reader_json = {
  .info = { "json", "event descriptions in JSON", ".json" },
  .sniff = json_sniff,
  .read = read_json
};
