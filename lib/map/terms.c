/* map/terms.c - the term table as the mapper uses it, cached */
#include <stdlib.h>
#include <string.h>

#include "map/terms.h"

/* Properties whose values are plain literals, never language-tagged. */
static const char *const code_props[] = { "inLanguage",
                                          "addressCountry",
                                          "priceCurrency",
                                          "postalCode",
                                          "telephone",
                                          "email",
                                          "isbn",
                                          "faxNumber",
                                          "taxID",
                                          "vatID",
                                          "duns",
                                          "leiCode",
                                          "globalLocationNumber",
                                          "isicV4",
                                          "naics",
                                          "iataCode",
                                          "icaoCode",
                                          "sku",
                                          "gtin",
                                          "gtin8",
                                          "gtin12",
                                          "gtin13",
                                          "gtin14",
                                          "issn",
                                          "postOfficeBoxNumber",
                                          "currency",
                                          "roleName",
                                          "branchCode",
                                          "availableLanguage",
                                          "addressRegion_code",
                                          NULL };

/* Position defaults of spec section 2: property -> default type. */
static const char *const default_types[][2] = {
  { "superEvent", "Event" },
  { "subEvent", "Event" },
  { "subEvents", "Event" },
  { "organizer", "Organization" },
  { "sponsor", "Organization" },
  { "funder", "Organization" },
  { "contributor", "Organization" },
  { "affiliation", "Organization" },
  { "worksFor", "Organization" },
  { "memberOf", "Organization" },
  { "parentOrganization", "Organization" },
  { "subOrganization", "Organization" },
  { "department", "Organization" },
  { "publisher", "Organization" },
  { "performer", "Person" },
  { "attendee", "Person" },
  { "author", "Person" },
  { "location", "Place" },
  { "address", "PostalAddress" },
  { "geo", "GeoCoordinates" },
  { "offers", "Offer" },
  { "workFeatured", "CreativeWork" },
  { "recordedIn", "CreativeWork" },
  { NULL, NULL }
};

/* Enumeration shorthands that are not simply the member's name. */
static const char *const enum_affixes[][2] = {
  { "Event", "" },               /* scheduled -> EventScheduled */
  { "", "EventAttendanceMode" }, /* mixed -> MixedEventAttendanceMode */
  { NULL, NULL }
};

static void
find_terms(evpubp_terms *tm)
{
#define T(field, name) tm->field = evpubp_vocab_type(name)
  T(t_event, "Event");
  T(t_org, "Organization");
  T(t_person, "Person");
  T(t_place, "Place");
  T(t_work, "CreativeWork");
  T(t_thing, "Thing");
  T(t_text, "Text");
  T(t_url, "URL");
  T(t_date, "Date");
  T(t_datetime, "DateTime");
  T(t_time, "Time");
  T(t_number, "Number");
  T(t_integer, "Integer");
  T(t_float, "Float");
  T(t_boolean, "Boolean");
  T(t_duration, "Duration");
  T(t_quantity, "QuantitativeValue");
  T(t_virtual, "VirtualLocation");
  T(t_role, "Role");
  T(t_orgrole, "OrganizationRole");
  T(t_perfrole, "PerformanceRole");
  T(t_emprole, "EmployeeRole");
#undef T
  tm->root[EVPUBP_C_EVENTS] = tm->t_event;
  tm->root[EVPUBP_C_ORGANIZATIONS] = tm->t_org;
  tm->root[EVPUBP_C_PEOPLE] = tm->t_person;
  tm->root[EVPUBP_C_PLACES] = tm->t_place;
  tm->root[EVPUBP_C_WORKS] = tm->t_work;
  tm->p_name = evpubp_vocab_prop("name");
  tm->p_url = evpubp_vocab_prop("url");
  tm->p_rolename = evpubp_vocab_prop("roleName");
}

