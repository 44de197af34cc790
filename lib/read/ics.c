/* evpub_ics.c - the iCalendar reader (spec section 7, doc/icalendar.md)
 *
 * The input is read twice.  The first pass collects what must be known
 * before any event is handed over: the calendar's VTIMEZONEs, the UIDs
 * that have a series, and the overriding VEVENTs (RECURRENCE-ID), kept
 * by UID.  The second pass builds one description tree per VEVENT and
 * hands it over, so memory grows with one VEVENT plus that bookkeeping,
 * not with the calendar.  A stream that cannot seek (a pipe) is copied
 * to a temporary file first.
 *
 * Content lines are unfolded here, not by libical, so that every node
 * and every message carries the physical line it came from.  libical
 * does what it is good at: time zones (VTIMEZONE and the system's
 * zoneinfo), recurrence rules and their expansion, durations.  Dates
 * and times are checked here, more strictly than libical does.
 */
#include <stdlib.h>
#include <string.h>

#include <libical/ical.h>

#include "read/read.h"

#define MAX_LINE ((size_t)1 << 20)    /* one unfolded content line */
#define MAX_VEVENT ((size_t)16 << 20) /* the lines of one VEVENT */
#define MAX_DEPTH 32                  /* nested components */
#define MAX_PARAMS 32                 /* parameters of one property */
#define MAX_EXPAND 10000UL            /* occurrences listed per series */
#define MAX_NOTED 512                 /* kinds of skipped things noted */

