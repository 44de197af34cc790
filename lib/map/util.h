/* map/util.h - small helpers the map stage's files share
 *
 * (String, hashing and tree helpers that belong in core and read: the
 * writers and the publisher have copies of the string ones.  Kept here
 * so that this change stays inside the map stage.)
 */
#ifndef EVPUB_MAP_UTIL_H
#define EVPUB_MAP_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "read/read.h"

/* A new malloc'd copy of s[0..n) and a NUL, or NULL. */
static inline char *
evpubp_strndup(const char *s, size_t n)
{
  char *p = malloc(n + 1);
  if(!p)
    return NULL;
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

/* A new malloc'd copy of s; NULL for NULL or when out of memory. */
static inline char *
evpubp_strdup(const char *s)
{
  return s ? evpubp_strndup(s, strlen(s)) : NULL;
}

/* A 64-bit finalizer (splitmix64): every input bit reaches every output
 * bit, so that a few bits of the result serve as a hash. */
static inline uint64_t
evpubp_mix64(uint64_t x)
{
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

/* The first scalar of a value: itself, or a list's first item; NULL
 * when there is none. */
static inline const evpubp_node *
evpubp_first_scalar(const evpubp_node *v)
{
  if(!v)
    return NULL;
  if(v->kind == EVPUBP_N_SEQ)
    return v->n ? evpubp_first_scalar(v->items[0]) : NULL;
  return v->kind == EVPUBP_N_SCALAR ? v : NULL;
}

/* Is n the scalar s? */
static inline int
evpubp_streq(const evpubp_node *n, const char *s)
{
  size_t l = strlen(s);
  return n->kind == EVPUBP_N_SCALAR && n->len == l && !memcmp(n->str, s, l);
}

#endif /* EVPUB_MAP_UTIL_H */
