/* map/index.c - the entity index: declarations, references and IRIs */
#include <stdlib.h>
#include <string.h>

#include "map/index.h"

/* A strong declaration, waiting for evpubp_index_finish(). */
typedef struct {
  unsigned long doc;
  unsigned char coll;
  int type;
  char *id; /* given id or slug (raw, not encoded) */
  int given;
  char *iri;   /* from the `iri` key, else NULL */
  char **keys; /* folded id (when given), names, alternate names */
  size_t nkeys;
  const char *file;
  unsigned long line, col;
  unsigned char facts;
} decl_rec;

/* A weak mapping or a string reference, one per distinct key. */
typedef struct {
  int weak;
  int prop;
  unsigned char coll;
  int type;
  unsigned long doc;
  char *fold; /* folded name */
  char *name; /* as first written */
  size_t namelen;
  char *lang;
  char **alt; /* weak: folded alternate names */
  size_t nalt;
  const char *file;
  unsigned long line, col;
  evpubp_entity *result;
  unsigned char facts; /* weak: of all its mappings */
} ref_rec;

typedef struct {
  evpubp_entity **v;
  size_t n;
} entity_list;

struct evpubp_index {
  evpubp_terms *terms;
  const char *base_override;
  char **bases; /* per document, NULL: none */
  size_t ndocs, capdocs;

  decl_rec *decls;
  size_t ndecls, capdecls;
  evpubp_map refs; /* key (see ref_key()) -> ref_rec */
  ref_rec **reflist;
  size_t nrefs, caprefs;
  evpubp_buf key;

  evpubp_map by_iri;        /* IRI -> entity */
  evpubp_map by_key;        /* folded id, name or alternate name ->
                             * entity_list */
  evpubp_map weak_entities; /* coll ":" fold -> entity */
  evpubp_entity **entities;
  size_t nentities, capentities;

  uint64_t *bloom_iri;   /* event IRIs */
  uint64_t *bloom_keys;  /* events' folded ids, names, alternate names */
  evpubp_map event_refs; /* folded keys some reference may mean */
  evpubp_map suspects;   /* hashes of event IRIs seen twice (maybe) */
  int need_recheck;      /* a reference may mean an earlier event */

  /* evpubp_index_finish() */
  const evpubp_reporter *rep;
  int stopped; /* rep wants no more */
};

/* What a mapping gives an entity (EVPUBP_HAS_*). */
static unsigned char
node_facts(const evpubp_node *node)
{
  unsigned char f = 0;
  if(evpubp_node_get(node, "address"))
    f |= EVPUBP_HAS_ADDRESS;
  if(evpubp_node_get(node, "url"))
    f |= EVPUBP_HAS_URL;
  if(evpubp_node_get(node, "name"))
    f |= EVPUBP_HAS_NAME;
  return f;
}

/* ---- life cycle --------------------------------------------------------- */
evpubp_index *
evpubp_new_index(evpubp_terms *terms, const char *base_override)
{
  evpubp_index *ix = calloc(1, sizeof(*ix));
  if(!ix)
    return NULL;
  ix->terms = terms;
  ix->base_override = base_override;
  evpubp_map_init(&ix->refs);
  evpubp_buf_init(&ix->key);
  evpubp_map_init(&ix->by_iri);
  evpubp_map_init(&ix->by_key);
  evpubp_map_init(&ix->weak_entities);
  evpubp_map_init(&ix->event_refs);
  evpubp_map_init(&ix->suspects);
  return ix;
}

static void
free_strings(char **v, size_t n)
{
  size_t i;
  for(i = 0; i < n; i++)
    free(v[i]);
  free(v);
}

static void
free_decl(decl_rec *d)
{
  free_strings(d->keys, d->nkeys);
  free(d->id);
  free(d->iri);
}

static void
free_ref(ref_rec *r)
{
  free_strings(r->alt, r->nalt);
  free(r->fold);
  free(r->name);
  free(r->lang);
  free(r);
}

static void
free_entity(evpubp_entity *e)
{
  free(e->iri);
  free(e->given_id);
  free(e->fold_name);
  free(e->name);
  free(e->lang);
  free(e);
}