/* ---- small helpers --------------------------------------------------- */
static int
lower(int c)
{
  return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* s[n] equals lit, ASCII case folded */
static int
eqci(const char *s, size_t n, const char *lit)
{
  size_t i;
  for(i = 0; i < n; i++)
    if(!lit[i] || lower((unsigned char)s[i]) != lower((unsigned char)lit[i]))
      return 0;
  return lit[n] == '\0';
}

static int
prefixci(const char *s, size_t n, const char *lit)
{
  size_t k = strlen(lit);
  return n >= k && eqci(s, k, lit);
}

static int
is_name_char(int c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
    (c >= '0' && c <= '9') || c == '-';
}

static int
is_digit(int c)
{
  return c >= '0' && c <= '9';
}

/* ---- physical and logical lines ------------------------------------ */
typedef struct {
  FILE *fp;
  char buf[1 << 16];
  size_t pos, len;
  int eof, err, at_start;
  unsigned long phys; /* physical lines read */
  evpubp_buf held;    /* the physical line read ahead */
  unsigned long held_line;
  int has_held, held_long;
} lreader;

static void
lr_start(lreader *lr, FILE *fp)
{
  lr->fp = fp;
  lr->pos = lr->len = 0;
  lr->eof = lr->err = 0;
  lr->at_start = 1;
  lr->phys = 0;
  lr->has_held = lr->held_long = 0;
  lr->held_line = 0;
  evpubp_buf_reset(&lr->held);
}

/* One physical line into b, without its line end.  Returns 1, 0 at the
 * end, -1 on a read or memory error.  *toolong: the line was cut. */
static int
phys_line(lreader *lr, evpubp_buf *b, int *toolong)
{
  int any = 0;
  evpubp_buf_reset(b);
  *toolong = 0;
  if(evpubp_buf_reserve(b, 0))
    return -1;
  for(;;) {
    char *nl;
    size_t avail, take;
    if(lr->pos == lr->len) {
      if(lr->eof)
        break;
      lr->len = fread(lr->buf, 1, sizeof(lr->buf), lr->fp);
      lr->pos = 0;
      if(!lr->len) {
        lr->eof = 1;
        if(ferror(lr->fp)) {
          lr->err = 1;
          return -1;
        }
        break;
      }
      if(lr->at_start) {
        lr->at_start = 0;
        if(lr->len >= 3 && !memcmp(lr->buf, "\xEF\xBB\xBF", 3))
          lr->pos = 3; /* a byte order mark */
      }
      continue;
    }
    any = 1;
    avail = lr->len - lr->pos;
    nl = memchr(lr->buf + lr->pos, '\n', avail);
    take = nl ? (size_t)(nl - (lr->buf + lr->pos)) : avail;
    if(b->len + take > MAX_LINE)
      *toolong = 1;
    else if(evpubp_buf_add(b, lr->buf + lr->pos, take))
      return -1;
    lr->pos += take + (nl ? 1 : 0);
    if(nl)
      break;
  }
  if(!any)
    return 0;
  lr->phys++;
  if(b->len && b->data[b->len - 1] == '\r')
    b->data[--b->len] = '\0';
  return 1;
}

/* One unfolded content line into cur.  *line: its first physical line;
 * *firstlen: the bytes of cur that come from that line.  Returns as
 * phys_line(). */
static int
logical_line(lreader *lr, evpubp_buf *cur, unsigned long *line,
             size_t *firstlen, int *toolong)
{
  int rc, tl;
  evpubp_buf t;
  if(!lr->has_held) {
    rc = phys_line(lr, &lr->held, &tl);
    if(rc <= 0)
      return rc;
    lr->held_line = lr->phys;
    lr->held_long = tl;
  }
  lr->has_held = 0;
  t = *cur; /* swap: cur takes the held line */
  *cur = lr->held;
  lr->held = t;
  *line = lr->held_line;
  *toolong = lr->held_long;
  *firstlen = cur->len;
  for(;;) {
    rc = phys_line(lr, &lr->held, &tl);
    if(rc < 0)
      return -1;
    if(!rc)
      break;
    if(lr->held.len && (lr->held.data[0] == ' ' || lr->held.data[0] == '\t')) {
      if(tl || cur->len + lr->held.len - 1 > MAX_LINE)
        *toolong = 1;
      else if(evpubp_buf_add(cur, lr->held.data + 1, lr->held.len - 1))
        return -1;
      continue;
    }
    lr->has_held = 1;
    lr->held_line = lr->phys;
    lr->held_long = tl;
    break;
  }
  return 1;
}

/* ---- content lines --------------------------------------------------- */
typedef struct {
  const char *name;
  size_t nlen;
  const char *val;
  size_t vlen;
} param;

typedef struct {
  const char *name;
  size_t nlen;
  param params[MAX_PARAMS];
  size_t nparams;
  const char *val;
  size_t vlen;
  size_t voff; /* offset of the value in the line */
} cline;

/* Split a content line (RFC 5545 3.1).  Returns NULL, or a message with
 * *erroff the offset it is about. */
static const char *
parse_cline(const char *s, size_t n, cline *c, size_t *erroff)
{
  size_t i = 0;
  c->nparams = 0;
  while(i < n && is_name_char((unsigned char)s[i]))
    i++;
  if(!i) {
    *erroff = 0;
    return "syntax error: a content line must start with a property name";
  }
  c->name = s;
  c->nlen = i;
  while(i < n && s[i] == ';') {
    param *p;
    size_t st = ++i;
    while(i < n && is_name_char((unsigned char)s[i]))
      i++;
    if(i == st || i >= n || s[i] != '=') {
      *erroff = st;
      return "syntax error: a parameter must be NAME=value";
    }
    if(c->nparams == MAX_PARAMS) {
      *erroff = st;
      return "more than 32 parameters on one property";
    }
    p = &c->params[c->nparams++];
    p->name = s + st;
    p->nlen = i - st;
    st = ++i;
    for(;;) {
      if(i < n && s[i] == '"') {
        size_t q = i + 1;
        while(q < n && s[q] != '"')
          q++;
        if(q >= n) {
          *erroff = i;
          return "syntax error: unterminated quoted parameter value";
        }
        i = q + 1;
      } else {
        while(i < n && s[i] != ';' && s[i] != ':' && s[i] != ',' &&
              s[i] != '"')
          i++;
      }
      if(i < n && s[i] == ',') {
        i++;
        continue;
      }
      break;
    }
    p->val = s + st;
    p->vlen = i - st;
    if(p->vlen >= 2 && p->val[0] == '"' && p->val[p->vlen - 1] == '"' &&
       !memchr(p->val + 1, '"', p->vlen - 2)) {
      p->val++;
      p->vlen -= 2;
    }
  }
  if(i >= n || s[i] != ':') {
    *erroff = i;
    return "syntax error: expected ':' before the value";
  }
  c->voff = i + 1;
  c->val = s + i + 1;
  c->vlen = n - i - 1;
  return NULL;
}

static const param *
get_param(const cline *c, const char *name)
{
  size_t i;
  for(i = 0; i < c->nparams; i++)
    if(eqci(c->params[i].name, c->params[i].nlen, name))
      return &c->params[i];
  return NULL;
}

/* ---- raw VEVENTs: their property lines, kept for later ------------ */
typedef struct {
  size_t off, len;    /* in the text */
  unsigned long line; /* first physical line */
  size_t firstlen;    /* bytes on that line */
} lrec;

typedef struct {
  evpubp_buf text; /* the lines, each NUL-terminated */
  lrec *recs;
  size_t nrec, cap;
  unsigned long line; /* BEGIN:VEVENT */
} rawev;

static void
raw_free(rawev *r)
{
  evpubp_buf_free(&r->text);
  free(r->recs);
  r->recs = NULL;
  r->nrec = r->cap = 0;
}

static int
raw_add(rawev *r, const char *s, size_t n, unsigned long line, size_t firstlen)
{
  lrec *l;
  if(r->nrec == r->cap) {
    size_t cap = r->cap ? r->cap * 2 : 32;
    lrec *nr = realloc(r->recs, cap * sizeof(*nr));
    if(!nr)
      return -1;
    r->recs = nr;
    r->cap = cap;
  }
  l = &r->recs[r->nrec];
  l->off = r->text.len;
  l->len = n;
  l->line = line;
  l->firstlen = firstlen;
  if(evpubp_buf_add(&r->text, s, n) || evpubp_buf_addc(&r->text, '\0'))
    return -1;
  r->nrec++;
  return 0;
}

static int
raw_copy(rawev *dst, const rawev *src)
{
  memset(dst, 0, sizeof(*dst));
  evpubp_buf_init(&dst->text);
  dst->line = src->line;
  if(src->text.len &&
     evpubp_buf_add(&dst->text, src->text.data, src->text.len))
    return -1;
  if(src->nrec) {
    dst->recs = malloc(src->nrec * sizeof(*dst->recs));
    if(!dst->recs)
      return -1;
    memcpy(dst->recs, src->recs, src->nrec * sizeof(*dst->recs));
    dst->nrec = dst->cap = src->nrec;
  }
  return 0;
}

typedef struct {
  int series; /* a VEVENT without RECURRENCE-ID has this UID */
  rawev *ovr; /* the overrides of the series */
  size_t novr, cap;
} uidinfo;

/* ---- the reader's state ---------------------------------------------- */
typedef struct {
  const evpubp_read_ctx *rd; /* its arena holds one VEVENT's nodes */
  int pass;                  /* 1: collect, 2: hand over */
  int rc;                    /* a callback's nonzero result, or -1: stop */
  int oom;
  evpubp_map uids;  /* UID -> uidinfo* */
  evpubp_map zones; /* TZID -> icaltimezone* of a VTIMEZONE */
  evpubp_map noted; /* kinds of skipped things already noted */
  rawev cur;        /* the VEVENT or VTIMEZONE being read */
  evpubp_buf tmp;
} ctx;

/* A note, once per kind per file (and only in the second pass). */
static void note_once(ctx *c, const char *kind, unsigned long line,
                      const char *fmt, ...)
#ifdef __GNUC__
  __attribute__((format(printf, 4, 5)))
#endif
  ;

static void
note_once(ctx *c, const char *kind, unsigned long line, const char *fmt, ...)
{
  char text[512];
  va_list ap;
  evpubp_map_entry *e;
  if(c->pass != 2 || c->noted.count >= MAX_NOTED)
    return;
  e = evpubp_map_put(&c->noted, kind, strlen(kind));
  if(!e || e->value)
    return;
  e->value = c;
  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  evpubp_log(c->rd->world, EVPUB_LOG_NOTE, c->rd->file, line, 0, "%s", text);
}

/* Column (1-based, in characters) of offset off of a logical line. */
static unsigned long
col_of(const char *s, const lrec *r, size_t off)
{
  size_t i;
  unsigned long col = 1;
  if(off >= r->firstlen)
    return 1; /* on a continuation line: the line is what we know */
  for(i = 0; i < off; i++)
    if(((unsigned char)s[i] & 0xC0) != 0x80)
      col++;
  return col;
}

/* ---- nodes ------------------------------------------------------------ */
typedef struct {
  evpubp_node **it;
  size_t n, cap;
  int failed;
} nlist;

static void
nl_push(nlist *l, evpubp_node *x)
{
  if(l->failed || !x) {
    l->failed = 1;
    return;
  }
  if(l->n == l->cap) {
    size_t cap = l->cap ? l->cap * 2 : 16;
    evpubp_node **ni = realloc(l->it, cap * sizeof(*ni));
    if(!ni) {
      l->failed = 1;
      return;
    }
    l->it = ni;
    l->cap = cap;
  }
  l->it[l->n++] = x;
}

static void
nl_free(nlist *l)
{
  free(l->it);
  memset(l, 0, sizeof(*l));
}

static evpubp_node *
new_node(ctx *c, evpubp_node_kind kind, unsigned long line)
{
  evpubp_node *n = evpubp_arena_alloc(c->rd->arena, sizeof(*n));
  if(!n) {
    c->oom = 1;
    return NULL;
  }
  memset(n, 0, sizeof(*n));
  n->kind = kind;
  n->line = line;
  n->col = 1;
  n->str = "";
  return n;
}

static evpubp_node *
scalar(ctx *c, const char *s, size_t len, unsigned long line)
{
  evpubp_node *n = new_node(c, EVPUBP_N_SCALAR, line);
  if(!n)
    return NULL;
  n->str = evpubp_arena_strndup(c->rd->arena, s, len);
  if(!n->str) {
    c->oom = 1;
    return NULL;
  }
  n->len = len;
  return n;
}

static evpubp_node *
scalar_s(ctx *c, const char *s, unsigned long line)
{
  return scalar(c, s, strlen(s), line);
}

/* A number (GEO, COUNT...): plain, as YAML writes numbers. */
static evpubp_node *
number(ctx *c, const char *s, size_t len, unsigned long line)
{
  evpubp_node *n = scalar(c, s, len, line);
  if(n)
    n->plain = 1;
  return n;
}

static evpubp_node *
integer(ctx *c, long v, unsigned long line)
{
  char b[32];
  int k = snprintf(b, sizeof(b), "%ld", v);
  return number(c, b, (size_t)k, line);
}

/* The list l as a node (a mapping of key,value pairs when map). */
static evpubp_node *
finish(ctx *c, nlist *l, int map, unsigned long line)
{
  evpubp_node *n;
  if(l->failed) {
    c->oom = 1;
    nl_free(l);
    return NULL;
  }
  n = new_node(c, map ? EVPUBP_N_MAP : EVPUBP_N_SEQ, line);
  if(n && l->n) {
    n->items = evpubp_arena_alloc(c->rd->arena, l->n * sizeof(*n->items));
    if(!n->items) {
      c->oom = 1;
      n = NULL;
    } else {
      memcpy(n->items, l->it, l->n * sizeof(*n->items));
      n->n = map ? l->n / 2 : l->n;
    }
  }
  nl_free(l);
  return n;
}

static void
kv(ctx *c, nlist *m, const char *key, evpubp_node *v, unsigned long line)
{
  if(!v)
    return; /* nothing to say (out of memory is in c->oom) */
  evpubp_node *k = scalar_s(c, key, line);
  if(k)
    k->plain = 1; /* as YAML writes keys */
  nl_push(m, k);
  nl_push(m, v);
}

/* A list value: the only item itself when there is one. */
static void
kv_list(ctx *c, nlist *m, const char *key, nlist *l, unsigned long line)
{
  if(!l->n) {
    nl_free(l);
    return;
  }
  if(l->n == 1 && !l->failed) {
    kv(c, m, key, l->it[0], line);
    nl_free(l);
    return;
  }
  kv(c, m, key, finish(c, l, 0, line), line);
}

/* Unescape a TEXT value (RFC 5545 3.3.11) into the arena. */
static evpubp_node *
text_node(ctx *c, const char *s, size_t n, unsigned long line)
{
  size_t i;
  evpubp_buf_reset(&c->tmp);
  for(i = 0; i < n; i++) {
    char ch = s[i];
    if(ch == '\\' && i + 1 < n) {
      ch = s[++i];
      if(ch == 'n' || ch == 'N')
        ch = '\n';
    }
    evpubp_buf_addc(&c->tmp, ch);
  }
  if(c->tmp.failed) {
    c->oom = 1;
    return NULL;
  }
  return scalar(c, c->tmp.data ? c->tmp.data : "", c->tmp.len, line);
}

/* A TEXT property's value: NULL when blank (exporters write empty
 * DESCRIPTION and LOCATION lines); with a LANGUAGE parameter, a language
 * map {tag: text}. */
static evpubp_node *
text_prop(ctx *c, const cline *cl, unsigned long line)
{
  const param *lang = get_param(cl, "LANGUAGE");
  evpubp_node *v = text_node(c, cl->val, cl->vlen, line);
  size_t i;
  nlist m = { 0 };
  if(!v)
    return NULL;
  for(i = 0; i < v->len; i++)
    if(v->str[i] != ' ' && v->str[i] != '\t' && v->str[i] != '\n' &&
       v->str[i] != '\r')
      break;
  if(i == v->len)
    return NULL;
  if(!lang || !evpubp_lang_tag(lang->val, lang->vlen))
    return v;
  nl_push(&m, scalar(c, lang->val, lang->vlen, line));
  if(m.n)
    m.it[0]->plain = 1;
  nl_push(&m, v);
  return finish(c, &m, 1, line);
}

/* ---- dates and times ---------------------------------------------- */
typedef struct {
  struct icaltimetype t; /* wall time; t.zone set when z is */
  icaltimezone *z;       /* NULL: floating, or a date */
  int utc;
  unsigned long line;
} tval;

static int
days_in_month(int y, int m)
{
  static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  if(m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 29;
  return d[m - 1];
}

static int
digits(const char *s, int n)
{
  int v = 0, i;
  for(i = 0; i < n; i++)
    v = v * 10 + (s[i] - '0');
  return v;
}

/* Parse DATE or DATE-TIME strictly: returns 0, -1 when s does not have
 * the form of one, -2 when it names no such day or time. */
static int
parse_dt(const char *s, size_t n, struct icaltimetype *t, int *utc)
{
  size_t i;
  *t = icaltime_null_time();
  *utc = 0;
  if(n != 8 && n != 15 && n != 16)
    return -1;
  for(i = 0; i < 8; i++)
    if(!is_digit((unsigned char)s[i]))
      return -1;
  t->year = digits(s, 4);
  t->month = digits(s + 4, 2);
  t->day = digits(s + 6, 2);
  if(t->year < 1 || t->month < 1 || t->month > 12 || t->day < 1 ||
     t->day > days_in_month(t->year, t->month))
    return -2;
  if(n == 8) {
    t->is_date = 1;
    return 0;
  }
  if(s[8] != 'T')
    return -1;
  for(i = 9; i < 15; i++)
    if(!is_digit((unsigned char)s[i]))
      return -1;
  t->hour = digits(s + 9, 2);
  t->minute = digits(s + 11, 2);
  t->second = digits(s + 13, 2);
  if(t->hour > 23 || t->minute > 59 || t->second > 59)
    return -2;
  if(n == 16) {
    if(s[15] != 'Z')
      return -1;
    *utc = 1;
  }
  return 0;
}

/* A TZID as a system zone name: only names that can be zoneinfo files. */
static icaltimezone *
system_zone(const char *name, size_t n)
{
  char b[80];
  size_t i;
  if(!n || n >= sizeof(b) || name[0] == '/')
    return NULL;
  for(i = 0; i < n; i++) {
    char ch = name[i];
    if(!(is_name_char((unsigned char)ch) || ch == '_' || ch == '+' ||
         ch == '/'))
      return NULL;
    if(ch == '/' && i + 1 < n && name[i + 1] == '/')
      return NULL;
  }
  memcpy(b, name, n);
  b[n] = '\0';
  if(!strcmp(b, "UTC") || !strcmp(b, "Etc/UTC") || !strcmp(b, "GMT") ||
     !strcmp(b, "Z"))
    return icaltimezone_get_utc_timezone();
  return icaltimezone_get_builtin_timezone(b);
}

/* The zone a TZID names: the calendar's VTIMEZONE, else the system zone
 * of that name (also after a "/vendor/.../" prefix), else NULL. */
static icaltimezone *
resolve_tz(ctx *c, const char *tzid, size_t n)
{
  evpubp_map_entry *e = evpubp_map_find(&c->zones, tzid, n);
  icaltimezone *z;
  size_t i;
  if(e && e->value)
    return e->value;
  z = system_zone(tzid, n);
  if(z)
    return z;
  if(n && tzid[0] == '/') {
    for(i = 0; i < n; i++) {
      if(tzid[i] != '/')
        continue;
      z = system_zone(tzid + i + 1, n - i - 1);
      if(z)
        return z;
    }
  }
  return NULL;
}

/* The value s[n] of property cl as a date or date-time with its zone. */
static int
parse_time(ctx *c, const char *line, const lrec *r, const cline *cl,
           const char *s, size_t n, tval *out)
{
  const param *tz = get_param(cl, "TZID");
  const param *vt = get_param(cl, "VALUE");
  int utc, bad;
  unsigned long col = col_of(line, r, (size_t)(s - line));
  memset(out, 0, sizeof(*out));
  out->line = r->line;
  bad = parse_dt(s, n, &out->t, &utc);
  if(bad == -2) {
    evpubp_read_error(c->rd, r->line, col,
                      "invalid %.*s '%.*s' (no such date or time)",
                      (int)(cl->nlen < 40 ? cl->nlen : 40), cl->name,
                      (int)(n < 60 ? n : 60), s);
    return -1;
  }
  if(bad) {
    evpubp_read_error(
      c->rd, r->line, col,
      "invalid %.*s '%.*s' (expected YYYYMMDD or YYYYMMDDThhmmss "
      "with an optional Z)",
      (int)(cl->nlen < 40 ? cl->nlen : 40), cl->name, (int)(n < 60 ? n : 60),
      s);
    return -1;
  }
  if(vt && eqci(vt->val, vt->vlen, "DATE") && !out->t.is_date) {
    evpubp_read_error(c->rd, r->line, col,
                      "VALUE=DATE but '%.*s' is a date-time",
                      (int)(n < 60 ? n : 60), s);
    return -1;
  }
  if(out->t.is_date)
    return 0;
  if(utc) {
    out->utc = 1;
    out->z = icaltimezone_get_utc_timezone();
  } else if(tz) {
    out->z = resolve_tz(c, tz->val, tz->vlen);
    if(!out->z) {
      evpubp_read_error(
        c->rd, r->line, col_of(line, r, (size_t)(tz->val - line)),
        "unknown time zone '%.*s' (no VTIMEZONE with this TZID in "
        "the calendar and no system zone of that name)",
        (int)(tz->vlen < 80 ? tz->vlen : 80), tz->val);
      return -1;
    }
    out->utc = out->z == icaltimezone_get_utc_timezone();
  } else {
    note_once(c, "floating", r->line,
              "floating time (no TZID, no Z) written without a UTC offset");
  }
  out->t.zone = out->z;
  return 0;
}

/* xsd:date or xsd:dateTime (with the offset in effect there) */
static void
format_tval(const struct icaltimetype *t0, const tval *v, char *out,
            size_t outlen)
{
  struct icaltimetype t = *t0;
  int n;
  if(t.is_date) {
    snprintf(out, outlen, "%04d-%02d-%02d", t.year, t.month, t.day);
    return;
  }
  n = snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d", t.year, t.month,
               t.day, t.hour, t.minute, t.second);
  if(n < 0 || (size_t)n >= outlen)
    return;
  if(v->utc) {
    snprintf(out + n, outlen - (size_t)n, "Z");
  } else if(v->z) {
    int dst = 0, off;
    t.zone = v->z;
    off = icaltimezone_get_utc_offset(v->z, &t, &dst);
    snprintf(out + n, outlen - (size_t)n, "%c%02d:%02d", off < 0 ? '-' : '+',
             abs(off) / 3600, abs(off) % 3600 / 60);
  }
}

static evpubp_node *
time_node(ctx *c, const struct icaltimetype *t, const tval *v,
          unsigned long line)
{
  char b[64];
  format_tval(t, v, b, sizeof(b));
  return scalar_s(c, b, line);
}

/* The wall time of v in the zone of ref (for comparing occurrences). */
static struct icaltimetype
in_zone_of(const tval *v, const tval *ref)
{
  struct icaltimetype t = v->t;
  if(ref->z && v->z && ref->z != v->z && !t.is_date)
    t = icaltime_convert_to_zone(t, ref->z);
  if(ref->t.is_date)
    t.is_date = 1;
  return t;
}

/* "20221102t090000" (z appended for UTC), or "20221102" */
static void
compact(const struct icaltimetype *t, int utc, char *out, size_t outlen)
{
  if(t->is_date)
    snprintf(out, outlen, "%04d%02d%02d", t->year, t->month, t->day);
  else
    snprintf(out, outlen, "%04d%02d%02dt%02d%02d%02d%s", t->year, t->month,
             t->day, t->hour, t->minute, t->second, utc ? "z" : "");
}

static void
xsd_duration(long secs, char *out, size_t outlen)
{
  long d = secs / 86400, h = secs % 86400 / 3600, m = secs % 3600 / 60,
       s = secs % 60;
  int n = snprintf(out, outlen, "P");
  if(d)
    n += snprintf(out + n, outlen - (size_t)n, "%ldD", d);
  if(h || m || s || !d) {
    n += snprintf(out + n, outlen - (size_t)n, "T");
    if(h)
      n += snprintf(out + n, outlen - (size_t)n, "%ldH", h);
    if(m)
      n += snprintf(out + n, outlen - (size_t)n, "%ldM", m);
    if(s || (!h && !m))
      snprintf(out + n, outlen - (size_t)n, "%ldS", s);
  }
}

/* ---- one VEVENT, parsed -------------------------------------------- */
typedef struct {
  unsigned long line; /* BEGIN:VEVENT */
  const char *uid;    /* NUL-terminated, in the arena */
  size_t uidlen;
  unsigned long uidline;
  evpubp_node *name, *description, *url, *locname, *lat, *lon, *status;
  unsigned long locline, geoline;
  int has_start, has_end, has_dur, has_rrule, has_recurid, cancelled;
  tval start, end, recurid;
  const char *tzid; /* DTSTART's TZID as written, or NULL */
  size_t tzidlen;
  long dursecs; /* DURATION, in seconds */
  unsigned long durline;
  struct icalrecurrencetype rule;
  unsigned long ruleline;
  nlist keywords, organizers, attendees;
  tval *ex;
  size_t nex, capex;
  int bad; /* an error was reported */
} pev;

static void
pev_free(pev *e)
{
  nl_free(&e->keywords);
  nl_free(&e->organizers);
  nl_free(&e->attendees);
  free(e->ex);
  e->ex = NULL;
}

/* ORGANIZER / ATTENDEE: a Person (an Organization for CUTYPE=GROUP) */
static void
party(ctx *c, pev *e, const char *line, const lrec *r, const cline *cl,
      int attendee)
{
  const param *cn = get_param(cl, "CN");
  const param *cu = get_param(cl, "CUTYPE");
  const param *ps = get_param(cl, "PARTSTAT");
  const char *what = attendee ? "ATTENDEE" : "ORGANIZER";
  nlist m = { 0 };
  const char *mail = NULL;
  size_t maillen = 0;
  evpubp_node *node;
  (void)line;
  if(cu &&
     (eqci(cu->val, cu->vlen, "ROOM") ||
      eqci(cu->val, cu->vlen, "RESOURCE"))) {
    note_once(c, "cutype-room", r->line,
              "skipped %s with CUTYPE=%.*s (a room or resource is not a "
              "person or organization)",
              what, (int)(cu->vlen < 20 ? cu->vlen : 20), cu->val);
    return;
  }
  if(attendee && ps && eqci(ps->val, ps->vlen, "DECLINED")) {
    note_once(c, "declined", r->line,
              "skipped ATTENDEE with PARTSTAT=DECLINED (not attending)");
    return;
  }
  if(prefixci(cl->val, cl->vlen, "mailto:")) {
    mail = cl->val + 7;
    maillen = cl->vlen - 7;
  }
  if(!cn && !maillen) {
    note_once(c, attendee ? "party-a" : "party-o", r->line,
              "skipped %s without CN and without a mailto: address", what);
    return;
  }
  kv(c, &m, "type",
     scalar_s(
       c, cu && eqci(cu->val, cu->vlen, "GROUP") ? "Organization" : "Person",
       r->line),
     r->line);
  if(cn && cn->vlen == maillen && maillen && !memcmp(cn->val, mail, maillen))
    cn = NULL; /* Google writes the address as CN when there is no name */
  if(cn && cn->vlen)
    kv(c, &m, "name", scalar(c, cn->val, cn->vlen, r->line), r->line);
  else if(maillen) {
    evpubp_buf_reset(&c->tmp);
    if(evpubp_slug(&c->tmp, mail, maillen))
      c->oom = 1;
    else
      kv(c, &m, "id",
         scalar(c, c->tmp.data ? c->tmp.data : "", c->tmp.len, r->line),
         r->line);
  }
  if(maillen)
    kv(c, &m, "email", scalar(c, mail, maillen, r->line), r->line);
  node = finish(c, &m, 1, r->line);
  nl_push(attendee ? &e->attendees : &e->organizers, node);
}

static void
add_exdates(ctx *c, pev *e, const char *line, const lrec *r, const cline *cl)
{
  size_t i = 0;
  while(i <= cl->vlen) {
    const char *s = cl->val + i;
    const char *comma = memchr(s, ',', cl->vlen - i);
    size_t n = comma ? (size_t)(comma - s) : cl->vlen - i;
    tval v;
    if(n && !parse_time(c, line, r, cl, s, n, &v)) {
      if(e->nex == e->capex) {
        size_t cap = e->capex ? e->capex * 2 : 8;
        tval *nx = realloc(e->ex, cap * sizeof(*nx));
        if(!nx) {
          c->oom = 1;
          return;
        }
        e->ex = nx;
        e->capex = cap;
      }
      e->ex[e->nex++] = v;
    } else if(n) {
      e->bad = 1;
    }
    i += n + 1;
  }
}

static void
add_categories(ctx *c, pev *e, const lrec *r, const cline *cl)
{
  size_t i, st = 0;
  for(i = 0; i <= cl->vlen; i++) {
    if(i < cl->vlen && cl->val[i] == '\\') {
      i++;
      continue;
    }
    if(i == cl->vlen || cl->val[i] == ',') {
      if(i > st)
        nl_push(&e->keywords, text_node(c, cl->val + st, i - st, r->line));
      st = i + 1;
    }
  }
}

static void
parse_geo(ctx *c, pev *e, const char *line, const lrec *r, const cline *cl)
{
  const char *semi = memchr(cl->val, ';', cl->vlen);
  size_t n1 = semi ? (size_t)(semi - cl->val) : 0;
  size_t n2 = semi ? cl->vlen - n1 - 1 : 0;
  double lat, lon;
  char b[64];
  if(!semi || !n1 || !n2 || n1 >= sizeof(b) || n2 >= sizeof(b) ||
     !evpubp_number_kind(cl->val, n1) || !evpubp_number_kind(semi + 1, n2))
    goto bad;
  memcpy(b, cl->val, n1);
  b[n1] = '\0';
  lat = strtod(b, NULL);
  memcpy(b, semi + 1, n2);
  b[n2] = '\0';
  lon = strtod(b, NULL);
  if(!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180))
    goto bad;
  e->lat = number(c, cl->val, n1, r->line);
  e->lon = number(c, semi + 1, n2, r->line);
  e->geoline = r->line;
  return;
bad:
  evpubp_read_error(
    c->rd, r->line, col_of(line, r, cl->voff),
    "invalid GEO '%.*s' (expected latitude;longitude in degrees)",
    (int)(cl->vlen < 60 ? cl->vlen : 60), cl->val);
  e->bad = 1;
}