int
evpubp_terms_init(evpubp_terms *tm)
{
  memset(tm, 0, sizeof(*tm));
  tm->props = calloc(evpubp_vocab_nprops, sizeof(*tm->props));
  tm->ancestors = calloc(evpubp_vocab_ntypes, sizeof(uint64_t *));
  tm->prop_iris = calloc(evpubp_vocab_nprops, sizeof(char *));
  tm->type_iris = calloc(evpubp_vocab_ntypes, sizeof(char *));
  tm->member_iris = calloc(evpubp_vocab_nmembers, sizeof(char *));
  if(!tm->props || !tm->ancestors || !tm->prop_iris || !tm->type_iris ||
     !tm->member_iris) {
    free(tm->props);
    free(tm->ancestors);
    free(tm->prop_iris);
    free(tm->type_iris);
    free(tm->member_iris);
    return -1;
  }
  evpubp_map_init(&tm->prop_cache);
  evpubp_map_init(&tm->type_cache);
  evpubp_map_init(&tm->enum_cache);
  evpubp_buf_init(&tm->key);
  find_terms(tm);
  return 0;
}

static void
free_all(void **v, size_t n)
{
  size_t i;
  for(i = 0; v && i < n; i++)
    free(v[i]);
  free(v);
}

void
evpubp_terms_free(evpubp_terms *tm)
{
  free(tm->props);
  free_all((void **)tm->ancestors, evpubp_vocab_ntypes);
  free_all((void **)tm->prop_iris, evpubp_vocab_nprops);
  free_all((void **)tm->type_iris, evpubp_vocab_ntypes);
  free_all((void **)tm->member_iris, evpubp_vocab_nmembers);
  evpubp_map_free(&tm->prop_cache);
  evpubp_map_free(&tm->type_cache);
  evpubp_map_free(&tm->enum_cache);
  evpubp_buf_free(&tm->key);
}

/* ---- lookups ------------------------------------------------------------ */
/* A cache holds index + 2, so that an empty slot (NULL) means "not yet"
 * and 1 means "none". */
int
evpubp_terms_lookup_prop(evpubp_terms *tm, const char *name, size_t len)
{
  evpubp_map_entry *e = evpubp_map_put(&tm->prop_cache, name, len);
  if(!e)
    return evpubp_vocab_prop(name);
  if(!e->value)
    e->value =
      (void *)(intptr_t)((strlen(name) == len ? evpubp_vocab_prop(name) : -1) +
                         2);
  return (int)(intptr_t)e->value - 2;
}

int
evpubp_terms_lookup_type(evpubp_terms *tm, const char *name)
{
  evpubp_map_entry *e = evpubp_map_put(&tm->type_cache, name, strlen(name));
  if(!e)
    return evpubp_vocab_type(name);
  if(!e->value)
    e->value = (void *)(intptr_t)(evpubp_vocab_type(name) + 2);
  return (int)(intptr_t)e->value - 2;
}

/* ---- types -------------------------------------------------------------- */
const uint64_t *
evpubp_terms_ancestors(evpubp_terms *tm, int t)
{
  size_t words = (evpubp_vocab_ntypes + 63) / 64, i;
  uint64_t *bits;
  if(tm->ancestors[t])
    return tm->ancestors[t];
  bits = calloc(words, sizeof(uint64_t));
  if(!bits)
    return NULL;
  for(i = 0; i < evpubp_vocab_ntypes; i++)
    if(evpubp_vocab_is_subtype(t, (int)i))
      bits[i / 64] |= (uint64_t)1 << (i % 64);
  tm->ancestors[t] = bits;
  return bits;
}

/* Is t (or, with reverse, one of its supertypes) in the list? */
static int
any_subtype(evpubp_terms *tm, int t, const unsigned short *list, unsigned n,
            int reverse)
{
  unsigned i;
  for(i = 0; i < n; i++)
    if(evpubp_terms_is_subtype(tm, t, list[i]) ||
       (reverse && evpubp_terms_is_subtype(tm, list[i], t)))
      return 1;
  return 0;
}

