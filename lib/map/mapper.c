/* evpub_mapper.c - description trees to schema.org statements
 *
 * The only module that knows schema.org.  It is driven by the term table
 * (evpub_vocab_data.c) and runs twice over the same items:
 *
 * pass 1  checks every item and records what it declares: entities with
 *         an id or listed in a collection ("strong"), mappings without id
 *         that name an entity ("weak"), and string references.
 * finish  gives every strong entity its IRI, resolves each distinct weak
 *         mapping and string reference once, and reports clashes and
 *         ambiguities, all before anything is written.
 * pass 2  maps again, now writing statements; resolution is a lookup.
 *
 * Memory grows with the number of distinct entities and references, not
 * with the number of items: each item's tree and statements are freed
 * once it is written.
 */
#include <stdlib.h>
#include <string.h>

#include "map/map.h"
#include "map/terms.h"

/* ---- records ----------------------------------------------------------- */
typedef struct entity entity;
struct entity {
  entity *alias; /* merged into another entity */
  char *iri;
  char *label;      /* a name or id, for messages */
  char *given_id;   /* NULL when minted from the name */
  char *fold_name;  /* folded first name (identity without id) */
  const char *file; /* interned */
  unsigned long line, col;
  int type;
  unsigned char coll;
  unsigned char strong;   /* declared with id / iri / in a collection */
  unsigned char implicit; /* made from a string reference */
  unsigned char emitted;  /* implicit: type and name written */
  char *implicit_name;    /* implicit: the name as first written */
  size_t implicit_namelen;
  char *implicit_lang;
  unsigned char facts; /* EVPUBP_HAS_*: what its declarations give */
};

/* a pending strong declaration (pass 1) */
typedef struct {
  unsigned long doc;
  unsigned char coll;
  int type;
  char *id; /* given id or slug (raw, not encoded) */
  int given;
  char *iri;   /* from the `iri` key, else NULL */
  char **keys; /* folded id, names, alternate names */
  size_t nkeys;
  char *label;
  const char *file;
  unsigned long line, col;
  unsigned char facts;
} decl;

/* a weak mapping or a string reference, distinct by its key */
typedef struct {
  int weak; /* 1 weak mapping, 0 string reference */
  int prop; /* property index holding it (-1: none) */
  unsigned char coll;
  int type;
  unsigned long doc;
  char *fold; /* folded name */
  char *name; /* as written */
  size_t namelen;
  char *lang; /* document language at the first occurrence */
  char **alt; /* weak: folded alternate names */
  size_t nalt;
  const char *file;
  unsigned long line, col;
  entity *result;
  unsigned char facts; /* weak: what its mappings give */
} pending_ref;

typedef struct {
  char *base;
  char *lang;
  evpubp_map prefixes; /* prefix -> namespace (malloc'd string) */
} docinfo;

struct evpubp_mapper {
  evpub_world *world;
  const char *base_override;
  unsigned long max_errors;
  unsigned long errors;
  /* errors said, by "file:line:col:text": a CSV header cell's error
   * would otherwise come again for every row */
  evpubp_map said;
  int pass;
  int stopped; /* too many errors */
  int warned_base;
  const char *file; /* interned name of the current input */
  evpubp_map files; /* interning of file names */

  docinfo *docs;
  size_t ndocs, capdocs;
  unsigned long cur_doc;

  /* pass 1 records */
  decl *decls;
  size_t ndecls, capdecls;
  evpubp_map refs; /* "w|r" prop ":" coll ":" fold -> pending_ref */
  pending_ref **reflist;
  size_t nrefs, caprefs;

  /* the index */
  evpubp_map by_iri;        /* IRI -> entity */
  evpubp_map by_key;        /* folded key -> entity_list */
  evpubp_map weak_entities; /* coll ":" fold -> entity */
  entity **entities;
  size_t nentities, capentities;

  evpubp_terms terms; /* the term table, cached */

  /* Events are not kept in memory one by one (a run may hold millions):
   * their IRIs and keys go into Bloom filters, and an event is recorded
   * in full only when something may refer to it or clash with it. */
  uint64_t *bloom_iri;   /* event IRIs */
  uint64_t *bloom_keys;  /* folded ids, names, alternate names */
  evpubp_map event_refs; /* folded keys some reference may mean */
  evpubp_map suspects;   /* hashes of event IRIs seen twice (maybe) */
  int need_recheck;      /* a reference may mean an earlier event */
  int late_base;         /* a `base:` came after items */
  int doc_has_items;

  /* pass 2 */
  evpubp_sink *sink;
  evpubp_arena out; /* strings of the current batch */
  evpubp_stmt *stmts;
  size_t nstmts, capstmts;
  unsigned long triples;
  unsigned long events;
  unsigned long event_items; /* pass 1 */
  int cur_coll;              /* collection of the item being mapped */
  int only;                  /* pass 2: -1 all items, else a filter */
  int shared_depth;          /* > 0 while mapping a shared mention */
  int profile;               /* validation: EVPUBP_PROFILE_* */
  unsigned long warnings;
  evpubp_map written; /* hashes of shared statements written */
  size_t *slots;      /* flush(): a table of the batch's statements */
  size_t capslots;
  evpubp_buf tmp;
};

typedef struct {
  entity **v;
  size_t n;
} entity_list;

/* ---- errors --------------------------------------------------------- */
static void err(evpubp_mapper *m, const evpubp_node *at, const char *fmt, ...)
#ifdef __GNUC__
  __attribute__((format(printf, 3, 4)))
#endif
  ;

/* Was this error said before at the same place?  (Then it is not said,
 * nor counted, again.)  Remembers it otherwise. */
static int
already_said(evpubp_mapper *m, const char *file, unsigned long line,
             unsigned long col, const char *text)
{
  char key[1024];
  int n = snprintf(key, sizeof(key), "%s:%lu:%lu:%s", file ? file : "", line,
                   col, text);
  evpubp_map_entry *e;
  if(n < 0)
    return 0;
  if((size_t)n >= sizeof(key))
    n = (int)sizeof(key) - 1;
  e = evpubp_map_put(&m->said, key, (size_t)n);
  if(!e)
    return 0;
  if(e->value)
    return 1;
  e->value = m; /* any non-NULL mark */
  return 0;
}

static void
err(evpubp_mapper *m, const evpubp_node *at, const char *fmt, ...)
{
  char text[900];
  va_list ap;
  if(m->pass != 1 || m->stopped)
    return;
  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  if(at && already_said(m, m->file, at->line, at->col, text))
    return;
  m->errors++;
  evpubp_log(m->world, EVPUB_LOG_ERROR, m->file, at ? at->line : 0,
             at ? at->col : 0, "%s", text);
  if(m->max_errors && m->errors >= m->max_errors) {
    evpubp_log(m->world, EVPUB_LOG_ERROR, NULL, 0, 0,
               "too many errors (%lu), stopping", m->errors);
    m->stopped = 1;
  }
}

static void err_at(evpubp_mapper *m, const char *file, unsigned long line,
                   unsigned long col, const char *fmt, ...)
#ifdef __GNUC__
  __attribute__((format(printf, 5, 6)))
#endif
  ;

static void
err_at(evpubp_mapper *m, const char *file, unsigned long line,
       unsigned long col, const char *fmt, ...)
{
  char text[900];
  va_list ap;
  if(m->stopped)
    return;
  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  m->errors++;
  evpubp_log(m->world, EVPUB_LOG_ERROR, file, line, col, "%s", text);
  if(m->max_errors && m->errors >= m->max_errors) {
    evpubp_log(m->world, EVPUB_LOG_ERROR, NULL, 0, 0,
               "too many errors (%lu), stopping", m->errors);
    m->stopped = 1;
  }
}

/* A short, printable form of a value for messages: at most 60 bytes,
 * control characters as '?', cut on a UTF-8 boundary. */
static const char *
quote(char *out, size_t outlen, const char *s, size_t n)
{
  size_t i, o = 0, max = outlen - 4;
  if(max > 60)
    max = 60;
  for(i = 0; i < n && o < max; i++) {
    unsigned char c = (unsigned char)s[i];
    out[o++] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
  }
  if(i < n) {
    while(o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0x80)
      o--;
    if(o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0xC0)
      o--;
    out[o++] = '.';
    out[o++] = '.';
    out[o++] = '.';
  }
  out[o] = '\0';
  return out;
}

#define Q(buf, node) quote(buf, sizeof(buf), (node)->str, (node)->len)

/* ---- small helpers ---------------------------------------------------- */
static char *
xstrndup(const char *s, size_t n)
{
  char *p = malloc(n + 1);
  if(!p)
    return NULL;
  memcpy(p, s, n);
  p[n] = '\0';
  return p;
}

static char *
xstrdup(const char *s)
{
  return s ? xstrndup(s, strlen(s)) : NULL;
}

static int
streq(const evpubp_node *n, const char *s)
{
  size_t l = strlen(s);
  return n->kind == EVPUBP_N_SCALAR && n->len == l && !memcmp(n->str, s, l);
}

/* First scalar of a value (itself, or the first item of a list). */
static const evpubp_node *
first_scalar(const evpubp_node *v)
{
  if(!v)
    return NULL;
  if(v->kind == EVPUBP_N_SEQ)
    return v->n ? first_scalar(v->items[0]) : NULL;
  return v->kind == EVPUBP_N_SCALAR ? v : NULL;
}

static docinfo *
cur_doc(evpubp_mapper *m)
{
  return &m->docs[m->cur_doc];
}

static const char *
doc_base(evpubp_mapper *m, unsigned long doc)
{
  if(m->base_override)
    return m->base_override;
  if(m->docs[doc].base)
    return m->docs[doc].base;
  return EVPUBP_DEFAULT_BASE;
}

static const char *
intern_file(evpubp_mapper *m, const char *name)
{
  evpubp_map_entry *e = evpubp_map_put(&m->files, name, strlen(name));
  if(!e)
    return name;
  return e->key;
}