/* Apple's X-APPLE-STRUCTURED-LOCATION:geo:LAT,LON gives the geo when
 * there is no GEO (RFC 5870 geo URI; anything else is ignored). */
static void
apple_geo(ctx *c, pev *e, const lrec *r, const cline *cl)
{
  const char *s = cl->val + 4, *end = cl->val + cl->vlen, *comma, *stop;
  if(e->lat)
    return;
  comma = memchr(s, ',', (size_t)(end - s));
  if(!comma)
    return;
  stop = comma + 1;
  while(stop < end && *stop != ',' && *stop != ';')
    stop++;
  if(!evpubp_number_kind(s, (size_t)(comma - s)) ||
     !evpubp_number_kind(comma + 1, (size_t)(stop - comma - 1)))
    return;
  e->lat = number(c, s, (size_t)(comma - s), r->line);
  e->lon = number(c, comma + 1, (size_t)(stop - comma - 1), r->line);
  e->geoline = r->line;
}

static void
parse_duration(ctx *c, pev *e, const char *line, const lrec *r,
               const cline *cl)
{
  struct icaldurationtype d;
  char *s = evpubp_arena_strndup(c->rd->arena, cl->val, cl->vlen);
  long secs;
  if(!s) {
    c->oom = 1;
    return;
  }
  d = icaldurationtype_from_string(s);
  if(icaldurationtype_is_bad_duration(d) || d.is_neg || cl->vlen > 40 ||
     d.weeks > 5000 || d.days > 36500) {
    evpubp_read_error(c->rd, r->line, col_of(line, r, cl->voff),
                      "invalid DURATION '%.*s' (expected a positive RFC 5545 "
                      "duration such as PT1H30M)",
                      (int)(cl->vlen < 60 ? cl->vlen : 60), cl->val);
    e->bad = 1;
    return;
  }
  secs = (((long)d.weeks * 7 + (long)d.days) * 24 + (long)d.hours) * 3600 +
    (long)d.minutes * 60 + (long)d.seconds;
  if(d.hours > 1000000 || d.minutes > 60000000 || d.seconds > 2000000000U ||
     secs > 100L * 366 * 86400) {
    evpubp_read_error(c->rd, r->line, col_of(line, r, cl->voff),
                      "DURATION '%.*s' is longer than a hundred years",
                      (int)(cl->vlen < 60 ? cl->vlen : 60), cl->val);
    e->bad = 1;
    return;
  }
  e->has_dur = 1;
  e->dursecs = secs;
  e->durline = r->line;
}

