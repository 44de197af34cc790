/* read/tree.c - description trees: what every reader builds */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "read/read.h"

const char *const evpubp_collection_names[EVPUBP_C_COUNT] = {
  "events", "organizations", "people", "places", "works"
};

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
