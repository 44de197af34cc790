/* read/csv.c - the CSV reader (spec section 6, doc/csv.md)
 *
 * libcsv splits the bytes into fields and records; this file turns the
 * header into key paths and every following record into one event
 * mapping of the description tree.  The input is read in blocks and a
 * row's memory is reused for the next, so the memory needed does not
 * grow with the number of rows.
 *
 * Positions: a node's line is the physical line where its cell starts
 * (line breaks inside quoted cells count), its column the 1-based field
 * number.  libcsv does not report offsets, so lines are counted from what
 * it hands over: the line breaks inside field contents, and the record
 * terminators (CSV_REPALL_NL reports every one, empty lines too).
 */
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "read/read.h"

#define BLOCK_SIZE 65536
#define MAX_CELL ((size_t)4 << 20) /* bytes in one cell */
#define MAX_ROW ((size_t)16 << 20) /* bytes in one row */
#define MAX_COLS 4096              /* header cells */
#define MAX_SEGS 32                /* segments of one key path */
#define MAX_INDEX 10000UL          /* largest [n] */

typedef struct {
  const char *name; /* NUL-terminated, lives as long as the header */
  size_t len;
  unsigned long index; /* [n], 0 when none */
} seg;

typedef struct {
  seg *segs;
  size_t nsegs;
  int split;        /* the cell is a ';' list */
  const char *text; /* the header cell, trimmed */
  unsigned long line, col;
} csvcol;

typedef struct {
  size_t off, len; /* in rowbuf; NUL-terminated there */
  unsigned long line, col;
} cell;

typedef struct kslot kslot;
typedef struct islot islot;

/* A list position (or the only value) of a key. */
struct islot {
  const char *str; /* the scalar text given for this position, or NULL */
  size_t len;
  unsigned long sline, scol; /* where str comes from */
  size_t scolumn;            /* the column that gave str */
  kslot *kids, *kids_tail;   /* keys below this position */
  unsigned long line, col;   /* first cell that made it */
};

/* A key of a mapping and its values. */
struct kslot {
  const seg *sg;
  size_t column, depth; /* the column that made it, its segment */
  islot **items;        /* items[0] is position 1 */
  size_t nitems, cap;
  int force_list; /* written with [n], or several values in a cell */
  kslot *next;
};

typedef struct {
  struct csv_parser p;
  const evpubp_read_ctx *ctx; /* its arena holds one row's nodes */
  evpubp_arena hdr;           /* the header's columns */
  csvcol *cols;
  size_t ncols;
  int have_header;
  evpubp_buf rowbuf;
  cell *cells;
  size_t ncells, capcells;
  size_t nfields;     /* fields of the current record so far */
  int overflow;       /* too many cells reported for this record */
  int row_error;      /* an error in the row being built */
  unsigned long line; /* physical line at the parse position */
  int pending_cr;     /* the last line break was a CR */
  int stop;           /* stop reading (fatal error or callback result) */
  int rc;             /* a callback's nonzero result */
  evpubp_buf tmp;
} reader;

/* Keep the default white space trimming of libcsv off: cells are kept
 * exactly as written. */
static int
no_space(unsigned char c)
{
  (void)c;
  return 0;
}

/* Line breaks in s[n]: LF, CRLF or a lone CR. */
static unsigned long
count_breaks(const char *s, size_t n)
{
  unsigned long k = 0;
  size_t i;
  for(i = 0; i < n; i++) {
    if(s[i] == '\n')
      k++;
    else if(s[i] == '\r' && (i + 1 >= n || s[i + 1] != '\n'))
      k++;
  }
  return k;
}

/* How many bytes of s[n] to show in a message: at most 60, not cutting
 * a UTF-8 sequence. */