int
evpubp_terms_prop_allowed(evpubp_terms *tm, int p, int t)
{
  const evpubp_vprop *vp = &evpubp_vocab_props[p];
  return any_subtype(tm, t, vp->domains, vp->ndomains, 0);
}

int
evpubp_terms_in_range(evpubp_terms *tm, int p, int t)
{
  const evpubp_vprop *vp;
  if(p < 0)
    return 1;
  vp = &evpubp_vocab_props[p];
  return any_subtype(tm, t, vp->ranges, vp->nranges, 0);
}

int
evpubp_terms_range_has_event(evpubp_terms *tm, int p)
{
  const evpubp_vprop *vp;
  if(p < 0)
    return 0;
  vp = &evpubp_vocab_props[p];
  return any_subtype(tm, tm->t_event, vp->ranges, vp->nranges, 1);
}

int
evpubp_terms_family(evpubp_terms *tm, int t, int prefer)
{
  static const int order[] = { EVPUBP_C_EVENTS, EVPUBP_C_PEOPLE,
                               EVPUBP_C_ORGANIZATIONS, EVPUBP_C_PLACES,
                               EVPUBP_C_WORKS };
  int i;
  if(prefer >= 0 && prefer < EVPUBP_C_COUNT &&
     evpubp_terms_is_subtype(tm, t, tm->root[prefer]))
    return prefer;
  for(i = 0; i < EVPUBP_C_COUNT; i++)
    if(evpubp_terms_is_subtype(tm, t, tm->root[order[i]]))
      return order[i];
  return EVPUBP_C_NONE;
}

/* ---- properties --------------------------------------------------------- */
static int
is_code_prop(const char *name)
{
  size_t i;
  for(i = 0; code_props[i]; i++)
    if(!strcmp(code_props[i], name))
      return 1;
  return 0;
}

static void
read_ranges(evpubp_terms *tm, evpubp_propinfo *pi, const evpubp_vprop *vp)
{
  unsigned i;
  for(i = 0; i < vp->nranges; i++) {
    int r = vp->ranges[i];
    const evpubp_vtype *t = &evpubp_vocab_types[r];
    if(r == tm->t_url)
      pi->has_url = 1;
    else if(r == tm->t_date)
      pi->has_date = 1;
    else if(r == tm->t_datetime)
      pi->has_datetime = 1;
    else if(r == tm->t_time)
      pi->has_time = 1;
    else if(r == tm->t_integer)
      pi->has_integer = 1;
    else if(r == tm->t_number || r == tm->t_float)
      pi->has_number = 1;
    else if(r == tm->t_boolean)
      pi->has_boolean = 1;
    else if(r == tm->t_duration)
      pi->has_duration = 1;
    else if(evpubp_terms_is_subtype(tm, r, tm->t_text))
      pi->has_text = 1;
    else if(t->kind == EVPUBP_VK_ENUM) {
      if(pi->enum_type < 0)
        pi->enum_type = r;
      pi->has_class = 1;
    } else if(t->kind == EVPUBP_VK_CLASS) {
      pi->has_class = 1;
    }
  }
}

/* The default type of a mapping under a property: the position default
 * of spec section 2, else the first range that is a collection's type,
 * else the first class.  Also whether a string under it is a reference. */
static void
default_type(evpubp_terms *tm, evpubp_propinfo *pi, const evpubp_vprop *vp)
{
  unsigned i;
  for(i = 0; default_types[i][0]; i++) {
    if(!strcmp(default_types[i][0], vp->name)) {
      pi->default_type = evpubp_vocab_type(default_types[i][1]);
      /* a string under address/geo/offers is never a reference */
      pi->is_ref = strcmp(vp->name, "address") && strcmp(vp->name, "geo") &&
        strcmp(vp->name, "offers");
      break;
    }
  }
  if(pi->default_type >= 0)
    return;
  for(i = 0; i < vp->nranges && pi->default_type < 0; i++) {
    int r = vp->ranges[i];
    if(r == tm->t_event || r == tm->t_org || r == tm->t_person ||
       r == tm->t_place || r == tm->t_work)
      pi->default_type = r;
  }
  for(i = 0; i < vp->nranges && pi->default_type < 0; i++) {
    int r = vp->ranges[i];
    if(evpubp_vocab_types[r].kind == EVPUBP_VK_CLASS)
      pi->default_type = r;
  }
  if(pi->default_type >= 0 && !pi->has_text && !pi->has_url &&
     evpubp_terms_family(tm, pi->default_type, -1) != EVPUBP_C_NONE)
    pi->is_ref = 1;
}