void
evpubp_free_index(evpubp_index *ix)
{
  size_t i;
  if(!ix)
    return;
  free_strings(ix->bases, ix->ndocs);
  for(i = 0; i < ix->ndecls; i++)
    free_decl(&ix->decls[i]);
  free(ix->decls);
  for(i = 0; i < ix->nrefs; i++)
    free_ref(ix->reflist[i]);
  free(ix->reflist);
  evpubp_map_free(&ix->refs);
  evpubp_buf_free(&ix->key);
  for(i = 0; i < ix->nentities; i++)
    free_entity(ix->entities[i]);
  free(ix->entities);
  for(i = 0; i < ix->by_key.cap; i++) {
    entity_list *l = ix->by_key.slots[i].value;
    if(l) {
      free(l->v);
      free(l);
    }
  }
  evpubp_map_free(&ix->by_key);
  evpubp_map_free(&ix->by_iri);
  evpubp_map_free(&ix->weak_entities);
  free(ix->bloom_iri);
  free(ix->bloom_keys);
  evpubp_map_free(&ix->event_refs);
  evpubp_map_free(&ix->suspects);
  free(ix);
}

/* ---- documents and IRIs ------------------------------------------------- */
int
evpubp_index_add_doc(evpubp_index *ix)
{
  if(evpubp_grow(&ix->bases, ix->ndocs, &ix->capdocs, sizeof(*ix->bases), 8))
    return -1;
  ix->bases[ix->ndocs++] = NULL;
  return 0;
}

int
evpubp_index_set_base(evpubp_index *ix, unsigned long doc, const char *iri,
                      size_t len)
{
  evpubp_buf b;
  evpubp_buf_init(&b);
  evpubp_buf_add(&b, iri, len);
  if(iri[len - 1] != '/' && iri[len - 1] != '#')
    evpubp_buf_addc(&b, '/');
  if(b.failed) {
    evpubp_buf_free(&b);
    return -1;
  }
  free(ix->bases[doc]);
  ix->bases[doc] = b.data;
  return 0;
}

int
evpubp_index_default_base(const evpubp_index *ix)
{
  size_t i;
  if(ix->base_override)
    return 0;
  for(i = 0; i < ix->ndocs; i++)
    if(!ix->bases[i])
      return 1;
  return 0;
}

int
evpubp_index_mint(const evpubp_index *ix, evpubp_buf *out, unsigned long doc,
                  int coll, const char *id)
{
  const char *base = ix->base_override;
  if(!base)
    base = ix->bases[doc] ? ix->bases[doc] : EVPUBP_DEFAULT_BASE;
  evpubp_buf_adds(out, base);
  evpubp_buf_adds(out, evpubp_collection_names[coll]);
  evpubp_buf_addc(out, '/');
  evpubp_iri_segment(out, id, strlen(id));
  return out->failed ? -1 : 0;
}

/* The minted IRI as a new malloc'd string, or NULL. */
static char *
mint_new(const evpubp_index *ix, unsigned long doc, int coll, const char *id)
{
  evpubp_buf b;
  evpubp_buf_init(&b);
  if(evpubp_index_mint(ix, &b, doc, coll, id)) {
    evpubp_buf_free(&b);
    return NULL;
  }
  return b.data;
}

/* ---- Bloom filters for events ------------------------------------------- */
#define BLOOM_BITS ((uint64_t)1 << 26) /* 8 MiB each */
#define BLOOM_K 7

/* Test and set; 1 if all bits were set already, -1 when out of memory. */
static int
bloom_add(uint64_t **bits, uint64_t h)
{
  uint64_t h1 = evpubp_mix64(h);
  uint64_t h2 = evpubp_mix64(h ^ 0x9e3779b97f4a7c15ULL) | 1;
  int i, present = 1;
  if(!*bits) {
    *bits = calloc(BLOOM_BITS / 64, sizeof(uint64_t));
    if(!*bits)
      return -1;
  }
  for(i = 0; i < BLOOM_K; i++) {
    uint64_t b = (h1 + (uint64_t)i * h2) & (BLOOM_BITS - 1);
    if(!((*bits)[b >> 6] & ((uint64_t)1 << (b & 63)))) {
      present = 0;
      (*bits)[b >> 6] |= (uint64_t)1 << (b & 63);
    }
  }
  return present;
}

