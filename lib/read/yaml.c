/* read/yaml.c - the YAML reader: libyaml events to description trees
 *
 * The reader streams: the items of a document's collections (events,
 * organizations, people, places, works, or the items of a top-level list)
 * are built and handed over one at a time, and their memory is reused for
 * the next, so a file of a million events is read in constant memory.
 *
 * libyaml reports a byte that is not UTF-8, a NUL or another character
 * YAML does not allow at the start of the input (its reader errors carry
 * no line), so the bytes reach it through a handler of ours that checks
 * them as libyaml will, counting lines and columns as libyaml counts
 * them, and stops before the first bad one: libyaml then fails for want
 * of input, and the error is reported where the character is.
 */
#include <stdint.h>
#include <string.h>

#include <yaml.h>

#include "read/read.h"

#define MAX_DEPTH 256

/* The input as libyaml is handed it, and the first bad character in it. */
typedef struct {
  FILE *fp;
  int started;
  int utf16; /* a UTF-16 byte order mark: libyaml decodes and checks it */
  unsigned long line, col; /* of the next character */
  int cr;                  /* the last character was CR */
  int any;                 /* a character was read */
  unsigned need;           /* bytes still to come of a UTF-8 sequence */
  uint32_t cp, min;        /* its code point so far, its smallest */
  unsigned long seq_line, seq_col; /* where it started */
  const char *bad; /* what is wrong with the first bad character */
  unsigned long bad_line, bad_col;
  uint32_t bad_cp;
} input;

typedef struct {
  yaml_parser_t parser;
  input in;
  const evpubp_read_ctx *ctx; /* its arena holds the items */
  evpubp_arena doc_arena;     /* top-level keys of the current document */
  int failed;                 /* a syntax or shape error stopped us */
  evpubp_node **stack;        /* children of the nodes being built */
  size_t sp, stack_cap;
} reader;

/* The characters YAML allows (libyaml's list: c-printable). */
static int
printable(uint32_t c)
{
  return c == 0x09 || c == 0x0A || c == 0x0D || (c >= 0x20 && c <= 0x7E) ||
    c == 0x85 || (c >= 0xA0 && c <= 0xD7FF) || (c >= 0xE000 && c <= 0xFFFD) ||
    (c >= 0x10000 && c <= 0x10FFFF);
}

static void
bad_char(input *in, const char *what, unsigned long line, unsigned long col,
         uint32_t c)
{
  in->bad = what;
  in->bad_line = line;
  in->bad_col = col;
  in->bad_cp = c;
}

/* Check b[n] as libyaml will decode it.  Returns how many bytes come
 * before the first bad character (n when there is none). */
static size_t
check_bytes(input *in, const unsigned char *b, size_t n)
{
  size_t i, start = 0; /* where the character being read began in b */
  for(i = 0; i < n; i++) {
    unsigned c = b[i];
    uint32_t ch;
    unsigned long line = in->line, col = in->col;
    if(in->need) {
      line = in->seq_line;
      col = in->seq_col;
      if((c & 0xC0) != 0x80)
        goto bad_utf8;
      in->cp = in->cp << 6 | (c & 0x3F);
      if(--in->need)
        continue;
      ch = in->cp;
      if(ch < in->min || (ch >= 0xD800 && ch <= 0xDFFF) || ch > 0x10FFFF)
        goto bad_utf8;
    } else {
      start = i;
      if(c < 0x80) {
        ch = c;
      } else {
        in->seq_line = line;
        in->seq_col = col;
        if(c >= 0xC2 && c <= 0xDF)
          in->need = 1, in->cp = c & 0x1F, in->min = 0x80;
        else if(c >= 0xE0 && c <= 0xEF)
          in->need = 2, in->cp = c & 0x0F, in->min = 0x800;
        else if(c >= 0xF0 && c <= 0xF4)
          in->need = 3, in->cp = c & 0x07, in->min = 0x10000;
        else
          goto bad_utf8;
        continue;
      }
    }
    if(!ch) {
      bad_char(in, "NUL byte (the input must be text)", line, col, 0);
      return start;
    }
    if(!printable(ch)) {
      bad_char(in, "non-printable character", line, col, ch);
      return start;
    }
    /* the line breaks libyaml counts: LF, CR, CR LF, NEL, LS, PS */
    if(ch == 0xFEFF && !in->any) {
      /* the byte order mark: libyaml skips it */
    } else if(ch == 0x0A && in->cr) {
      in->cr = 0;
    } else if(ch == 0x0A || ch == 0x0D || ch == 0x85 || ch == 0x2028 ||
              ch == 0x2029) {
      in->line++;
      in->col = 0;
      in->cr = ch == 0x0D;
    } else {
      in->col++;
      in->cr = 0;
    }
    in->any = 1;
    continue;
  bad_utf8:
    bad_char(in, "invalid UTF-8 (the input must be UTF-8 text)", line, col, 0);
    return start;
  }
  return n;
}

