/* map/mapper.c - description trees to schema.org statements
 *
 * The only module that knows schema.org, driven by the term table
 * (vocab_data.c).  The converter reads the inputs into it more than
 * once (see mapperp.h): the first reading checks every item and fills
 * the index (index.c), which then resolves every reference before
 * anything is written; the writing pass walks the items again and hands
 * each item's statements to the sink.
 *
 * This file holds the mapper object, its passes, the callbacks the
 * readers call, and where errors go.
 */
#include <stdlib.h>
#include <string.h>

#include "map/mapperp.h"
#include "map/util.h"
#include "map/validate.h"

/* ---- where findings go -------------------------------------------------- */
static int
report_finding(void *user, evpubp_severity sev, const char *file,
               unsigned long line, unsigned long col, const char *text)
{
  evpubp_mapper *m = user;
  if(sev == EVPUBP_ERROR)
    m->errors++;
  else
    m->warnings++;
  evpubp_log(m->world,
             sev == EVPUBP_ERROR ? EVPUB_LOG_ERROR : EVPUB_LOG_WARNING, file,
             line, col, "%s", text);
  return 0;
}

static int
report_error(void *user, evpubp_severity sev, const char *file,
             unsigned long line, unsigned long col, const char *text)
{
  evpubp_mapper *m = user;
  if(m->stopped)
    return 1;
  report_finding(user, sev, file, line, col, text);
  if(m->max_errors && m->errors >= m->max_errors) {
    evpubp_log(m->world, EVPUB_LOG_ERROR, NULL, 0, 0,
               "too many errors (%lu), stopping", m->errors);
    m->stopped = 1;
  }
  return m->stopped;
}

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

void
evpubp_mapper_err(evpubp_mapper *m, const evpubp_node *at, const char *fmt,
                  ...)
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
  report_error(m, EVPUBP_ERROR, m->file, at ? at->line : 0, at ? at->col : 0,
               text);
}

/* ---- statements (pass 2) ----------------------------------------------- */
const char *
evpubp_emit_str(evpubp_mapper *m, const char *s, size_t n)
{
  return evpubp_arena_strndup(&m->out, s, n);
}

int
evpubp_emit(evpubp_mapper *m, const char *s, const char *p, evpubp_obj_kind k,
            const char *o, size_t olen, const char *lang, const char *dt)
{
  evpubp_stmt *st;
  if(m->pass != 2)
    return 0;
  if(evpubp_grow(&m->stmts, m->nstmts, &m->capstmts, sizeof(*st), 256))
    return -1;
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

int
evpubp_emit_iri(evpubp_mapper *m, const char *s, const char *p, const char *o)
{
  if(m->pass != 2)
    return 0;
  return evpubp_emit(m, s, p, EVPUBP_O_IRI, o, strlen(o), NULL, NULL);
}

int
evpubp_emit_type(evpubp_mapper *m, const char *s, int type)
{
  const char *o;
  if(m->pass != 2)
    return 0;
  o = evpubp_terms_type_iri(&m->terms, type);
  if(!o)
    return -1;
  return evpubp_emit_iri(m, s, EVPUBP_RDF_TYPE, o);
}

int
evpubp_emit_text(evpubp_mapper *m, const char *s, const char *p,
                 const char *str, size_t len, const char *lang, const char *dt)
{
  if(m->pass != 2)
    return 0;
  return evpubp_emit(m, s, p, EVPUBP_O_LITERAL, evpubp_emit_str(m, str, len),
                     len, lang ? evpubp_emit_str(m, lang, strlen(lang)) : NULL,
                     dt);
}

int
evpubp_emit_literal(evpubp_mapper *m, const char *s, const char *p,
                    const evpubp_node *v, const char *lang, const char *dt)
{
  return evpubp_emit_text(m, s, p, v->str, v->len, lang, dt);
}

const char *
evpubp_emit_dependent_iri(evpubp_mapper *m, const char *parent,
                          const char *key, size_t pos)
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
  return evpubp_emit_str(m, b->data, b->len);
}