static int
bloom_has(const uint64_t *bits, uint64_t h)
{
  uint64_t h1 = evpubp_mix64(h);
  uint64_t h2 = evpubp_mix64(h ^ 0x9e3779b97f4a7c15ULL) | 1;
  int i;
  if(!bits)
    return 0;
  for(i = 0; i < BLOOM_K; i++) {
    uint64_t b = (h1 + (uint64_t)i * h2) & (BLOOM_BITS - 1);
    if(!(bits[b >> 6] & ((uint64_t)1 << (b & 63))))
      return 0;
  }
  return 1;
}

/* ---- declarations ------------------------------------------------------- */
/* The number of values of a name or alternateName key. */
static size_t
count_values(const evpubp_node *v)
{
  if(!v)
    return 0;
  if(v->kind == EVPUBP_N_SCALAR)
    return 1;
  return v->kind == EVPUBP_N_SEQ || v->kind == EVPUBP_N_MAP ? v->n : 0;
}

/* Call fn with each key by which a reference may name the entity d
 * declares: its folded id when it was given, then each folded value of
 * its name and alternateName.  Stops at fn's first nonzero result. */
static int
each_key(const evpubp_decl *d, int (*fn)(void *user, evpubp_buf *key),
         void *user)
{
  static const char *const names[] = { "name", "alternateName" };
  evpubp_buf b;
  size_t k, j;
  int rc = 0;
  evpubp_buf_init(&b);
  if(d->given) {
    evpubp_fold(&b, d->id, strlen(d->id));
    rc = fn(user, &b);
  }
  for(k = 0; k < 2 && !rc; k++) {
    const evpubp_node *v = evpubp_node_get(d->node, names[k]);
    size_t n = count_values(v);
    for(j = 0; j < n && !rc; j++) {
      const evpubp_node *x = evpubp_node_nth(v, j);
      if(x->kind != EVPUBP_N_SCALAR)
        continue;
      evpubp_buf_reset(&b);
      evpubp_fold(&b, x->str, x->len);
      rc = fn(user, &b);
    }
  }
  evpubp_buf_free(&b);
  return rc;
}

static int
keep_key(void *user, evpubp_buf *key)
{
  decl_rec *r = user;
  char *k = evpubp_strndup(key->data ? key->data : "", key->len);
  if(!k || key->failed) {
    free(k);
    return -1;
  }
  r->keys[r->nkeys++] = k;
  return 0;
}

static int
add_decl(evpubp_index *ix, const evpubp_decl *d)
{
  decl_rec *r;
  size_t nk;
  if(evpubp_grow(&ix->decls, ix->ndecls, &ix->capdecls, sizeof(*r), 256))
    return -1;
  r = &ix->decls[ix->ndecls];
  memset(r, 0, sizeof(*r));
  r->doc = d->doc;
  r->coll = (unsigned char)d->coll;
  r->type = d->type;
  r->given = d->given;
  r->file = d->file;
  r->line = d->node->line;
  r->col = d->node->col;
  r->facts = node_facts(d->node);
  nk = count_values(evpubp_node_get(d->node, "name")) +
    count_values(evpubp_node_get(d->node, "alternateName")) + 1;
  r->id = evpubp_strdup(d->id);
  r->iri = d->iri ? evpubp_strndup(d->iri->str, d->iri->len) : NULL;
  r->keys = calloc(nk, sizeof(char *));
  if(!r->id || (d->iri && !r->iri) || !r->keys || each_key(d, keep_key, r)) {
    free_decl(r);
    return -1;
  }
  ix->ndecls++;
  return 0;
}

/* An event's keys: into the Bloom filter on the first reading; does a
 * reference mean one of them? */
typedef struct {
  evpubp_index *ix;
  int first;
  int capture;
} event_keys;

static int
note_event_key(void *user, evpubp_buf *key)
{
  event_keys *ek = user;
  if(!key->len)
    return 0;
  if(ek->first &&
     bloom_add(&ek->ix->bloom_keys, evpubp_hash(key->data, key->len)) < 0)
    return -1;
  if(evpubp_map_find(&ek->ix->event_refs, key->data, key->len))
    ek->capture = 1;
  return 0;
}

/* An event is recorded in full only when a reference may mean it or
 * its IRI may clash with another event's. */