/* libyaml's read handler: 1 with *size_read bytes (0 at the end), or 0
 * on an error, which libyaml reports as a reader error. */
static int
read_input(void *data, unsigned char *buffer, size_t size, size_t *size_read)
{
  input *in = data;
  size_t n;
  *size_read = 0;
  if(in->bad)
    return 0;
  n = fread(buffer, 1, size, in->fp);
  if(!in->started && n) {
    in->started = 1;
    in->utf16 = n >= 2 &&
      ((buffer[0] == 0xFF && buffer[1] == 0xFE) ||
       (buffer[0] == 0xFE && buffer[1] == 0xFF));
  }
  if(!n) {
    if(ferror(in->fp)) {
      bad_char(in, "cannot read the input", in->line, in->col, 0);
      return 0;
    }
    if(in->need && !in->utf16) {
      bad_char(in, "invalid UTF-8 (the input must be UTF-8 text)",
               in->seq_line, in->seq_col, 0);
      return 0;
    }
    return 1; /* the end */
  }
  *size_read = in->utf16 ? n : check_bytes(in, buffer, n);
  return *size_read || !in->bad;
}

static int
next_event(reader *r, yaml_event_t *ev)
{
  if(!yaml_parser_parse(&r->parser, ev)) {
    yaml_mark_t m = r->parser.problem_mark;
    const char *problem = r->parser.problem ? r->parser.problem : "invalid";
    const char *context = r->parser.context ? r->parser.context : "";
    char text[512];
    if(r->parser.error == YAML_MEMORY_ERROR) {
      snprintf(text, sizeof(text), "out of memory while reading");
    } else if(r->parser.error == YAML_READER_ERROR && r->in.bad) {
      if(r->in.bad_cp)
        snprintf(text, sizeof(text),
                 "%s U+%04lX (YAML allows only printable characters)",
                 r->in.bad, (unsigned long)r->in.bad_cp);
      else
        snprintf(text, sizeof(text), "%s", r->in.bad);
      m.line = r->in.bad_line;
      m.column = r->in.bad_col;
    } else if(r->parser.error == YAML_READER_ERROR) {
      snprintf(text, sizeof(text), "%s (the input must be UTF-8 text)",
               problem);
      m.line = 0;
      m.column = 0;
      m.index = r->parser.problem_offset;
    } else if(!strcmp(problem,
                      "found character that cannot start any "
                      "token") &&
              r->parser.buffer.pointer < r->parser.buffer.last &&
              *r->parser.buffer.pointer == '\t') {
      snprintf(text, sizeof(text),
               "syntax error: tab character in "
               "indentation (YAML indents with spaces only)");
    } else {
      if(!strcmp(problem, "found unexpected end of stream") &&
         r->parser.context)
        m = r->parser.context_mark; /* where the unclosed thing began */
      snprintf(text, sizeof(text), "syntax error: %s%s%s", problem,
               *context ? " " : "", context);
    }
    r->ctx->cb->error(r->ctx->user, m.line + 1, m.column + 1, text);
    r->failed = 1;
    return -1;
  }
  return 0;
}