/* ---- Bloom filters for events ----------------------------------------- */
#define BLOOM_BITS ((uint64_t)1 << 26) /* 8 MiB each */
#define BLOOM_K 7

static uint64_t
mix64(uint64_t x)
{
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return x;
}

/* Test and set; returns 1 if all bits were already set. */
static int
bloom_add(uint64_t **bits, uint64_t h)
{
  uint64_t h1 = mix64(h), h2 = mix64(h ^ 0x9e3779b97f4a7c15ULL) | 1;
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
  uint64_t h1 = mix64(h), h2 = mix64(h ^ 0x9e3779b97f4a7c15ULL) | 1;
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

/* ---- statements (pass 2) -------------------------------------------- */
static const char *
out_str(evpubp_mapper *m, const char *s, size_t n)
{
  return evpubp_arena_strndup(&m->out, s, n);
}

static int
emit(evpubp_mapper *m, const char *s, const char *p, evpubp_obj_kind k,
     const char *o, size_t olen, const char *lang, const char *dt)
{
  evpubp_stmt *st;
  if(m->pass != 2)
    return 0;
  if(m->nstmts == m->capstmts) {
    size_t cap = m->capstmts ? m->capstmts * 2 : 256;
    evpubp_stmt *ns = realloc(m->stmts, cap * sizeof(*ns));
    if(!ns)
      return -1;
    m->stmts = ns;
    m->capstmts = cap;
  }
  st = &m->stmts[m->nstmts++];
  st->s = s;
  st->p = p;
  st->okind = k;
  st->o = o;
  st->olen = olen;
  st->lang = lang;
  st->dt = dt;
  st->shared = m->shared_depth > 0;
  return 0;
}

static int
emit_type(evpubp_mapper *m, const char *s, int type)
{
  const char *o;
  if(m->pass != 2)
    return 0;
  o = evpubp_terms_type_iri(&m->terms, type);
  if(!o)
    return -1;
  return emit(m, s, EVPUBP_RDF_TYPE, EVPUBP_O_IRI, o, strlen(o), NULL, NULL);
}

static void
stmt_hash(const evpubp_stmt *st, uint64_t h[2])
{
  h[0] = evpubp_hash(st->s, strlen(st->s)) ^
    mix64(evpubp_hash(st->p, strlen(st->p)));
  h[1] = evpubp_hash(st->o, st->olen) ^
    mix64((st->lang ? evpubp_hash(st->lang, strlen(st->lang)) : 1) +
          (st->dt ? evpubp_hash(st->dt, strlen(st->dt)) : 2) +
          (uint64_t)st->okind);
}

/* A place named in a thousand events is described once: statements about
 * entities mentioned (not declared) in an item are written the first time
 * only.  Their hashes are kept, so memory grows with the shared entities,
 * not with the items. */
static int
drop_written(evpubp_mapper *m)
{
  size_t i, o = 0;
  for(i = 0; i < m->nstmts; i++) {
    evpubp_stmt *st = &m->stmts[i];
    if(st->shared) {
      uint64_t h[2];
      evpubp_map_entry *e;
      stmt_hash(st, h);
      e = evpubp_map_put(&m->written, (const char *)h, sizeof(h));
      if(!e)
        return -1;
      if(e->value)
        continue;
      e->value = (void *)1;
    }
    m->stmts[o++] = *st;
  }
  m->nstmts = o;
  return 0;
}

static int
same_str(const char *a, const char *b)
{
  return a == b || (a && b && !strcmp(a, b));
}

static int
stmt_equal(const evpubp_stmt *a, const evpubp_stmt *b)
{
  return a->okind == b->okind && a->olen == b->olen && !strcmp(a->s, b->s) &&
    !strcmp(a->p, b->p) && !memcmp(a->o, b->o, a->olen) &&
    same_str(a->lang, b->lang) && same_str(a->dt, b->dt);
}

/* Up to 8 bytes of s[0..n) from its end (end) or start, as a number. */
static uint64_t
bytes8(const char *s, size_t n, int end)
{
  uint64_t v = 0;
  size_t k = n < 8 ? n : 8;
  memcpy(&v, end ? s + n - k : s, k);
  return v ^ n;
}

/* A cheap hash of a statement: lengths and the ends of its strings (the
 * parts that differ between the statements of one item), so that equal
 * statements hash alike; equality is checked in full. */
static uint64_t
repeat_hash(const evpubp_stmt *st)
{
  size_t ls = strlen(st->s), lp = strlen(st->p);
  uint64_t h = mix64(bytes8(st->s, ls, 1) ^ ((uint64_t)st->okind << 62));
  h = mix64(h ^ bytes8(st->p, lp, 1));
  h = mix64(h ^ bytes8(st->o, st->olen, 1));
  h = mix64(h ^ bytes8(st->o, st->olen, 0));
  if(st->lang)
    h = mix64(h ^ bytes8(st->lang, strlen(st->lang), 1));
  if(st->dt)
    h = mix64(h ^ bytes8(st->dt, strlen(st->dt), 1));
  return h;
}

/* Drop the statements of the batch that are there already: a value
 * given twice ("attendee: [Alan, Alan]", "CATEGORIES:a,a") is one
 * triple, and some serializers (raptor's json) refuse a repeat.  The
 * first of equal statements stays, in place.  An open-addressing table
 * of the batch's statements, cleared for each batch. */
static int
drop_repeats(evpubp_mapper *m)
{
  size_t i, o = 0, n = m->nstmts, cap = 16, mask;
  if(n < 2)
    return 0;
  while(cap < 2 * n)
    cap *= 2;
  if(cap > m->capslots) {
    size_t *ns = realloc(m->slots, cap * sizeof(*ns));
    if(!ns)
      return -1;
    m->slots = ns;
    m->capslots = cap;
  }
  memset(m->slots, 0, cap * sizeof(*m->slots));
  mask = cap - 1;
  for(i = 0; i < n; i++) {
    const evpubp_stmt *st = &m->stmts[i];
    size_t at = (size_t)repeat_hash(st) & mask;
    int repeat = 0;
    /* slots hold 1 + the index, in the compacted array, of a kept one */
    while(m->slots[at]) {
      if(stmt_equal(&m->stmts[m->slots[at] - 1], st)) {
        repeat = 1;
        break;
      }
      at = (at + 1) & mask;
    }
    if(repeat)
      continue;
    m->stmts[o] = *st;
    m->slots[at] = ++o;
  }
  m->nstmts = o;
  return 0;
}

/* Hand the item's statements to the sink.  item: the item's IRI. */
static int
flush(evpubp_mapper *m, const char *item)
{
  int rc = 0;
  if(m->pass == 2 && m->nstmts && (drop_written(m) || drop_repeats(m)))
    return -1;
  if(m->pass == 2 && m->nstmts) {
    evpubp_batch b;
    b.st = m->stmts;
    b.n = m->nstmts;
    b.item = item;
    b.event = m->cur_coll == EVPUBP_C_EVENTS;
    rc = m->sink->factory->batch(m->sink, &b);
    m->triples += m->nstmts;
  }
  m->nstmts = 0;
  evpubp_arena_reset(&m->out);
  return rc;
}

/* ---- IRIs ------------------------------------------------------------ */
/* base + collection "/" + encoded id, into a new malloc'd string */
static char *
mint(evpubp_mapper *m, unsigned long doc, int coll, const char *id)
{
  evpubp_buf b;
  evpubp_buf_init(&b);
  evpubp_buf_adds(&b, doc_base(m, doc));
  evpubp_buf_adds(&b, evpubp_collection_names[coll]);
  evpubp_buf_addc(&b, '/');
  evpubp_iri_segment(&b, id, strlen(id));
  if(b.failed) {
    evpubp_buf_free(&b);
    return NULL;
  }
  return b.data;
}

/* parent IRI + fragment part "key" or "key-pos" */
static const char *
dependent_iri(evpubp_mapper *m, const char *parent, const char *key,
              size_t pos)
{
  evpubp_buf *b = &m->tmp;
  evpubp_buf_reset(b);
  evpubp_buf_adds(b, parent);
  evpubp_buf_addc(b, strchr(parent, '#') ? '/' : '#');
  evpubp_iri_segment(b, key, strlen(key));
  if(pos) {
    char num[24];
    size_t k = sizeof(num);
    do {
      num[--k] = (char)('0' + pos % 10);
      pos /= 10;
    } while(pos);
    evpubp_buf_addc(b, '-');
    evpubp_buf_add(b, num + k, sizeof(num) - k);
  }
  return out_str(m, b->data, b->len);
}

static entity *
resolve_alias(entity *e)
{
  while(e && e->alias)
    e = e->alias;
  return e;
}

/* ---- the walk ----------------------------------------------------------- */
typedef struct {
  const char *subject; /* pass 2: IRI of the node being mapped */
  int type;            /* primary type of the node */
  int ntypes;
  int types[8];
  int is_reference;     /* a mapping that names an existing entity */
  int shared;           /* a mention of an entity declared nowhere */
  const char *ref_fold; /* its folded name */
} nodectx;

static int map_entity(evpubp_mapper *m, const evpubp_node *node, int prop,
                      int coll_hint, const char *parent, size_t pos,
                      const char **iri_out, int top);

static int
literal_lang(evpubp_mapper *m, evpubp_propinfo *pi, const char **lang)
{
  *lang = (pi && pi->is_code) ? NULL : cur_doc(m)->lang;
  return 0;
}

static int
emit_literal(evpubp_mapper *m, const char *s, const char *p,
             const evpubp_node *v, const char *lang, const char *dt)
{
  const char *o, *l = NULL, *d = NULL;
  if(m->pass != 2)
    return 0;
  o = out_str(m, v->str, v->len);
  if(lang)
    l = out_str(m, lang, strlen(lang));
  if(dt)
    d = dt;
  return emit(m, s, p, EVPUBP_O_LITERAL, o, v->len, l, d);
}

static int
emit_literal_str(evpubp_mapper *m, const char *s, const char *p,
                 const char *str, size_t len, const char *lang, const char *dt)
{
  if(m->pass != 2)
    return 0;
  return emit(m, s, p, EVPUBP_O_LITERAL, out_str(m, str, len), len,
              lang ? out_str(m, lang, strlen(lang)) : NULL, dt);
}

static int
emit_iri(evpubp_mapper *m, const char *s, const char *p, const char *o)
{
  if(m->pass != 2)
    return 0;
  return emit(m, s, p, EVPUBP_O_IRI, o, strlen(o), NULL, NULL);
}

static void
list_members(char *out, size_t outlen, int enum_type)
{
  size_t i, o = 0;
  out[0] = '\0';
  for(i = 0; i < evpubp_vocab_nmembers && o + 40 < outlen; i++) {
    if(evpubp_vocab_members[i].type != enum_type)
      continue;
    o += (size_t)snprintf(out + o, outlen - o, "%s%s", o ? ", " : "",
                          evpubp_vocab_members[i].name);
  }
}

/* Record (pass 1) or look up (pass 2) a string reference. */
static int string_ref(evpubp_mapper *m, const evpubp_node *v, int prop,
                      int type, int coll, const char **iri_out,
                      entity **ent_out);

static int
is_external_iri(const evpubp_node *v)
{
  return evpubp_iri_absolute(v->str, v->len) &&
    (!strncmp(v->str, "http://", 7) || !strncmp(v->str, "https://", 8) ||
     !strncmp(v->str, "urn:", 4));
}

/* Map one scalar value of property p on subject s. */
static int
map_scalar(evpubp_mapper *m, const char *s, int p, const char *piri,
           const evpubp_node *v, const nodectx *nc)
{
  evpubp_propinfo *pi = evpubp_terms_prop(&m->terms, p);
  const char *pname = evpubp_vocab_props[p].name;
  const char *lang;
  char qb[80];
  int k;
  (void)nc;

  if(pi->is_code)
    return emit_literal(m, s, piri, v, NULL, NULL);
  if(pi->enum_type >= 0) {
    int mem = evpubp_terms_member(&m->terms, pi->enum_type, v->str, v->len);
    if(mem < -1)
      return -1;
    if(mem >= 0) {
      const char *o =
        m->pass == 2 ? evpubp_terms_member_iri(&m->terms, mem) : NULL;
      return emit_iri(m, s, piri, o);
    }
    if(!pi->has_text && !(pi->has_url && is_external_iri(v))) {
      char list[400];
      list_members(list, sizeof(list), pi->enum_type);
      err(m, v, "invalid value '%s' for %s (expected one of %s)", Q(qb, v),
          pname, list);
      return 0;
    }
  }
  if(pi->has_date || pi->has_datetime || pi->has_time) {
    if((pi->has_date || pi->has_datetime) && evpubp_is_date(v->str, v->len))
      return emit_literal(m, s, piri, v, NULL, EVPUBP_XSD_NS "date");
    if((pi->has_datetime || pi->has_date) &&
       evpubp_is_datetime(v->str, v->len))
      return emit_literal(m, s, piri, v, NULL, EVPUBP_XSD_NS "dateTime");
    if(pi->has_time && evpubp_is_time(v->str, v->len))
      return emit_literal(m, s, piri, v, NULL, EVPUBP_XSD_NS "time");
    if(!pi->has_text) {
      if(memchr(v->str, 'T', v->len) || pi->has_time)
        err(m, v,
            "invalid %s '%s' for %s (expected YYYY-MM-DD or "
            "YYYY-MM-DDThh:mm:ss with an optional offset)",
            pi->has_datetime ? "dateTime" : "date", Q(qb, v), pname);
      else if(v->len == 10 && v->str[4] == '-' && v->str[7] == '-')
        err(m, v, "invalid date '%s' for %s (no such day)", Q(qb, v), pname);
      else
        err(m, v, "invalid date '%s' for %s (expected YYYY-MM-DD)", Q(qb, v),
            pname);
      return 0;
    }
  }
  if(pi->has_duration) {
    if(evpubp_is_duration(v->str, v->len))
      return emit_literal(m, s, piri, v, NULL, EVPUBP_XSD_NS "duration");
    if(!pi->has_text) {
      err(m, v,
          "invalid duration '%s' for %s (expected ISO 8601, e.g. "
          "PT2H30M)",
          Q(qb, v), pname);
      return 0;
    }
  }
  if(pi->has_number || pi->has_integer) {
    k = evpubp_number_kind(v->str, v->len);
    if(k == 1)
      return emit_literal(m, s, piri, v, NULL, EVPUBP_XSD_NS "integer");
    if(k && !pi->has_number) {
      err(m, v, "invalid integer '%s' for %s", Q(qb, v), pname);
      return 0;
    }
    if(k == 2)
      return emit_literal(m, s, piri, v, NULL, EVPUBP_XSD_NS "decimal");
    if(k == 3)
      return emit_literal(m, s, piri, v, NULL, EVPUBP_XSD_NS "double");
    err(m, v, "invalid number '%s' for %s", Q(qb, v), pname);
    return 0;
  }
  if(pi->has_boolean) {
    if(v->len == 4 && !strncmp(v->str, "true", 4))
      return emit_literal_str(m, s, piri, "true", 4, NULL,
                              EVPUBP_XSD_NS "boolean");
    if(v->len == 5 && !strncmp(v->str, "false", 5))
      return emit_literal_str(m, s, piri, "false", 5, NULL,
                              EVPUBP_XSD_NS "boolean");
    if(!pi->has_text) {
      err(m, v, "invalid boolean '%s' for %s (expected true or false)",
          Q(qb, v), pname);
      return 0;
    }
  }
  if(pi->is_ref) {
    const char *iri = NULL;
    entity *e = NULL;
    if(is_external_iri(v))
      return emit_iri(m, s, piri,
                      m->pass == 2 ? out_str(m, v->str, v->len) : NULL);
    if(pi->default_type == m->terms.t_place && pi->has_text == 1 &&
       evpubp_iri_absolute(v->str, v->len)) {
      /* location: "https://..." is a virtual location */
      if(m->pass == 2) {
        const char *d = dependent_iri(m, s, pname, 0);
        emit_iri(m, s, piri, d);
        emit_type(m, d, m->terms.t_virtual);
        emit_iri(m, d, evpubp_terms_prop_iri(&m->terms, m->terms.p_url),
                 out_str(m, v->str, v->len));
      }
      return 0;
    }
    if(string_ref(m, v, p, pi->default_type,
                  evpubp_terms_family(&m->terms, pi->default_type, -1), &iri,
                  &e))
      return -1;
    return emit_iri(m, s, piri, iri);
  }
  if(pi->has_url && !pi->has_text) {
    if(!evpubp_iri_absolute(v->str, v->len)) {
      err(m, v, "'%s' is not an absolute URL (for %s)", Q(qb, v), pname);
      return 0;
    }
    return emit_iri(m, s, piri,
                    m->pass == 2 ? out_str(m, v->str, v->len) : NULL);
  }
  if(pi->has_text) {
    literal_lang(m, pi, &lang);
    return emit_literal(m, s, piri, v, lang, NULL);
  }
  if(pi->has_class) {
    char dt[80];
    int d = pi->default_type;
    snprintf(dt, sizeof(dt), "%s",
             d >= 0 ? evpubp_vocab_types[d].name : "an entity");
    err(m, v, "%s takes a mapping (%s), not a string", pname, dt);
    return 0;
  }
  err(m, v, "%s cannot take the value '%s'", pname, Q(qb, v));
  return 0;
}

/* Does a mapping look like a language map ({en: ..., zh: ...})? */
static int
is_lang_map(const evpubp_node *v)
{
  size_t i;
  if(v->kind != EVPUBP_N_MAP || !v->n)
    return 0;
  for(i = 0; i < v->n; i++) {
    const evpubp_node *k = v->items[2 * i];
    if(!evpubp_lang_tag(k->str, k->len) || evpubp_vocab_prop(k->str) >= 0 ||
       streq(k, "id") || streq(k, "type") || streq(k, "iri"))
      return 0;
  }
  return 1;
}

static int
map_lang_map(evpubp_mapper *m, const char *s, const char *piri,
             const char *pname, const evpubp_node *v)
{
  size_t i;
  char qb[80];
  for(i = 0; i < v->n; i++) {
    const evpubp_node *k = v->items[2 * i], *val = v->items[2 * i + 1];
    size_t j;
    const evpubp_node *const *vals = &val;
    size_t nvals = 1;
    if(val->kind == EVPUBP_N_SEQ) {
      vals = (const evpubp_node *const *)val->items;
      nvals = val->n;
    }
    for(j = 0; j < nvals; j++) {
      const evpubp_node *x = vals[j];
      if(x->kind == EVPUBP_N_NULL)
        continue;
      if(x->kind != EVPUBP_N_SCALAR) {
        err(m, x, "the '%s' entry of %s must be text", Q(qb, k), pname);
        continue;
      }
      if(emit_literal(m, s, piri, x, k->str, NULL))
        return -1;
    }
  }
  return 0;
}

/* Map one value (scalar, mapping, or - via the caller - list item). */
static int
map_value(evpubp_mapper *m, const char *s, int p, const char *piri,
          const evpubp_node *v, size_t pos, const nodectx *nc)
{
  evpubp_propinfo *pi = evpubp_terms_prop(&m->terms, p);
  const char *pname = evpubp_vocab_props[p].name;
  if(v->kind == EVPUBP_N_NULL)
    return 0;
  if(v->kind == EVPUBP_N_SCALAR)
    return map_scalar(m, s, p, piri, v, nc);
  if(v->kind == EVPUBP_N_SEQ) {
    err(m, v, "a list inside a list is not allowed for %s", pname);
    return 0;
  }
  /* a mapping */
  if(pi->has_text && is_lang_map(v) && (!pi->has_class || !pi->is_ref))
    return map_lang_map(m, s, piri, pname, v);
  if(pi->has_class || pi->default_type >= 0 || pi->has_duration) {
    const char *iri = NULL;
    return map_entity(m, v, p, EVPUBP_C_NONE, s, pos, &iri, 0);
  }
  if(pi->has_text && !pi->is_code) {
    err(m, v, "%s takes text or a language map such as {en: ..., zh: ...}",
        pname);
    return 0;
  }
  err(m, v, "%s takes a single value, not a mapping", pname);
  return 0;
}

/* Extension keys: an absolute IRI, or prefix:name with a declared prefix.
 * Returns the predicate IRI (pass 2: in m->out), "" in pass 1, or NULL. */
static const char *
extension_iri(evpubp_mapper *m, const evpubp_node *key)
{
  const char *colon = memchr(key->str, ':', key->len);
  docinfo *d = cur_doc(m);
  evpubp_map_entry *e;
  if(!colon)
    return NULL;
  e = evpubp_map_find(&d->prefixes, key->str, (size_t)(colon - key->str));
  if(e) {
    evpubp_buf *b = &m->tmp;
    if(m->pass != 2)
      return "";
    evpubp_buf_reset(b);
    evpubp_buf_adds(b, (const char *)e->value);
    evpubp_buf_add(b, colon + 1, key->len - (size_t)(colon - key->str) - 1);
    return out_str(m, b->data, b->len);
  }
  if(evpubp_iri_absolute(key->str, key->len) && colon[1] == '/')
    return m->pass == 2 ? out_str(m, key->str, key->len) : "";
  return NULL;
}

static int
map_extension(evpubp_mapper *m, const char *s, const char *piri,
              const evpubp_node *v)
{
  char qb[80];
  size_t i;
  if(v->kind == EVPUBP_N_SEQ) {
    for(i = 0; i < v->n; i++)
      if(map_extension(m, s, piri, v->items[i]))
        return -1;
    return 0;
  }
  if(v->kind == EVPUBP_N_NULL)
    return 0;
  if(v->kind == EVPUBP_N_MAP) {
    if(is_lang_map(v))
      return map_lang_map(m, s, piri, "an extension key", v);
    err(m, v,
        "an extension key takes text, numbers, booleans or a "
        "language map");
    return 0;
  }
  if(v->plain) {
    int k = evpubp_number_kind(v->str, v->len);
    if(k)
      return emit_literal(m, s, piri, v, NULL,
                          k == 1     ? EVPUBP_XSD_NS "integer"
                            : k == 2 ? EVPUBP_XSD_NS "decimal"
                                     : EVPUBP_XSD_NS "double");
    if(streq(v, "true") || streq(v, "false"))
      return emit_literal(m, s, piri, v, NULL, EVPUBP_XSD_NS "boolean");
  }
  (void)qb;
  return emit_literal(m, s, piri, v, cur_doc(m)->lang, NULL);
}

static int
role_type(evpubp_mapper *m, const char *pname, int target_type)
{
  if(!strcmp(pname, "performer"))
    return m->terms.t_perfrole;
  if(!strcmp(pname, "worksFor"))
    return m->terms.t_emprole;
  if(evpubp_terms_is_subtype(&m->terms, target_type, m->terms.t_org))
    return m->terms.t_orgrole;
  return m->terms.t_role;
}

/* Map the properties of a mapping node onto subject nc->subject. */
static int
map_properties(evpubp_mapper *m, const evpubp_node *node, nodectx *nc,
               int skip_name)
{
  size_t i;
  char qb[80];
  for(i = 0; i < node->n && !m->stopped; i++) {
    const evpubp_node *key = node->items[2 * i];
    const evpubp_node *val = node->items[2 * i + 1];
    int p, allowed = 0, t;
    const char *piri = NULL, *ext;
    if(streq(key, "id") || streq(key, "type") || streq(key, "iri") ||
       streq(key, "roleName"))
      continue;
    if(skip_name && streq(key, "name"))
      continue;
    p = evpubp_terms_lookup_prop(&m->terms, key->str, key->len);
    if(p >= 0) {
      for(t = 0; t < nc->ntypes; t++)
        if(evpubp_terms_prop_allowed(&m->terms, p, nc->types[t]))
          allowed = 1;
    }
    if(!allowed) {
      ext = extension_iri(m, key);
      if(ext) {
        if(map_extension(m, nc->subject, ext, val))
          return -1;
        continue;
      }
      {
        const char *sugg = evpubp_vocab_suggest(key->str, nc->type);
        const char *colon = memchr(key->str, ':', key->len);
        if(colon && colon > key->str && colon[1] != '/')
          err(m, key,
              "unknown property '%s' for %s (prefix '%.*s' is not declared "
              "in 'prefixes')",
              Q(qb, key), evpubp_vocab_types[nc->type].name,
              (int)(colon - key->str < 40 ? colon - key->str : 40), key->str);
        else if(sugg)
          err(m, key, "unknown property '%s' for %s (did you mean '%s'?)",
              Q(qb, key), evpubp_vocab_types[nc->type].name, sugg);
        else
          err(m, key, "unknown property '%s' for %s", Q(qb, key),
              evpubp_vocab_types[nc->type].name);
      }
      continue;
    }
    if(m->pass == 2)
      piri = evpubp_terms_prop_iri(&m->terms, p);
    if(val->kind == EVPUBP_N_SEQ) {
      size_t j;
      for(j = 0; j < val->n; j++)
        if(map_value(m, nc->subject, p, piri, val->items[j], j + 1, nc))
          return -1;
    } else if(map_value(m, nc->subject, p, piri, val, 0, nc)) {
      return -1;
    }
  }
  return 0;
}

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

/* Record a strong declaration (pass 1). */
static int
add_decl(evpubp_mapper *m, const evpubp_node *node, int coll, int type,
         const char *id, int given, const evpubp_node *iri_node)
{
  decl *d;
  const evpubp_node *names[2];
  size_t k, nk = 0;
  evpubp_buf b;
  if(m->ndecls == m->capdecls) {
    size_t cap = m->capdecls ? m->capdecls * 2 : 256;
    decl *nd = realloc(m->decls, cap * sizeof(*nd));
    if(!nd)
      return -1;
    m->decls = nd;
    m->capdecls = cap;
  }
  d = &m->decls[m->ndecls];
  memset(d, 0, sizeof(*d));
  d->doc = m->cur_doc;
  d->coll = (unsigned char)coll;
  d->type = type;
  d->id = xstrdup(id);
  d->given = given;
  d->iri = iri_node ? xstrndup(iri_node->str, iri_node->len) : NULL;
  d->file = m->file;
  d->line = node->line;
  d->col = node->col;
  d->label = xstrdup(id);
  d->facts = node_facts(node);
  names[0] = evpubp_node_get(node, "name");
  names[1] = evpubp_node_get(node, "alternateName");
  /* count keys */
  for(k = 0; k < 2; k++) {
    const evpubp_node *v = names[k];
    if(!v)
      continue;
    if(v->kind == EVPUBP_N_SCALAR)
      nk++;
    else if(v->kind == EVPUBP_N_SEQ || v->kind == EVPUBP_N_MAP)
      nk += v->n;
  }
  d->keys = calloc(nk + 1, sizeof(char *));
  if(!d->keys || !d->id || !d->label)
    return -1;
  evpubp_buf_init(&b);
  if(given) {
    evpubp_fold(&b, id, strlen(id));
    d->keys[d->nkeys++] = xstrndup(b.data ? b.data : "", b.len);
  }
  for(k = 0; k < 2; k++) {
    const evpubp_node *v = names[k];
    size_t j, n;
    if(!v)
      continue;
    n = v->kind == EVPUBP_N_SCALAR ? 1 : v->n;
    for(j = 0; j < n; j++) {
      const evpubp_node *x = evpubp_node_nth(v, j);
      if(x->kind != EVPUBP_N_SCALAR)
        continue;
      evpubp_buf_reset(&b);
      evpubp_fold(&b, x->str, x->len);
      d->keys[d->nkeys++] = xstrndup(b.data ? b.data : "", b.len);
    }
  }
  evpubp_buf_free(&b);
  m->ndecls++;
  return 0;
}

/* Pass 1: a reference that may mean an event.  When an event with that
 * key may have been read already, the inputs are read once more before
 * the index is built (evpubp_mapper_needs_recheck()). */
static int
note_event_ref(evpubp_mapper *m, const char *fold, size_t flen)
{
  evpubp_map_entry *e = evpubp_map_put(&m->event_refs, fold, flen);
  if(!e)
    return -1;
  if(!e->value) {
    e->value = (void *)1;
    if(bloom_has(m->bloom_keys, evpubp_hash(fold, flen)))
      m->need_recheck = 1;
  }
  return 0;
}

/* Pass 1 and recheck: an event declaration.  Recorded in full only when
 * a reference may mean it or its IRI may clash. */
static int
event_decl(evpubp_mapper *m, const evpubp_node *node, int type, const char *id,
           int given, const evpubp_node *iri_node)
{
  const evpubp_node *names[2];
  evpubp_buf b;
  size_t k;
  uint64_t h;
  int capture = 0, rc = 0;

  evpubp_buf_init(&b);
  if(iri_node) {
    evpubp_buf_add(&b, iri_node->str, iri_node->len);
  } else {
    char *iri = mint(m, m->cur_doc, EVPUBP_C_EVENTS, id);
    if(!iri)
      return -1;
    evpubp_buf_adds(&b, iri);
    free(iri);
  }
  h = evpubp_hash(b.data, b.len);
  if(m->pass == 1) {
    int present = bloom_add(&m->bloom_iri, h);
    if(present < 0)
      rc = -1;
    else if(present &&
            !evpubp_map_put(&m->suspects, (const char *)&h, sizeof(h)))
      rc = -1;
  } else if(evpubp_map_find(&m->suspects, (const char *)&h, sizeof(h))) {
    capture = 1;
  }
  names[0] = evpubp_node_get(node, "name");
  names[1] = evpubp_node_get(node, "alternateName");
  for(k = 0; k < 3 && !rc; k++) {
    const evpubp_node *v = k < 2 ? names[k] : NULL;
    size_t j, n;
    if(k == 2) {
      if(!given)
        continue;
      evpubp_buf_reset(&b);
      evpubp_fold(&b, id, strlen(id));
      n = 1;
    } else if(!v) {
      continue;
    } else {
      n = v->kind == EVPUBP_N_SCALAR ? 1 : v->n;
    }
    for(j = 0; j < n; j++) {
      if(k < 2) {
        const evpubp_node *x = evpubp_node_nth(v, j);
        if(x->kind != EVPUBP_N_SCALAR)
          continue;
        evpubp_buf_reset(&b);
        evpubp_fold(&b, x->str, x->len);
      }
      if(!b.len)
        continue;
      if(m->pass == 1 &&
         bloom_add(&m->bloom_keys, evpubp_hash(b.data, b.len)) < 0)
        rc = -1;
      if(evpubp_map_find(&m->event_refs, b.data, b.len))
        capture = 1;
    }
  }
  evpubp_buf_free(&b);
  if(rc)
    return rc;
  if(capture)
    return add_decl(m, node, EVPUBP_C_EVENTS, type, id, given, iri_node);
  return 0;
}

static pending_ref *
get_ref(evpubp_mapper *m, int weak, int prop, int coll, const char *fold,
        size_t flen, int create)
{
  evpubp_buf *b = &m->tmp;
  evpubp_map_entry *e;
  pending_ref *r;
  evpubp_buf_reset(b);
  evpubp_buf_addc(b, weak ? 'w' : 'r');
  evpubp_buf_add(b, (const char *)&prop, sizeof(prop));
  evpubp_buf_addc(b, (char)coll);
  evpubp_buf_add(b, fold, flen);
  if(!create) {
    e = evpubp_map_find(&m->refs, b->data, b->len);
    return e ? e->value : NULL;
  }
  e = evpubp_map_put(&m->refs, b->data, b->len);
  if(!e)
    return NULL;
  if(e->value)
    return e->value;
  r = calloc(1, sizeof(*r));
  if(!r)
    return NULL;
  r->weak = weak;
  r->prop = prop;
  r->coll = (unsigned char)coll;
  r->fold = xstrndup(fold, flen);
  r->doc = m->cur_doc;
  r->file = m->file;
  if(m->nrefs == m->caprefs) {
    size_t cap = m->caprefs ? m->caprefs * 2 : 64;
    pending_ref **nl = realloc(m->reflist, cap * sizeof(*nl));
    if(!nl) {
      free(r->fold);
      free(r);
      return NULL;
    }
    m->reflist = nl;
    m->caprefs = cap;
  }
  m->reflist[m->nrefs++] = r;
  e->value = r;
  return r;
}

static int
string_ref(evpubp_mapper *m, const evpubp_node *v, int prop, int type,
           int coll, const char **iri_out, entity **ent_out)
{
  pending_ref *r;
  evpubp_buf fb;
  if(m->pass == EVPUBP_PASS_RECHECK)
    return 0;
  evpubp_buf_init(&fb);
  if(evpubp_fold(&fb, v->str, v->len)) {
    evpubp_buf_free(&fb);
    return -1;
  }
  if(!fb.len) {
    char qb[80];
    err(m, v, "empty reference '%s'", Q(qb, v));
    evpubp_buf_free(&fb);
    return 0;
  }
  if(m->pass == 1 && evpubp_terms_range_has_event(&m->terms, prop) &&
     note_event_ref(m, fb.data, fb.len)) {
    evpubp_buf_free(&fb);
    return -1;
  }
  r = get_ref(m, 0, prop, coll, fb.data, fb.len, m->pass == 1);
  evpubp_buf_free(&fb);
  if(m->pass == 1) {
    if(!r)
      return -1;
    if(!r->name) {
      r->name = xstrndup(v->str, v->len);
      r->namelen = v->len;
      r->lang = xstrdup(cur_doc(m)->lang);
      r->type = type;
      r->line = v->line;
      r->col = v->col;
    }
    return 0;
  }
  if(!r || !r->result) {
    evpubp_log(m->world, EVPUB_LOG_ERROR, m->file, v->line, v->col,
               "internal error: reference not resolved");
    return -1;
  }
  {
    entity *e = resolve_alias(r->result);
    *iri_out = e->iri;
    *ent_out = e;
    if(e->implicit && !e->emitted && m->pass == 2) {
      const char *lang = e->implicit_lang;
      e->emitted = 1;
      m->shared_depth++; /* described once, wherever it is mentioned */
      emit_type(m, e->iri, e->type);
      emit_literal_str(m, e->iri,
                       evpubp_terms_prop_iri(&m->terms, m->terms.p_name),
                       e->implicit_name, e->implicit_namelen, lang, NULL);
      m->shared_depth--;
    }
  }
  return 0;
}

/* Decide the types of a mapping node.  Returns 0, or 1 when the node
 * must be skipped (an error was reported). */
static int
node_types(evpubp_mapper *m, const evpubp_node *node, int prop,
           int default_type, int coll_root, nodectx *nc)
{
  const evpubp_node *tv = evpubp_node_get(node, "type");
  char qb[80];
  nc->ntypes = 0;
  if(tv) {
    size_t j, n = tv->kind == EVPUBP_N_SEQ ? tv->n : 1;
    for(j = 0; j < n && nc->ntypes < 8; j++) {
      const evpubp_node *x = tv->kind == EVPUBP_N_SEQ ? tv->items[j] : tv;
      const char *name;
      int t;
      if(x->kind != EVPUBP_N_SCALAR) {
        err(m, x, "type must be a schema.org type name");
        return 1;
      }
      name = x->str;
      if(x->len > 7 && !strncmp(name, "schema:", 7))
        name += 7;
      t = evpubp_terms_lookup_type(&m->terms, name);
      if(t < 0 || evpubp_vocab_types[t].kind != EVPUBP_VK_CLASS) {
        const char *sugg = evpubp_vocab_suggest_type(name);
        if(sugg)
          err(m, x, "unknown type '%s' (did you mean '%s'?)", Q(qb, x), sugg);
        else
          err(m, x, "unknown type '%s'", Q(qb, x));
        return 1;
      }
      if(coll_root >= 0 && !evpubp_terms_is_subtype(&m->terms, t, coll_root)) {
        err(m, x, "type '%s' is not a kind of %s", name,
            evpubp_vocab_types[coll_root].name);
        return 1;
      }
      if(prop >= 0 && !evpubp_terms_in_range(&m->terms, prop, t)) {
        err(m, x, "type '%s' is not allowed for %s", name,
            evpubp_vocab_props[prop].name);
        return 1;
      }
      nc->types[nc->ntypes++] = t;
    }
  }
  if(!nc->ntypes) {
    int t = default_type;
    if(t == m->terms.t_place && node->n == 1 && streq(node->items[0], "url"))
      t = m->terms.t_virtual;
    if(t < 0)
      t = m->terms.t_thing;
    nc->types[nc->ntypes++] = t;
  }
  nc->type = nc->types[0];
  return 0;
}

/* Map a mapping node that is an entity.  prop is the property holding it
 * (-1 for a collection item), coll_hint its collection for items. */
static int
map_entity(evpubp_mapper *m, const evpubp_node *node, int prop, int coll_hint,
           const char *parent, size_t pos, const char **iri_out, int top)
{
  nodectx nc;
  const evpubp_node *idv, *namev, *iriv, *rolev;
  const char *pname = prop >= 0 ? evpubp_vocab_props[prop].name : NULL;
  int default_type, coll, coll_root = -1, t;
  const char *subject = NULL;
  char qb[80];
  evpubp_buf idb;
  int skip_name = 0, rc = 0, explicit_type;

  memset(&nc, 0, sizeof(nc));
  if(top) {
    coll_root = m->terms.root[coll_hint];
    default_type = coll_root;
  } else {
    evpubp_propinfo *pi = evpubp_terms_prop(&m->terms, prop);
    default_type = pi->default_type;
    if(pi->has_duration && default_type < 0)
      default_type = m->terms.t_quantity;
  }
  if(node_types(m, node, prop, default_type, coll_root, &nc))
    return 0;
  explicit_type = evpubp_node_get(node, "type") != NULL;
  coll = evpubp_terms_family(
    &m->terms, nc.type,
    top ? coll_hint
        : evpubp_terms_family(&m->terms,
                              default_type >= 0 ? default_type : nc.type, -1));
  idv = evpubp_node_get(node, "id");
  namev = evpubp_node_get(node, "name");
  iriv = evpubp_node_get(node, "iri");
  rolev = evpubp_node_get(node, "roleName");
  if(rolev && top) {
    err(m, rolev,
        "roleName qualifies an entity listed under a relation, "
        "not an item of '%s'",
        evpubp_collection_names[coll_hint]);
    rolev = NULL;
  }
  if(idv && idv->kind != EVPUBP_N_SCALAR) {
    err(m, idv, "id must be a string");
    return 0;
  }
  if(iriv &&
     (iriv->kind != EVPUBP_N_SCALAR ||
      !evpubp_iri_absolute(iriv->str, iriv->len))) {
    err(m, iriv, "iri must be an absolute IRI, not '%s'", Q(qb, iriv));
    return 0;
  }
  if(idv && !idv->len) {
    err(m, idv, "id must not be empty");
    return 0;
  }

  evpubp_buf_init(&idb);
  if(idv)
    evpubp_buf_add(&idb, idv->str, idv->len);
  else if(namev) {
    const evpubp_node *ns = NULL;
    if(namev->kind == EVPUBP_N_MAP) {
      const char *lang = cur_doc(m)->lang;
      ns = lang ? evpubp_node_get(namev, lang) : NULL;
      if(!ns && namev->n)
        ns = namev->items[1];
      ns = first_scalar(ns);
    } else {
      ns = first_scalar(namev);
    }
    if(ns)
      evpubp_slug(&idb, ns->str, ns->len);
    if(ns && !idb.len && coll != EVPUBP_C_NONE && !iriv) {
      err(m, ns, "cannot make an IRI from the name '%s'; give an id",
          Q(qb, ns));
      evpubp_buf_free(&idb);
      return 0;
    }
  }
  if(coll == EVPUBP_C_EVENTS && !idv && !namev && !iriv) {
    err(m, node, "an event needs an id or a name");
    evpubp_buf_free(&idb);
    return 0;
  }
  if(top && !idb.len && !iriv) {
    err(m, node, "an item of '%s' needs an id or a name",
        evpubp_collection_names[coll_hint]);
    evpubp_buf_free(&idb);
    return 0;
  }

  if(rolev && prop >= 0 && !idv && !iriv && !namev && coll != EVPUBP_C_NONE) {
    err(m, node, "a %s with a roleName needs a name or an id", pname);
    evpubp_buf_free(&idb);
    return 0;
  }

  /* Which kind of node is this? */
  if(coll == EVPUBP_C_NONE || (!idv && !iriv && !namev)) {
    /* dependent node: parent IRI + fragment */
    if(m->pass == 2) {
      if(idv)
        subject = dependent_iri(m, parent, idb.data, 0);
      else
        subject = dependent_iri(m, parent, pname ? pname : "node", pos);
    }
  } else if(idv || iriv || top) {
    /* strong declaration */
    if(m->pass == 1 || m->pass == EVPUBP_PASS_RECHECK) {
      const char *id = idb.data ? idb.data : "";
      int r = 0;
      if(coll == EVPUBP_C_EVENTS)
        r = event_decl(m, node, nc.type, id, idv != NULL, iriv);
      else if(m->pass == 1)
        r = add_decl(m, node, coll, nc.type, id, idv != NULL, iriv);
      if(r) {
        evpubp_buf_free(&idb);
        return -1;
      }
    } else if(iriv) {
      subject = out_str(m, iriv->str, iriv->len);
    } else {
      char *iri = mint(m, m->cur_doc, coll, idb.data);
      if(!iri) {
        evpubp_buf_free(&idb);
        return -1;
      }
      subject = out_str(m, iri, strlen(iri));
      free(iri);
    }
  } else {
    /* a mapping without id: names an entity, or is a new one */
    const evpubp_node *ns = first_scalar(namev);
    evpubp_buf fb;
    pending_ref *r;
    if(!ns) {
      if(namev && namev->kind == EVPUBP_N_MAP && namev->n)
        ns = first_scalar(namev->items[1]);
    }
    if(!ns) {
      err(m, namev, "name must be text");
      evpubp_buf_free(&idb);
      return 0;
    }
    evpubp_buf_init(&fb);
    evpubp_fold(&fb, ns->str, ns->len);
    if(m->pass == EVPUBP_PASS_RECHECK) {
      evpubp_buf_free(&fb);
      evpubp_buf_free(&idb);
      return map_properties(m, node, &nc, 0);
    }
    if(m->pass == 1 &&
       (coll == EVPUBP_C_EVENTS ||
        evpubp_terms_range_has_event(&m->terms, prop)) &&
       note_event_ref(m, fb.data ? fb.data : "", fb.len)) {
      evpubp_buf_free(&fb);
      evpubp_buf_free(&idb);
      return -1;
    }
    r =
      get_ref(m, 1, prop, coll, fb.data ? fb.data : "", fb.len, m->pass == 1);
    if(m->pass == 1) {
      if(!r) {
        evpubp_buf_free(&fb);
        evpubp_buf_free(&idb);
        return -1;
      }
      r->facts |= node_facts(node);
      if(!r->name) {
        const evpubp_node *alt = evpubp_node_get(node, "alternateName");
        r->name = xstrndup(ns->str, ns->len);
        r->namelen = ns->len;
        r->type = nc.type;
        r->line = node->line;
        r->col = node->col;
        r->lang = xstrdup(cur_doc(m)->lang);
        if(alt) {
          size_t j, n = alt->kind == EVPUBP_N_SEQ ? alt->n : 1;
          r->alt = calloc(n, sizeof(char *));
          for(j = 0; r->alt && j < n; j++) {
            const evpubp_node *x =
              alt->kind == EVPUBP_N_SEQ ? alt->items[j] : alt;
            if(x->kind != EVPUBP_N_SCALAR)
              continue;
            evpubp_buf_reset(&fb);
            evpubp_fold(&fb, x->str, x->len);
            r->alt[r->nalt++] = xstrndup(fb.data ? fb.data : "", fb.len);
          }
        }
      }
    } else {
      entity *e = r ? resolve_alias(r->result) : NULL;
      if(!e) {
        evpubp_log(m->world, EVPUB_LOG_ERROR, m->file, node->line, node->col,
                   "internal error: unresolved mapping");
        evpubp_buf_free(&fb);
        evpubp_buf_free(&idb);
        return -1;
      }
      subject = e->iri;
      if(e->strong) {
        nc.is_reference = 1;
        skip_name = 1;
      } else {
        nc.shared = 1;
      }
    }
    evpubp_buf_free(&fb);
  }
  evpubp_buf_free(&idb);

  nc.subject = subject;
  if(nc.shared)
    m->shared_depth++;
  if(m->pass == 2 && (!nc.is_reference || explicit_type)) {
    for(t = 0; t < nc.ntypes; t++)
      if(emit_type(m, subject, nc.types[t]))
        return -1;
  }
  if(coll == EVPUBP_C_EVENTS && !nc.is_reference && m->pass == 2)
    m->events++;
  if(m->pass == EVPUBP_PASS_VALIDATE && coll == EVPUBP_C_EVENTS &&
     !nc.is_reference)
    evpubp_validate_event(m, node, m->profile);
  rc = map_properties(m, node, &nc, skip_name);
  if(nc.shared)
    m->shared_depth--;
  if(rc)
    return rc;

  /* the relation from the parent, with its role when asked for */
  if(parent && prop >= 0 && m->pass == 2) {
    const char *piri = evpubp_terms_prop_iri(&m->terms, prop);
    if(emit_iri(m, parent, piri, subject))
      return -1;
  }
  if(rolev && prop >= 0) {
    size_t j, n = rolev->kind == EVPUBP_N_SEQ ? rolev->n : 1;
    const char *role = NULL, *piri = NULL;
    for(j = 0; j < n; j++) {
      const evpubp_node *x =
        rolev->kind == EVPUBP_N_SEQ ? rolev->items[j] : rolev;
      if(x->kind != EVPUBP_N_SCALAR) {
        err(m, x, "roleName must be text");
        return 0;
      }
    }
    if(m->pass == 2) {
      role = dependent_iri(m, parent, pname, pos);
      piri = evpubp_terms_prop_iri(&m->terms, prop);
      emit_iri(m, parent, piri, role);
      emit_type(m, role, role_type(m, pname, nc.type));
      for(j = 0; j < n; j++) {
        const evpubp_node *x =
          rolev->kind == EVPUBP_N_SEQ ? rolev->items[j] : rolev;
        emit_literal(m, role,
                     evpubp_terms_prop_iri(&m->terms, m->terms.p_rolename), x,
                     NULL, NULL);
      }
      emit_iri(m, role, piri, subject);
    }
  }
  *iri_out = subject;
  return 0;
}

/* ---- reader callbacks ------------------------------------------------- */
static int
cb_doc_begin(void *user, unsigned long docno)
{
  evpubp_mapper *m = user;
  m->cur_doc = docno;
  m->doc_has_items = 0;
  if(m->pass == 1) {
    if(m->ndocs == m->capdocs) {
      size_t cap = m->capdocs ? m->capdocs * 2 : 8;
      docinfo *nd = realloc(m->docs, cap * sizeof(*nd));
      if(!nd)
        return -1;
      m->docs = nd;
      m->capdocs = cap;
    }
    memset(&m->docs[m->ndocs], 0, sizeof(docinfo));
    evpubp_map_init(&m->docs[m->ndocs].prefixes);
    m->ndocs++;
  }
  return 0;
}

static int
cb_header(void *user, const evpubp_node *key, const evpubp_node *v)
{
  evpubp_mapper *m = user;
  docinfo *d = cur_doc(m);
  char qb[80];
  if(m->pass != 1)
    return 0;
  if(streq(key, "base")) {
    evpubp_buf b;
    if(m->doc_has_items)
      m->late_base = 1; /* events before it were hashed with another */
    if(v->kind != EVPUBP_N_SCALAR || !evpubp_iri_absolute(v->str, v->len)) {
      err(m, v, "base must be an absolute IRI, not '%s'", Q(qb, v));
      return 0;
    }
    evpubp_buf_init(&b);
    evpubp_buf_add(&b, v->str, v->len);
    if(v->str[v->len - 1] != '/' && v->str[v->len - 1] != '#')
      evpubp_buf_addc(&b, '/');
    free(d->base);
    d->base = b.data;
  } else if(streq(key, "lang")) {
    if(v->kind != EVPUBP_N_SCALAR || !evpubp_lang_tag(v->str, v->len)) {
      err(m, v, "lang must be a language tag such as en or zh-Hans, not '%s'",
          Q(qb, v));
      return 0;
    }
    free(d->lang);
    d->lang = xstrndup(v->str, v->len);
  } else if(streq(key, "prefixes")) {
    size_t i;
    if(v->kind != EVPUBP_N_MAP) {
      err(m, v, "prefixes must map prefixes to namespace IRIs");
      return 0;
    }
    for(i = 0; i < v->n; i++) {
      const evpubp_node *k = v->items[2 * i], *ns = v->items[2 * i + 1];
      evpubp_map_entry *e;
      if(ns->kind != EVPUBP_N_SCALAR ||
         !evpubp_iri_absolute(ns->str, ns->len)) {
        err(m, ns, "the namespace of prefix '%s' must be an absolute IRI",
            Q(qb, k));
        continue;
      }
      e = evpubp_map_put(&d->prefixes, k->str, k->len);
      if(!e)
        return -1;
      free(e->value);
      e->value = xstrndup(ns->str, ns->len);
    }
  }
  return 0;
}

static int
cb_item(void *user, evpubp_collection c, const evpubp_node *node)
{
  evpubp_mapper *m = user;
  const char *iri = NULL;
  int rc;
  if(m->stopped)
    return 1;
  if(node->kind != EVPUBP_N_MAP) {
    err(m, node, "an item of '%s' must be a mapping",
        evpubp_collection_names[c]);
    return 0;
  }
  m->doc_has_items = 1;
  if(m->pass == 1 && c == EVPUBP_C_EVENTS)
    m->event_items++;
  if(m->pass == 2 && m->only >= 0 &&
     (m->only == EVPUBP_C_EVENTS) != (c == EVPUBP_C_EVENTS))
    return 0;
  m->cur_coll = (int)c;
  rc = map_entity(m, node, -1, c, NULL, 0, &iri, 1);
  if(rc)
    return rc;
  return flush(m, iri);
}

static void
cb_error(void *user, unsigned long line, unsigned long col, const char *text)
{
  evpubp_mapper *m = user;
  if(m->pass != 1)
    return;
  err_at(m, m->file, line, col, "%s", text);
}

const evpubp_reader_cb evpubp_mapper_callbacks = { cb_doc_begin, cb_header,
                                                   cb_item, cb_error };

/* ---- finish: the index ----------------------------------------------- */
static entity *
new_entity(evpubp_mapper *m)
{
  entity *e = calloc(1, sizeof(*e));
  if(!e)
    return NULL;
  if(m->nentities == m->capentities) {
    size_t cap = m->capentities ? m->capentities * 2 : 256;
    entity **ne = realloc(m->entities, cap * sizeof(*ne));
    if(!ne) {
      free(e);
      return NULL;
    }
    m->entities = ne;
    m->capentities = cap;
  }
  m->entities[m->nentities++] = e;
  return e;
}

static int
add_key(evpubp_mapper *m, const char *key, entity *e)
{
  evpubp_map_entry *me;
  entity_list *l;
  size_t i;
  if(!*key)
    return 0;
  me = evpubp_map_put(&m->by_key, key, strlen(key));
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
    if(resolve_alias(l->v[i]) == e)
      return 0;
  {
    entity **nv = realloc(l->v, (l->n + 1) * sizeof(*nv));
    if(!nv)
      return -1;
    l->v = nv;
    l->v[l->n++] = e;
  }
  return 0;
}

static void
describe(char *out, size_t len, const entity *e)
{
  snprintf(out, len, "<%s> (%s:%lu:%lu)", e->iri, e->file, e->line, e->col);
}

/* Candidates for key among entities, filtered by the range of prop. */
static size_t
candidates(evpubp_mapper *m, const char *key, int prop, int strong_only,
           entity **out, size_t max)
{
  evpubp_map_entry *me = evpubp_map_find(&m->by_key, key, strlen(key));
  entity_list *l;
  size_t i, j, n = 0;
  if(!me)
    return 0;
  l = me->value;
  for(i = 0; i < l->n; i++) {
    entity *e = resolve_alias(l->v[i]);
    int dup = 0;
    if(strong_only && !e->strong)
      continue;
    if(!evpubp_terms_in_range(&m->terms, prop, e->type))
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

static void
report_ambiguous(evpubp_mapper *m, const pending_ref *r, entity **c, size_t n)
{
  char list[700], one[300], qb[80];
  size_t i, o = 0;
  list[0] = '\0';
  for(i = 0; i < n && i < 4; i++) {
    describe(one, sizeof(one), c[i]);
    o +=
      (size_t)snprintf(list + o, sizeof(list) - o, "%s%s", i ? ", " : "", one);
    if(o >= sizeof(list))
      break;
  }
  err_at(m, r->file, r->line, r->col,
         "ambiguous reference '%s': it names %lu entities: %s%s",
         quote(qb, sizeof(qb), r->name, r->namelen), (unsigned long)n, list,
         n > 4 ? ", ..." : "");
}

static entity *
entity_at_iri(evpubp_mapper *m, const char *iri)
{
  evpubp_map_entry *e = evpubp_map_find(&m->by_iri, iri, strlen(iri));
  return e ? e->value : NULL;
}

static int
register_iri(evpubp_mapper *m, entity *e)
{
  evpubp_map_entry *me = evpubp_map_put(&m->by_iri, e->iri, strlen(e->iri));
  if(!me)
    return -1;
  me->value = e;
  return 0;
}

int
evpubp_mapper_finish(evpubp_mapper *m)
{
  size_t i, j;
  entity *cand[8];
  evpubp_buf b;
  evpubp_buf_init(&b);

  /* 1. strong declarations */
  for(i = 0; i < m->ndecls && !m->stopped; i++) {
    decl *d = &m->decls[i];
    char *iri = d->iri ? xstrdup(d->iri) : mint(m, d->doc, d->coll, d->id);
    entity *e, *old;
    const char *fold_name = NULL;
    if(!iri)
      goto nomem;
    for(j = d->given ? 1 : 0; j < d->nkeys; j++) {
      fold_name = d->keys[j];
      break;
    }
    old = entity_at_iri(m, iri);
    if(old) {
      int same = 0;
      old = resolve_alias(old);
      if(d->coll != EVPUBP_C_EVENTS || d->iri) {
        if(d->given && old->given_id)
          same = !strcmp(d->id, old->given_id) &&
            (!fold_name || !old->fold_name ||
             !strcmp(fold_name, old->fold_name));
        else if(!d->given && !old->given_id && fold_name && old->fold_name)
          same = !strcmp(fold_name, old->fold_name);
        else if(d->iri)
          same = 1;
      }
      if(!same) {
        char one[300];
        describe(one, sizeof(one), old);
        err_at(m, d->file, d->line, d->col,
               "two %s mint the IRI <%s>: this one and the one at %s:%lu:%lu",
               evpubp_collection_names[d->coll], iri, old->file, old->line,
               old->col);
        free(iri);
        continue;
      }
      free(iri);
      e = old;
      e->facts |= d->facts;
    } else {
      e = new_entity(m);
      if(!e)
        goto nomem;
      e->iri = iri;
      e->type = d->type;
      e->coll = d->coll;
      e->strong = 1;
      e->facts = d->facts;
      e->given_id = d->given ? xstrdup(d->id) : NULL;
      e->fold_name = fold_name ? xstrdup(fold_name) : NULL;
      e->label = xstrdup(d->label);
      e->file = d->file;
      e->line = d->line;
      e->col = d->col;
      if(register_iri(m, e))
        goto nomem;
    }
    for(j = 0; j < d->nkeys; j++)
      if(add_key(m, d->keys[j], e))
        goto nomem;
  }

  /* 2. weak mappings: an entity by name, or a new one */
  for(i = 0; i < m->nrefs && !m->stopped; i++) {
    pending_ref *r = m->reflist[i];
    size_t n;
    entity *e;
    evpubp_map_entry *we;
    if(!r->weak)
      continue;
    n = candidates(m, r->fold, r->prop, 1, cand, 8);
    if(n == 1) {
      r->result = cand[0];
      cand[0]->facts |= r->facts;
      continue;
    }
    if(n > 1) {
      report_ambiguous(m, r, cand, n);
      continue;
    }
    evpubp_buf_reset(&b);
    evpubp_buf_printf(&b, "%d:%s", r->coll, r->fold);
    we = evpubp_map_put(&m->weak_entities, b.data, b.len);
    if(!we)
      goto nomem;
    if(!we->value) {
      evpubp_buf sb;
      char *iri;
      entity *old;
      evpubp_buf_init(&sb);
      evpubp_slug(&sb, r->name, r->namelen);
      iri = mint(m, r->doc, r->coll, sb.data ? sb.data : "");
      evpubp_buf_free(&sb);
      if(!iri)
        goto nomem;
      old = resolve_alias(entity_at_iri(m, iri));
      if(old) {
        char qb[80];
        err_at(m, r->file, r->line, r->col,
               "'%s' mints the IRI <%s> of a different entity, declared at "
               "%s:%lu:%lu; give it an id or use that entity's name",
               quote(qb, sizeof(qb), r->name, r->namelen), iri, old->file,
               old->line, old->col);
        free(iri);
        continue;
      }
      e = new_entity(m);
      if(!e)
        goto nomem;
      e->iri = iri;
      e->type = r->type;
      e->coll = r->coll;
      e->label = xstrdup(r->name);
      e->fold_name = xstrdup(r->fold);
      e->file = r->file;
      e->line = r->line;
      e->col = r->col;
      if(register_iri(m, e))
        goto nomem;
      we->value = e;
    }
    r->result = we->value;
    r->result->facts |= r->facts;
  }
  /* their names become keys only now, so that step 2 saw strong ones only */
  for(i = 0; i < m->nrefs && !m->stopped; i++) {
    pending_ref *r = m->reflist[i];
    if(!r->weak || !r->result || r->result->strong)
      continue;
    if(add_key(m, r->fold, r->result))
      goto nomem;
    for(j = 0; j < r->nalt; j++)
      if(add_key(m, r->alt[j], r->result))
        goto nomem;
  }

  /* 3. string references */
  for(i = 0; i < m->nrefs && !m->stopped; i++) {
    pending_ref *r = m->reflist[i];
    size_t n;
    entity *e;
    evpubp_buf sb;
    char *iri;
    if(r->weak)
      continue;
    n = candidates(m, r->fold, r->prop, 1, cand, 8);
    if(n == 0)
      n = candidates(m, r->fold, r->prop, 0, cand, 8);
    if(n == 1) {
      r->result = cand[0];
      continue;
    }
    if(n > 1) {
      report_ambiguous(m, r, cand, n);
      continue;
    }
    evpubp_buf_init(&sb);
    evpubp_slug(&sb, r->name, r->namelen);
    if(!sb.len) {
      char qb[80];
      err_at(m, r->file, r->line, r->col,
             "unresolvable reference '%s': it names no entity and no IRI "
             "can be made from it",
             quote(qb, sizeof(qb), r->name, r->namelen));
      evpubp_buf_free(&sb);
      continue;
    }
    if(r->coll == EVPUBP_C_NONE) {
      char qb[80];
      err_at(m, r->file, r->line, r->col,
             "unresolvable reference '%s': no %s has this id, name or "
             "alternateName",
             quote(qb, sizeof(qb), r->name, r->namelen),
             r->type >= 0 ? evpubp_vocab_types[r->type].name : "entity");
      evpubp_buf_free(&sb);
      continue;
    }
    iri = mint(m, r->doc, r->coll, sb.data);
    evpubp_buf_free(&sb);
    if(!iri)
      goto nomem;
    e = resolve_alias(entity_at_iri(m, iri));
    if(e && evpubp_terms_in_range(&m->terms, r->prop, e->type)) {
      /* "World-Bank" names the entity minted as .../world-bank */
      free(iri);
      r->result = e;
      continue;
    }
    if(e) {
      char qb[80];
      err_at(m, r->file, r->line, r->col,
             "'%s' mints the IRI <%s> of a %s declared at %s:%lu:%lu, "
             "which %s does not take",
             quote(qb, sizeof(qb), r->name, r->namelen), iri,
             evpubp_vocab_types[e->type].name, e->file, e->line, e->col,
             evpubp_vocab_props[r->prop].name);
      free(iri);
      continue;
    }
    e = new_entity(m);
    if(!e)
      goto nomem;
    e->iri = iri;
    e->type = r->type;
    e->coll = r->coll;
    e->implicit = 1;
    e->implicit_name = xstrndup(r->name, r->namelen);
    e->implicit_namelen = r->namelen;
    e->implicit_lang = xstrdup(r->lang);
    e->label = xstrdup(r->name);
    e->fold_name = xstrdup(r->fold);
    e->file = r->file;
    e->line = r->line;
    e->col = r->col;
    if(register_iri(m, e) || add_key(m, r->fold, e))
      goto nomem;
    r->result = e;
  }
  evpubp_buf_free(&b);
  return m->errors ? 1 : 0;
nomem:
  evpubp_buf_free(&b);
  return -1;
}

/* ---- for the validator ------------------------------------------------ */
void
evpubp_mapper_set_profile(evpubp_mapper *m, int profile)
{
  m->profile = profile;
}

unsigned long
evpubp_mapper_warnings(const evpubp_mapper *m)
{
  return m->warnings;
}

void
evpubp_mapper_finding(evpubp_mapper *m, const evpubp_node *at, int error,
                      const char *fmt, ...)
{
  char text[900];
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  if(error)
    m->errors++;
  else
    m->warnings++;
  evpubp_log(m->world, error ? EVPUB_LOG_ERROR : EVPUB_LOG_WARNING, m->file,
             at ? at->line : 0, at ? at->col : 0, "%s", text);
}

/* What is known of the entity a value names (a string reference or a
 * mapping): EVPUBP_HAS_* facts of all its declarations and mentions,
 * and its type.  Returns 0 when the value names no entity of the index. */
unsigned
evpubp_mapper_facts(evpubp_mapper *m, const char *prop, const evpubp_node *v,
                    int *type)
{
  int p = evpubp_vocab_prop(prop);
  evpubp_buf fb;
  pending_ref *r = NULL;
  unsigned facts = 0;
  *type = -1;
  if(p < 0 || !v)
    return 0;
  evpubp_buf_init(&fb);
  if(v->kind == EVPUBP_N_SCALAR) {
    evpubp_propinfo *pi = evpubp_terms_prop(&m->terms, p);
    evpubp_fold(&fb, v->str, v->len);
    r = get_ref(m, 0, p, evpubp_terms_family(&m->terms, pi->default_type, -1),
                fb.data ? fb.data : "", fb.len, 0);
  } else if(v->kind == EVPUBP_N_MAP) {
    const evpubp_node *ns = first_scalar(evpubp_node_get(v, "name"));
    facts = node_facts(v);
    if(ns && !evpubp_node_get(v, "id") && !evpubp_node_get(v, "iri")) {
      int i;
      evpubp_fold(&fb, ns->str, ns->len);
      for(i = 0; i < EVPUBP_C_COUNT && !r; i++)
        r = get_ref(m, 1, p, i, fb.data ? fb.data : "", fb.len, 0);
    }
  }
  evpubp_buf_free(&fb);
  if(r && r->result) {
    entity *e = resolve_alias(r->result);
    facts |= e->facts;
    *type = e->type;
  }
  return facts;
}

/* ---- life cycle ------------------------------------------------------ */
evpubp_mapper *
evpubp_new_mapper(evpub_world *w, const char *base_override,
                  unsigned long max_errors)
{
  evpubp_mapper *m = calloc(1, sizeof(*m));
  if(!m)
    return NULL;
  m->world = w;
  m->base_override = base_override;
  m->max_errors = max_errors;
  m->pass = 1;
  m->only = -1;
  evpubp_map_init(&m->files);
  evpubp_map_init(&m->refs);
  evpubp_map_init(&m->by_iri);
  evpubp_map_init(&m->by_key);
  evpubp_map_init(&m->weak_entities);
  evpubp_arena_init(&m->out);
  evpubp_buf_init(&m->tmp);
  evpubp_map_init(&m->said);
  evpubp_map_init(&m->written);
  evpubp_map_init(&m->event_refs);
  evpubp_map_init(&m->suspects);
  if(evpubp_terms_init(&m->terms)) {
    free(m);
    return NULL;
  }
  return m;
}

void
evpubp_mapper_set_file(evpubp_mapper *m, const char *name)
{
  m->file = intern_file(m, name);
}

static void
free_decl(decl *d)
{
  size_t j;
  for(j = 0; j < d->nkeys; j++)
    free(d->keys[j]);
  free(d->keys);
  free(d->id);
  free(d->iri);
  free(d->label);
}

int
evpubp_mapper_needs_recheck(const evpubp_mapper *m)
{
  return m->need_recheck || m->suspects.count || m->late_base;
}

void
evpubp_mapper_only(evpubp_mapper *m, int only)
{
  m->only = only;
}

void
evpubp_mapper_start_pass(evpubp_mapper *m, int pass, evpubp_sink *sink)
{
  if(pass == EVPUBP_PASS_RECHECK) {
    /* events recorded in pass 1 are recorded again, all of them */
    size_t i, o = 0;
    for(i = 0; i < m->ndecls; i++) {
      if(m->decls[i].coll == EVPUBP_C_EVENTS)
        free_decl(&m->decls[i]);
      else
        m->decls[o++] = m->decls[i];
    }
    m->ndecls = o;
  }
  m->pass = pass;
  m->sink = sink;
  m->triples = 0;
  m->events = 0;
}

int
evpubp_mapper_warn_base(evpubp_mapper *m)
{
  size_t i;
  if(m->base_override)
    return 0;
  for(i = 0; i < m->ndocs; i++)
    if(!m->docs[i].base)
      return 1;
  return 0;
}

unsigned long
evpubp_mapper_errors(const evpubp_mapper *m)
{
  return m->errors;
}

unsigned long
evpubp_mapper_triples(const evpubp_mapper *m)
{
  return m->triples;
}

unsigned long
evpubp_mapper_events(const evpubp_mapper *m)
{
  return m->events;
}

void
evpubp_free_mapper(evpubp_mapper *m)
{
  size_t i, j;
  if(!m)
    return;
  for(i = 0; i < m->ndocs; i++) {
    free(m->docs[i].base);
    free(m->docs[i].lang);
    for(j = 0; j < m->docs[i].prefixes.cap; j++)
      free(m->docs[i].prefixes.slots[j].value);
    evpubp_map_free(&m->docs[i].prefixes);
  }
  free(m->docs);
  for(i = 0; i < m->ndecls; i++)
    free_decl(&m->decls[i]);
  free(m->decls);
  evpubp_terms_free(&m->terms);
  evpubp_map_free(&m->said);
  evpubp_map_free(&m->written);
  free(m->slots);
  evpubp_map_free(&m->event_refs);
  evpubp_map_free(&m->suspects);
  free(m->bloom_iri);
  free(m->bloom_keys);
  for(i = 0; i < m->nrefs; i++) {
    pending_ref *r = m->reflist[i];
    for(j = 0; j < r->nalt; j++)
      free(r->alt[j]);
    free(r->alt);
    free(r->fold);
    free(r->name);
    free(r->lang);
    free(r);
  }
  free(m->reflist);
  for(i = 0; i < m->nentities; i++) {
    entity *e = m->entities[i];
    free(e->iri);
    free(e->label);
    free(e->given_id);
    free(e->fold_name);
    free(e->implicit_name);
    free(e->implicit_lang);
    free(e);
  }
  free(m->entities);
  for(i = 0; i < m->by_key.cap; i++) {
    entity_list *l = m->by_key.slots[i].value;
    if(l) {
      free(l->v);
      free(l);
    }
  }
  evpubp_map_free(&m->by_key);
  evpubp_map_free(&m->by_iri);
  evpubp_map_free(&m->weak_entities);
  evpubp_map_free(&m->refs);
  evpubp_map_free(&m->files);
  evpubp_arena_free(&m->out);
  evpubp_buf_free(&m->tmp);
  free(m->stmts);
  free(m);
}

unsigned long
evpubp_mapper_event_items(const evpubp_mapper *m)
{
  return m->event_items;
}