static int
event_decl(evpubp_index *ix, const evpubp_decl *d, int recheck)
{
  evpubp_buf b;
  uint64_t h;
  event_keys ek;
  ek.ix = ix;
  ek.first = !recheck;
  ek.capture = 0;
  evpubp_buf_init(&b);
  if(d->iri)
    evpubp_buf_add(&b, d->iri->str, d->iri->len);
  else
    evpubp_index_mint(ix, &b, d->doc, EVPUBP_C_EVENTS, d->id);
  if(b.failed) {
    evpubp_buf_free(&b);
    return -1;
  }
  h = evpubp_hash(b.data, b.len);
  evpubp_buf_free(&b);
  if(!recheck) {
    int present = bloom_add(&ix->bloom_iri, h);
    if(present < 0 ||
       (present &&
        !evpubp_map_put(&ix->suspects, (const char *)&h, sizeof(h))))
      return -1;
  } else if(evpubp_map_find(&ix->suspects, (const char *)&h, sizeof(h))) {
    ek.capture = 1;
  }
  if(each_key(d, note_event_key, &ek))
    return -1;
  return ek.capture ? add_decl(ix, d) : 0;
}

int
evpubp_index_declare(evpubp_index *ix, const evpubp_decl *d, int recheck)
{
  if(d->coll == EVPUBP_C_EVENTS)
    return event_decl(ix, d, recheck);
  return recheck ? 0 : add_decl(ix, d);
}

/* ---- references --------------------------------------------------------- */
/* A reference that may mean an event.  When an event with that key may
 * have been read already, the inputs are read once more. */
static int
note_event_ref(evpubp_index *ix, const char *fold, size_t flen)
{
  evpubp_map_entry *e = evpubp_map_put(&ix->event_refs, fold, flen);
  if(!e)
    return -1;
  if(!e->value) {
    e->value = (void *)1;
    if(bloom_has(ix->bloom_keys, evpubp_hash(fold, flen)))
      ix->need_recheck = 1;
  }
  return 0;
}

/* The key of a reference in ix->refs, into ix->key. */
static const evpubp_buf *
ref_key(evpubp_index *ix, int weak, int prop, int coll, const char *fold,
        size_t flen)
{
  evpubp_buf *b = &ix->key;
  evpubp_buf_reset(b);
  evpubp_buf_addc(b, weak ? 'w' : 'r');
  evpubp_buf_add(b, (const char *)&prop, sizeof(prop));
  evpubp_buf_addc(b, (char)coll);
  evpubp_buf_add(b, fold, flen);
  return b;
}

static ref_rec *
find_ref(evpubp_index *ix, int weak, int prop, int coll, const char *fold,
         size_t flen)
{
  const evpubp_buf *b = ref_key(ix, weak, prop, coll, fold, flen);
  evpubp_map_entry *e = evpubp_map_find(&ix->refs, b->data, b->len);
  return e ? e->value : NULL;
}

/* The record of r's key, new or existing; NULL when out of memory. */
static ref_rec *
get_ref(evpubp_index *ix, const evpubp_mention *r)
{
  const evpubp_buf *b =
    ref_key(ix, r->weak, r->prop, r->coll, r->fold, r->flen);
  evpubp_map_entry *e = evpubp_map_put(&ix->refs, b->data, b->len);
  ref_rec *rec;
  if(!e)
    return NULL;
  if(e->value)
    return e->value;
  if(evpubp_grow(&ix->reflist, ix->nrefs, &ix->caprefs, sizeof(rec), 64))
    return NULL;
  rec = calloc(1, sizeof(*rec));
  if(!rec)
    return NULL;
  rec->weak = r->weak;
  rec->prop = r->prop;
  rec->coll = (unsigned char)r->coll;
  rec->fold = evpubp_strndup(r->fold, r->flen);
  rec->doc = r->doc;
  rec->file = r->file;
  if(!rec->fold) {
    free(rec);
    return NULL;
  }
  ix->reflist[ix->nrefs++] = rec;
  e->value = rec;
  return rec;
}