static int
is_null_scalar(const yaml_event_t *ev)
{
  const char *v = (const char *)ev->data.scalar.value;
  size_t n = ev->data.scalar.length;
  if(ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || ev->data.scalar.tag)
    return 0;
  return n == 0 || (n == 1 && v[0] == '~') ||
    (n == 4 &&
     (!memcmp(v, "null", 4) || !memcmp(v, "Null", 4) ||
      !memcmp(v, "NULL", 4)));
}

/* A mapping or list where a key must be: reading stops (ev consumed). */
static void
not_a_key(reader *r, yaml_event_t *ev)
{
  evpubp_read_error(r->ctx, ev->start_mark.line + 1, ev->start_mark.column + 1,
                    "keys must be plain strings");
  yaml_event_delete(ev);
  r->failed = 1;
}

/* Build the node that starts with *ev (consumed).  Returns NULL on error
 * (reported) with r->failed set. */
static evpubp_node *
build(reader *r, evpubp_arena *a, yaml_event_t *ev, int depth)
{
  evpubp_node *node = evpubp_new_node(
    a, EVPUBP_N_NULL, ev->start_mark.line + 1, ev->start_mark.column + 1);
  size_t n = 0, base = r->sp;
  yaml_event_type_t end;
  int is_map;

  if(!node) {
    yaml_event_delete(ev);
    r->failed = 1;
    evpubp_read_error(r->ctx, 0, 0, "out of memory");
    return NULL;
  }

  switch(ev->type) {
  case YAML_SCALAR_EVENT:
    if(is_null_scalar(ev)) {
      node->kind = EVPUBP_N_NULL;
      node->str = "";
    } else {
      node->kind = EVPUBP_N_SCALAR;
      node->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
      node->len = ev->data.scalar.length;
      node->str = evpubp_arena_strndup(a, (const char *)ev->data.scalar.value,
                                       node->len);
      if(!node->str) {
        yaml_event_delete(ev);
        r->failed = 1;
        return NULL;
      }
    }
    yaml_event_delete(ev);
    return node;
  case YAML_ALIAS_EVENT:
    evpubp_read_error(r->ctx, ev->start_mark.line + 1,
                      ev->start_mark.column + 1,
                      "aliases ('*%s') are not supported; write the value out",
                      (const char *)ev->data.alias.anchor);
    yaml_event_delete(ev);
    r->failed = 1;
    return NULL;
  case YAML_SEQUENCE_START_EVENT:
  case YAML_MAPPING_START_EVENT: break;
  default:
    evpubp_read_error(r->ctx, ev->start_mark.line + 1,
                      ev->start_mark.column + 1, "unexpected YAML event");
    yaml_event_delete(ev);
    r->failed = 1;
    return NULL;
  }

  is_map = ev->type == YAML_MAPPING_START_EVENT;
  end = is_map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT;
  node->kind = is_map ? EVPUBP_N_MAP : EVPUBP_N_SEQ;
  yaml_event_delete(ev);
  if(depth >= MAX_DEPTH) {
    evpubp_read_error(r->ctx, node->line, node->col,
                      "nesting deeper than 256 levels");
    r->failed = 1;
    return NULL;
  }
  for(;;) {
    yaml_event_t child;
    evpubp_node *c;
    if(next_event(r, &child))
      goto fail;
    if(child.type == end) {
      yaml_event_delete(&child);
      break;
    }
    if(is_map && !(n % 2) && child.type != YAML_SCALAR_EVENT) {
      not_a_key(r, &child);
      goto fail;
    }
    c = build(r, a, &child, depth + 1);
    if(!c)
      goto fail;
    if(is_map && !(n % 2) && c->kind == EVPUBP_N_NULL) {
      c->kind = EVPUBP_N_SCALAR; /* a key "null" or "~" is a name */
    }
    if(evpubp_grow(&r->stack, r->sp, &r->stack_cap, sizeof(*r->stack), 256)) {
      r->failed = 1;
      goto fail;
    }
    r->stack[r->sp++] = c;
    n++;
  }
  node->n = is_map ? n / 2 : n;
  if(n) {
    node->items = evpubp_arena_alloc(a, n * sizeof(*node->items));
    if(!node->items) {
      r->failed = 1;
      goto fail;
    }
    memcpy(node->items, r->stack + base, n * sizeof(*node->items));
  }
  r->sp = base;
  if(is_map)
    evpubp_read_duplicate_keys(r->ctx, node);
  return node;
fail:
  r->sp = base;
  return NULL;
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

/* Hand over the items of a sequence one by one (its start is consumed). */
static int
stream_items(reader *r, evpubp_collection c)
{
  for(;;) {
    yaml_event_t ev;
    evpubp_node *node;
    int rc;
    if(next_event(r, &ev))
      return -1;
    if(ev.type == YAML_SEQUENCE_END_EVENT) {
      yaml_event_delete(&ev);
      return 0;
    }
    node = build(r, r->ctx->arena, &ev, 1);
    if(!node)
      return -1;
    if(node->kind == EVPUBP_N_NULL) {
      evpubp_arena_reset(r->ctx->arena);
      continue;
    }
    rc = r->ctx->cb->item(r->ctx->user, c, node);
    evpubp_arena_reset(r->ctx->arena);
    if(rc)
      return rc;
  }
}

/* A collection or header key said twice is reported here; the other
 * keys are checked with the single event's mapping. */
static void
check_top_key(reader *r, const evpubp_node *key, int coll, unsigned *seen)
{
  unsigned bit = coll >= 0 ? 1u << coll : header_bit(key);
  if(bit & *seen)
    evpubp_read_error(r->ctx, key->line, key->col, "duplicate key '%s'",
                      key->str);
  *seen |= bit;
}

/* The value of collection key: a list, handed over item by item, or a
 * single mapping. */
static int
read_collection(reader *r, const evpubp_node *key, evpubp_collection coll)
{
  yaml_event_t ev;
  evpubp_node *val;
  int rc = 0;
  if(next_event(r, &ev))
    return -1;
  if(ev.type == YAML_SEQUENCE_START_EVENT) {
    yaml_event_delete(&ev);
    return stream_items(r, coll);
  }
  val = build(r, r->ctx->arena, &ev, 1);
  if(!val)
    return -1;
  if(val->kind == EVPUBP_N_MAP)
    rc = r->ctx->cb->item(r->ctx->user, coll, val);
  else if(val->kind != EVPUBP_N_NULL)
    evpubp_read_error(r->ctx, val->line, val->col,
                      "'%s' must be a list of mappings", key->str);
  evpubp_arena_reset(r->ctx->arena);
  return rc;
}

/* The keys of a document's top-level mapping (its start is consumed):
 * collections are streamed, header keys handed over, and the other keys
 * kept until the end, where the schema says whether they are one event. */
static int
read_top_mapping(reader *r)
{
  evpubp_node_list other = { 0 };
  evpubp_node *keys;
  unsigned seen = 0; /* collections and header keys met (bits) */
  int with_collections = 0, rc;
  for(;;) {
    yaml_event_t ev;
    evpubp_node *key, *val;
    int coll;
    if(next_event(r, &ev))
      goto fail;
    if(ev.type == YAML_MAPPING_END_EVENT) {
      yaml_event_delete(&ev);
      break;
    }
    if(ev.type != YAML_SCALAR_EVENT) {
      not_a_key(r, &ev);
      goto fail;
    }
    key = build(r, &r->doc_arena, &ev, 1);
    if(!key)
      goto fail;
    coll = collection_of(key->str, key->len);
    check_top_key(r, key, coll, &seen);
    if(coll >= 0) {
      with_collections = 1;
      rc = read_collection(r, key, (evpubp_collection)coll);
      if(rc)
        goto stop;
      continue;
    }
    if(next_event(r, &ev))
      goto fail;
    val = build(r, &r->doc_arena, &ev, 1);
    if(!val)
      goto fail;
    if(header_bit(key)) {
      rc = r->ctx->cb->header(r->ctx->user, key, val);
      if(rc)
        goto stop;
      continue;
    }
    evpubp_node_list_push(&other, key);
    evpubp_node_list_push(&other, val);
  }
  if(!other.n && !other.failed)
    return 0;
  keys = evpubp_node_list_finish(&other, &r->doc_arena, EVPUBP_N_MAP,
                                 other.n ? other.it[0]->line : 0,
                                 other.n ? other.it[0]->col : 0);
  if(!keys) {
    r->failed = 1;
    return -1;
  }
  return r->ctx->schema->other_keys(r->ctx, keys, with_collections);
fail:
  rc = -1;
stop:
  evpubp_node_list_free(&other);
  return rc;
}

static int
read_document(reader *r)
{
  yaml_event_t ev;
  int rc = 0;
  if(next_event(r, &ev))
    return -1;
  if(ev.type == YAML_SEQUENCE_START_EVENT) {
    yaml_event_delete(&ev);
    rc = stream_items(r, EVPUBP_C_EVENTS);
  } else if(ev.type == YAML_MAPPING_START_EVENT) {
    yaml_event_delete(&ev);
    rc = read_top_mapping(r);
  } else if(ev.type == YAML_SCALAR_EVENT && is_null_scalar(&ev)) {
    yaml_event_delete(&ev); /* an empty document */
  } else {
    evpubp_read_error(r->ctx, ev.start_mark.line + 1, ev.start_mark.column + 1,
                      "expected an event, a list of events or a "
                      "mapping with 'events'");
    yaml_event_delete(&ev);
    r->failed = 1;
    rc = -1;
  }
  evpubp_arena_reset(&r->doc_arena);
  if(rc)
    return rc;
  if(next_event(r, &ev))
    return -1;
  yaml_event_delete(&ev); /* DOCUMENT-END */
  return 0;
}

static int
read_stream(const evpubp_read_ctx *ctx)
{
  reader r;
  yaml_event_t ev;
  int rc = 0;
  memset(&r, 0, sizeof(r));
  if(!yaml_parser_initialize(&r.parser))
    return -1;
  r.in.fp = ctx->fp;
  yaml_parser_set_input(&r.parser, read_input, &r.in);
  r.ctx = ctx;
  evpubp_arena_init(&r.doc_arena);
  if(next_event(&r, &ev))
    goto done;
  yaml_event_delete(&ev); /* STREAM-START */
  for(;;) {
    if(next_event(&r, &ev)) {
      rc = -1;
      break;
    }
    if(ev.type == YAML_STREAM_END_EVENT) {
      yaml_event_delete(&ev);
      break;
    }
    yaml_event_delete(&ev); /* DOCUMENT-START */
    rc = ctx->cb->doc_begin(ctx->user, (*ctx->docno)++);
    if(rc)
      break;
    rc = read_document(&r);
    if(rc)
      break;
  }
done:
  if(r.failed && !rc)
    rc = -1;
  evpubp_arena_free(&r.doc_arena);
  free(r.stack);
  yaml_parser_delete(&r.parser);
  return rc;
}

const evpubp_reader evpubp_reader_yaml = {
  .info = { "yaml", "event descriptions in YAML (doc/input-format.md)",
            ".yaml .yml" },
  .read = read_stream
};
