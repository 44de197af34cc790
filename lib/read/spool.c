/* read/spool.c - the first reading's trees, kept for the second
 *
 * Pass 1 parses the inputs; every document start, header and item it
 * hands to the mapper is also written here, in a compact binary form, to
 * an unnamed temporary file.  The later passes replay this file instead
 * of parsing YAML again (which is most of the cost of a pass), and
 * standard input needs no copy of its own.  It takes about 1.2 times the
 * YAML's size in $TMPDIR.
 *
 * Records: 'F' file name, 'D' document number, 'H' key node + value node,
 * 'I' collection byte + node.  Node: kind, plain, line, column (varints),
 * then a scalar's length and bytes, or a list's / mapping's child count
 * and children.  Numbers are LEB128 varints.
 */
/* P_tmpdir is XSI */
#define _XOPEN_SOURCE 700

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "read/read.h"

#define SPOOL_BUF 65536

struct evpubp_spool {
  FILE *fp;
  int failed;
  size_t len; /* bytes in buf (writing) */
  size_t pos; /* next byte of buf (reading) */
  unsigned char buf[SPOOL_BUF];
};

static void
spool_flush(evpubp_spool *sp)
{
  if(sp->len && fwrite(sp->buf, 1, sp->len, sp->fp) != sp->len)
    sp->failed = 1;
  sp->len = 0;
}

static void
put_bytes(evpubp_spool *sp, const void *p, size_t n)
{
  if(sp->len + n > SPOOL_BUF) {
    spool_flush(sp);
    if(n > SPOOL_BUF) {
      if(fwrite(p, 1, n, sp->fp) != n)
        sp->failed = 1;
      return;
    }
  }
  memcpy(sp->buf + sp->len, p, n);
  sp->len += n;
}

static void
put_byte(evpubp_spool *sp, int c)
{
  if(sp->len == SPOOL_BUF)
    spool_flush(sp);
  sp->buf[sp->len++] = (unsigned char)c;
}

/* The spool lives in $TMPDIR (else the system's P_tmpdir), unlinked at
 * once: it goes away with the process, however the process ends. */
evpubp_spool *
evpubp_new_spool(void)
{
  evpubp_spool *sp = calloc(1, sizeof(*sp));
  const char *dir = getenv("TMPDIR");
  char path[4096];
  int fd;
  if(!sp)
    return NULL;
  if(!dir || !*dir)
    dir = P_tmpdir;
  snprintf(path, sizeof(path), "%s/evpub-spool-XXXXXX", dir);
  fd = mkstemp(path);
  if(fd < 0) {
    free(sp);
    return NULL;
  }
  unlink(path);
  sp->fp = fdopen(fd, "w+b");
  if(!sp->fp) {
    close(fd);
    free(sp);
    return NULL;
  }
  return sp;
}

void
evpubp_free_spool(evpubp_spool *sp)
{
  if(!sp)
    return;
  fclose(sp->fp);
  free(sp);
}

static void
put_u(evpubp_spool *sp, unsigned long long v)
{
  unsigned char b[10];
  size_t n = 0;
  do {
    unsigned char c = (unsigned char)(v & 0x7f);
    v >>= 7;
    b[n++] = (unsigned char)(c | (v ? 0x80 : 0));
  } while(v);
  put_bytes(sp, b, n);
}

static void
put_node(evpubp_spool *sp, const evpubp_node *n)
{
  size_t i, count;
  put_byte(sp, (int)n->kind);
  put_byte(sp, n->plain);
  put_u(sp, n->line);
  put_u(sp, n->col);
  switch(n->kind) {
  case EVPUBP_N_SCALAR:
    put_u(sp, n->len);
    put_bytes(sp, n->str, n->len);
    break;
  case EVPUBP_N_MAP:
  case EVPUBP_N_SEQ:
    count = n->kind == EVPUBP_N_MAP ? 2 * n->n : n->n;
    put_u(sp, count);
    for(i = 0; i < count; i++)
      put_node(sp, n->items[i]);
    break;
  case EVPUBP_N_NULL: break;
  }
}

int
evpubp_spool_file(evpubp_spool *sp, const char *name)
{
  size_t n = strlen(name);
  put_byte(sp, 'F');
  put_u(sp, n);
  put_bytes(sp, name, n);
  return sp->failed ? -1 : 0;
}

int
evpubp_spool_doc(evpubp_spool *sp, unsigned long docno)
{
  put_byte(sp, 'D');
  put_u(sp, docno);
  return sp->failed ? -1 : 0;
}

int
evpubp_spool_header(evpubp_spool *sp, const evpubp_node *key,
                    const evpubp_node *v)
{
  put_byte(sp, 'H');
  put_node(sp, key);
  put_node(sp, v);
  return sp->failed ? -1 : 0;
}

int
evpubp_spool_item(evpubp_spool *sp, evpubp_collection c,
                  const evpubp_node *node)
{
  put_byte(sp, 'I');
  put_byte(sp, (int)c);
  put_node(sp, node);
  return sp->failed ? -1 : 0;
}