/* ---- de-duplication ----------------------------------------------------- */
static void
stmt_hash(const evpubp_stmt *st, uint64_t h[2])
{
  h[0] = evpubp_hash(st->s, strlen(st->s)) ^
    evpubp_mix64(evpubp_hash(st->p, strlen(st->p)));
  h[1] = evpubp_hash(st->o, st->olen) ^
    evpubp_mix64((st->lang ? evpubp_hash(st->lang, strlen(st->lang)) : 1) +
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
  uint64_t h =
    evpubp_mix64(bytes8(st->s, ls, 1) ^ ((uint64_t)st->okind << 62));
  h = evpubp_mix64(h ^ bytes8(st->p, lp, 1));
  h = evpubp_mix64(h ^ bytes8(st->o, st->olen, 1));
  h = evpubp_mix64(h ^ bytes8(st->o, st->olen, 0));
  if(st->lang)
    h = evpubp_mix64(h ^ bytes8(st->lang, strlen(st->lang), 1));
  if(st->dt)
    h = evpubp_mix64(h ^ bytes8(st->dt, strlen(st->dt), 1));
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

/* ---- the item's batch --------------------------------------------------- */
int
evpubp_emit_flush(evpubp_mapper *m, const char *item)
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
/* ---- scalars ------------------------------------------------------------ */
/* One scalar being mapped. */
typedef struct {
  evpubp_mapper *m;
  const char *s; /* the subject (pass 2) */
  int p;
  const char *piri; /* the property's IRI (pass 2) */
  const char *pname;
  const evpubp_propinfo *pi;
  const evpubp_node *v;
} scalar;

/* What a step returns when the value is not for it. */
#define NEXT 1

static int
literal(const scalar *c, const char *dt)
{
  return evpubp_emit_literal(c->m, c->s, c->piri, c->v, NULL, dt);
}

static int
is_external_iri(const evpubp_node *v)
{
  return evpubp_iri_absolute(v->str, v->len) &&
    (!strncmp(v->str, "http://", 7) || !strncmp(v->str, "https://", 8) ||
     !strncmp(v->str, "urn:", 4));
}

/* v itself as an IRI (a copy, on the writing pass). */
static int
value_iri(const scalar *c)
{
  evpubp_mapper *m = c->m;
  if(m->pass != 2)
    return 0;
  return evpubp_emit_iri(m, c->s, c->piri,
                         evpubp_emit_str(m, c->v->str, c->v->len));
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

static int
enum_value(const scalar *c)
{
  evpubp_mapper *m = c->m;
  const evpubp_node *v = c->v;
  char qb[80], list[400];
  int mem = evpubp_terms_member(&m->terms, c->pi->enum_type, v->str, v->len);
  if(mem < -1)
    return -1;
  if(mem >= 0) {
    const char *o;
    if(m->pass != 2)
      return 0;
    o = evpubp_terms_member_iri(&m->terms, mem);
    return o ? evpubp_emit_iri(m, c->s, c->piri, o) : -1;
  }
  if(c->pi->has_text || (c->pi->has_url && is_external_iri(v)))
    return NEXT;
  list_members(list, sizeof(list), c->pi->enum_type);
  evpubp_mapper_err(m, v, "invalid value '%s' for %s (expected one of %s)",
                    EVPUBP_Q(qb, v), c->pname, list);
  return 0;
}

static int
date_value(const scalar *c)
{
  const evpubp_propinfo *pi = c->pi;
  const evpubp_node *v = c->v;
  char qb[80];
  if((pi->has_date || pi->has_datetime) && evpubp_is_date(v->str, v->len))
    return literal(c, EVPUBP_XSD_NS "date");
  if((pi->has_datetime || pi->has_date) && evpubp_is_datetime(v->str, v->len))
    return literal(c, EVPUBP_XSD_NS "dateTime");
  if(pi->has_time && evpubp_is_time(v->str, v->len))
    return literal(c, EVPUBP_XSD_NS "time");
  if(pi->has_text)
    return NEXT;
  if(memchr(v->str, 'T', v->len) || pi->has_time)
    evpubp_mapper_err(c->m, v,
                      "invalid %s '%s' for %s (expected YYYY-MM-DD or "
                      "YYYY-MM-DDThh:mm:ss with an optional offset)",
                      pi->has_datetime ? "dateTime" : "date", EVPUBP_Q(qb, v),
                      c->pname);
  else if(v->len == 10 && v->str[4] == '-' && v->str[7] == '-')
    evpubp_mapper_err(c->m, v, "invalid date '%s' for %s (no such day)",
                      EVPUBP_Q(qb, v), c->pname);
  else
    evpubp_mapper_err(c->m, v,
                      "invalid date '%s' for %s (expected YYYY-MM-DD)",
                      EVPUBP_Q(qb, v), c->pname);
  return 0;
}

static int
duration_value(const scalar *c)
{
  char qb[80];
  if(evpubp_is_duration(c->v->str, c->v->len))
    return literal(c, EVPUBP_XSD_NS "duration");
  if(c->pi->has_text)
    return NEXT;
  evpubp_mapper_err(c->m, c->v,
                    "invalid duration '%s' for %s (expected ISO 8601, e.g. "
                    "PT2H30M)",
                    EVPUBP_Q(qb, c->v), c->pname);
  return 0;
}

static int
number_value(const scalar *c)
{
  int k = evpubp_number_kind(c->v->str, c->v->len);
  char qb[80];
  if(k == 1)
    return literal(c, EVPUBP_XSD_NS "integer");
  if(k && !c->pi->has_number)
    evpubp_mapper_err(c->m, c->v, "invalid integer '%s' for %s",
                      EVPUBP_Q(qb, c->v), c->pname);
  else if(k == 2)
    return literal(c, EVPUBP_XSD_NS "decimal");
  else if(k == 3)
    return literal(c, EVPUBP_XSD_NS "double");
  else
    evpubp_mapper_err(c->m, c->v, "invalid number '%s' for %s",
                      EVPUBP_Q(qb, c->v), c->pname);
  return 0;
}

static int
boolean_value(const scalar *c)
{
  const evpubp_node *v = c->v;
  char qb[80];
  if(evpubp_streq(v, "true") || evpubp_streq(v, "false"))
    return literal(c, EVPUBP_XSD_NS "boolean");
  if(c->pi->has_text)
    return NEXT;
  evpubp_mapper_err(c->m, v,
                    "invalid boolean '%s' for %s (expected true or false)",
                    EVPUBP_Q(qb, v), c->pname);
  return 0;
}

/* An entity made from a string reference is described where it is
 * first named: its type and name, once. */
static int
describe_implicit(evpubp_mapper *m, evpubp_entity *e)
{
  int rc;
  e->emitted = 1;
  m->shared_depth++;
  rc = evpubp_emit_type(m, e->iri, e->type);
  if(!rc)
    rc = evpubp_emit_text(m, e->iri,
                          evpubp_terms_prop_iri(&m->terms, m->terms.p_name),
                          e->name, e->namelen, e->lang, NULL);
  m->shared_depth--;
  return rc;
}

/* A string that names an entity: recorded on the first reading, looked
 * up (*iri) on the others. */
static int
string_ref(evpubp_mapper *m, const evpubp_node *v, int prop, int type,
           int coll, const char **iri)
{
  evpubp_buf *fb = &m->tmp;
  evpubp_entity *e;
  char qb[80];
  if(m->pass == EVPUBP_PASS_RECHECK)
    return 0;
  evpubp_buf_reset(fb);
  if(evpubp_fold(fb, v->str, v->len))
    return -1;
  if(!fb->len) {
    evpubp_mapper_err(m, v, "empty reference '%s'", EVPUBP_Q(qb, v));
    return 0;
  }
  if(m->pass == 1) {
    evpubp_mention r;
    r.weak = 0;
    r.prop = prop;
    r.coll = coll;
    r.type = type;
    r.fold = fb->data;
    r.flen = fb->len;
    r.name = v;
    r.node = NULL;
    r.lang = evpubp_mapper_doc(m)->lang;
    r.doc = m->cur_doc;
    r.file = m->file;
    return evpubp_index_mention(m->index, &r);
  }
  e = evpubp_index_resolved(m->index, 0, prop, coll, fb->data, fb->len);
  if(!e) {
    evpubp_log(m->world, EVPUB_LOG_ERROR, m->file, v->line, v->col,
               "internal error: reference not resolved");
    return -1;
  }
  *iri = e->iri;
  if(e->implicit && !e->emitted && m->pass == 2)
    return describe_implicit(m, e);
  return 0;
}

/* location: "https://..." is a virtual location. */
static int
virtual_location(const scalar *c)
{
  evpubp_mapper *m = c->m;
  const char *d;
  if(m->pass != 2)
    return 0;
  d = evpubp_emit_dependent_iri(m, c->s, c->pname, 0);
  evpubp_emit_iri(m, c->s, c->piri, d);
  evpubp_emit_type(m, d, m->terms.t_virtual);
  return evpubp_emit_iri(m, d,
                         evpubp_terms_prop_iri(&m->terms, m->terms.p_url),
                         evpubp_emit_str(m, c->v->str, c->v->len));
}

static int
reference_value(const scalar *c)
{
  evpubp_mapper *m = c->m;
  const evpubp_propinfo *pi = c->pi;
  const char *iri = NULL;
  if(is_external_iri(c->v))
    return value_iri(c);
  if(pi->default_type == m->terms.t_place && pi->has_text == 1 &&
     evpubp_iri_absolute(c->v->str, c->v->len))
    return virtual_location(c);
  if(string_ref(m, c->v, c->p, pi->default_type,
                evpubp_terms_family(&m->terms, pi->default_type, -1), &iri))
    return -1;
  return evpubp_emit_iri(m, c->s, c->piri, iri);
}

/* What is left: a URL, text, or an error. */
static int
other_value(const scalar *c)
{
  const evpubp_propinfo *pi = c->pi;
  char qb[80];
  if(pi->has_url && !pi->has_text) {
    if(evpubp_iri_absolute(c->v->str, c->v->len))
      return value_iri(c);
    evpubp_mapper_err(c->m, c->v, "'%s' is not an absolute URL (for %s)",
                      EVPUBP_Q(qb, c->v), c->pname);
  } else if(pi->has_text) {
    return evpubp_emit_literal(c->m, c->s, c->piri, c->v,
                               evpubp_mapper_doc(c->m)->lang, NULL);
  } else if(pi->has_class) {
    int d = pi->default_type;
    evpubp_mapper_err(c->m, c->v, "%s takes a mapping (%s), not a string",
                      c->pname,
                      d >= 0 ? evpubp_vocab_types[d].name : "an entity");
  } else {
    evpubp_mapper_err(c->m, c->v, "%s cannot take the value '%s'", c->pname,
                      EVPUBP_Q(qb, c->v));
  }
  return 0;
}

int
evpubp_walk_scalar(evpubp_mapper *m, const char *s, int p, const char *piri,
                   const evpubp_node *v)
{
  scalar c;
  const evpubp_propinfo *pi = evpubp_terms_prop(&m->terms, p);
  int rc = NEXT;
  c.m = m;
  c.s = s;
  c.p = p;
  c.piri = piri;
  c.pname = evpubp_vocab_props[p].name;
  c.pi = pi;
  c.v = v;
  if(pi->is_code)
    return literal(&c, NULL);
  if(pi->enum_type >= 0)
    rc = enum_value(&c);
  if(rc == NEXT && (pi->has_date || pi->has_datetime || pi->has_time))
    rc = date_value(&c);
  if(rc == NEXT && pi->has_duration)
    rc = duration_value(&c);
  if(rc == NEXT && (pi->has_number || pi->has_integer))
    rc = number_value(&c);
  if(rc == NEXT && pi->has_boolean)
    rc = boolean_value(&c);
  if(rc == NEXT && pi->is_ref)
    rc = reference_value(&c);
  if(rc == NEXT)
    rc = other_value(&c);
  return rc;
}
/* ---- the walk ----------------------------------------------------------- */
#define MAX_TYPES 8

/* What a step of map_entity() returns to say: skip this node (an error
 * was reported, or nothing is left to do). */
#define SKIP 1

/* The mapping being mapped. */
typedef struct {
  const evpubp_node *node;
  int prop;           /* the property holding it, -1 for an item */
  const char *pname;  /* its name, or NULL */
  int top;            /* an item of collection coll_hint */
  int coll_hint;      /* (top) */
  const char *parent; /* pass 2: the IRI of the node holding it */
  size_t pos;         /* its position in a list, from 1, else 0 */

  const evpubp_node *idv, *namev, *iriv, *rolev;
  int explicit_type;
  int coll;      /* the collection it is a kind of, or EVPUBP_C_NONE */
  evpubp_buf id; /* the given id, or the slug of the name */

  const char *subject; /* pass 2: its IRI */
  int type;            /* its primary type */
  int ntypes;
  int types[MAX_TYPES];
  int is_reference; /* names an entity declared elsewhere */
  int shared;       /* names an entity declared nowhere */
} walk_node;

static int map_entity(evpubp_mapper *m, walk_node *wn, const char **iri_out);

/* ---- properties --------------------------------------------------------- */
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
       evpubp_streq(k, "id") || evpubp_streq(k, "type") ||
       evpubp_streq(k, "iri"))
      return 0;
  }
  return 1;
}

