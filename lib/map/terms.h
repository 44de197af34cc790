/* map/terms.h - the term table as the mapper uses it: what each
 * property takes, type tests, and the IRIs of terms, made once
 *
 * The walk asks these for every key of every item, so they are cached:
 * a property's ranges are read once into an evpubp_propinfo, a type's
 * supertypes into a bitset, a term's IRI into a string.
 */
#ifndef EVPUB_MAP_TERMS_H
#define EVPUB_MAP_TERMS_H

#include "core/core.h"
#include "read/read.h"
#include "map/vocab.h"

/* What the values of a property may be, from its ranges. */
typedef struct {
  unsigned char has_text, has_url, has_date, has_datetime, has_time;
  unsigned char has_number, has_integer, has_boolean, has_duration;
  unsigned char has_class;
  unsigned char is_code; /* a plain literal, never language-tagged */
  unsigned char is_ref;  /* a string names an entity */
  unsigned char done;    /* filled in */
  int enum_type;         /* its first enumeration range, else -1 */
  int default_type;      /* the type of a mapping under it, else -1 */
} evpubp_propinfo;

typedef struct {
  evpubp_propinfo *props; /* per property, filled on first use */
  uint64_t **ancestors;   /* per type: bitset of its supertypes */
  char **prop_iris;       /* per property, type, member: its IRI */
  char **type_iris;
  char **member_iris;
  evpubp_map prop_cache; /* key -> property index + 2 */
  evpubp_map type_cache; /* type name -> type index + 2 */
  evpubp_map enum_cache; /* enum type, value -> member index + 2 */
  evpubp_buf key;

  int root[EVPUBP_C_COUNT]; /* the type of each collection's items */
  int t_event, t_org, t_person, t_place, t_work, t_thing;
  int t_text, t_url, t_date, t_datetime, t_time, t_number, t_integer;
  int t_float, t_boolean, t_duration, t_quantity, t_virtual;
  int t_role, t_orgrole, t_perfrole, t_emprole;
  int p_name, p_url, p_rolename;
} evpubp_terms;

/* 0, or -1 when out of memory (then tm needs no evpubp_terms_free). */
int evpubp_terms_init(evpubp_terms *tm);
void evpubp_terms_free(evpubp_terms *tm);

/* Property p's evpubp_propinfo (p a property index). */
evpubp_propinfo *evpubp_terms_prop_fill(evpubp_terms *tm, int p);
static inline evpubp_propinfo *
evpubp_terms_prop(evpubp_terms *tm, int p)
{
  evpubp_propinfo *pi = &tm->props[p];
  return pi->done ? pi : evpubp_terms_prop_fill(tm, p);
}

/* The index of the property or type of that name, -1 if none. */
int evpubp_terms_lookup_prop(evpubp_terms *tm, const char *name, size_t len);
int evpubp_terms_lookup_type(evpubp_terms *tm, const char *name);

/* Type t's supertypes (itself included) as a bitset, or NULL when out
 * of memory. */
const uint64_t *evpubp_terms_ancestors(evpubp_terms *tm, int t);
/* Is t super or one of its subtypes?  (0 when either is -1.) */
static inline int
evpubp_terms_is_subtype(evpubp_terms *tm, int t, int super)
{
  const uint64_t *a;
  if(t < 0 || super < 0)
    return 0;
  a = tm->ancestors[t] ? tm->ancestors[t] : evpubp_terms_ancestors(tm, t);
  if(!a)
    return evpubp_vocab_is_subtype(t, super);
  return (a[super / 64] >> (super % 64)) & 1;
}
/* May property p stand on a t (a domain of p is t or its supertype)? */
int evpubp_terms_prop_allowed(evpubp_terms *tm, int p, int t);
/* May a t be a value of property p (1 when p is -1)? */
int evpubp_terms_in_range(evpubp_terms *tm, int p, int t);
/* May a value of property p be an event (p -1: no)? */
int evpubp_terms_range_has_event(evpubp_terms *tm, int p);
/* The collection (EVPUBP_C_*) whose items type t is a kind of, prefer
 * first when it is one, else EVPUBP_C_NONE. */
int evpubp_terms_family(evpubp_terms *tm, int t, int prefer);

/* The member of enumeration enum_type that s[0..len) (NUL-terminated)
 * names: a schema.org IRI, "schema:Name", the member's name or a
 * shorthand ("scheduled", "mixed"), in any case.  -1 when none, -2 when
 * out of memory. */
int evpubp_terms_member(evpubp_terms *tm, int enum_type, const char *s,
                        size_t len);

/* The schema.org IRI of a property, type or member (borrowed; NULL
 * when out of memory). */
const char *evpubp_terms_prop_iri(evpubp_terms *tm, int p);
const char *evpubp_terms_type_iri(evpubp_terms *tm, int t);
const char *evpubp_terms_member_iri(evpubp_terms *tm, int i);

#endif /* EVPUB_MAP_TERMS_H */
