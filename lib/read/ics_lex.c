/* read/ics_lex.c - iCalendar lines: physical lines, unfolding, content
 * lines, TEXT values
 *
 * Content lines are unfolded here, not by libical, so that every node
 * and every message carries the physical line it came from.  A property's
 * lines are kept as they are read (evpubp_ics_raw) and parsed when their
 * component is complete.
 */
#include <stdlib.h>
#include <string.h>

#include "read/ics.h"

static int
lower(int c)
{
  return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int
evpubp_ics_eqci(const char *s, size_t n, const char *lit)
{
  size_t i;
  for(i = 0; i < n; i++)
    if(!lit[i] || lower((unsigned char)s[i]) != lower((unsigned char)lit[i]))
      return 0;
  return lit[n] == '\0';
}

int
evpubp_ics_prefixci(const char *s, size_t n, const char *lit)
{
  size_t k = strlen(lit);
  return n >= k && evpubp_ics_eqci(s, k, lit);
}

int
evpubp_ics_name_char(int c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
    (c >= '0' && c <= '9') || c == '-';
}

/* ---- physical and logical lines ------------------------------------ */
void
evpubp_ics_lr_start(evpubp_ics_lreader *lr, FILE *fp)
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
 * end, -1 on a read or memory error.  *toolong: the line is longer than
 * a content line may be; reading stops there (the rest of the line is
 * not read: a stream without line ends, such as /dev/zero, ends the
 * reading instead of being scanned for ever). */
static int
phys_line(evpubp_ics_lreader *lr, evpubp_buf *b, int *toolong)
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
    if(b->len + take > EVPUBP_ICS_MAX_LINE) {
      *toolong = 1;
      lr->pos = lr->len;
      lr->eof = 1; /* a fatal error: nothing after it is read */
      break;
    }
    if(evpubp_buf_add(b, lr->buf + lr->pos, take))
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
 * phys_line(); a line too long ends the reading (*toolong). */
int
evpubp_ics_logical_line(evpubp_ics_lreader *lr, evpubp_buf *cur,
                        unsigned long *line, size_t *firstlen, int *toolong)
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
  if(*toolong)
    return 1;
  for(;;) {
    rc = phys_line(lr, &lr->held, &tl);
    if(rc < 0)
      return -1;
    if(!rc)
      break;
    if(lr->held.len && (lr->held.data[0] == ' ' || lr->held.data[0] == '\t')) {
      if(tl || cur->len + lr->held.len - 1 > EVPUBP_ICS_MAX_LINE) {
        *toolong = 1;
        lr->eof = 1;
        lr->pos = lr->len;
        return 1;
      }
      if(evpubp_buf_add(cur, lr->held.data + 1, lr->held.len - 1))
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
/* Split a content line (RFC 5545 3.1).  Returns NULL, or a message with
 * *erroff the offset it is about. */
const char *
evpubp_ics_parse_cline(const char *s, size_t n, evpubp_ics_cline *c,
                       size_t *erroff)
{
  size_t i = 0;
  c->nparams = 0;
  while(i < n && evpubp_ics_name_char((unsigned char)s[i]))
    i++;
  if(!i) {
    *erroff = 0;
    return "syntax error: a content line must start with a property name";
  }
  c->name = s;
  c->nlen = i;
  while(i < n && s[i] == ';') {
    evpubp_ics_param *p;
    size_t st = ++i;
    while(i < n && evpubp_ics_name_char((unsigned char)s[i]))
      i++;
    if(i == st || i >= n || s[i] != '=') {
      *erroff = st;
      return "syntax error: a parameter must be NAME=value";
    }
    if(c->nparams == EVPUBP_ICS_MAX_PARAMS) {
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

const evpubp_ics_param *
evpubp_ics_get_param(const evpubp_ics_cline *c, const char *name)
{
  size_t i;
  for(i = 0; i < c->nparams; i++)
    if(evpubp_ics_eqci(c->params[i].name, c->params[i].nlen, name))
      return &c->params[i];
  return NULL;
}

/* ---- raw components: their content lines, kept for later -------- */
void
evpubp_ics_raw_free(evpubp_ics_raw *r)
{
  evpubp_buf_free(&r->text);
  free(r->recs);
  r->recs = NULL;
  r->nrec = r->cap = 0;
}

int
evpubp_ics_raw_add(evpubp_ics_raw *r, const char *s, size_t n,
                   unsigned long line, size_t firstlen)
{
  evpubp_ics_lrec *l;
  if(evpubp_grow(&r->recs, r->nrec, &r->cap, sizeof(*r->recs), 32))
    return -1;
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

int
evpubp_ics_raw_copy(evpubp_ics_raw *dst, const evpubp_ics_raw *src)
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

/* The length of the UTF-8 character at s[0..n), 0 when there is none
 * (a byte that cannot start one, a sequence cut short, overlong, a
 * surrogate or past U+10FFFF). */
static size_t
utf8_char(const unsigned char *s, size_t n)
{
  size_t len, i;
  unsigned long cp;
  if(s[0] < 0x80)
    return 1;
  if(s[0] >= 0xC2 && s[0] <= 0xDF) {
    len = 2;
    cp = s[0] & 0x1F;
  } else if(s[0] >= 0xE0 && s[0] <= 0xEF) {
    len = 3;
    cp = s[0] & 0x0F;
  } else if(s[0] >= 0xF0 && s[0] <= 0xF4) {
    len = 4;
    cp = s[0] & 0x07;
  } else {
    return 0;
  }
  if(n < len)
    return 0;
  for(i = 1; i < len; i++) {
    if((s[i] & 0xC0) != 0x80)
      return 0;
    cp = cp << 6 | (s[i] & 0x3F);
  }
  if((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
     (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
    return 0;
  return len;
}

const char *
evpubp_ics_quote(char *out, const char *s, size_t n, size_t max)
{
  static const char hex[] = "0123456789ABCDEF";
  const unsigned char *u = (const unsigned char *)s;
  size_t i = 0, o = 0;
  int cut = n > max;
  if(cut)
    n = max;
  while(i < n) {
    size_t k = utf8_char(u + i, n - i);
    /* C1 controls are U+0080..U+009F: C2 80..C2 9F */
    int control = k == 1 ? u[i] < 0x20 || u[i] == 0x7F
                         : k == 2 && u[i] == 0xC2 && u[i + 1] < 0xA0;
    if(k && !control) {
      memcpy(out + o, s + i, k);
      o += k;
      i += k;
      continue;
    }
    if(!k && cut && n - i < 4 && u[i] >= 0xC2 && u[i] <= 0xF4) {
      size_t j = i + 1;
      while(j < n && (u[j] & 0xC0) == 0x80)
        j++;
      if(j == n)
        break; /* a character the limit cuts: left out */
    }
    for(k = k ? k : 1; k > 0; k--, i++) {
      out[o++] = '\\';
      out[o++] = 'x';
      out[o++] = hex[u[i] >> 4];
      out[o++] = hex[u[i] & 15];
    }
  }
  out[o] = '\0';
  return out;
}

/* Column (1-based, in characters) of offset off of a logical line. */
unsigned long
evpubp_ics_col(const char *s, const evpubp_ics_lrec *r, size_t off)
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

/* Unescape a TEXT value (RFC 5545 3.3.11) into the arena. */
evpubp_node *
evpubp_ics_text_node(evpubp_ics *c, const char *s, size_t n,
                     unsigned long line)
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
  return evpubp_ics_scalar(c, c->tmp.data ? c->tmp.data : "", c->tmp.len,
                           line);
}

/* A TEXT property's value: NULL when blank (exporters write empty
 * DESCRIPTION and LOCATION lines); with a LANGUAGE parameter, a language
 * map {tag: text}. */
evpubp_node *
evpubp_ics_text_prop(evpubp_ics *c, const evpubp_ics_cline *cl,
                     unsigned long line)
{
  const evpubp_ics_param *lang = evpubp_ics_get_param(cl, "LANGUAGE");
  evpubp_node *v = evpubp_ics_text_node(c, cl->val, cl->vlen, line);
  size_t i;
  evpubp_node_list m = { 0 };
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
  evpubp_node_list_push(&m, evpubp_ics_scalar(c, lang->val, lang->vlen, line));
  if(m.n)
    m.it[0]->plain = 1;
  evpubp_node_list_push(&m, v);
  return evpubp_ics_finish(c, &m, 1, line);
}

/* A stream that cannot seek is copied to a temporary file.  The copy
 * stops within a content line (unfolded) longer than a content line may
 * be: the reader stops there with its error, so reading further (a pipe
 * from /dev/zero never ends) would only fill the disk. */
FILE *
evpubp_ics_seekable(FILE *fp, long *start, int *own)
{
  FILE *t;
  char b[1 << 15];
  size_t n, i, run = 0;     /* bytes of the content line so far, unfolded */
  int after_nl = 0, cr = 0; /* the last byte copied is LF, CR */
  *own = 0;
  *start = ftell(fp);
  if(*start >= 0 && !fseek(fp, *start, SEEK_SET))
    return fp;
  t = tmpfile();
  if(!t)
    return NULL;
  while(run <= EVPUBP_ICS_MAX_LINE + 3 &&
        (n = fread(b, 1, sizeof(b), fp)) > 0) {
    for(i = 0; i < n; i++) {
      if(after_nl) {
        after_nl = 0;
        if(b[i] == ' ' || b[i] == '\t')
          continue; /* folded: the line goes on */
        run = 0;
      }
      if(b[i] == '\n') {
        run -= cr; /* CRLF: the CR is not content */
        after_nl = 1;
        cr = 0;
        continue;
      }
      cr = b[i] == '\r';
      run++;
    }
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