static int
map_lang_map(evpubp_mapper *m, const char *s, const char *piri,
             const char *pname, const evpubp_node *v)
{
  size_t i, j;
  char qb[80];
  for(i = 0; i < v->n; i++) {
    const evpubp_node *k = v->items[2 * i], *val = v->items[2 * i + 1];
    size_t n = val->kind == EVPUBP_N_SEQ ? val->n : 1;
    for(j = 0; j < n; j++) {
      const evpubp_node *x = val->kind == EVPUBP_N_SEQ ? val->items[j] : val;
      if(x->kind == EVPUBP_N_NULL)
        continue;
      if(x->kind != EVPUBP_N_SCALAR) {
        evpubp_mapper_err(m, x, "the '%s' entry of %s must be text",
                          EVPUBP_Q(qb, k), pname);
        continue;
      }
      if(evpubp_emit_literal(m, s, piri, x, k->str, NULL))
        return -1;
    }
  }
  return 0;
}

/* Extension keys: an absolute IRI, or prefix:name with a declared prefix.
 * Returns the predicate IRI (pass 2: in m->out), "" in pass 1, or NULL. */
static const char *
extension_iri(evpubp_mapper *m, const evpubp_node *key)
{
  const char *colon = memchr(key->str, ':', key->len);
  evpubp_map_entry *e;
  if(!colon)
    return NULL;
  e = evpubp_map_find(&evpubp_mapper_doc(m)->prefixes, key->str,
                      (size_t)(colon - key->str));
  if(e) {
    evpubp_buf *b = &m->tmp;
    if(m->pass != 2)
      return "";
    evpubp_buf_reset(b);
    evpubp_buf_adds(b, (const char *)e->value);
    evpubp_buf_add(b, colon + 1, key->len - (size_t)(colon - key->str) - 1);
    return evpubp_emit_str(m, b->data, b->len);
  }
  if(evpubp_iri_absolute(key->str, key->len) && colon[1] == '/')
    return m->pass == 2 ? evpubp_emit_str(m, key->str, key->len) : "";
  return NULL;
}