evpubp_propinfo *
evpubp_terms_prop_fill(evpubp_terms *tm, int p)
{
  evpubp_propinfo *pi = &tm->props[p];
  const evpubp_vprop *vp = &evpubp_vocab_props[p];
  if(pi->done)
    return pi;
  pi->enum_type = -1;
  pi->default_type = -1;
  read_ranges(tm, pi, vp);
  pi->is_code = (unsigned char)is_code_prop(vp->name);
  default_type(tm, pi, vp);
  pi->done = 1;
  return pi;
}

/* ---- enumeration members ------------------------------------------------ */
static int
find_member(const char *s, size_t len, int enum_type)
{
  char name[128];
  size_t i;
  int r;
  if(len > 18 &&
     (!strncmp(s, "http://schema.org/", 18) ||
      !strncmp(s, "https://schema.org/", 19))) {
    const char *slash = strrchr(s, '/');
    return evpubp_vocab_member(slash + 1, enum_type);
  }
  if(len > 7 && !strncmp(s, "schema:", 7))
    return evpubp_vocab_member(s + 7, enum_type);
  r = evpubp_vocab_member_ci(s, len, enum_type);
  if(r >= 0)
    return r;
  for(i = 0; enum_affixes[i][0]; i++) {
    int n = snprintf(name, sizeof(name), "%s%.*s%s", enum_affixes[i][0],
                     (int)(len < 80 ? len : 80), s, enum_affixes[i][1]);
    if(n > 0 && (size_t)n < sizeof(name) && len < 80) {
      r = evpubp_vocab_member_ci(name, (size_t)n, enum_type);
      if(r >= 0)
        return r;
    }
  }
  return -1;
}

int
evpubp_terms_member(evpubp_terms *tm, int enum_type, const char *s, size_t len)
{
  evpubp_map_entry *e;
  evpubp_buf_reset(&tm->key);
  evpubp_buf_add(&tm->key, (const char *)&enum_type, sizeof(enum_type));
  evpubp_buf_add(&tm->key, s, len);
  e = evpubp_map_put(&tm->enum_cache, tm->key.data, tm->key.len);
  if(!e)
    return -2;
  if(!e->value)
    e->value = (void *)(intptr_t)(find_member(s, len, enum_type) + 2);
  return (int)(intptr_t)e->value - 2;
}

/* ---- IRIs --------------------------------------------------------------- */
static const char *
cached_iri(char **slot, const char *local)
{
  if(!*slot) {
    size_t n = strlen(local);
    char *p = malloc(sizeof(EVPUBP_SCHEMA_NS) + n);
    if(!p)
      return NULL;
    memcpy(p, EVPUBP_SCHEMA_NS, sizeof(EVPUBP_SCHEMA_NS) - 1);
    memcpy(p + sizeof(EVPUBP_SCHEMA_NS) - 1, local, n + 1);
    *slot = p;
  }
  return *slot;
}

const char *
evpubp_terms_prop_iri(evpubp_terms *tm, int p)
{
  return cached_iri(&tm->prop_iris[p], evpubp_vocab_props[p].name);
}

const char *
evpubp_terms_type_iri(evpubp_terms *tm, int t)
{
  return cached_iri(&tm->type_iris[t], evpubp_vocab_types[t].name);
}

const char *
evpubp_terms_member_iri(evpubp_terms *tm, int i)
{
  return cached_iri(&tm->member_iris[i], evpubp_vocab_members[i].name);
}
