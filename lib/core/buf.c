/* core/buf.c - buffers, arenas and a string hash map */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

/* ---- buffer ---------------------------------------------------------- */
void
evpubp_buf_init(evpubp_buf *b)
{
  b->data = NULL;
  b->len = 0;
  b->cap = 0;
  b->failed = 0;
}

void
evpubp_buf_free(evpubp_buf *b)
{
  free(b->data);
  evpubp_buf_init(b);
}

void
evpubp_buf_reset(evpubp_buf *b)
{
  b->len = 0;
  if(b->data)
    b->data[0] = '\0';
}

int
evpubp_buf_reserve(evpubp_buf *b, size_t extra)
{
  size_t need, cap;
  char *p;
  if(b->failed)
    return -1;
  need = b->len + extra + 1;
  if(need <= b->cap)
    return 0;
  cap = b->cap ? b->cap : 64;
  while(cap < need) {
    if(cap > ((size_t)-1) / 2) {
      b->failed = 1;
      return -1;
    }
    cap *= 2;
  }
  p = realloc(b->data, cap);
  if(!p) {
    b->failed = 1;
    return -1;
  }
  b->data = p;
  b->cap = cap;
  return 0;
}

int
evpubp_buf_add(evpubp_buf *b, const char *s, size_t n)
{
  if(evpubp_buf_reserve(b, n))
    return -1;
  if(n)
    memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
  return 0;
}

int
evpubp_buf_adds(evpubp_buf *b, const char *s)
{
  return evpubp_buf_add(b, s, strlen(s));
}

int
evpubp_buf_printf(evpubp_buf *b, const char *fmt, ...)
{
  va_list ap;
  int n;
  char small[256];
  va_start(ap, fmt);
  n = vsnprintf(small, sizeof(small), fmt, ap);
  va_end(ap);
  if(n < 0)
    return -1;
  if((size_t)n < sizeof(small))
    return evpubp_buf_add(b, small, (size_t)n);
  if(evpubp_buf_reserve(b, (size_t)n))
    return -1;
  va_start(ap, fmt);
  vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return 0;
}

/* ---- arena ------------------------------------------------------------ */
#define ARENA_BLOCK 65536

struct evpubp_arena_block {
  evpubp_arena_block *next;
  size_t size;
  /* payload follows, aligned */
  max_align_t data[1];
};

void
evpubp_arena_init(evpubp_arena *a)
{
  a->head = NULL;
  a->used = 0;
  a->total = 0;
}

void *
evpubp_arena_alloc(evpubp_arena *a, size_t n)
{
  size_t align = sizeof(max_align_t);
  char *p;
  n = (n + align - 1) / align * align;
  if(!a->head || a->used + n > a->head->size) {
    size_t size = n > ARENA_BLOCK ? n : ARENA_BLOCK;
    evpubp_arena_block *blk = malloc(sizeof(*blk) + size);
    if(!blk)
      return NULL;
    blk->size = size;
    blk->next = a->head;
    a->head = blk;
    a->used = 0;
  }
  p = (char *)a->head->data + a->used;
  a->used += n;
  a->total += n;
  return p;
}

