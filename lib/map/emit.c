/* map/emit.c - statements: collected per item, de-duplicated, handed
 * over to the sink
 *
 * The walk emits an item's statements into an array whose strings live
 * in an arena; at the end of the item, repeats and the shared statements
 * written before are dropped, and the rest goes to the sink as one batch.
 */
#include <stdlib.h>
#include <string.h>

#include "map/mapperp.h"

const char *
evpubp_emit_str(evpubp_mapper *m, const char *s, size_t n)
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
  return emit(m, s, p, EVPUBP_O_IRI, o, strlen(o), NULL, NULL);
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
  return emit(m, s, p, EVPUBP_O_LITERAL, evpubp_emit_str(m, str, len), len,
              lang ? evpubp_emit_str(m, lang, strlen(lang)) : NULL, dt);
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
    rc = evpubp_sink_batch(m->sink, &b);
    m->triples += m->nstmts;
  }
  m->nstmts = 0;
  evpubp_arena_reset(&m->out);
  return rc;
}