static int
map_extension(evpubp_mapper *m, const char *s, const char *piri,
              const evpubp_node *v)
{
  size_t i;
  int k;
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
    evpubp_mapper_err(m, v,
                      "an extension key takes text, numbers, booleans or a "
                      "language map");
    return 0;
  }
  k = v->plain ? evpubp_number_kind(v->str, v->len) : 0;
  if(k)
    return evpubp_emit_literal(m, s, piri, v, NULL,
                               k == 1     ? EVPUBP_XSD_NS "integer"
                                 : k == 2 ? EVPUBP_XSD_NS "decimal"
                                          : EVPUBP_XSD_NS "double");
  if(v->plain && (evpubp_streq(v, "true") || evpubp_streq(v, "false")))
    return evpubp_emit_literal(m, s, piri, v, NULL, EVPUBP_XSD_NS "boolean");
  return evpubp_emit_literal(m, s, piri, v, evpubp_mapper_doc(m)->lang, NULL);
}

/* A mapping under property p, on subject parent (pass 2). */
static int
map_nested(evpubp_mapper *m, const evpubp_node *node, int p,
           const char *parent, size_t pos)
{
  walk_node wn;
  const char *iri = NULL;
  memset(&wn, 0, sizeof(wn));
  wn.node = node;
  wn.prop = p;
  wn.pname = evpubp_vocab_props[p].name;
  wn.coll_hint = EVPUBP_C_NONE;
  wn.parent = parent;
  wn.pos = pos;
  return map_entity(m, &wn, &iri);
}

/* Map one value (scalar, or mapping) of property p; pos: its position
 * in a list, from 1, else 0. */
static int
map_value(evpubp_mapper *m, const char *s, int p, const char *piri,
          const evpubp_node *v, size_t pos)
{
  evpubp_propinfo *pi = evpubp_terms_prop(&m->terms, p);
  const char *pname = evpubp_vocab_props[p].name;
  if(v->kind == EVPUBP_N_NULL)
    return 0;
  if(v->kind == EVPUBP_N_SCALAR)
    return evpubp_walk_scalar(m, s, p, piri, v);
  if(v->kind == EVPUBP_N_SEQ) {
    evpubp_mapper_err(m, v, "a list inside a list is not allowed for %s",
                      pname);
    return 0;
  }
  if(pi->has_text && is_lang_map(v) && (!pi->has_class || !pi->is_ref))
    return map_lang_map(m, s, piri, pname, v);
  if(pi->has_class || pi->default_type >= 0 || pi->has_duration)
    return map_nested(m, v, p, s, pos);
  if(pi->has_text && !pi->is_code)
    evpubp_mapper_err(m, v,
                      "%s takes text or a language map such as {en: ..., "
                      "zh: ...}",
                      pname);
  else
    evpubp_mapper_err(m, v, "%s takes a single value, not a mapping", pname);
  return 0;
}

static void
unknown_property(evpubp_mapper *m, const evpubp_node *key, int type)
{
  const char *sugg = evpubp_vocab_suggest(key->str, type);
  const char *colon = memchr(key->str, ':', key->len);
  const char *tname = evpubp_vocab_types[type].name;
  char qb[80];
  if(colon && colon > key->str && colon[1] != '/')
    evpubp_mapper_err(m, key,
                      "unknown property '%s' for %s (prefix '%.*s' is not "
                      "declared in 'prefixes')",
                      EVPUBP_Q(qb, key), tname,
                      (int)(colon - key->str < 40 ? colon - key->str : 40),
                      key->str);
  else if(sugg)
    evpubp_mapper_err(m, key,
                      "unknown property '%s' for %s (did you mean '%s'?)",
                      EVPUBP_Q(qb, key), tname, sugg);
  else
    evpubp_mapper_err(m, key, "unknown property '%s' for %s",
                      EVPUBP_Q(qb, key), tname);
}