static int
show_len(const char *s, size_t n)
{
  size_t k = n < 60 ? n : 60;
  while(k < n && k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
    k--;
  return (int)k;
}

static int
is_ws(char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Does a cell of a multi-valued key hold no value (only ';' and white
 * space)? */
static int
split_empty(const char *s, size_t n)
{
  size_t i;
  for(i = 0; i < n; i++)
    if(s[i] != ';' && !is_ws(s[i]))
      return 0;
  return 1;
}

/* ---- the header --------------------------------------------------- */

/* Append the path of column c up to segment depth (its index too when
 * with_last). */
static void
path_text(evpubp_buf *b, const csvcol *c, size_t depth, int with_last)
{
  size_t i;
  for(i = 0; i <= depth && i < c->nsegs; i++) {
    if(i)
      evpubp_buf_addc(b, '.');
    evpubp_buf_add(b, c->segs[i].name, c->segs[i].len);
    if(c->segs[i].index && (i < depth || with_last))
      evpubp_buf_printf(b, "[%lu]", c->segs[i].index);
  }
}

/* Parse header cell s[n] into column c.  Returns 0, or -1 (reported). */
static int
parse_path(reader *r, csvcol *c, const char *s, size_t n)
{
  seg segs[MAX_SEGS];
  size_t ns = 0, i = 0;
  const char *t = c->text;
  if(!n) {
    evpubp_read_error(r->ctx, c->line, c->col,
                      "empty column name in the header");
    return -1;
  }
  if(strstr(s, "://")) {
    /* an extension key written as an absolute IRI: one key, no path */
    segs[0].name = s;
    segs[0].len = n;
    segs[0].index = 0;
    ns = 1;
    goto done;
  }
  for(;;) {
    size_t start = i;
    char *nm;
    while(i < n && s[i] != '.' && s[i] != '[' && s[i] != ']')
      i++;
    if(i == start) {
      evpubp_read_error(
        r->ctx, c->line, c->col,
        "empty key in column '%s' (a path is key.key or key[n].key)", t);
      return -1;
    }
    if(ns == MAX_SEGS) {
      evpubp_read_error(r->ctx, c->line, c->col,
                        "column '%.*s...' nests deeper than %d",
                        show_len(t, n), t, MAX_SEGS);
      return -1;
    }
    nm = evpubp_arena_strndup(&r->hdr, s + start, i - start);
    if(!nm) {
      evpubp_read_error(r->ctx, c->line, c->col, "out of memory");
      return -1;
    }
    segs[ns].name = nm;
    segs[ns].len = i - start;
    segs[ns].index = 0;
    if(i < n && s[i] == ']') {
      evpubp_read_error(r->ctx, c->line, c->col,
                        "unexpected ']' in column '%s'", t);
      return -1;
    }
    if(i < n && s[i] == '[') {
      unsigned long v = 0;
      size_t d = ++i;
      while(i < n && s[i] >= '0' && s[i] <= '9') {
        if(v <= MAX_INDEX)
          v = v * 10 + (unsigned long)(s[i] - '0');
        i++;
      }
      if(i == d || i >= n || s[i] != ']') {
        evpubp_read_error(r->ctx, c->line, c->col,
                          "the position in column '%s' is not a number: write "
                          "key[n] with n counting from 1",
                          t);
        return -1;
      }
      if(v == 0) {
        evpubp_read_error(r->ctx, c->line, c->col,
                          "position [0] in column '%s': list positions count "
                          "from 1",
                          t);
        return -1;
      }
      if(v > MAX_INDEX) {
        evpubp_read_error(r->ctx, c->line, c->col,
                          "position in column '%s' is larger than %lu", t,
                          MAX_INDEX);
        return -1;
      }
      segs[ns].index = v;
      i++; /* ']' */
      if(i < n && s[i] == '[') {
        evpubp_read_error(r->ctx, c->line, c->col,
                          "column '%s': a list inside a list is not allowed",
                          t);
        return -1;
      }
    }
    ns++;
    if(i >= n)
      break;
    if(s[i] != '.') {
      evpubp_read_error(r->ctx, c->line, c->col,
                        "unexpected '%c' in column '%s'", s[i], t);
      return -1;
    }
    i++;
    if(i >= n) {
      evpubp_read_error(
        r->ctx, c->line, c->col,
        "empty key in column '%s' (a path is key.key or key[n].key)", t);
      return -1;
    }
  }
done:
  c->segs = evpubp_arena_alloc(&r->hdr, ns * sizeof(*c->segs));
  if(!c->segs) {
    evpubp_read_error(r->ctx, c->line, c->col, "out of memory");
    return -1;
  }
  memcpy(c->segs, segs, ns * sizeof(*segs));
  c->nsegs = ns;
  c->split = ns && !c->segs[ns - 1].index && !strstr(s, "://") &&
    r->ctx->schema->multi_valued(c->segs[ns - 1].name);
  return 0;
}

/* The header record is in r->cells.  Returns 0, or -1 (reported). */
static int
read_header(reader *r)
{
  size_t i, bad = 0;
  evpubp_map seen;
  int empty = 1;
  if(r->ncells > MAX_COLS) {
    evpubp_read_error(r->ctx, r->cells[0].line, 1, "more than %d columns",
                      MAX_COLS);
    return -1;
  }
  for(i = 0; i < r->ncells; i++)
    if(r->cells[i].len)
      empty = 0;
  if(empty) {
    evpubp_read_error(r->ctx, r->cells[0].line, 1,
                      "empty header: the first row must name the columns");
    return -1;
  }
  r->cols = evpubp_arena_alloc(&r->hdr, r->ncells * sizeof(*r->cols));
  if(!r->cols) {
    evpubp_read_error(r->ctx, r->cells[0].line, 1, "out of memory");
    return -1;
  }
  memset(r->cols, 0, r->ncells * sizeof(*r->cols));
  r->ncols = r->ncells;
  evpubp_map_init(&seen);
  for(i = 0; i < r->ncells; i++) {
    const cell *ce = &r->cells[i];
    const char *s = r->rowbuf.data + ce->off;
    size_t n = ce->len;
    csvcol *c = &r->cols[i];
    evpubp_map_entry *e;
    char *text;
    c->line = ce->line;
    c->col = ce->col;
    if(!evpubp_utf8_valid(s, n)) {
      evpubp_read_error(
        r->ctx, c->line, c->col,
        "invalid UTF-8 in the header (the input must be UTF-8 text)");
      bad++;
      continue;
    }
    while(n && (s[0] == ' ' || s[0] == '\t')) {
      s++;
      n--;
    }
    while(n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
      n--;
    text = evpubp_arena_strndup(&r->hdr, s, n);
    if(!text) {
      evpubp_read_error(r->ctx, c->line, c->col, "out of memory");
      bad++;
      break;
    }
    c->text = text;
    if(parse_path(r, c, text, n)) {
      bad++;
      continue;
    }
    /* the canonical path, to find duplicates */
    evpubp_buf_reset(&r->tmp);
    path_text(&r->tmp, c, c->nsegs - 1, 1);
    if(r->tmp.failed) {
      evpubp_read_error(r->ctx, c->line, c->col, "out of memory");
      bad++;
      break;
    }
    e = evpubp_map_put(&seen, r->tmp.data, r->tmp.len);
    if(!e) {
      evpubp_read_error(r->ctx, c->line, c->col, "out of memory");
      bad++;
      break;
    }
    if(e->value) {
      const csvcol *o = e->value;
      evpubp_read_error(r->ctx, c->line, c->col,
                        "duplicate column '%s' (also column %lu)", c->text,
                        o->col);
      bad++;
      continue;
    }
    e->value = c;
  }
  evpubp_map_free(&seen);
  return bad ? -1 : 0;
}

/* ---- a row -------------------------------------------------------- */

static kslot *
get_key(reader *r, islot *at, size_t column, size_t depth)
{
  const seg *sg = &r->cols[column].segs[depth];
  kslot *k;
  for(k = at->kids; k; k = k->next)
    if(k->sg->len == sg->len && !memcmp(k->sg->name, sg->name, sg->len))
      return k;
  k = evpubp_arena_alloc(r->ctx->arena, sizeof(*k));
  if(!k)
    return NULL;
  memset(k, 0, sizeof(*k));
  k->sg = sg;
  k->column = column;
  k->depth = depth;
  if(at->kids_tail)
    at->kids_tail->next = k;
  else
    at->kids = k;
  at->kids_tail = k;
  return k;
}

/* The item at 1-based position pos of k, made if missing. */
static islot *
get_item(reader *r, kslot *k, size_t pos, const cell *ce)
{
  islot *it;
  if(pos > k->cap) {
    size_t cap = k->cap ? k->cap : 4, i;
    islot **ni;
    while(cap < pos)
      cap *= 2;
    ni = evpubp_arena_alloc(r->ctx->arena, cap * sizeof(*ni));
    if(!ni)
      return NULL;
    for(i = 0; i < cap; i++)
      ni[i] = i < k->nitems ? k->items[i] : NULL;
    k->items = ni;
    k->cap = cap;
  }
  if(pos > k->nitems)
    k->nitems = pos;
  it = k->items[pos - 1];
  if(it)
    return it;
  it = evpubp_arena_alloc(r->ctx->arena, sizeof(*it));
  if(!it)
    return NULL;
  memset(it, 0, sizeof(*it));
  it->line = ce->line;
  it->col = ce->col;
  k->items[pos - 1] = it;
  return it;
}

/* The cell at line:col gives v[vlen] where the cell that made item it
 * gave another value; r->tmp names the value (its column). */
static void
conflict(reader *r, unsigned long line, unsigned long col, const char *v,
         size_t vlen, const islot *it)
{
  evpubp_read_error(r->ctx, line, col,
                    "conflicting values for %s: '%.*s' here, '%.*s' at line "
                    "%lu column %lu",
                    r->tmp.data ? r->tmp.data : "", show_len(v, vlen), v,
                    show_len(it->str, it->len), it->str, it->sline, it->scol);
  r->row_error = 1;
}

/* Give item it the text s[n] from cell ce of column. */
static int
set_text(reader *r, islot *it, const char *s, size_t n, const cell *ce,
         size_t column, const kslot *k, size_t pos)
{
  if(it->str) {
    if(it->len == n && !memcmp(it->str, s, n))
      return 0;
    /* name the value by this cell's column, and the item of a list */
    evpubp_buf_reset(&r->tmp);
    evpubp_buf_adds(&r->tmp, r->cols[column].text);
    if(r->cols[column].split && (k->force_list || pos > 1))
      evpubp_buf_printf(&r->tmp, "[%lu]", (unsigned long)pos);
    conflict(r, ce->line, ce->col, s, n, it);
    return 0;
  }
  it->str = s;
  it->len = n;
  it->sline = ce->line;
  it->scol = ce->col;
  it->scolumn = column;
  return 0;
}

/* Split a multi-valued cell: pieces between unescaped ';', '\;' a
 * literal ';' and '\\' a literal '\', trimmed, empty pieces dropped. */
static int
add_split(reader *r, kslot *k, const char *s, size_t n, const cell *ce,
          size_t column)
{
  size_t i = 0, pos = 0;
  while(i <= n) {
    size_t start, end, j, o;
    int esc = 0;
    char *piece;
    islot *it;
    start = i;
    while(i < n && s[i] != ';') {
      if(s[i] == '\\' && i + 1 < n && (s[i + 1] == ';' || s[i + 1] == '\\')) {
        esc = 1;
        i++;
      }
      i++;
    }
    end = i;
    i++; /* the ';' or past the end */
    while(start < end && is_ws(s[start]))
      start++;
    while(end > start && is_ws(s[end - 1]))
      end--;
    if(start == end)
      continue;
    if(esc) {
      piece = evpubp_arena_alloc(r->ctx->arena, end - start + 1);
      if(!piece)
        return -1;
      for(j = start, o = 0; j < end; j++) {
        if(s[j] == '\\' && j + 1 < end &&
           (s[j + 1] == ';' || s[j + 1] == '\\'))
          j++;
        piece[o++] = s[j];
      }
      piece[o] = '\0';
    } else {
      piece = evpubp_arena_strndup(r->ctx->arena, s + start, end - start);
      if(!piece)
        return -1;
      o = end - start;
    }
    pos++;
    it = get_item(r, k, pos, ce);
    if(!it)
      return -1;
    set_text(r, it, piece, o, ce, column, k, pos);
  }
  if(pos > 1)
    k->force_list = 1;
  return 0;
}

/* Put the cell of column c into the row tree under root. */
static int
add_cell(reader *r, islot *root, size_t column, const cell *ce)
{
  const csvcol *c = &r->cols[column];
  const char *s = r->rowbuf.data + ce->off;
  islot *at = root;
  size_t d;
  for(d = 0; d < c->nsegs; d++) {
    const seg *sg = &c->segs[d];
    kslot *k = get_key(r, at, column, d);
    size_t pos = sg->index ? sg->index : 1;
    if(!k)
      return -1;
    if(sg->index)
      k->force_list = 1;
    if(d + 1 == c->nsegs && c->split)
      return add_split(r, k, s, ce->len, ce, column);
    at = get_item(r, k, pos, ce);
    if(!at)
      return -1;
    if(d + 1 == c->nsegs)
      return set_text(r, at, s, ce->len, ce, column, k, pos);
  }
  return 0;
}

static evpubp_node *
new_node(reader *r, evpubp_node_kind kind, unsigned long line,
         unsigned long col)
{
  evpubp_node *n = evpubp_new_node(r->ctx->arena, kind, line, col);
  if(n)
    n->plain = 1;
  return n;
}

static evpubp_node *
key_node(reader *r, const char *name, size_t len, size_t column)
{
  evpubp_node *n =
    new_node(r, EVPUBP_N_SCALAR, r->cols[column].line, r->cols[column].col);
  if(!n)
    return NULL;
  n->str = name;
  n->len = len;
  return n;
}

static evpubp_node *emit_item(reader *r, const islot *it, int *oom);

/* The value of key k (the item, or a list of them). */
static evpubp_node *
emit_value(reader *r, const kslot *k, int *oom)
{
  evpubp_node *seq;
  size_t i, n = 0;
  for(i = 0; i < k->nitems; i++) {
    if(k->items[i]) {
      n++;
      continue;
    }
    {
      size_t j = i;
      const islot *next;
      while(!k->items[j])
        j++;
      next = k->items[j];
      evpubp_buf_reset(&r->tmp);
      path_text(&r->tmp, &r->cols[k->column], k->depth, 0);
      evpubp_read_error(
        r->ctx, next->line, next->col,
        "%s[%lu] is given but %s[%lu] is not (list positions count "
        "from 1 without gaps)",
        r->tmp.data ? r->tmp.data : "", (unsigned long)j + 1,
        r->tmp.data ? r->tmp.data : "", (unsigned long)i + 1);
      r->row_error = 1;
      return NULL;
    }
  }
  if(!k->force_list && n == 1)
    return emit_item(r, k->items[0], oom);
  seq = new_node(r, EVPUBP_N_SEQ, k->items[0]->line, k->items[0]->col);
  if(!seq)
    goto nomem;
  seq->items = evpubp_arena_alloc(r->ctx->arena, n * sizeof(*seq->items));
  if(!seq->items)
    goto nomem;
  for(i = 0; i < n; i++) {
    seq->items[i] = emit_item(r, k->items[i], oom);
    if(!seq->items[i])
      return NULL;
  }
  seq->n = n;
  return seq;
nomem:
  *oom = 1;
  return NULL;
}

/* An item: its text, or a mapping of its keys (its text as 'name'). */
static evpubp_node *
emit_item(reader *r, const islot *it, int *oom)
{
  evpubp_node *map;
  const kslot *k, *name_key = NULL;
  size_t n = 0, o = 0;
  if(!it->kids) {
    evpubp_node *s = new_node(r, EVPUBP_N_SCALAR, it->sline, it->scol);
    if(!s) {
      *oom = 1;
      return NULL;
    }
    s->str = it->str;
    s->len = it->len;
    return s;
  }
  for(k = it->kids; k; k = k->next) {
    if(!k->nitems)
      continue; /* cannot happen: keys are made with a value */
    n++;
    if(k->sg->len == 4 && !memcmp(k->sg->name, "name", 4))
      name_key = k;
  }
  if(it->str && name_key) {
    const islot *ni = name_key->items[0];
    if(name_key->nitems != 1 || !ni || !ni->str || ni->kids ||
       ni->len != it->len || memcmp(ni->str, it->str, it->len)) {
      const islot *at = ni ? ni : it;
      const char *v = ni && ni->str ? ni->str : "";
      size_t vlen = ni && ni->str ? ni->len : 0;
      evpubp_buf_reset(&r->tmp);
      evpubp_buf_adds(&r->tmp, r->cols[name_key->column].text);
      conflict(r, at->line, at->col, v, vlen, it);
      return NULL;
    }
  }
  if(it->str && !name_key)
    n++;
  map = new_node(r, EVPUBP_N_MAP, it->line, it->col);
  if(!map)
    goto nomem;
  map->items = evpubp_arena_alloc(r->ctx->arena, 2 * n * sizeof(*map->items));
  if(!map->items)
    goto nomem;
  if(it->str && !name_key) {
    evpubp_node *v = new_node(r, EVPUBP_N_SCALAR, it->sline, it->scol);
    map->items[o] = key_node(r, "name", 4, it->scolumn);
    if(!v || !map->items[o])
      goto nomem;
    v->str = it->str;
    v->len = it->len;
    map->items[o + 1] = v;
    o += 2;
  }
  for(k = it->kids; k; k = k->next) {
    if(!k->nitems)
      continue;
    map->items[o] = key_node(r, k->sg->name, k->sg->len, k->column);
    if(!map->items[o])
      goto nomem;
    map->items[o + 1] = emit_value(r, k, oom);
    if(!map->items[o + 1])
      return NULL;
    o += 2;
  }
  map->n = n;
  return map;
nomem:
  *oom = 1;
  return NULL;
}

/* A data record is in r->cells: build its event and hand it over. */
static void
read_row(reader *r)
{
  islot root;
  evpubp_node *node;
  size_t i;
  int any = 0, oom = 0;
  for(i = 0; i < r->ncells; i++) {
    cell *ce = &r->cells[i];
    if(ce->len && r->cols[i].split &&
       split_empty(r->rowbuf.data + ce->off, ce->len))
      ce->len = 0; /* a list of no values is an empty cell */
    if(ce->len)
      any = 1;
  }
  if(!any)
    return; /* an empty row */
  memset(&root, 0, sizeof(root));
  root.line = r->cells[0].line;
  root.col = 1;
  r->row_error = 0;
  for(i = 0; i < r->ncells; i++) {
    const cell *ce = &r->cells[i];
    if(!ce->len)
      continue;
    if(!evpubp_utf8_valid(r->rowbuf.data + ce->off, ce->len)) {
      evpubp_read_error(
        r->ctx, ce->line, ce->col,
        "invalid UTF-8 in this cell (the input must be UTF-8 text)");
      r->row_error = 1;
      continue;
    }
    if(add_cell(r, &root, i, ce)) {
      oom = 1;
      break;
    }
  }
  node = NULL;
  if(!oom && !r->row_error) {
    node = emit_item(r, &root, &oom);
    if(node && node->kind != EVPUBP_N_MAP)
      node = NULL; /* cannot happen: the root has keys */
  }
  if(oom) {
    evpubp_read_error(r->ctx, root.line, 1, "out of memory");
    r->stop = 1;
  } else if(node && !r->row_error) {
    node->line = root.line;
    node->col = 1;
    r->rc = r->ctx->cb->item(r->ctx->user, EVPUBP_C_EVENTS, node);
    if(r->rc)
      r->stop = 1;
  }
  evpubp_arena_reset(r->ctx->arena);
}

/* ---- libcsv callbacks --------------------------------------------- */

static void
on_field(void *s, size_t len, void *data)
{
  reader *r = data;
  cell *ce;
  unsigned long line = r->line;
  r->pending_cr = 0;
  if(len)
    r->line += count_breaks(s, len);
  r->nfields++;
  if(r->stop)
    return;
  if(!r->have_header && r->nfields > MAX_COLS) {
    evpubp_read_error(r->ctx, line, (unsigned long)r->nfields,
                      "more than %d columns", MAX_COLS);
    r->stop = 1;
    return;
  }
  if(r->have_header && r->nfields > r->ncols) {
    if(!r->overflow)
      evpubp_read_error(
        r->ctx, line, (unsigned long)r->nfields,
        "this row has more cells than the header has columns (%lu)",
        (unsigned long)r->ncols);
    r->overflow = 1;
    r->row_error = 1;
    return;
  }
  if(evpubp_grow(&r->cells, r->ncells, &r->capcells, sizeof(*r->cells), 64)) {
    evpubp_read_error(r->ctx, line, (unsigned long)r->nfields,
                      "out of memory");
    r->stop = 1;
    return;
  }
  if(r->rowbuf.len + len >= MAX_ROW) {
    evpubp_read_error(r->ctx, line, (unsigned long)r->nfields,
                      "row longer than %lu bytes", (unsigned long)MAX_ROW);
    r->stop = 1;
    return;
  }
  ce = &r->cells[r->ncells++];
  ce->off = r->rowbuf.len;
  ce->len = len;
  ce->line = line;
  ce->col = (unsigned long)r->nfields;
  if((len && evpubp_buf_add(&r->rowbuf, s, len)) ||
     evpubp_buf_addc(&r->rowbuf, '\0')) {
    evpubp_read_error(r->ctx, line, ce->col, "out of memory");
    r->stop = 1;
  }
}

static void
on_record(int c, void *data)
{
  reader *r = data;
  if(c == '\r') {
    r->line++;
    r->pending_cr = 1;
  } else if(c == '\n') {
    if(!r->pending_cr)
      r->line++;
    r->pending_cr = 0;
  }
  if(!r->stop && r->nfields) {
    if(!r->have_header) {
      if(read_header(r))
        r->stop = 1; /* rows cannot be read without their header */
      r->have_header = 1;
    } else if(!r->overflow) {
      read_row(r);
    }
  }
  r->nfields = 0;
  r->ncells = 0;
  r->overflow = 0;
  r->row_error = 0;
  evpubp_buf_reset(&r->rowbuf);
}

static int
read_csv(const evpubp_read_ctx *ctx)
{
  reader r;
  char *block;
  int first = 1, rc;
  FILE *fp = ctx->fp;
  memset(&r, 0, sizeof(r));
  r.ctx = ctx;
  r.line = 1;
  evpubp_arena_init(&r.hdr);
  evpubp_buf_init(&r.rowbuf);
  evpubp_buf_init(&r.tmp);
  rc = ctx->cb->doc_begin(ctx->user, (*ctx->docno)++);
  if(rc)
    goto out;
  block = malloc(BLOCK_SIZE);
  if(!block || csv_init(&r.p, CSV_STRICT | CSV_REPALL_NL | CSV_STRICT_FINI)) {
    free(block);
    evpubp_read_error(ctx, 0, 0, "out of memory");
    rc = -1;
    goto out;
  }
  csv_set_space_func(&r.p, no_space);
  while(!r.stop) {
    size_t n = fread(block, 1, BLOCK_SIZE, fp), off = 0, done;
    if(!n)
      break;
    if(first && n >= 3 && !memcmp(block, "\xEF\xBB\xBF", 3))
      off = 3; /* a byte order mark */
    first = 0;
    done = csv_parse(&r.p, block + off, n - off, on_field, on_record, &r);
    if(done != n - off && !r.stop) {
      int e = csv_error(&r.p);
      unsigned long line = r.line;
      if(e == CSV_EPARSE) {
        line += count_breaks((const char *)r.p.entry_buf, r.p.entry_pos);
        evpubp_read_error(
          r.ctx, line, (unsigned long)r.nfields + 1,
          "malformed quoting: a '\"' inside an unquoted cell, or text "
          "after a closing quote (a quoted cell writes \" as \"\")");
      } else {
        evpubp_read_error(r.ctx, line, (unsigned long)r.nfields + 1, "%s",
                          e == CSV_ENOMEM ? "out of memory" : csv_strerror(e));
      }
      r.stop = 1;
    }
    if(!r.stop && r.p.entry_pos > MAX_CELL) {
      evpubp_read_error(r.ctx, r.line, (unsigned long)r.nfields + 1,
                        "cell longer than %lu bytes (an unterminated quote?)",
                        (unsigned long)MAX_CELL);
      r.stop = 1;
    }
  }
  if(!r.stop && ferror(fp)) {
    evpubp_read_error(r.ctx, r.line, 0, "read error");
    r.stop = 1;
  }
  if(!r.stop && csv_fini(&r.p, on_field, on_record, &r) == -1 && !r.stop) {
    if(csv_error(&r.p) == CSV_EPARSE)
      evpubp_read_error(
        r.ctx, r.line, (unsigned long)r.nfields + 1,
        "unterminated quoted cell: the '\"' that opens it is never "
        "closed");
    else
      evpubp_read_error(r.ctx, r.line, (unsigned long)r.nfields + 1, "%s",
                        csv_strerror(csv_error(&r.p)));
    r.stop = 1;
  }
  csv_free(&r.p);
  free(block);
  rc = r.rc ? r.rc : r.stop ? -1 : 0;
out:
  evpubp_arena_reset(ctx->arena);
  free(r.cells);
  evpubp_buf_free(&r.rowbuf);
  evpubp_buf_free(&r.tmp);
  evpubp_arena_free(&r.hdr);
  return rc;
}

/* No sniff: a line of YAML is a CSV row too. */
const evpubp_reader evpubp_reader_csv = {
  .info = { "csv", "CSV, an event a row (doc/csv.md)", ".csv" },
  .read = read_csv
};