/* The folded alternate names of a weak mapping. */
static int
keep_alt_names(ref_rec *rec, const evpubp_node *alt)
{
  size_t j, n = alt->kind == EVPUBP_N_SEQ ? alt->n : 1;
  evpubp_buf fb;
  rec->alt = calloc(n, sizeof(char *));
  if(!rec->alt)
    return -1;
  evpubp_buf_init(&fb);
  for(j = 0; j < n; j++) {
    const evpubp_node *x = alt->kind == EVPUBP_N_SEQ ? alt->items[j] : alt;
    if(x->kind != EVPUBP_N_SCALAR)
      continue;
    evpubp_buf_reset(&fb);
    evpubp_fold(&fb, x->str, x->len);
    rec->alt[rec->nalt] = evpubp_strndup(fb.data ? fb.data : "", fb.len);
    if(!rec->alt[rec->nalt++])
      break;
  }
  evpubp_buf_free(&fb);
  return j < n ? -1 : 0;
}

/* The first mention of a key gives its name, type and position. */
static int
first_mention(ref_rec *rec, const evpubp_mention *r)
{
  const evpubp_node *at = r->weak ? r->node : r->name;
  rec->name = evpubp_strndup(r->name->str, r->name->len);
  rec->namelen = r->name->len;
  rec->lang = evpubp_strdup(r->lang);
  rec->type = r->type;
  rec->line = at->line;
  rec->col = at->col;
  if(!rec->name || (r->lang && !rec->lang))
    return -1;
  if(r->weak) {
    const evpubp_node *alt = evpubp_node_get(r->node, "alternateName");
    if(alt)
      return keep_alt_names(rec, alt);
  }
  return 0;
}

int
evpubp_index_mention(evpubp_index *ix, const evpubp_mention *r)
{
  ref_rec *rec;
  int event = evpubp_terms_range_has_event(ix->terms, r->prop) ||
    (r->weak && r->coll == EVPUBP_C_EVENTS);
  if(event && note_event_ref(ix, r->fold, r->flen))
    return -1;
  rec = get_ref(ix, r);
  if(!rec)
    return -1;
  if(r->weak)
    rec->facts |= node_facts(r->node);
  return rec->name ? 0 : first_mention(rec, r);
}

int
evpubp_index_needs_recheck(const evpubp_index *ix)
{
  return ix->need_recheck || ix->suspects.count;
}

void
evpubp_index_start_recheck(evpubp_index *ix)
{
  /* the events recorded by the first reading are recorded again, all of
   * them, with what the first reading learnt of references */
  size_t i, o = 0;
  for(i = 0; i < ix->ndecls; i++) {
    if(ix->decls[i].coll == EVPUBP_C_EVENTS)
      free_decl(&ix->decls[i]);
    else
      ix->decls[o++] = ix->decls[i];
  }
  ix->ndecls = o;
}

/* ---- entities ----------------------------------------------------------- */
/* A new entity at iri (taken, even on failure), registered by its IRI. */
static evpubp_entity *
new_entity(evpubp_index *ix, char *iri, int type, const char *fold_name,
           const char *file, unsigned long line, unsigned long col)
{
  evpubp_entity *e;
  evpubp_map_entry *me;
  if(evpubp_grow(&ix->entities, ix->nentities, &ix->capentities, sizeof(e),
                 256)) {
    free(iri);
    return NULL;
  }
  e = calloc(1, sizeof(*e));
  if(!e) {
    free(iri);
    return NULL;
  }
  ix->entities[ix->nentities++] = e;
  e->iri = iri;
  e->type = type;
  e->fold_name = evpubp_strdup(fold_name);
  e->file = file;
  e->line = line;
  e->col = col;
  me = evpubp_map_put(&ix->by_iri, iri, strlen(iri));
  if(!me || (fold_name && !e->fold_name))
    return NULL;
  me->value = e;
  return e;
}

static evpubp_entity *
entity_at_iri(const evpubp_index *ix, const char *iri)
{
  evpubp_map_entry *e = evpubp_map_find(&ix->by_iri, iri, strlen(iri));
  return e ? e->value : NULL;
}

/* Make key (folded) name e too. */
static int
add_key(evpubp_index *ix, const char *key, evpubp_entity *e)
{
  evpubp_map_entry *me;
  entity_list *l;
  evpubp_entity **nv;
  size_t i;
  if(!*key)
    return 0;
  me = evpubp_map_put(&ix->by_key, key, strlen(key));
  if(!me)
    return -1;
  l = me->value;
  if(!l) {
    l = calloc(1, sizeof(*l));
    if(!l)
      return -1;
    me->value = l;
  }
  for(i = 0; i < l->n; i++)
    if(l->v[i] == e)
      return 0;
  nv = realloc(l->v, (l->n + 1) * sizeof(*nv));
  if(!nv)
    return -1;
  l->v = nv;
  l->v[l->n++] = e;
  return 0;
}

