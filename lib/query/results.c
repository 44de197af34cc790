/* query/results.c - the result model both sources fill: variables, rows
 * of terms (the strings in one arena), or a boolean
 *
 * Language tags are kept lower-cased: they are case-insensitive (BCP 47),
 * Virtuoso and rdflib lower-case them, Redland keeps them; so the answers
 * of the store and of a server compare equal byte for byte.
 */
#include <stdlib.h>
#include <string.h>

#include "query/query.h"

void
evpubp_result_init(evpubp_result *r)
{
  memset(r, 0, sizeof(*r));
  evpubp_arena_init(&r->arena);
}

void
evpubp_result_free(evpubp_result *r)
{
  free(r->vars);
  free(r->cells);
  evpubp_arena_free(&r->arena);
  memset(r, 0, sizeof(*r));
}

int
evpubp_result_add_var(evpubp_result *r, const char *name)
{
  char **nv = realloc(r->vars, (r->nvars + 1) * sizeof(*nv));
  if(!nv)
    return -1;
  r->vars = nv;
  nv[r->nvars] = evpubp_arena_strndup(&r->arena, name, strlen(name));
  if(!nv[r->nvars])
    return -1;
  r->nvars++;
  return 0;
}

evpubp_term *
evpubp_result_add_row(evpubp_result *r)
{
  evpubp_term *row;
  if(r->nrows == r->caprows) {
    size_t cap = r->caprows ? r->caprows * 2 : 64;
    evpubp_term *nc;
    if(!r->nvars)
      cap = 1;
    nc = realloc(r->cells, cap * (r->nvars ? r->nvars : 1) * sizeof(*nc));
    if(!nc)
      return NULL;
    r->cells = nc;
    r->caprows = cap;
  }
  row = r->cells + r->nrows * r->nvars;
  memset(row, 0, r->nvars * sizeof(*row));
  r->nrows++;
  return row;
}

int
evpubp_result_set(evpubp_result *r, evpubp_term *t, evpubp_term_kind kind,
                  const char *v, size_t n, const char *lang, const char *dt)
{
  t->kind = kind;
  t->value = evpubp_arena_strndup(&r->arena, v, n);
  t->len = n;
  t->lang = NULL;
  t->dt = NULL;
  if(lang && *lang) {
    size_t i, ln = strlen(lang);
    char *l = evpubp_arena_strndup(&r->arena, lang, ln);
    if(!l)
      return -1;
    for(i = 0; i < ln; i++)
      if(l[i] >= 'A' && l[i] <= 'Z')
        l[i] = (char)(l[i] - 'A' + 'a');
    t->lang = l;
  } else if(dt && *dt) {
    t->dt = evpubp_arena_strndup(&r->arena, dt, strlen(dt));
    if(!t->dt)
      return -1;
  }
  return t->value ? 0 : -1;
}

void
evpubp_put_names(evpubp_buf *b, const void *table, size_t n, size_t size)
{
  size_t i;
  for(i = 0; i < n; i++) {
    const char *name =
      *(const char *const *)(const void *)((const char *)table + i * size);
    if(i)
      evpubp_buf_adds(b, i + 1 < n ? ", " : " or ");
    evpubp_buf_adds(b, name);
  }
}