/* The property a key names on a node of these types, or -1. */
static int
allowed_prop(evpubp_mapper *m, const evpubp_node *key, const walk_node *wn)
{
  int p = evpubp_terms_lookup_prop(&m->terms, key->str, key->len), t;
  if(p < 0)
    return -1;
  for(t = 0; t < wn->ntypes; t++)
    if(evpubp_terms_prop_allowed(&m->terms, p, wn->types[t]))
      return p;
  return -1;
}

/* Map the properties of a mapping onto wn->subject. */
static int
map_properties(evpubp_mapper *m, const walk_node *wn, int skip_name)
{
  const evpubp_node *node = wn->node;
  size_t i, j;
  for(i = 0; i < node->n && !m->stopped; i++) {
    const evpubp_node *key = node->items[2 * i];
    const evpubp_node *val = node->items[2 * i + 1];
    const char *piri = NULL, *ext;
    int p;
    if(evpubp_streq(key, "id") || evpubp_streq(key, "type") ||
       evpubp_streq(key, "iri") || evpubp_streq(key, "roleName") ||
       (skip_name && evpubp_streq(key, "name")))
      continue;
    p = allowed_prop(m, key, wn);
    if(p < 0) {
      ext = extension_iri(m, key);
      if(!ext)
        unknown_property(m, key, wn->type);
      else if(map_extension(m, wn->subject, ext, val))
        return -1;
      continue;
    }
    if(m->pass == 2)
      piri = evpubp_terms_prop_iri(&m->terms, p);
    if(val->kind != EVPUBP_N_SEQ) {
      if(map_value(m, wn->subject, p, piri, val, 0))
        return -1;
      continue;
    }
    for(j = 0; j < val->n; j++)
      if(map_value(m, wn->subject, p, piri, val->items[j], j + 1))
        return -1;
  }
  return 0;
}

/* ---- entities ----------------------------------------------------------- */
/* The types of a mapping: its `type` key, else the default. */
static int
node_types(evpubp_mapper *m, walk_node *wn, int default_type, int coll_root)
{
  const evpubp_node *tv = evpubp_node_get(wn->node, "type");
  size_t j, n = tv && tv->kind == EVPUBP_N_SEQ ? tv->n : 1;
  char qb[80];
  for(j = 0; tv && j < n && wn->ntypes < MAX_TYPES; j++) {
    const evpubp_node *x = tv->kind == EVPUBP_N_SEQ ? tv->items[j] : tv;
    const char *name, *sugg;
    int t;
    if(x->kind != EVPUBP_N_SCALAR) {
      evpubp_mapper_err(m, x, "type must be a schema.org type name");
      return SKIP;
    }
    name = x->str;
    if(x->len > 7 && !strncmp(name, "schema:", 7))
      name += 7;
    t = evpubp_terms_lookup_type(&m->terms, name);
    if(t < 0 || evpubp_vocab_types[t].kind != EVPUBP_VK_CLASS) {
      sugg = evpubp_vocab_suggest_type(name);
      if(sugg)
        evpubp_mapper_err(m, x, "unknown type '%s' (did you mean '%s'?)",
                          EVPUBP_Q(qb, x), sugg);
      else
        evpubp_mapper_err(m, x, "unknown type '%s'", EVPUBP_Q(qb, x));
      return SKIP;
    }
    if(coll_root >= 0 && !evpubp_terms_is_subtype(&m->terms, t, coll_root)) {
      evpubp_mapper_err(m, x, "type '%s' is not a kind of %s", name,
                        evpubp_vocab_types[coll_root].name);
      return SKIP;
    }
    if(wn->prop >= 0 && !evpubp_terms_in_range(&m->terms, wn->prop, t)) {
      evpubp_mapper_err(m, x, "type '%s' is not allowed for %s", name,
                        wn->pname);
      return SKIP;
    }
    wn->types[wn->ntypes++] = t;
  }
  if(!wn->ntypes) {
    int t = default_type;
    if(t == m->terms.t_place && wn->node->n == 1 &&
       evpubp_streq(wn->node->items[0], "url"))
      t = m->terms.t_virtual;
    wn->types[wn->ntypes++] = t < 0 ? m->terms.t_thing : t;
  }
  wn->type = wn->types[0];
  return 0;
}

/* Its types, and the collection it is a kind of. */
static int
entity_types(evpubp_mapper *m, walk_node *wn)
{
  int default_type, coll_root = -1, prefer;
  if(wn->top) {
    coll_root = m->terms.root[wn->coll_hint];
    default_type = coll_root;
  } else {
    evpubp_propinfo *pi = evpubp_terms_prop(&m->terms, wn->prop);
    default_type = pi->default_type;
    if(pi->has_duration && default_type < 0)
      default_type = m->terms.t_quantity;
  }
  if(node_types(m, wn, default_type, coll_root))
    return SKIP;
  wn->explicit_type = evpubp_node_get(wn->node, "type") != NULL;
  prefer = wn->top
    ? wn->coll_hint
    : evpubp_terms_family(&m->terms,
                          default_type >= 0 ? default_type : wn->type, -1);
  wn->coll = evpubp_terms_family(&m->terms, wn->type, prefer);
  return 0;
}

/* The reserved keys' values. */
static int
check_keys(evpubp_mapper *m, walk_node *wn)
{
  const evpubp_node *node = wn->node;
  char qb[80];
  wn->idv = evpubp_node_get(node, "id");
  wn->namev = evpubp_node_get(node, "name");
  wn->iriv = evpubp_node_get(node, "iri");
  wn->rolev = evpubp_node_get(node, "roleName");
  if(wn->rolev && wn->top) {
    evpubp_mapper_err(m, wn->rolev,
                      "roleName qualifies an entity listed under a "
                      "relation, not an item of '%s'",
                      evpubp_collection_names[wn->coll_hint]);
    wn->rolev = NULL;
  }
  if(wn->idv && wn->idv->kind != EVPUBP_N_SCALAR) {
    evpubp_mapper_err(m, wn->idv, "id must be a string");
    return SKIP;
  }
  if(wn->iriv &&
     (wn->iriv->kind != EVPUBP_N_SCALAR ||
      !evpubp_iri_absolute(wn->iriv->str, wn->iriv->len))) {
    evpubp_mapper_err(m, wn->iriv, "iri must be an absolute IRI, not '%s'",
                      EVPUBP_Q(qb, wn->iriv));
    return SKIP;
  }
  if(wn->idv && !wn->idv->len) {
    evpubp_mapper_err(m, wn->idv, "id must not be empty");
    return SKIP;
  }
  return 0;
}