/* The entities that key names, as many as max of them into out, of a
 * type property prop takes (strong ones only, when asked); returns how
 * many there are. */
static size_t
candidates(evpubp_index *ix, const char *key, int prop, int strong_only,
           evpubp_entity **out, size_t max)
{
  evpubp_map_entry *me = evpubp_map_find(&ix->by_key, key, strlen(key));
  entity_list *l;
  size_t i, j, n = 0;
  if(!me)
    return 0;
  l = me->value;
  for(i = 0; i < l->n; i++) {
    evpubp_entity *e = l->v[i];
    int dup = 0;
    if(strong_only && !e->strong)
      continue;
    if(!evpubp_terms_in_range(ix->terms, prop, e->type))
      continue;
    for(j = 0; j < n && j < max; j++)
      if(out[j] == e)
        dup = 1;
    if(dup)
      continue;
    if(n < max)
      out[n] = e;
    n++;
  }
  return n;
}

/* ---- resolution --------------------------------------------------------- */
#define MAX_CANDIDATES 8

/* An error of the resolution, at a record's position. */
static void report_at(evpubp_index *ix, const char *file, unsigned long line,
                      unsigned long col, const char *fmt, ...)
#ifdef __GNUC__
  __attribute__((format(printf, 5, 6)))
#endif
  ;

static void
report_at(evpubp_index *ix, const char *file, unsigned long line,
          unsigned long col, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  if(evpubp_vreport(ix->rep, EVPUBP_ERROR, file, line, col, fmt, ap))
    ix->stopped = 1;
  va_end(ap);
}

static void
report_ambiguous(evpubp_index *ix, const ref_rec *r, evpubp_entity **c,
                 size_t n)
{
  char list[700], one[300], qb[80];
  size_t i, o = 0;
  list[0] = '\0';
  for(i = 0; i < n && i < 4; i++) {
    snprintf(one, sizeof(one), "<%s> (%s:%lu:%lu)", c[i]->iri, c[i]->file,
             c[i]->line, c[i]->col);
    o +=
      (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "", one);
    if(o >= sizeof(list))
      break;
  }
  report_at(ix, r->file, r->line, r->col,
            "ambiguous reference '%s': it names %lu entities: %s%s",
            evpubp_quote(qb, sizeof(qb), r->name, r->namelen),
            (unsigned long)n, list, n > 4 ? ", ..." : "");
}

/* Do two declarations that mint one IRI declare the same entity?
 * Collection items: the same given id and first name, or (both without
 * id) the same first name, or an explicit iri; events: an explicit iri
 * only. */
static int
same_entity(const decl_rec *d, const evpubp_entity *old, const char *fold_name)
{
  if(d->coll == EVPUBP_C_EVENTS && !d->iri)
    return 0;
  if(d->given && old->given_id)
    return !strcmp(d->id, old->given_id) &&
      (!fold_name || !old->fold_name || !strcmp(fold_name, old->fold_name));
  if(!d->given && !old->given_id && fold_name && old->fold_name)
    return !strcmp(fold_name, old->fold_name);
  return d->iri != NULL;
}

/* Step 1: every strong declaration is an entity, or another declaration
 * of one. */
static int
declare_strong(evpubp_index *ix, const decl_rec *d)
{
  char *iri =
    d->iri ? evpubp_strdup(d->iri) : mint_new(ix, d->doc, d->coll, d->id);
  size_t j, first = d->given ? 1 : 0;
  const char *fold_name = first < d->nkeys ? d->keys[first] : NULL;
  evpubp_entity *e;
  if(!iri)
    return -1;
  e = entity_at_iri(ix, iri);
  if(e && !same_entity(d, e, fold_name)) {
    report_at(ix, d->file, d->line, d->col,
              "two %s mint the IRI <%s>: this one and the one at %s:%lu:%lu",
              evpubp_collection_names[d->coll], iri, e->file, e->line, e->col);
    free(iri);
    return 0;
  }
  if(e) {
    free(iri);
    e->facts |= d->facts;
  } else {
    e = new_entity(ix, iri, d->type, fold_name, d->file, d->line, d->col);
    if(!e)
      return -1;
    e->strong = 1;
    e->facts = d->facts;
    e->given_id = d->given ? evpubp_strdup(d->id) : NULL;
    if(d->given && !e->given_id)
      return -1;
  }
  for(j = 0; j < d->nkeys; j++)
    if(add_key(ix, d->keys[j], e))
      return -1;
  return 0;
}

