/* read/tree.c - description trees: what every reader builds */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "read/read.h"

const char *const evpubp_collection_names[EVPUBP_C_COUNT] = {
  "events", "organizations", "people", "places", "works"
};

const evpubp_node *
evpubp_first_scalar(const evpubp_node *v)
{
  if(!v)
    return NULL;
  if(v->kind == EVPUBP_N_SEQ)
    return v->n ? evpubp_first_scalar(v->items[0]) : NULL;
  return v->kind == EVPUBP_N_SCALAR ? v : NULL;
}

int
evpubp_streq(const evpubp_node *n, const char *s)
{
  size_t l = strlen(s);
  return n->kind == EVPUBP_N_SCALAR && n->len == l && !memcmp(n->str, s, l);
}

const evpubp_node *
evpubp_node_get(const evpubp_node *map, const char *key)
{
  size_t i, l = strlen(key);
  for(i = 0; i < map->n; i++) {
    const evpubp_node *k = map->items[2 * i];
    if(k->kind == EVPUBP_N_SCALAR && k->len == l && !memcmp(k->str, key, l))
      return map->items[2 * i + 1];
  }
  return NULL;
}

const evpubp_node *
evpubp_node_nth(const evpubp_node *v, size_t j)
{
  if(v->kind == EVPUBP_N_SCALAR)
    return v;
  if(v->kind == EVPUBP_N_SEQ)
    return j < v->n ? v->items[j] : NULL;
  if(v->kind == EVPUBP_N_MAP)
    return j < v->n ? v->items[2 * j + 1] : NULL;
  return NULL;
}

void
evpubp_read_error(const evpubp_read_ctx *ctx, unsigned long line,
                  unsigned long col, const char *fmt, ...)
{
  char text[600];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  ctx->cb->error(ctx->user, line, col, text);
}

/* Few keys, as most mappings have: compare each with those before it;
 * many: a hash map, so a mapping of thousands of keys stays linear. */
void
evpubp_read_duplicate_keys(const evpubp_read_ctx *ctx, const evpubp_node *map)
{
  size_t i, j, n = map->n;
  evpubp_map seen;
  if(n <= 32) {
    for(i = 1; i < n; i++) {
      const evpubp_node *k = map->items[2 * i];
      for(j = 0; j < i; j++) {
        const evpubp_node *o = map->items[2 * j];
        if(k->len == o->len && !memcmp(k->str, o->str, k->len)) {
          evpubp_read_error(ctx, k->line, k->col, "duplicate key '%s'",
                            k->str);
          break;
        }
      }
    }
    return;
  }
  evpubp_map_init(&seen);
  for(i = 0; i < n; i++) {
    const evpubp_node *k = map->items[2 * i];
    evpubp_map_entry *e = evpubp_map_put(&seen, k->str, k->len);
    if(!e)
      break;
    if(e->value)
      evpubp_read_error(ctx, k->line, k->col, "duplicate key '%s'", k->str);
    e->value = (void *)k;
  }
  evpubp_map_free(&seen);
}

evpubp_node *
evpubp_new_node(evpubp_arena *a, evpubp_node_kind kind, unsigned long line,
                unsigned long col)
{
  evpubp_node *n = evpubp_arena_alloc(a, sizeof(*n));
  if(!n)
    return NULL;
  memset(n, 0, sizeof(*n));
  n->kind = kind;
  n->line = line;
  n->col = col;
  return n;
}

void
evpubp_node_list_push(evpubp_node_list *l, evpubp_node *x)
{
  if(l->failed || !x) {
    l->failed = 1;
    return;
  }
  if(evpubp_grow(&l->it, l->n, &l->cap, sizeof(*l->it), 16)) {
    l->failed = 1;
    return;
  }
  l->it[l->n++] = x;
}

void
evpubp_node_list_free(evpubp_node_list *l)
{
  free(l->it);
  memset(l, 0, sizeof(*l));
}

evpubp_node *
evpubp_node_list_finish(evpubp_node_list *l, evpubp_arena *a,
                        evpubp_node_kind kind, unsigned long line,
                        unsigned long col)
{
  evpubp_node *n = NULL;
  if(!l->failed)
    n = evpubp_new_node(a, kind, line, col);
  if(n && l->n) {
    n->items = evpubp_arena_alloc(a, l->n * sizeof(*n->items));
    if(n->items) {
      memcpy(n->items, l->it, l->n * sizeof(*n->items));
      n->n = kind == EVPUBP_N_MAP ? l->n / 2 : l->n;
    } else {
      n = NULL;
    }
  }
  evpubp_node_list_free(l);
  return n;
}