/* The name an id is made from: the first name, or in a language map the
 * document language's (else the first) entry. */
static const evpubp_node *
id_name(evpubp_mapper *m, const evpubp_node *namev)
{
  const evpubp_node *ns = namev;
  if(namev->kind == EVPUBP_N_MAP) {
    const char *lang = evpubp_mapper_doc(m)->lang;
    ns = lang ? evpubp_node_get(namev, lang) : NULL;
    if(!ns && namev->n)
      ns = namev->items[1];
  }
  return evpubp_first_scalar(ns);
}

/* wn->id: the given id, or the slug of the name; and what an entity
 * needs to have one. */
static int
entity_id(evpubp_mapper *m, walk_node *wn)
{
  const evpubp_node *ns;
  char qb[80];
  if(wn->idv)
    evpubp_buf_add(&wn->id, wn->idv->str, wn->idv->len);
  ns = !wn->idv && wn->namev ? id_name(m, wn->namev) : NULL;
  if(ns)
    evpubp_slug(&wn->id, ns->str, ns->len);
  if(ns && !wn->id.len && wn->coll != EVPUBP_C_NONE && !wn->iriv)
    evpubp_mapper_err(m, ns,
                      "cannot make an IRI from the name '%s'; give an id",
                      EVPUBP_Q(qb, ns));
  else if(wn->coll == EVPUBP_C_EVENTS && !wn->idv && !wn->namev && !wn->iriv)
    evpubp_mapper_err(m, wn->node, "an event needs an id or a name");
  else if(wn->top && !wn->id.len && !wn->iriv)
    evpubp_mapper_err(m, wn->node, "an item of '%s' needs an id or a name",
                      evpubp_collection_names[wn->coll_hint]);
  else if(wn->rolev && wn->prop >= 0 && !wn->idv && !wn->iriv && !wn->namev &&
          wn->coll != EVPUBP_C_NONE)
    evpubp_mapper_err(m, wn->node,
                      "a %s with a roleName needs a name or an id", wn->pname);
  else
    return 0;
  return SKIP;
}

/* A node without identity of its own: parent IRI + fragment. */
static void
dependent_subject(evpubp_mapper *m, walk_node *wn)
{
  if(m->pass != 2)
    return;
  if(wn->idv)
    wn->subject = evpubp_emit_dependent_iri(m, wn->parent, wn->id.data, 0);
  else
    wn->subject = evpubp_emit_dependent_iri(
      m, wn->parent, wn->pname ? wn->pname : "node", wn->pos);
}

/* A declaration: recorded on the first readings, minted on the writing
 * pass. */
static int
strong_subject(evpubp_mapper *m, walk_node *wn)
{
  evpubp_buf *b = &m->tmp;
  if(m->pass == 1 || m->pass == EVPUBP_PASS_RECHECK) {
    evpubp_decl d;
    d.node = wn->node;
    d.coll = wn->coll;
    d.type = wn->type;
    d.id = wn->id.data ? wn->id.data : "";
    d.given = wn->idv != NULL;
    d.iri = wn->iriv;
    d.doc = m->cur_doc;
    d.file = m->file;
    return evpubp_index_declare(m->index, &d, m->pass != 1);
  }
  if(m->pass != 2)
    return 0;
  if(wn->iriv) {
    wn->subject = evpubp_emit_str(m, wn->iriv->str, wn->iriv->len);
    return 0;
  }
  evpubp_buf_reset(b);
  if(evpubp_index_mint(m->index, b, m->cur_doc, wn->coll, wn->id.data))
    return -1;
  wn->subject = evpubp_emit_str(m, b->data, b->len);
  return 0;
}

/* A mapping without id or iri that has a name: recorded on the first
 * reading, resolved by the index on the others. */
static int
weak_subject(evpubp_mapper *m, walk_node *wn, const evpubp_node *ns)
{
  evpubp_buf fb;
  evpubp_entity *e = NULL;
  int rc = 0;
  evpubp_buf_init(&fb);
  evpubp_fold(&fb, ns->str, ns->len);
  if(m->pass == 1) {
    evpubp_mention r;
    r.weak = 1;
    r.prop = wn->prop;
    r.coll = wn->coll;
    r.type = wn->type;
    r.fold = fb.data ? fb.data : "";
    r.flen = fb.len;
    r.name = ns;
    r.node = wn->node;
    r.lang = evpubp_mapper_doc(m)->lang;
    r.doc = m->cur_doc;
    r.file = m->file;
    rc = evpubp_index_mention(m->index, &r);
  } else {
    e = evpubp_index_resolved(m->index, 1, wn->prop, wn->coll,
                              fb.data ? fb.data : "", fb.len);
    if(!e) {
      evpubp_log(m->world, EVPUB_LOG_ERROR, m->file, wn->node->line,
                 wn->node->col, "internal error: unresolved mapping");
      rc = -1;
    }
  }
  evpubp_buf_free(&fb);
  if(e) {
    wn->subject = e->iri;
    wn->is_reference = e->strong;
    wn->shared = !e->strong;
  }
  return rc;
}

/* The name of a weak mapping: its first name, or a language map's first
 * entry. */
static const evpubp_node *
weak_name(evpubp_mapper *m, const walk_node *wn)
{
  const evpubp_node *ns = evpubp_first_scalar(wn->namev);
  if(!ns && wn->namev->kind == EVPUBP_N_MAP && wn->namev->n)
    ns = evpubp_first_scalar(wn->namev->items[1]);
  if(!ns)
    evpubp_mapper_err(m, wn->namev, "name must be text");
  return ns;
}