static void
parse_rrule(ctx *c, pev *e, const char *line, const lrec *r, const cline *cl)
{
  char *s = evpubp_arena_strndup(c->rd->arena, cl->val, cl->vlen);
  struct icalrecurrencetype rt;
  size_t i;
  if(!s) {
    c->oom = 1;
    return;
  }
  if(e->has_rrule) {
    note_once(c, "rrule2", r->line,
              "only the first RRULE of a VEVENT is read");
    return;
  }
  icalerror_clear_errno();
  rt = icalrecurrencetype_from_string(s);
  if(rt.rscale) {
    icalmemory_free_buffer(rt.rscale);
    rt.rscale = NULL;
    note_once(c, "rscale", r->line, "RRULE RSCALE ignored (Gregorian only)");
  }
  for(i = 0;
      i < ICAL_BY_MONTH_SIZE && rt.by_month[i] != ICAL_RECURRENCE_ARRAY_MAX;
      i++)
    if(rt.by_month[i] < 1 || rt.by_month[i] > 12)
      rt.freq = ICAL_NO_RECURRENCE; /* libical lets BYMONTH=13 pass */
  if(rt.freq == ICAL_NO_RECURRENCE || rt.interval < 1 || rt.count < 0) {
    evpubp_read_error(c->rd, r->line, col_of(line, r, cl->voff),
                      "invalid RRULE '%.*s'",
                      (int)(cl->vlen < 80 ? cl->vlen : 80), cl->val);
    e->bad = 1;
    return;
  }
  e->rule = rt;
  e->has_rrule = 1;
  e->ruleline = r->line;
}

/* Properties that carry no schema.org meaning, skipped silently. */
static int
silent_prop(const cline *cl)
{
  static const char *const names[] = { "DTSTAMP",  "CREATED", "LAST-MODIFIED",
                                       "SEQUENCE", "TRANSP",  "CLASS",
                                       "PRIORITY", NULL };
  size_t i;
  for(i = 0; names[i]; i++)
    if(eqci(cl->name, cl->nlen, names[i]))
      return 1;
  return 0;
}

/* Parse the properties of a VEVENT into e (nodes in the arena). */
static void
parse_vevent(ctx *c, const rawev *raw, pev *e)
{
  size_t i;
  memset(e, 0, sizeof(*e));
  e->line = raw->line;
  for(i = 0; i < raw->nrec; i++) {
    const lrec *r = &raw->recs[i];
    const char *line = raw->text.data + r->off;
    const char *msg;
    size_t erroff = 0;
    cline cl;
    msg = parse_cline(line, r->len, &cl, &erroff);
    if(msg) {
      evpubp_read_error(c->rd, r->line, col_of(line, r, erroff), "%s", msg);
      e->bad = 1;
      continue;
    }
    if(!evpubp_utf8_valid(line, r->len)) {
      evpubp_read_error(c->rd, r->line, 1,
                        "invalid UTF-8 (iCalendar text is UTF-8)");
      e->bad = 1;
      continue;
    }
#define IS(lit) eqci(cl.name, cl.nlen, lit)
    if(IS("UID")) {
      if(!e->uid) {
        e->uid = evpubp_arena_strndup(c->rd->arena, cl.val, cl.vlen);
        e->uidlen = cl.vlen;
        e->uidline = r->line;
      }
    } else if(IS("SUMMARY")) {
      if(!e->name)
        e->name = text_prop(c, &cl, r->line);
    } else if(IS("DESCRIPTION")) {
      if(!e->description)
        e->description = text_prop(c, &cl, r->line);
    } else if(IS("URL")) {
      if(!e->url)
        e->url = scalar(c, cl.val, cl.vlen, r->line);
    } else if(IS("LOCATION")) {
      if(!e->locname) {
        e->locname = text_prop(c, &cl, r->line);
        e->locline = r->line;
      }
    } else if(IS("GEO")) {
      parse_geo(c, e, line, r, &cl);
    } else if(IS("X-APPLE-STRUCTURED-LOCATION") &&
              prefixci(cl.val, cl.vlen, "geo:")) {
      apple_geo(c, e, r, &cl);
    } else if(IS("CATEGORIES")) {
      add_categories(c, e, r, &cl);
    } else if(IS("STATUS")) {
      if(eqci(cl.val, cl.vlen, "CANCELLED")) {
        e->status = scalar_s(c, "cancelled", r->line);
        e->cancelled = 1;
      } else if(eqci(cl.val, cl.vlen, "CONFIRMED")) {
        e->status = scalar_s(c, "scheduled", r->line);
      } else {
        note_once(c, "status", r->line,
                  "STATUS:%.*s has no schema.org eventStatus; not mapped",
                  (int)(cl.vlen < 20 ? cl.vlen : 20), cl.val);
      }
    } else if(IS("ORGANIZER")) {
      party(c, e, line, r, &cl, 0);
    } else if(IS("ATTENDEE")) {
      party(c, e, line, r, &cl, 1);
    } else if(IS("DTSTART")) {
      if(!e->has_start) {
        if(parse_time(c, line, r, &cl, cl.val, cl.vlen, &e->start))
          e->bad = 1;
        else {
          const param *tz = get_param(&cl, "TZID");
          e->has_start = 1;
          if(tz && !e->start.t.is_date) {
            e->tzid = evpubp_arena_strndup(c->rd->arena, tz->val, tz->vlen);
            e->tzidlen = tz->vlen;
          }
        }
      }
    } else if(IS("DTEND")) {
      if(!e->has_end) {
        if(parse_time(c, line, r, &cl, cl.val, cl.vlen, &e->end))
          e->bad = 1;
        else
          e->has_end = 1;
      }
    } else if(IS("DURATION")) {
      if(!e->has_dur)
        parse_duration(c, e, line, r, &cl);
    } else if(IS("RECURRENCE-ID")) {
      const param *range = get_param(&cl, "RANGE");
      if(!e->has_recurid) {
        if(parse_time(c, line, r, &cl, cl.val, cl.vlen, &e->recurid))
          e->bad = 1;
        else
          e->has_recurid = 1;
      }
      if(range)
        note_once(c, "range", r->line,
                  "RECURRENCE-ID;RANGE=THISANDFUTURE read as an override "
                  "of one occurrence");
    } else if(IS("RRULE")) {
      parse_rrule(c, e, line, r, &cl);
    } else if(IS("EXDATE")) {
      add_exdates(c, e, line, r, &cl);
    } else if(!silent_prop(&cl)) {
      char kind[80];
      snprintf(kind, sizeof(kind), "P:%.*s",
               (int)(cl.nlen < 60 ? cl.nlen : 60), cl.name);
      note_once(c, kind, r->line, "skipped iCalendar property '%.*s'",
                (int)(cl.nlen < 60 ? cl.nlen : 60), cl.name);
    }
#undef IS
  }
  if(!e->has_start && !e->bad && !(e->has_recurid)) {
    evpubp_read_error(c->rd, e->line, 1, "VEVENT without DTSTART");
    e->bad = 1;
  }
  if(e->has_end && e->has_start && e->end.t.is_date != e->start.t.is_date) {
    evpubp_read_error(c->rd, e->end.line, 1,
                      "DTEND is a %s but DTSTART is a %s (they must agree)",
                      e->end.t.is_date ? "date" : "date-time",
                      e->start.t.is_date ? "date" : "date-time");
    e->bad = 1;
  }
  if(e->has_end && e->has_start && !e->bad) {
    struct icaltimetype en = in_zone_of(&e->end, &e->start);
    struct icaltimetype st = e->start.t;
    en.zone = st.zone = NULL;
    if(icaltime_compare(en, st) < 0) {
      evpubp_read_error(c->rd, e->end.line, 1, "DTEND is before DTSTART");
      e->bad = 1;
    }
  }
  if(!e->uid && !e->name && !e->bad) {
    evpubp_read_error(c->rd, e->line, 1,
                      "VEVENT without UID and without SUMMARY");
    e->bad = 1;
  }
}