/* ---- replay ----------------------------------------------------------- */
typedef struct {
  evpubp_spool *sp;
  size_t have; /* bytes read into sp->buf */
  evpubp_arena *arena;
  int bad;
} replayer;

static int
get_byte(replayer *r)
{
  evpubp_spool *sp = r->sp;
  if(sp->pos == r->have) {
    r->have = fread(sp->buf, 1, SPOOL_BUF, sp->fp);
    sp->pos = 0;
    if(!r->have)
      return EOF;
  }
  return sp->buf[sp->pos++];
}

static int
get_bytes(replayer *r, char *out, size_t n)
{
  evpubp_spool *sp = r->sp;
  while(n) {
    size_t k;
    if(sp->pos == r->have) {
      r->have = fread(sp->buf, 1, SPOOL_BUF, sp->fp);
      sp->pos = 0;
      if(!r->have)
        return -1;
    }
    k = r->have - sp->pos;
    if(k > n)
      k = n;
    memcpy(out, sp->buf + sp->pos, k);
    sp->pos += k;
    out += k;
    n -= k;
  }
  return 0;
}

static unsigned long long
get_u(replayer *r)
{
  unsigned long long v = 0;
  int shift = 0, c;
  do {
    c = get_byte(r);
    if(c == EOF || shift > 63) {
      r->bad = 1;
      return 0;
    }
    v |= (unsigned long long)(c & 0x7f) << shift;
    shift += 7;
  } while(c & 0x80);
  return v;
}

static evpubp_node *
get_node(replayer *r, int depth)
{
  evpubp_node *n;
  int kind = get_byte(r), plain = get_byte(r);
  size_t i, count;
  if(kind == EOF || plain == EOF || kind > EVPUBP_N_SEQ || depth > 300) {
    r->bad = 1;
    return NULL;
  }
  n = evpubp_arena_alloc(r->arena, sizeof(*n));
  if(!n) {
    r->bad = 1;
    return NULL;
  }
  memset(n, 0, sizeof(*n));
  n->kind = (evpubp_node_kind)kind;
  n->plain = (unsigned char)plain;
  n->line = (unsigned long)get_u(r);
  n->col = (unsigned long)get_u(r);
  n->str = "";
  if(n->kind == EVPUBP_N_SCALAR) {
    char *s;
    n->len = (size_t)get_u(r);
    s = r->bad ? NULL : evpubp_arena_alloc(r->arena, n->len + 1);
    if(!s || get_bytes(r, s, n->len)) {
      r->bad = 1;
      return NULL;
    }
    s[n->len] = '\0';
    n->str = s;
  } else if(n->kind == EVPUBP_N_MAP || n->kind == EVPUBP_N_SEQ) {
    count = (size_t)get_u(r);
    if(r->bad)
      return NULL;
    n->n = n->kind == EVPUBP_N_MAP ? count / 2 : count;
    if(count) {
      n->items = evpubp_arena_alloc(r->arena, count * sizeof(*n->items));
      if(!n->items) {
        r->bad = 1;
        return NULL;
      }
      for(i = 0; i < count; i++) {
        n->items[i] = get_node(r, depth + 1);
        if(!n->items[i])
          return NULL;
      }
    }
  }
  return n;
}

int
evpubp_spool_replay(evpubp_spool *sp, evpubp_arena *arena,
                    const evpubp_reader_cb *cb, void *user,
                    void (*set_file)(void *user, const char *name))
{
  replayer r;
  int rc = 0, c;
  char *name = NULL;
  if(sp->len)
    spool_flush(sp);
  if(sp->failed || fflush(sp->fp))
    return -1;
  rewind(sp->fp);
  sp->pos = 0;
  r.sp = sp;
  r.have = 0;
  r.arena = arena;
  r.bad = 0;
  while(!rc && (c = get_byte(&r)) != EOF) {
    if(c == 'F') {
      size_t n = (size_t)get_u(&r);
      char *nn = r.bad ? NULL : realloc(name, n + 1);
      if(!nn || get_bytes(&r, nn, n)) {
        free(nn ? nn : name);
        return -1;
      }
      nn[n] = '\0';
      name = nn;
      set_file(user, name);
    } else if(c == 'D') {
      unsigned long docno = (unsigned long)get_u(&r);
      if(r.bad)
        break;
      rc = cb->doc_begin(user, docno);
    } else if(c == 'H') {
      evpubp_node *k = get_node(&r, 0), *v = k ? get_node(&r, 0) : NULL;
      if(!v)
        break;
      rc = cb->header(user, k, v);
      evpubp_arena_reset(arena);
    } else if(c == 'I') {
      int coll = get_byte(&r);
      evpubp_node *n = coll == EOF ? NULL : get_node(&r, 0);
      if(!n)
        break;
      rc = cb->item(user, (evpubp_collection)coll, n);
      evpubp_arena_reset(arena);
    } else {
      r.bad = 1;
      break;
    }
  }
  free(name);
  if(r.bad)
    return -1;
  return rc;
}