/* Which kind of node is it, and its subject. */
static int
entity_subject(evpubp_mapper *m, walk_node *wn)
{
  const evpubp_node *ns;
  int rc;
  if(wn->coll == EVPUBP_C_NONE || (!wn->idv && !wn->iriv && !wn->namev)) {
    dependent_subject(m, wn);
    return 0;
  }
  if(wn->idv || wn->iriv || wn->top)
    return strong_subject(m, wn);
  ns = weak_name(m, wn);
  if(!ns)
    return SKIP;
  if(m->pass != EVPUBP_PASS_RECHECK)
    return weak_subject(m, wn, ns);
  /* events it may name are declared in its properties */
  rc = map_properties(m, wn, 0);
  return rc ? rc : SKIP;
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

/* The relation from the parent, and the role node when a roleName
 * qualifies it (spec section 5). */
static int
relate(evpubp_mapper *m, const walk_node *wn)
{
  const evpubp_node *rolev = wn->rolev;
  size_t j, n = rolev && rolev->kind == EVPUBP_N_SEQ ? rolev->n : 1;
  const char *piri, *role, *rn;
  if(m->pass == 2 && wn->parent && wn->prop >= 0 &&
     evpubp_emit_iri(m, wn->parent, evpubp_terms_prop_iri(&m->terms, wn->prop),
                     wn->subject))
    return -1;
  if(!rolev || wn->prop < 0)
    return 0;
  for(j = 0; j < n; j++) {
    const evpubp_node *x =
      rolev->kind == EVPUBP_N_SEQ ? rolev->items[j] : rolev;
    if(x->kind != EVPUBP_N_SCALAR) {
      evpubp_mapper_err(m, x, "roleName must be text");
      return SKIP;
    }
  }
  if(m->pass != 2)
    return 0;
  role = evpubp_emit_dependent_iri(m, wn->parent, wn->pname, wn->pos);
  piri = evpubp_terms_prop_iri(&m->terms, wn->prop);
  rn = evpubp_terms_prop_iri(&m->terms, m->terms.p_rolename);
  evpubp_emit_iri(m, wn->parent, piri, role);
  evpubp_emit_type(m, role, role_type(m, wn->pname, wn->type));
  for(j = 0; j < n; j++)
    evpubp_emit_literal(m, role, rn,
                        rolev->kind == EVPUBP_N_SEQ ? rolev->items[j] : rolev,
                        NULL, NULL);
  return evpubp_emit_iri(m, role, piri, wn->subject);
}

/* Its types, its properties, and a check of each event. */
static int
describe(evpubp_mapper *m, const walk_node *wn)
{
  int t, rc = 0;
  if(wn->shared)
    m->shared_depth++; /* described once, wherever it is mentioned */
  if(m->pass == 2 && (!wn->is_reference || wn->explicit_type)) {
    for(t = 0; t < wn->ntypes && !rc; t++)
      rc = evpubp_emit_type(m, wn->subject, wn->types[t]);
  }
  if(wn->coll == EVPUBP_C_EVENTS && !wn->is_reference) {
    if(m->pass == 2)
      m->events++;
    if(m->pass == EVPUBP_PASS_VALIDATE && m->profile)
      evpubp_validate_event(m->index, &m->on_finding, m->file, wn->node,
                            m->profile >= EVPUBP_PROFILE_GOOGLE);
  }
  if(!rc)
    rc = map_properties(m, wn, wn->is_reference);
  if(wn->shared)
    m->shared_depth--;
  return rc;
}

/* Map a mapping that is a node (an entity, or a node of its parent). */
static int
map_entity(evpubp_mapper *m, walk_node *wn, const char **iri_out)
{
  int rc;
  evpubp_buf_init(&wn->id);
  rc = entity_types(m, wn);
  if(!rc)
    rc = check_keys(m, wn);
  if(!rc)
    rc = entity_id(m, wn);
  if(!rc)
    rc = entity_subject(m, wn);
  evpubp_buf_free(&wn->id);
  if(!rc)
    rc = describe(m, wn);
  if(!rc)
    rc = relate(m, wn);
  if(rc)
    return rc == SKIP ? 0 : rc;
  *iri_out = wn->subject;
  return 0;
}

int
evpubp_walk_item(evpubp_mapper *m, evpubp_collection c,
                 const evpubp_node *node, const char **iri)
{
  walk_node wn;
  memset(&wn, 0, sizeof(wn));
  wn.node = node;
  wn.prop = -1;
  wn.top = 1;
  wn.coll_hint = (int)c;
  return map_entity(m, &wn, iri);
}
/* ---- reader callbacks --------------------------------------------------- */
static int
cb_doc_begin(void *user, unsigned long docno)
{
  evpubp_mapper *m = user;
  m->cur_doc = docno;
  m->doc_has_items = 0;
  if(m->pass != 1)
    return 0;
  if(evpubp_grow(&m->docs, m->ndocs, &m->capdocs, sizeof(*m->docs), 8))
    return -1;
  memset(&m->docs[m->ndocs], 0, sizeof(evpubp_docinfo));
  evpubp_map_init(&m->docs[m->ndocs].prefixes);
  m->ndocs++;
  return evpubp_index_add_doc(m->index);
}

static int
header_prefixes(evpubp_mapper *m, const evpubp_node *v)
{
  evpubp_docinfo *d = evpubp_mapper_doc(m);
  char qb[80];
  size_t i;
  if(v->kind != EVPUBP_N_MAP) {
    evpubp_mapper_err(m, v, "prefixes must map prefixes to namespace IRIs");
    return 0;
  }
  for(i = 0; i < v->n; i++) {
    const evpubp_node *k = v->items[2 * i], *ns = v->items[2 * i + 1];
    evpubp_map_entry *e;
    if(ns->kind != EVPUBP_N_SCALAR || !evpubp_iri_absolute(ns->str, ns->len)) {
      evpubp_mapper_err(m, ns,
                        "the namespace of prefix '%s' must be an absolute IRI",
                        EVPUBP_Q(qb, k));
      continue;
    }
    e = evpubp_map_put(&d->prefixes, k->str, k->len);
    if(!e)
      return -1;
    free(e->value);
    e->value = evpubp_strndup(ns->str, ns->len);
  }
  return 0;
}

static int
cb_header(void *user, const evpubp_node *key, const evpubp_node *v)
{
  evpubp_mapper *m = user;
  evpubp_docinfo *d = evpubp_mapper_doc(m);
  char qb[80];
  if(m->pass != 1)
    return 0;
  if(evpubp_streq(key, "base")) {
    if(m->doc_has_items)
      m->late_base = 1; /* events before it were hashed with another */
    if(v->kind == EVPUBP_N_SCALAR && evpubp_iri_absolute(v->str, v->len))
      return evpubp_index_set_base(m->index, m->cur_doc, v->str, v->len);
    evpubp_mapper_err(m, v, "base must be an absolute IRI, not '%s'",
                      EVPUBP_Q(qb, v));
  } else if(evpubp_streq(key, "lang")) {
    if(v->kind == EVPUBP_N_SCALAR && evpubp_lang_tag(v->str, v->len)) {
      free(d->lang);
      d->lang = evpubp_strndup(v->str, v->len);
      return d->lang ? 0 : -1;
    }
    evpubp_mapper_err(m, v,
                      "lang must be a language tag such as en or zh-Hans, "
                      "not '%s'",
                      EVPUBP_Q(qb, v));
  } else if(evpubp_streq(key, "prefixes")) {
    return header_prefixes(m, v);
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
    evpubp_mapper_err(m, node, "an item of '%s' must be a mapping",
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
  rc = evpubp_walk_item(m, c, node, &iri);
  if(rc)
    return rc;
  return evpubp_emit_flush(m, iri);
}

static void
cb_error(void *user, unsigned long line, unsigned long col, const char *text)
{
  evpubp_mapper *m = user;
  if(m->pass == 1)
    report_error(m, EVPUBP_ERROR, m->file, line, col, text);
}

const evpubp_reader_cb evpubp_mapper_callbacks = { cb_doc_begin, cb_header,
                                                   cb_item, cb_error };

/* ---- life cycle --------------------------------------------------------- */
evpubp_mapper *
evpubp_new_mapper(evpub_world *w, const char *base_override,
                  unsigned long max_errors)
{
  evpubp_mapper *m = calloc(1, sizeof(*m));
  if(!m)
    return NULL;
  if(evpubp_terms_init(&m->terms)) {
    free(m);
    return NULL;
  }
  m->index = evpubp_new_index(&m->terms, base_override);
  if(!m->index) {
    evpubp_terms_free(&m->terms);
    free(m);
    return NULL;
  }
  m->world = w;
  m->max_errors = max_errors;
  m->on_error.report = report_error;
  m->on_error.user = m;
  m->on_finding.report = report_finding;
  m->on_finding.user = m;
  m->pass = 1;
  m->only = -1;
  evpubp_map_init(&m->said);
  evpubp_map_init(&m->files);
  evpubp_arena_init(&m->out);
  evpubp_map_init(&m->written);
  evpubp_buf_init(&m->tmp);
  return m;
}

void
evpubp_free_mapper(evpubp_mapper *m)
{
  size_t i, j;
  if(!m)
    return;
  for(i = 0; i < m->ndocs; i++) {
    free(m->docs[i].lang);
    for(j = 0; j < m->docs[i].prefixes.cap; j++)
      free(m->docs[i].prefixes.slots[j].value);
    evpubp_map_free(&m->docs[i].prefixes);
  }
  free(m->docs);
  evpubp_free_index(m->index);
  evpubp_terms_free(&m->terms);
  evpubp_map_free(&m->said);
  evpubp_map_free(&m->files);
  evpubp_arena_free(&m->out);
  free(m->stmts);
  evpubp_map_free(&m->written);
  free(m->slots);
  evpubp_buf_free(&m->tmp);
  free(m);
}

void
evpubp_mapper_set_file(evpubp_mapper *m, const char *name)
{
  evpubp_map_entry *e = evpubp_map_put(&m->files, name, strlen(name));
  m->file = e ? e->key : name;
}

/* ---- passes ------------------------------------------------------------- */
void
evpubp_mapper_start_pass(evpubp_mapper *m, int pass, evpubp_sink *sink)
{
  if(pass == EVPUBP_PASS_RECHECK)
    evpubp_index_start_recheck(m->index);
  m->pass = pass;
  m->sink = sink;
  m->triples = 0;
  m->events = 0;
}

int
evpubp_mapper_needs_recheck(const evpubp_mapper *m)
{
  return m->late_base || evpubp_index_needs_recheck(m->index);
}

int
evpubp_mapper_finish(evpubp_mapper *m)
{
  /* after too many errors, nothing more is looked at */
  if(!m->stopped && evpubp_index_finish(m->index, &m->on_error))
    return -1;
  return m->errors ? 1 : 0;
}

void
evpubp_mapper_set_profile(evpubp_mapper *m, int profile)
{
  m->profile = profile;
}

void
evpubp_mapper_only(evpubp_mapper *m, int only)
{
  m->only = only;
}

int
evpubp_mapper_warn_base(evpubp_mapper *m)
{
  return evpubp_index_default_base(m->index);
}

unsigned long
evpubp_mapper_errors(const evpubp_mapper *m)
{
  return m->errors;
}

unsigned long
evpubp_mapper_warnings(const evpubp_mapper *m)
{
  return m->warnings;
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

unsigned long
evpubp_mapper_event_items(const evpubp_mapper *m)
{
  return m->event_items;
}