/* The span of an occurrence: seconds, or days for dates.  0 if none. */
static long
span_of(const pev *e)
{
  if(e->has_end) {
    struct icaltimetype en = in_zone_of(&e->end, &e->start);
    struct icaltimetype st = e->start.t;
    long d;
    en.zone = st.zone = NULL;
    d = (long)(icaltime_as_timet(en) - icaltime_as_timet(st));
    if(e->start.t.is_date)
      d /= 86400;
    return d > 0 ? d : 0;
  }
  if(e->has_dur)
    return e->start.t.is_date ? e->dursecs / 86400 : e->dursecs;
  return 0;
}

/* The inclusive end of an occurrence starting at st; 0 if none. */
static int
end_of(const pev *e, const struct icaltimetype *st, long span,
       struct icaltimetype *out)
{
  struct icaltimetype t = *st;
  struct icaldurationtype d = icaldurationtype_null_duration();
  if(!e->has_end && !e->has_dur)
    return 0;
  if(st->is_date) {
    /* DTEND of an all-day event is exclusive; endDate is inclusive */
    d.days = (unsigned int)(span > 1 ? span - 1 : 0);
  } else {
    d.days = (unsigned int)(span / 86400);
    d.seconds = (unsigned int)(span % 86400);
  }
  t = icaltime_add(t, d);
  t.zone = st->zone;
  *out = t;
  return 1;
}

/* ---- building the trees -------------------------------------------- */
static const char *const weekdays[8] = { "",        "Sunday",    "Monday",
                                         "Tuesday", "Wednesday", "Thursday",
                                         "Friday",  "Saturday" };
static const char *const wd_abbr[8] = { "",   "SU", "MO", "TU",
                                        "WE", "TH", "FR", "SA" };

/* The properties every event tree has (not the id, not the schedule). */
static void
common_props(ctx *c, nlist *m, const pev *e, const pev *series,
             const struct icaltimetype *st, long span)
{
  struct icaltimetype en;
  const evpubp_node *name = e->name ? e->name : series ? series->name : NULL;
  nlist loc = { 0 };
  if(name)
    kv(c, m, "name", (evpubp_node *)name, name->line);
  if(e->description)
    kv(c, m, "description", e->description, e->description->line);
  if(st) {
    const tval *z = e->has_start ? &e->start : &series->start;
    kv(c, m, "startDate", time_node(c, st, z, z->line), z->line);
    const pev *src = e->has_end || e->has_dur || !series ? e : series;
    if(e->has_end && st == &e->start.t) {
      /* the event as written: DTEND in its own zone */
      en = e->end.t;
      if(en.is_date && span > 0)
        icaltime_adjust(&en, -1, 0, 0, 0);
      else if(en.is_date)
        en = *st;
      kv(c, m, "endDate", time_node(c, &en, &e->end, e->end.line),
         e->end.line);
    } else if(end_of(src, st, span, &en))
      kv(c, m, "endDate", time_node(c, &en, z, z->line),
         e->has_end ? e->end.line : z->line);
  }
  if(e->has_dur) {
    char b[64];
    xsd_duration(e->dursecs, b, sizeof(b));
    kv(c, m, "duration", scalar_s(c, b, e->durline), e->durline);
  }
  if(e->status)
    kv(c, m, "eventStatus", e->status, e->status->line);
  if(e->url)
    kv(c, m, "url", e->url, e->url->line);
  if(e->locname || e->lat) {
    unsigned long l = e->locname ? e->locline : e->geoline;
    if(e->locname)
      kv(c, &loc, "name", e->locname, e->locline);
    if(e->lat) {
      nlist g = { 0 };
      kv(c, &g, "latitude", e->lat, e->geoline);
      kv(c, &g, "longitude", e->lon, e->geoline);
      kv(c, &loc, "geo", finish(c, &g, 1, e->geoline), e->geoline);
    }
    kv(c, m, "location", finish(c, &loc, 1, l), l);
  }
  if(e->keywords.n) {
    nlist k = { 0 };
    size_t i;
    for(i = 0; i < e->keywords.n; i++)
      nl_push(&k, e->keywords.it[i]);
    kv_list(c, m, "keywords", &k, e->keywords.it[0]->line);
  }
  if(e->organizers.n) {
    nlist k = { 0 };
    size_t i;
    for(i = 0; i < e->organizers.n; i++)
      nl_push(&k, e->organizers.it[i]);
    kv_list(c, m, "organizer", &k, e->organizers.it[0]->line);
  }
  if(e->attendees.n) {
    nlist k = { 0 };
    size_t i;
    for(i = 0; i < e->attendees.n; i++)
      nl_push(&k, e->attendees.it[i]);
    kv_list(c, m, "attendee", &k, e->attendees.it[0]->line);
  }
}

/* id = slug of uid, plus "-" and the occurrence when occ. */
static evpubp_node *
id_node(ctx *c, const pev *e, const char *occ, unsigned long line)
{
  evpubp_buf_reset(&c->tmp);
  if(e->uid && evpubp_slug(&c->tmp, e->uid, e->uidlen))
    c->oom = 1;
  if(!c->tmp.len && e->uid) {
    /* a UID of punctuation only: its hash keeps it distinct */
    evpubp_buf_printf(&c->tmp, "uid-%016llx",
                      (unsigned long long)evpubp_hash(e->uid, e->uidlen));
  }
  if(!c->tmp.len && !occ)
    return NULL; /* no UID: the mapper slugs the name */
  if(occ)
    evpubp_buf_printf(&c->tmp, "%s%s", c->tmp.len ? "-" : "", occ);
  if(c->tmp.failed) {
    c->oom = 1;
    return NULL;
  }
  return scalar(c, c->tmp.data, c->tmp.len, line);
}

/* The subEvent of an override o of series s. */
static evpubp_node *
override_node(ctx *c, const pev *o, const pev *s, long span)
{
  nlist m = { 0 };
  char occ[40];
  struct icaltimetype rid = in_zone_of(&o->recurid, &s->start);
  const struct icaltimetype *st = o->has_start ? &o->start.t : &rid;
  long ospan = o->has_start && (o->has_end || o->has_dur) ? span_of(o) : span;
  compact(&rid, s->start.utc, occ, sizeof(occ));
  kv(c, &m, "id", id_node(c, s, occ, o->line), o->line);
  common_props(c, &m, o, s, st, ospan);
  return finish(c, &m, 1, o->line);
}

static int
same_wall(const struct icaltimetype *a, const struct icaltimetype *b)
{
  return a->year == b->year && a->month == b->month && a->day == b->day &&
    (a->is_date || b->is_date ||
     (a->hour == b->hour && a->minute == b->minute && a->second == b->second));
}

/* EXDATEs as sorted wall-time keys in the series' zone, so that a
 * calendar with many of them costs a binary search per occurrence. */
typedef struct {
  long long *exact; /* date-times */
  long long *day;   /* dates: the whole day is excluded */
  size_t nexact, nday;
} exset;

static long long
wall_key(const struct icaltimetype *t, int day)
{
  long long k = ((long long)t->year * 100 + t->month) * 100 + t->day;
  if(day)
    return k * 1000000;
  return ((k * 100 + t->hour) * 100 + t->minute) * 100 + t->second;
}

static int
cmp_ll(const void *a, const void *b)
{
  long long x = *(const long long *)a, y = *(const long long *)b;
  return x < y ? -1 : x > y;
}

static int
exset_build(exset *x, const pev *s)
{
  size_t i;
  memset(x, 0, sizeof(*x));
  if(!s->nex)
    return 0;
  x->exact = malloc(s->nex * sizeof(*x->exact));
  x->day = malloc(s->nex * sizeof(*x->day));
  if(!x->exact || !x->day)
    return -1;
  for(i = 0; i < s->nex; i++) {
    struct icaltimetype t = in_zone_of(&s->ex[i], &s->start);
    if(t.is_date)
      x->day[x->nday++] = wall_key(&t, 1);
    else
      x->exact[x->nexact++] = wall_key(&t, 0);
  }
  qsort(x->exact, x->nexact, sizeof(*x->exact), cmp_ll);
  qsort(x->day, x->nday, sizeof(*x->day), cmp_ll);
  return 0;
}

static void
exset_free(exset *x)
{
  free(x->exact);
  free(x->day);
}

/* Is occurrence t (in the series' zone) removed by an EXDATE? */
static int
excluded(const exset *x, const struct icaltimetype *t)
{
  long long k;
  if(x->nday) {
    k = wall_key(t, 1);
    if(bsearch(&k, x->day, x->nday, sizeof(k), cmp_ll))
      return 1;
  }
  if(x->nexact && !t->is_date) {
    k = wall_key(t, 0);
    if(bsearch(&k, x->exact, x->nexact, sizeof(k), cmp_ll))
      return 1;
  }
  return 0;
}