/* The IRI that r's name mints (new malloc'd string), or NULL. */
static char *
mint_name(evpubp_index *ix, const ref_rec *r, const evpubp_buf *slug)
{
  return mint_new(ix, r->doc, r->coll, slug->data ? slug->data : "");
}

/* Step 2: a weak mapping names a strong entity, or is one new entity
 * with all the weak mappings of its collection that fold alike. */
static int
resolve_weak(evpubp_index *ix, ref_rec *r)
{
  evpubp_entity *cand[MAX_CANDIDATES];
  size_t n = candidates(ix, r->fold, r->prop, 1, cand, MAX_CANDIDATES);
  evpubp_map_entry *we;
  evpubp_buf b;
  if(n > 1) {
    report_ambiguous(ix, r, cand, n);
    return 0;
  }
  if(n == 1) {
    r->result = cand[0];
    cand[0]->facts |= r->facts;
    return 0;
  }
  evpubp_buf_init(&b);
  evpubp_buf_printf(&b, "%d:%s", r->coll, r->fold);
  we = b.failed ? NULL : evpubp_map_put(&ix->weak_entities, b.data, b.len);
  evpubp_buf_free(&b);
  if(!we)
    return -1;
  if(!we->value) {
    evpubp_entity *old;
    char qb[80], *iri;
    evpubp_buf_init(&b);
    evpubp_slug(&b, r->name, r->namelen);
    iri = mint_name(ix, r, &b);
    evpubp_buf_free(&b);
    if(!iri)
      return -1;
    old = entity_at_iri(ix, iri);
    if(old) {
      report_at(ix, r->file, r->line, r->col,
                "'%s' mints the IRI <%s> of a different entity, declared at "
                "%s:%lu:%lu; give it an id or use that entity's name",
                evpubp_quote(qb, sizeof(qb), r->name, r->namelen), iri,
                old->file, old->line, old->col);
      free(iri);
      return 0;
    }
    we->value =
      new_entity(ix, iri, r->type, r->fold, r->file, r->line, r->col);
    if(!we->value)
      return -1;
  }
  r->result = we->value;
  r->result->facts |= r->facts;
  return 0;
}

/* Weak mappings' names become keys only after step 2, so that step 2
 * saw strong entities only. */
static int
key_weak(evpubp_index *ix, const ref_rec *r)
{
  size_t j;
  if(add_key(ix, r->fold, r->result))
    return -1;
  for(j = 0; j < r->nalt; j++)
    if(add_key(ix, r->alt[j], r->result))
      return -1;
  return 0;
}

/* A string that names no entity: the entity its name mints, when a
 * property takes it ("World-Bank" names the entity minted as
 * .../world-bank), else a new entity with that name.  iri is taken. */
static int
implicit_entity(evpubp_index *ix, ref_rec *r, char *iri)
{
  evpubp_entity *e = entity_at_iri(ix, iri);
  char qb[80];
  if(e && evpubp_terms_in_range(ix->terms, r->prop, e->type)) {
    free(iri);
    r->result = e;
    return 0;
  }
  if(e) {
    report_at(ix, r->file, r->line, r->col,
              "'%s' mints the IRI <%s> of a %s declared at %s:%lu:%lu, "
              "which %s does not take",
              evpubp_quote(qb, sizeof(qb), r->name, r->namelen), iri,
              evpubp_vocab_types[e->type].name, e->file, e->line, e->col,
              evpubp_vocab_props[r->prop].name);
    free(iri);
    return 0;
  }
  e = new_entity(ix, iri, r->type, r->fold, r->file, r->line, r->col);
  if(!e)
    return -1;
  e->implicit = 1;
  e->name = evpubp_strndup(r->name, r->namelen);
  e->namelen = r->namelen;
  e->lang = evpubp_strdup(r->lang);
  if(!e->name || (r->lang && !e->lang) || add_key(ix, r->fold, e))
    return -1;
  r->result = e;
  return 0;
}