char *
evpubp_arena_strndup(evpubp_arena *a, const char *s, size_t n)
{
  char *p = evpubp_arena_alloc(a, n + 1);
  if(!p)
    return NULL;
  if(n)
    memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

void
evpubp_arena_reset(evpubp_arena *a)
{
  evpubp_arena_block *blk, *keep = NULL;
  /* keep the last (oldest) block of standard size; free the others */
  blk = a->head;
  while(blk) {
    evpubp_arena_block *next = blk->next;
    if(!keep && blk->size == ARENA_BLOCK && !next)
      keep = blk;
    else
      free(blk);
    blk = next;
  }
  if(keep)
    keep->next = NULL;
  a->head = keep;
  a->used = 0;
  a->total = 0;
}

void
evpubp_arena_free(evpubp_arena *a)
{
  evpubp_arena_block *blk = a->head;
  while(blk) {
    evpubp_arena_block *next = blk->next;
    free(blk);
    blk = next;
  }
  evpubp_arena_init(a);
}

/* ---- hash map (open addressing, linear probing) ------------------------ */
/* A word-at-a-time multiplicative hash: the maps and Bloom filters hash
 * every key and IRI, so this is on the hot path.  Only used in-process. */
uint64_t
evpubp_hash(const char *s, size_t n)
{
  uint64_t h = 0x9E3779B97F4A7C15ULL ^ (uint64_t)n, w;
  while(n >= 8) {
    memcpy(&w, s, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdULL;
    h ^= h >> 32;
    s += 8;
    n -= 8;
  }
  w = 0;
  if(n)
    memcpy(&w, s, n);
  h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 29;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 32;
  return h;
}

void
evpubp_map_init(evpubp_map *m)
{
  m->slots = NULL;
  m->cap = 0;
  m->count = 0;
}

void
evpubp_map_free(evpubp_map *m)
{
  size_t i;
  for(i = 0; i < m->cap; i++)
    free(m->slots[i].key);
  free(m->slots);
  evpubp_map_init(m);
}

static evpubp_map_entry *
map_probe(const evpubp_map *m, const char *key, size_t klen, uint64_t h)
{
  size_t i = (size_t)h & (m->cap - 1);
  for(;;) {
    evpubp_map_entry *e = &m->slots[i];
    if(!e->key)
      return e;
    if(e->hash == h && e->klen == klen && !memcmp(e->key, key, klen))
      return e;
    i = (i + 1) & (m->cap - 1);
  }
}

evpubp_map_entry *
evpubp_map_find(const evpubp_map *m, const char *key, size_t klen)
{
  evpubp_map_entry *e;
  if(!m->cap)
    return NULL;
  e = map_probe(m, key, klen, evpubp_hash(key, klen));
  return e->key ? e : NULL;
}

static int
map_grow(evpubp_map *m)
{
  size_t ncap = m->cap ? m->cap * 2 : 64, i;
  evpubp_map_entry *old = m->slots, *ns;
  size_t ocap = m->cap;
  ns = calloc(ncap, sizeof(*ns));
  if(!ns)
    return -1;
  m->slots = ns;
  m->cap = ncap;
  for(i = 0; i < ocap; i++) {
    if(old[i].key) {
      evpubp_map_entry *e = map_probe(m, old[i].key, old[i].klen, old[i].hash);
      *e = old[i];
    }
  }
  free(old);
  return 0;
}

evpubp_map_entry *
evpubp_map_put(evpubp_map *m, const char *key, size_t klen)
{
  uint64_t h = evpubp_hash(key, klen);
  evpubp_map_entry *e;
  if((m->count + 1) * 4 > m->cap * 3 && map_grow(m))
    return NULL;
  e = map_probe(m, key, klen, h);
  if(e->key)
    return e;
  e->key = malloc(klen + 1);
  if(!e->key)
    return NULL;
  memcpy(e->key, key, klen);
  e->key[klen] = '\0';
  e->klen = klen;
  e->hash = h;
  e->value = NULL;
  m->count++;
  return e;
}

/* ---- growing arrays ---------------------------------------------------- */
/* The array's pointer is copied in and out with memcpy: it is a T *,
 * which a void * may not name directly. */
int
evpubp_grow(void *arrp, size_t n, size_t *cap, size_t size, size_t first)
{
  size_t nc;
  void *a, *na;
  if(n < *cap)
    return 0;
  nc = *cap ? *cap * 2 : first;
  memcpy(&a, arrp, sizeof(a));
  na = realloc(a, nc * size);
  if(!na)
    return -1;
  memcpy(arrp, &na, sizeof(na));
  *cap = nc;
  return 0;
}

/* ---- small helpers ---------------------------------------------------- */
char *
evpubp_strndup(const char *s, size_t n)
{
  char *p = malloc(n + 1);
  if(!p)
    return NULL;
  if(n) /* s may be NULL when n is 0 */
    memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

char *
evpubp_strdup(const char *s)
{
  return s ? evpubp_strndup(s, strlen(s)) : NULL;
}

uint64_t
evpubp_mix64(uint64_t x)
{
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}