/* The Schedule of a series. */
static evpubp_node *
schedule_node(ctx *c, const pev *s, const pev *ovr, size_t novr, long span)
{
  nlist m = { 0 }, days = { 0 }, mdays = { 0 }, months = { 0 }, ex = { 0 };
  const struct icalrecurrencetype *r = &s->rule;
  unsigned long l = s->ruleline;
  char b[64];
  const char *unit = "D";
  int timed = !s->start.t.is_date;
  size_t i;
  long iv = r->interval;
  kv(c, &m, "type", scalar_s(c, "Schedule", l), l);
  switch(r->freq) {
  case ICAL_SECONDLY_RECURRENCE: unit = "S"; break;
  case ICAL_MINUTELY_RECURRENCE: unit = "M"; break;
  case ICAL_HOURLY_RECURRENCE: unit = "H"; break;
  case ICAL_WEEKLY_RECURRENCE: unit = "W"; break;
  case ICAL_MONTHLY_RECURRENCE: unit = "M"; break;
  case ICAL_YEARLY_RECURRENCE: unit = "Y"; break;
  default: break;
  }
  snprintf(b, sizeof(b), "P%s%ld%s",
           r->freq < ICAL_DAILY_RECURRENCE ? "T" : "", iv, unit);
  kv(c, &m, "repeatFrequency", scalar_s(c, b, l), l);
  for(i = 0; i < ICAL_BY_DAY_SIZE && r->by_day[i] != ICAL_RECURRENCE_ARRAY_MAX;
      i++) {
    int wd = (int)icalrecurrencetype_day_day_of_week(r->by_day[i]);
    int pos = icalrecurrencetype_day_position(r->by_day[i]);
    if(wd < 1 || wd > 7)
      continue;
    if(!pos) {
      nl_push(&days, scalar_s(c, weekdays[wd], l));
    } else {
      /* schema.org's byDay also takes iCal's own BYDAY text */
      snprintf(b, sizeof(b), "%d%s", pos, wd_abbr[wd]);
      nl_push(&days, scalar_s(c, b, l));
    }
  }
  kv_list(c, &m, "byDay", &days, l);
  for(i = 0; i < ICAL_BY_MONTHDAY_SIZE &&
      r->by_month_day[i] != ICAL_RECURRENCE_ARRAY_MAX;
      i++) {
    if(r->by_month_day[i] > 0)
      nl_push(&mdays, integer(c, r->by_month_day[i], l));
    else
      note_once(c, "negmonthday", l,
                "RRULE BYMONTHDAY=%d (counted from the month's end) cannot be "
                "said with schema.org byMonthDay; left out",
                (int)r->by_month_day[i]);
  }
  kv_list(c, &m, "byMonthDay", &mdays, l);
  for(i = 0;
      i < ICAL_BY_MONTH_SIZE && r->by_month[i] != ICAL_RECURRENCE_ARRAY_MAX;
      i++)
    nl_push(&months, integer(c, r->by_month[i], l));
  kv_list(c, &m, "byMonth", &months, l);
  if(r->by_set_pos[0] != ICAL_RECURRENCE_ARRAY_MAX ||
     r->by_year_day[0] != ICAL_RECURRENCE_ARRAY_MAX ||
     r->by_week_no[0] != ICAL_RECURRENCE_ARRAY_MAX ||
     r->by_hour[0] != ICAL_RECURRENCE_ARRAY_MAX ||
     r->by_minute[0] != ICAL_RECURRENCE_ARRAY_MAX ||
     r->by_second[0] != ICAL_RECURRENCE_ARRAY_MAX)
    note_once(c, "byother", l,
              "RRULE BYSETPOS/BYYEARDAY/BYWEEKNO/BYHOUR/BYMINUTE/BYSECOND "
              "cannot be said with schema.org Schedule; left out (--expand "
              "lists the occurrences)");
  if(r->count > 0)
    kv(c, &m, "repeatCount", integer(c, r->count, l), l);
  {
    struct icaltimetype d = s->start.t;
    d.is_date = 1;
    kv(c, &m, "startDate", time_node(c, &d, &s->start, l), l);
  }
  if(!icaltime_is_null_time(r->until)) {
    tval u;
    struct icaltimetype d;
    memset(&u, 0, sizeof(u));
    u.t = r->until;
    if(icaltime_is_utc(r->until)) {
      u.z = icaltimezone_get_utc_timezone();
      u.t.zone = u.z;
      u.utc = 1;
    }
    d = in_zone_of(&u, &s->start);
    d.is_date = 1;
    kv(c, &m, "endDate", time_node(c, &d, &s->start, l), l);
  }
  if(timed) {
    struct icaltimetype en;
    snprintf(b, sizeof(b), "%02d:%02d:%02d", s->start.t.hour,
             s->start.t.minute, s->start.t.second);
    kv(c, &m, "startTime", scalar_s(c, b, l), l);
    if(end_of(s, &s->start.t, span, &en)) {
      snprintf(b, sizeof(b), "%02d:%02d:%02d", en.hour, en.minute, en.second);
      kv(c, &m, "endTime", scalar_s(c, b, l), l);
    }
    if(s->start.utc)
      kv(c, &m, "scheduleTimezone", scalar_s(c, "UTC", l), l);
    else if(s->tzid)
      kv(c, &m, "scheduleTimezone", scalar(c, s->tzid, s->tzidlen, l), l);
  }
  for(i = 0; i < s->nex; i++) {
    struct icaltimetype x = in_zone_of(&s->ex[i], &s->start);
    nl_push(&ex, time_node(c, &x, &s->start, s->ex[i].line));
  }
  for(i = 0; i < novr; i++) {
    /* a cancelled or moved occurrence does not take place as scheduled */
    struct icaltimetype x;
    const pev *o = &ovr[i];
    int moved = 0;
    if(o->bad)
      continue;
    x = in_zone_of(&o->recurid, &s->start);
    if(o->has_start) {
      struct icaltimetype os = in_zone_of(&o->start, &s->start);
      moved = !same_wall(&os, &x);
    }
    if(o->cancelled || moved)
      nl_push(&ex, time_node(c, &x, &s->start, o->recurid.line));
  }
  kv_list(c, &m, "exceptDate", &ex, l);
  if(s->has_end || s->has_dur) {
    if(s->start.t.is_date)
      xsd_duration(span * 86400, b, sizeof(b));
    else
      xsd_duration(span, b, sizeof(b));
    kv(c, &m, "duration", scalar_s(c, b, l), l);
  }
  return finish(c, &m, 1, l);
}

/* The overrides of a series, with their RECURRENCE-IDs as sorted keys
 * (wall time in the series' zone) for a binary search per occurrence. */
typedef struct {
  long long key;
  size_t i; /* the override */
} okey;

typedef struct {
  pev *ovr;
  size_t n;
  unsigned char *used;
  okey *keys; /* sorted by key */
} ovset;