/* Step 3: a string names a strong entity, else any entity, else an
 * entity of its own. */
static int
resolve_string(evpubp_index *ix, ref_rec *r)
{
  evpubp_entity *cand[MAX_CANDIDATES];
  size_t n = candidates(ix, r->fold, r->prop, 1, cand, MAX_CANDIDATES);
  evpubp_buf sb;
  char qb[80], *iri;
  if(!n)
    n = candidates(ix, r->fold, r->prop, 0, cand, MAX_CANDIDATES);
  if(n > 1) {
    report_ambiguous(ix, r, cand, n);
    return 0;
  }
  if(n == 1) {
    r->result = cand[0];
    return 0;
  }
  evpubp_buf_init(&sb);
  evpubp_slug(&sb, r->name, r->namelen);
  if(!sb.len)
    report_at(ix, r->file, r->line, r->col,
              "unresolvable reference '%s': it names no entity and no IRI "
              "can be made from it",
              evpubp_quote(qb, sizeof(qb), r->name, r->namelen));
  else if(r->coll == EVPUBP_C_NONE)
    report_at(ix, r->file, r->line, r->col,
              "unresolvable reference '%s': no %s has this id, name or "
              "alternateName",
              evpubp_quote(qb, sizeof(qb), r->name, r->namelen),
              r->type >= 0 ? evpubp_vocab_types[r->type].name : "entity");
  if(!sb.len || r->coll == EVPUBP_C_NONE) {
    evpubp_buf_free(&sb);
    return 0;
  }
  iri = mint_name(ix, r, &sb);
  evpubp_buf_free(&sb);
  return iri ? implicit_entity(ix, r, iri) : -1;
}

int
evpubp_index_finish(evpubp_index *ix, const evpubp_reporter *rep)
{
  size_t i;
  ix->rep = rep;
  ix->stopped = 0;
  for(i = 0; i < ix->ndecls && !ix->stopped; i++)
    if(declare_strong(ix, &ix->decls[i]))
      return -1;
  for(i = 0; i < ix->nrefs && !ix->stopped; i++)
    if(ix->reflist[i]->weak && resolve_weak(ix, ix->reflist[i]))
      return -1;
  for(i = 0; i < ix->nrefs && !ix->stopped; i++) {
    const ref_rec *r = ix->reflist[i];
    if(r->weak && r->result && !r->result->strong && key_weak(ix, r))
      return -1;
  }
  for(i = 0; i < ix->nrefs && !ix->stopped; i++)
    if(!ix->reflist[i]->weak && resolve_string(ix, ix->reflist[i]))
      return -1;
  return 0;
}

evpubp_entity *
evpubp_index_resolved(evpubp_index *ix, int weak, int prop, int coll,
                      const char *fold, size_t flen)
{
  ref_rec *r = find_ref(ix, weak, prop, coll, fold, flen);
  return r ? r->result : NULL;
}

unsigned
evpubp_index_facts(evpubp_index *ix, int prop, const evpubp_node *v)
{
  evpubp_buf fb;
  ref_rec *r = NULL;
  unsigned facts = 0;
  if(prop < 0 || !v)
    return 0;
  evpubp_buf_init(&fb);
  if(v->kind == EVPUBP_N_SCALAR) {
    evpubp_propinfo *pi = evpubp_terms_prop(ix->terms, prop);
    evpubp_fold(&fb, v->str, v->len);
    r = find_ref(ix, 0, prop,
                 evpubp_terms_family(ix->terms, pi->default_type, -1),
                 fb.data ? fb.data : "", fb.len);
  } else if(v->kind == EVPUBP_N_MAP) {
    const evpubp_node *ns = evpubp_first_scalar(evpubp_node_get(v, "name"));
    facts = node_facts(v);
    if(ns && !evpubp_node_get(v, "id") && !evpubp_node_get(v, "iri")) {
      int c;
      evpubp_fold(&fb, ns->str, ns->len);
      for(c = 0; c < EVPUBP_C_COUNT && !r; c++)
        r = find_ref(ix, 1, prop, c, fb.data ? fb.data : "", fb.len);
    }
  }
  evpubp_buf_free(&fb);
  if(r && r->result)
    facts |= r->result->facts;
  return facts;
}
