/* map/vocab.c - lookups in the schema.org term table */
#include <string.h>

#include "map/vocab.h"
#include "core/core.h"

/* Binary search in a table sorted by name whose rows start with
 * "const char *name". */
static int
find_name(const void *rows, size_t n, size_t stride, const char *name)
{
  size_t lo = 0, hi = n;
  while(lo < hi) {
    size_t mid = (lo + hi) / 2;
    const char *const *row =
      (const char *const *)((const char *)rows + mid * stride);
    int c = strcmp(name, *row);
    if(!c)
      return (int)mid;
    if(c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return -1;
}

int
evpubp_vocab_type(const char *name)
{
  return find_name(evpubp_vocab_types, evpubp_vocab_ntypes,
                   sizeof(evpubp_vtype), name);
}

int
evpubp_vocab_prop(const char *name)
{
  return find_name(evpubp_vocab_props, evpubp_vocab_nprops,
                   sizeof(evpubp_vprop), name);
}

int
evpubp_vocab_member(const char *name, int enum_type)
{
  size_t i;
  for(i = 0; i < evpubp_vocab_nmembers; i++) {
    if(!strcmp(evpubp_vocab_members[i].name, name) &&
       (enum_type < 0 ||
        evpubp_vocab_is_subtype(evpubp_vocab_members[i].type, enum_type)))
      return (int)i;
  }
  return -1;
}

static int
ieq(const char *a, size_t alen, const char *b)
{
  size_t i;
  for(i = 0; i < alen; i++) {
    char x = a[i], y = b[i];
    if(!y)
      return 0;
    if(x >= 'A' && x <= 'Z')
      x = (char)(x - 'A' + 'a');
    if(y >= 'A' && y <= 'Z')
      y = (char)(y - 'A' + 'a');
    if(x != y)
      return 0;
  }
  return b[alen] == '\0';
}

int
evpubp_vocab_member_ci(const char *name, size_t len, int enum_type)
{
  size_t i;
  for(i = 0; i < evpubp_vocab_nmembers; i++) {
    if(ieq(name, len, evpubp_vocab_members[i].name) &&
       (enum_type < 0 ||
        evpubp_vocab_is_subtype(evpubp_vocab_members[i].type, enum_type)))
      return (int)i;
  }
  return -1;
}

int
evpubp_vocab_is_subtype(int type, int super)
{
  const evpubp_vtype *t;
  unsigned i;
  if(type == super)
    return 1;
  if(type < 0 || super < 0)
    return 0;
  t = &evpubp_vocab_types[type];
  for(i = 0; i < t->nsupers; i++)
    if(evpubp_vocab_is_subtype(t->supers[i], super))
      return 1;
  return 0;
}

int
evpubp_vocab_prop_allowed(int p, int t)
{
  const evpubp_vprop *pr = &evpubp_vocab_props[p];
  unsigned i;
  for(i = 0; i < pr->ndomains; i++)
    if(evpubp_vocab_is_subtype(t, pr->domains[i]))
      return 1;
  return 0;
}

/* The closest of the names offered to a misspelt one: within 1 edit
 * for up to 4 characters, 2 for up to 8, else 3. */
typedef struct {
  const char *name;
  size_t best;
  const char *found;
} closest;

static void
offer(closest *c, const char *candidate)
{
  size_t d = evpubp_edit_distance(c->name, candidate);
  if(d < c->best) {
    c->best = d;
    c->found = candidate;
  }
}

static const char *
closest_found(const closest *c)
{
  size_t len = strlen(c->name);
  size_t limit = len <= 4 ? 1 : len <= 8 ? 2 : 3;
  return c->best <= limit ? c->found : NULL;
}

const char *
evpubp_vocab_suggest(const char *name, int t)
{
  closest c = { name, (size_t)-1, NULL };
  size_t i;
  for(i = 0; i < evpubp_vocab_nprops; i++)
    if(evpubp_vocab_prop_allowed((int)i, t))
      offer(&c, evpubp_vocab_props[i].name);
  return closest_found(&c);
}

const char *
evpubp_vocab_suggest_type(const char *name)
{
  closest c = { name, (size_t)-1, NULL };
  size_t i;
  for(i = 0; i < evpubp_vocab_ntypes; i++)
    if(evpubp_vocab_types[i].kind == EVPUBP_VK_CLASS)
      offer(&c, evpubp_vocab_types[i].name);
  return closest_found(&c);
}