static int
cmp_okey(const void *a, const void *b)
{
  const okey *x = a, *y = b;
  if(x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return x->i < y->i ? -1 : x->i > y->i;
}

static int
ovset_build(ovset *o, const pev *s)
{
  size_t i;
  if(!o->n)
    return 0;
  o->keys = malloc(o->n * sizeof(*o->keys));
  if(!o->keys)
    return -1;
  for(i = 0; i < o->n; i++) {
    struct icaltimetype x = in_zone_of(&o->ovr[i].recurid, &s->start);
    o->keys[i].key = o->ovr[i].bad ? -1 : wall_key(&x, x.is_date);
    o->keys[i].i = i;
  }
  qsort(o->keys, o->n, sizeof(*o->keys), cmp_okey);
  return 0;
}

/* The first unused override of occurrence t, or NULL. */
static pev *
ovset_find(ovset *o, const struct icaltimetype *t)
{
  long long k = wall_key(t, t->is_date);
  size_t lo = 0, hi = o->n;
  while(lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if(o->keys[mid].key < k)
      lo = mid + 1;
    else
      hi = mid;
  }
  for(; lo < o->n && o->keys[lo].key == k; lo++) {
    size_t i = o->keys[lo].i;
    if(!o->used[i]) {
      o->used[i] = 1;
      return &o->ovr[i];
    }
  }
  return NULL;
}

/* One occurrence t of series s (an override when one matches) into subs.
 * Returns 1. */
static unsigned long
occurrence(ctx *c, const pev *s, ovset *ov, long span,
           const struct icaltimetype *t, nlist *subs)
{
  evpubp_node *sub = NULL;
  char occ[40];
  pev *o = ovset_find(ov, t);
  if(o)
    sub = override_node(c, o, s, span);
  if(!sub) {
    nlist m = { 0 };
    struct icaltimetype en;
    compact(t, s->start.utc, occ, sizeof(occ));
    kv(c, &m, "id", id_node(c, s, occ, s->ruleline), s->ruleline);
    if(s->name)
      kv(c, &m, "name", s->name, s->name->line);
    kv(c, &m, "startDate", time_node(c, t, &s->start, s->ruleline),
       s->ruleline);
    if(end_of(s, t, span, &en))
      kv(c, &m, "endDate", time_node(c, &en, &s->start, s->ruleline),
         s->ruleline);
    sub = finish(c, &m, 1, s->ruleline);
  }
  nl_push(subs, sub);
  return 1;
}

/* The first n occurrences (overrides applied) into subs. */
static void
expand(ctx *c, const pev *s, ovset *ov, long span, unsigned long n,
       nlist *subs)
{
  struct icalrecurrencetype rule = s->rule;
  icalrecur_iterator *it;
  unsigned long listed = 0, steps = 0, maxsteps, total = 0;
  exset ex;
  if(!icaltime_is_null_time(rule.until) && icaltime_is_utc(rule.until) &&
     !s->start.utc && s->start.z) {
    /* compare UNTIL with the wall times of the series' zone */
    struct icaltimetype u = rule.until;
    u.zone = icaltimezone_get_utc_timezone();
    rule.until = icaltime_convert_to_zone(u, s->start.z);
  }
  if(s->start.t.is_date && !icaltime_is_null_time(rule.until))
    rule.until.is_date = 1;
  if(exset_build(&ex, s)) {
    exset_free(&ex);
    c->oom = 1;
    return;
  }
  {
    struct icaltimetype st = s->start.t;
    st.zone = NULL;
    rule.until.zone = NULL;
    it = icalrecur_iterator_new(rule, st);
  }
  if(!it) {
    exset_free(&ex);
    note_once(c, "noexpand", s->ruleline,
              "this RRULE cannot be expanded by libical; no occurrences "
              "listed");
    return;
  }
  maxsteps = n + (unsigned long)s->nex + 2;
  while(listed < n && steps < maxsteps && !c->oom) {
    struct icaltimetype t = icalrecur_iterator_next(it);
    steps++;
    if(icaltime_is_null_time(t)) {
      if(steps == 1 && !excluded(&ex, &s->start.t))
        listed += occurrence(c, s, ov, span, &s->start.t, subs);
      break;
    }
    t.zone = s->start.z;
    t.is_date = s->start.t.is_date;
    if(steps == 1 && !same_wall(&t, &s->start.t)) {
      /* RFC 5545 3.8.5.3: DTSTART is always the first occurrence, also
       * when it does not match the rule (libical skips it then) */
      total++;
      if(!excluded(&ex, &s->start.t))
        listed += occurrence(c, s, ov, span, &s->start.t, subs);
      if(listed >= n)
        break;
    }
    if(rule.count > 0 && total >= (unsigned long)rule.count)
      break;
    total++;
    if(excluded(&ex, &t))
      continue;
    listed += occurrence(c, s, ov, span, &t, subs);
  }
  icalrecur_iterator_free(it);
  exset_free(&ex);
}

/* Build and hand over the tree of a series (or a single event) e with
 * its overrides (raw, parsed here). */
static void
emit_event(ctx *c, pev *e, const uidinfo *ui)
{
  nlist m = { 0 }, subs = { 0 };
  pev *ovr = NULL;
  unsigned char *used = NULL;
  size_t novr = ui ? ui->novr : 0, i;
  long span = span_of(e);
  int rc;
  ovset ov;
  memset(&ov, 0, sizeof(ov));
  if(novr) {
    ovr = calloc(novr, sizeof(*ovr));
    used = calloc(novr, 1);
    if(!ovr || !used) {
      c->oom = 1;
      goto done;
    }
    for(i = 0; i < novr; i++)
      parse_vevent(c, &ui->ovr[i], &ovr[i]);
    ov.ovr = ovr;
    ov.n = novr;
    ov.used = used;
  }
  if(e->bad)
    goto done;
  if(ovset_build(&ov, e)) {
    c->oom = 1;
    goto done;
  }
  if(e->has_recurid) {
    char occ[40];
    compact(&e->recurid.t, e->recurid.utc, occ, sizeof(occ));
    kv(c, &m, "id", id_node(c, e, occ, e->line), e->line);
  } else {
    kv(c, &m, "id", id_node(c, e, NULL, e->uidline), e->uidline);
  }
  common_props(c, &m, e, NULL, &e->start.t, span);
  if(e->has_rrule)
    kv(c, &m, "eventSchedule", schedule_node(c, e, ovr, novr, span),
       e->ruleline);
  else if(novr)
    note_once(c, "ovr-norrule", e->line,
              "RECURRENCE-ID overrides of an event without RRULE are listed "
              "as its subEvents");
  if(c->rd->expand && e->has_rrule) {
    unsigned long n = c->rd->expand;
    if(n > MAX_EXPAND) {
      note_once(c, "expandcap", e->ruleline,
                "--expand %lu capped at %lu occurrences per series", n,
                MAX_EXPAND);
      n = MAX_EXPAND;
    }
    expand(c, e, &ov, span, n, &subs);
  }
  for(i = 0; i < novr; i++)
    if(!used[i] && !ovr[i].bad)
      nl_push(&subs, override_node(c, &ovr[i], e, span));
  if(subs.n)
    kv(c, &m, "subEvent", finish(c, &subs, 0, e->line), e->line);
  nl_free(&subs);
  if(c->oom) {
    nl_free(&m);
    goto done;
  }
  {
    evpubp_node *item = finish(c, &m, 1, e->line);
    if(!item)
      goto done;
    rc = c->rd->cb->item(c->rd->user, EVPUBP_C_EVENTS, item);
    if(rc)
      c->rc = rc;
  }
done:
  nl_free(&m);
  nl_free(&subs);
  for(i = 0; ovr && i < novr; i++)
    pev_free(&ovr[i]);
  free(ovr);
  free(used);
  free(ov.keys);
}

/* ---- pass 1: UIDs, overrides, VTIMEZONEs ------------------------- */
static uidinfo *
uid_info(ctx *c, const char *uid, size_t n, int create)
{
  evpubp_map_entry *e;
  if(!create) {
    e = evpubp_map_find(&c->uids, uid, n);
    return e ? e->value : NULL;
  }
  e = evpubp_map_put(&c->uids, uid, n);
  if(!e)
    return NULL;
  if(!e->value)
    e->value = calloc(1, sizeof(uidinfo));
  return e->value;
}

/* UID and RECURRENCE-ID of a raw VEVENT, cheaply. */
static void
raw_uid(const rawev *raw, const char **uid, size_t *uidlen, int *recur)
{
  size_t i;
  *uid = NULL;
  *uidlen = 0;
  *recur = 0;
  for(i = 0; i < raw->nrec; i++) {
    const char *s = raw->text.data + raw->recs[i].off;
    size_t n = raw->recs[i].len, off;
    cline cl;
    if(parse_cline(s, n, &cl, &off))
      continue;
    if(eqci(cl.name, cl.nlen, "UID") && !*uid) {
      *uid = cl.val;
      *uidlen = cl.vlen;
    } else if(eqci(cl.name, cl.nlen, "RECURRENCE-ID")) {
      *recur = 1;
    }
  }
}

static void
collect_vevent(ctx *c)
{
  const char *uid;
  size_t n;
  int recur;
  uidinfo *ui;
  raw_uid(&c->cur, &uid, &n, &recur);
  if(!uid)
    return;
  ui = uid_info(c, uid, n, 1);
  if(!ui) {
    c->oom = 1;
    return;
  }
  if(!recur) {
    ui->series = 1;
    return;
  }
  if(ui->novr == ui->cap) {
    size_t cap = ui->cap ? ui->cap * 2 : 4;
    rawev *no = realloc(ui->ovr, cap * sizeof(*no));
    if(!no) {
      c->oom = 1;
      return;
    }
    ui->ovr = no;
    ui->cap = cap;
  }
  if(raw_copy(&ui->ovr[ui->novr], &c->cur)) {
    raw_free(&ui->ovr[ui->novr]);
    c->oom = 1;
    return;
  }
  ui->novr++;
}

static void
collect_vtimezone(ctx *c)
{
  evpubp_buf *b = &c->tmp;
  icalcomponent *comp;
  icalproperty *p;
  icaltimezone *z;
  const char *tzid;
  evpubp_map_entry *e;
  size_t i;
  evpubp_buf_reset(b);
  evpubp_buf_adds(b, "BEGIN:VTIMEZONE\r\n");
  for(i = 0; i < c->cur.nrec; i++) {
    evpubp_buf_add(b, c->cur.text.data + c->cur.recs[i].off,
                   c->cur.recs[i].len);
    evpubp_buf_adds(b, "\r\n");
  }
  evpubp_buf_adds(b, "END:VTIMEZONE\r\n");
  if(b->failed) {
    c->oom = 1;
    return;
  }
  comp = icalparser_parse_string(b->data);
  if(!comp)
    goto bad;
  if(icalcomponent_isa(comp) != ICAL_VTIMEZONE_COMPONENT) {
    icalcomponent_free(comp);
    goto bad;
  }
  p = icalcomponent_get_first_property(comp, ICAL_TZID_PROPERTY);
  tzid = p ? icalproperty_get_tzid(p) : NULL;
  if(!tzid || !*tzid ||
     (!icalcomponent_get_first_component(comp, ICAL_XSTANDARD_COMPONENT) &&
      !icalcomponent_get_first_component(comp, ICAL_XDAYLIGHT_COMPONENT))) {
    icalcomponent_free(comp);
    goto bad;
  }
  e = evpubp_map_put(&c->zones, tzid, strlen(tzid));
  if(!e) {
    icalcomponent_free(comp);
    c->oom = 1;
    return;
  }
  if(e->value) {
    icalcomponent_free(comp); /* the first definition stands */
    return;
  }
  z = icaltimezone_new();
  if(!z || !icaltimezone_set_component(z, comp)) {
    if(z)
      icaltimezone_free(z, 1);
    icalcomponent_free(comp);
    goto bad;
  }
  e->value = z;
  return;
bad:
  evpubp_read_error(
    c->rd, c->cur.line, 1,
    "invalid VTIMEZONE (libical cannot read it; it needs a TZID "
    "and STANDARD or DAYLIGHT rules)");
}

/* ---- the component structure, both passes ------------------------ */
typedef struct {
  char name[32];
  unsigned long line;
} frame;

static void
begin_end_name(const cline *cl, char *out, size_t outlen)
{
  size_t n = cl->vlen < outlen - 1 ? cl->vlen : outlen - 1, i;
  for(i = 0; i < n; i++) {
    char ch = cl->val[i];
    out[i] = (char)(ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch);
  }
  out[n] = '\0';
}

/* One VEVENT of pass 2. */
static void
handle_vevent(ctx *c)
{
  const char *uid;
  size_t n;
  int recur;
  const uidinfo *ui = NULL;
  pev e;
  raw_uid(&c->cur, &uid, &n, &recur);
  if(uid)
    ui = uid_info(c, uid, n, 0);
  if(recur && ui && ui->series)
    return; /* an override: read with its series */
  parse_vevent(c, &c->cur, &e);
  if(recur) {
    /* an override whose series is not in the file: an event of its own */
    if(!e.bad) {
      note_once(c, "orphan", e.line,
                "RECURRENCE-ID override without its series in this file; "
                "read as an event of its own");
      if(!e.has_start) {
        e.start = e.recurid;
        e.has_start = 1;
      }
    }
    emit_event(c, &e, NULL);
  } else {
    emit_event(c, &e, ui);
  }
  pev_free(&e);
  evpubp_arena_reset(c->rd->arena);
}

/* Read the whole stream once: pass 1 collects, pass 2 hands over. */
static void
run_pass(ctx *c, lreader *lr)
{
  frame stack[MAX_DEPTH];
  size_t depth = 0;
  int collecting = 0;   /* 1 VEVENT, 2 VTIMEZONE: lines go to c->cur */
  size_t skipdepth = 0; /* inside a skipped component when > 0 */
  int outside_reported = 0, seen_calendar = 0;
  evpubp_buf line;
  evpubp_buf_init(&line);
  for(;;) {
    unsigned long ln;
    size_t firstlen, erroff;
    int toolong, rc, is_begin, is_end;
    const char *msg;
    cline cl;
    lrec r;
    if(c->rc || c->oom)
      break;
    rc = logical_line(lr, &line, &ln, &firstlen, &toolong);
    if(rc < 0) {
      if(lr->err) {
        evpubp_read_error(c->rd, lr->phys, 0,
                          "read error"); /* stops: both passes */
        c->rc = -1;
      } else {
        c->oom = 1;
      }
      break;
    }
    if(!rc)
      break;
    r.off = 0;
    r.len = line.len;
    r.line = ln;
    r.firstlen = firstlen;
    if(toolong) {
      if(c->pass == 2)
        evpubp_read_error(c->rd, ln, 1, "content line longer than %lu bytes",
                          (unsigned long)MAX_LINE);
      continue;
    }
    if(!line.len)
      continue; /* blank lines: not iCalendar, but harmless */
    msg = parse_cline(line.data, line.len, &cl, &erroff);
    if(!depth &&
       (msg ||
        (!eqci(cl.name, cl.nlen, "BEGIN") &&
         !eqci(cl.name, cl.nlen, "END")))) {
      if(c->pass == 2 && !outside_reported)
        evpubp_read_error(
          c->rd, ln, 1,
          "not iCalendar: expected BEGIN:VCALENDAR, found '%.*s'",
          (int)(line.len < 40 ? line.len : 40), line.data);
      outside_reported = 1;
      continue;
    }
    if(msg) {
      if(c->pass == 2 && !(collecting == 1 && !skipdepth))
        evpubp_read_error(c->rd, ln, col_of(line.data, &r, erroff), "%s", msg);
      else if(collecting == 1 && !skipdepth &&
              raw_add(&c->cur, line.data, line.len, ln, firstlen))
        c->oom = 1; /* reported when the VEVENT is parsed */
      continue;
    }
    is_begin = eqci(cl.name, cl.nlen, "BEGIN");
    is_end = eqci(cl.name, cl.nlen, "END");
    if(is_begin) {
      frame *f;
      if(depth == MAX_DEPTH) {
        evpubp_read_error(
          c->rd, ln, 1, "components nested deeper than %d levels", MAX_DEPTH);
        c->rc = -1;
        break;
      }
      f = &stack[depth++];
      begin_end_name(&cl, f->name, sizeof(f->name));
      f->line = ln;
      if(depth == 1) {
        if(strcmp(f->name, "VCALENDAR")) {
          if(c->pass == 2 && !outside_reported)
            evpubp_read_error(c->rd, ln, 1,
                              "not iCalendar: expected BEGIN:VCALENDAR, found "
                              "BEGIN:%s",
                              f->name);
          outside_reported = 1;
          skipdepth = depth;
        } else {
          seen_calendar = 1;
        }
      } else if(skipdepth) {
        /* inside something skipped */
      } else if(depth == 2 && !strcmp(f->name, "VEVENT")) {
        collecting = 1;
        c->cur.nrec = 0;
        evpubp_buf_reset(&c->cur.text);
        c->cur.line = ln;
      } else if(depth == 2 && !strcmp(f->name, "VTIMEZONE")) {
        collecting = 2;
        c->cur.nrec = 0;
        evpubp_buf_reset(&c->cur.text);
        c->cur.line = ln;
      } else if(collecting == 2) {
        /* STANDARD / DAYLIGHT: part of the VTIMEZONE */
        if(c->pass == 1 && raw_add(&c->cur, line.data, line.len, ln, firstlen))
          c->oom = 1;
      } else {
        char kind[48];
        snprintf(kind, sizeof(kind), "C:%s", f->name);
        note_once(c, kind, ln, "skipped iCalendar component '%s'%s", f->name,
                  collecting == 1 ? " inside a VEVENT" : "");
        skipdepth = depth;
      }
      continue;
    }
    if(is_end) {
      char name[32];
      size_t k;
      begin_end_name(&cl, name, sizeof(name));
      for(k = depth; k > 0; k--)
        if(!strcmp(stack[k - 1].name, name))
          break;
      if(!k) {
        if(c->pass == 2)
          evpubp_read_error(c->rd, ln, 1, "END:%s without BEGIN:%s", name,
                            name);
        continue;
      }
      if(k != depth && c->pass == 2)
        evpubp_read_error(c->rd, stack[depth - 1].line, 1,
                          "BEGIN:%s is not closed", stack[depth - 1].name);
      depth = k - 1;
      if(skipdepth > depth) {
        skipdepth = 0;
        continue;
      }
      if(collecting == 2 && depth >= 2) {
        if(c->pass == 1 && raw_add(&c->cur, line.data, line.len, ln, firstlen))
          c->oom = 1;
        continue;
      }
      if(depth == 1 && collecting == 1 && k == depth + 1) {
        collecting = 0;
        if(c->pass == 1)
          collect_vevent(c);
        else
          handle_vevent(c);
      } else if(depth == 1 && collecting == 2) {
        collecting = 0;
        if(c->pass == 1)
          collect_vtimezone(c);
      }
      collecting = depth >= 2 ? collecting : 0;
      continue;
    }
    if(skipdepth)
      continue;
    if(collecting == 1 || (collecting == 2 && c->pass == 1)) {
      if(c->cur.text.len + line.len > MAX_VEVENT) {
        evpubp_read_error(c->rd, c->cur.line, 1,
                          "component larger than %lu bytes",
                          (unsigned long)MAX_VEVENT);
        c->rc = -1;
        break;
      }
      if(raw_add(&c->cur, line.data, line.len, ln, firstlen))
        c->oom = 1;
      continue;
    }
    if(depth == 1) {
      /* calendar properties */
      if(eqci(cl.name, cl.nlen, "PRODID") ||
         eqci(cl.name, cl.nlen, "VERSION") ||
         eqci(cl.name, cl.nlen, "CALSCALE") ||
         eqci(cl.name, cl.nlen, "METHOD"))
        continue;
      {
        char kind[80];
        snprintf(kind, sizeof(kind), "P:%.*s",
                 (int)(cl.nlen < 60 ? cl.nlen : 60), cl.name);
        note_once(c, kind, ln, "skipped iCalendar property '%.*s'",
                  (int)(cl.nlen < 60 ? cl.nlen : 60), cl.name);
      }
    }
  }
  if(c->pass == 2 && !c->rc && !c->oom && depth)
    evpubp_read_error(c->rd, stack[depth - 1].line, 1,
                      "BEGIN:%s is not closed", stack[depth - 1].name);
  if(c->pass == 2 && !c->rc && !c->oom && !seen_calendar &&
     !outside_reported && lr->phys)
    evpubp_read_error(c->rd, 1, 1, "no BEGIN:VCALENDAR in the file");
  evpubp_buf_free(&line);
}

/* A stream that cannot seek is copied to a temporary file. */
static FILE *
seekable(FILE *fp, long *start, int *own)
{
  FILE *t;
  char b[1 << 15];
  size_t n;
  *own = 0;
  *start = ftell(fp);
  if(*start >= 0 && !fseek(fp, *start, SEEK_SET))
    return fp;
  t = tmpfile();
  if(!t)
    return NULL;
  while((n = fread(b, 1, sizeof(b), fp)) > 0) {
    if(fwrite(b, 1, n, t) != n) {
      fclose(t);
      return NULL;
    }
  }
  if(ferror(fp) || fflush(t) || fseek(t, 0, SEEK_SET)) {
    fclose(t);
    return NULL;
  }
  *own = 1;
  *start = 0;
  return t;
}

static int
read_ics(const evpubp_read_ctx *rd)
{
  ctx c;
  lreader *lr;
  FILE *in;
  long start;
  int own = 0, rc;
  size_t i;

  memset(&c, 0, sizeof(c));
  c.rd = rd;
  evpubp_map_init(&c.uids);
  evpubp_map_init(&c.zones);
  evpubp_map_init(&c.noted);
  evpubp_buf_init(&c.cur.text);
  evpubp_buf_init(&c.tmp);

  rc = rd->cb->doc_begin(rd->user, (*rd->docno)++);
  if(rc)
    goto out_maps;
  lr = malloc(sizeof(*lr));
  if(!lr) {
    evpubp_read_error(rd, 0, 0, "out of memory");
    rc = -1;
    goto out_maps;
  }
  evpubp_buf_init(&lr->held);
  in = seekable(rd->fp, &start, &own);
  if(!in) {
    evpubp_read_error(rd, 0, 0,
                      "cannot read the input twice (no temporary file)");
    rc = -1;
    goto out;
  }
  /* time zones by name come from the system's zoneinfo (tzdata) */
  icaltimezone_set_builtin_tzdata(0);
  icalerror_set_errors_are_fatal(0);

  c.pass = 1;
  lr_start(lr, in);
  run_pass(&c, lr);
  if(!c.rc && !c.oom) {
    if(fseek(in, start, SEEK_SET)) {
      evpubp_read_error(rd, 0, 0, "cannot read the input twice (seek failed)");
      c.rc = -1;
    } else {
      c.pass = 2;
      lr_start(lr, in);
      run_pass(&c, lr);
    }
  }
  if(c.oom) {
    evpubp_read_error(rd, 0, 0, "out of memory");
    c.rc = -1;
  }
  rc = c.rc;
out:
  if(own)
    fclose(in);
  evpubp_buf_free(&lr->held);
  free(lr);
out_maps:
  for(i = 0; i < c.uids.cap; i++) {
    uidinfo *ui = c.uids.slots ? c.uids.slots[i].value : NULL;
    size_t k;
    if(!c.uids.slots || !c.uids.slots[i].key || !ui)
      continue;
    for(k = 0; k < ui->novr; k++)
      raw_free(&ui->ovr[k]);
    free(ui->ovr);
    free(ui);
  }
  for(i = 0; i < c.zones.cap; i++)
    if(c.zones.slots && c.zones.slots[i].key && c.zones.slots[i].value)
      icaltimezone_free(c.zones.slots[i].value, 1);
  evpubp_map_free(&c.uids);
  evpubp_map_free(&c.zones);
  evpubp_map_free(&c.noted);
  raw_free(&c.cur);
  evpubp_buf_free(&c.tmp);
  evpubp_arena_reset(rd->arena);
  return rc;
}

static const char *const ics_extensions[] = { "ics", NULL };

static int
ics_sniff(const char *head, size_t len)
{
  static const char begin[] = "BEGIN:VCALENDAR";
  size_t i = evpubp_sniff_skip(head, len), k;
  if(len - i < sizeof(begin) - 1)
    return 0;
  for(k = 0; k < sizeof(begin) - 1; k++)
    if(lower((unsigned char)head[i + k]) != lower(begin[k]))
      return 0;
  return 1;
}

const evpubp_reader evpubp_reader_ics = {
  "ics", "iCalendar: one event per VEVENT (doc/icalendar.md)", ics_extensions,
  ics_sniff, read_ics
};
