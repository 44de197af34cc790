/* write/turtle.c - the Turtle writer: prefixes, one block per subject,
 * `a`, `;` and `,`, streaming item by item */
#include <stdlib.h>
#include <string.h>

#include "write/write.h"

static int
pn_local_ok(const char *s)
{
  const char *p;
  if(!*s)
    return 0;
  for(p = s; *p; p++)
    if(!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
         (*p >= '0' && *p <= '9') || *p == '_'))
      return 0;
  return 1;
}

/* Write an IRI as schema:x / xsd:x when that is exact, else <...>. */
static int
ttl_iri(evpubp_buf *b, const char *iri)
{
  static const size_t sl = sizeof(EVPUBP_SCHEMA_NS) - 1;
  static const size_t xl = sizeof(EVPUBP_XSD_NS) - 1;
  if(!strncmp(iri, EVPUBP_SCHEMA_NS, sl) && pn_local_ok(iri + sl)) {
    evpubp_buf_add(b, "schema:", 7);
    return evpubp_buf_adds(b, iri + sl);
  }
  if(!strncmp(iri, EVPUBP_XSD_NS, xl) && pn_local_ok(iri + xl)) {
    evpubp_buf_add(b, "xsd:", 4);
    return evpubp_buf_adds(b, iri + xl);
  }
  return evpubp_put_iri(b, iri);
}

static int
ttl_object(evpubp_buf *b, const evpubp_stmt *st)
{
  if(st->okind == EVPUBP_O_IRI)
    return ttl_iri(b, st->o);
  return evpubp_put_literal(b, st->o, st->olen, st->lang, st->dt, 0, ttl_iri);
}

typedef struct {
  size_t *order;  /* statement indices, grouped */
  size_t *subj;   /* subject group of each statement */
  uint64_t *hash; /* hash of each subject */
  size_t cap;
  evpubp_map groups; /* for large batches */
  int started;
} ttl_priv;

static int
ttl_start(evpubp_sink *s)
{
  return evpubp_buf_adds(&s->buf,
                         "@prefix schema: <" EVPUBP_SCHEMA_NS "> .\n"
                         "@prefix xsd: <" EVPUBP_XSD_NS "> .\n");
}

static int
same(const char *a, const char *b)
{
  return a == b || !strcmp(a, b);
}

/* Make room for n statements in the per-batch arrays. */
static int
ttl_reserve(ttl_priv *tp, size_t n)
{
  size_t *no, *ns;
  uint64_t *nh;
  if(n <= tp->cap)
    return 0;
  no = realloc(tp->order, n * sizeof(size_t));
  if(!no)
    return -1;
  tp->order = no;
  ns = realloc(tp->subj, n * sizeof(size_t));
  if(!ns)
    return -1;
  tp->subj = ns;
  nh = realloc(tp->hash, n * sizeof(uint64_t));
  if(!nh)
    return -1;
  tp->hash = nh;
  tp->cap = n;
  return 0;
}

/* Number the subject groups in order of first appearance (tp->subj[i]
 * is statement i's group); returns the number of groups, or -1. */
static long
ttl_group(ttl_priv *tp, const evpubp_stmt *st, size_t n)
{
  size_t i, j, ngroups = 0;
  if(n > 256) {
    for(i = 0; i < n; i++) {
      evpubp_map_entry *e =
        evpubp_map_put(&tp->groups, st[i].s, strlen(st[i].s));
      if(!e)
        return -1;
      if(!e->value)
        e->value = (void *)(uintptr_t)(++ngroups);
      tp->subj[i] = (size_t)(uintptr_t)e->value - 1;
    }
    evpubp_map_free(&tp->groups);
    return (long)ngroups;
  }
  /* small batches: a quadratic scan beats building a hash table */
  for(i = 0; i < n; i++) {
    tp->subj[i] = (size_t)-1;
    tp->hash[i] = i && st[i].s == st[i - 1].s
      ? tp->hash[i - 1]
      : evpubp_hash(st[i].s, strlen(st[i].s));
    for(j = 0; j < i; j++) {
      if(tp->hash[j] == tp->hash[i] && same(st[j].s, st[i].s)) {
        tp->subj[i] = tp->subj[j];
        break;
      }
    }
    if(tp->subj[i] == (size_t)-1)
      tp->subj[i] = ngroups++;
  }
  return (long)ngroups;
}

/* tp->order: the statements sorted by group, stably (a counting sort). */
static int
ttl_order(ttl_priv *tp, size_t n, size_t ngroups)
{
  size_t i, *count = calloc(ngroups + 1, sizeof(size_t));
  if(!count)
    return -1;
  for(i = 0; i < n; i++)
    count[tp->subj[i] + 1]++;
  for(i = 1; i <= ngroups; i++)
    count[i] += count[i - 1];
  for(i = 0; i < n; i++)
    tp->order[count[tp->subj[i]]++] = i;
  free(count);
  return 0;
}

/* Write the group of statements order[start..end): rdf:type first, as
 * `a`, then each predicate in first-seen order with its objects joined
 * by ','. */
static void
ttl_write_group(evpubp_buf *b, const evpubp_stmt *st, const size_t *order,
                size_t start, size_t end)
{
  size_t k, m;
  int first = 1;
  evpubp_buf_addc(b, '\n');
  evpubp_put_iri(b, st[order[start]].s);
  for(k = start; k < end; k++) {
    const evpubp_stmt *y = &st[order[k]];
    if(same(y->p, EVPUBP_RDF_TYPE)) {
      evpubp_buf_adds(b, first ? " a " : ", ");
      ttl_iri(b, y->o);
      first = 0;
    }
  }
  for(k = start; k < end; k++) {
    const evpubp_stmt *x = &st[order[k]];
    int seen = 0, firstobj = 1;
    if(same(x->p, EVPUBP_RDF_TYPE))
      continue;
    for(m = start; m < k && !seen; m++)
      seen = same(st[order[m]].p, x->p);
    if(seen)
      continue;
    evpubp_buf_adds(b, first ? "\n    " : " ;\n    ");
    first = 0;
    ttl_iri(b, x->p);
    for(m = k; m < end; m++) {
      const evpubp_stmt *y = &st[order[m]];
      if(!same(y->p, x->p))
        continue;
      evpubp_buf_adds(b, firstobj ? " " : ", ");
      firstobj = 0;
      ttl_object(b, y);
    }
  }
  evpubp_buf_add(b, " .\n", 3);
}

static int
ttl_batch(evpubp_sink *s, const evpubp_batch *bt)
{
  ttl_priv *tp = s->priv;
  const evpubp_stmt *st = bt->st;
  size_t n = bt->n, o = 0;
  long ngroups;
  if(!n)
    return 0;
  if(ttl_reserve(tp, n))
    return -1;
  ngroups = ttl_group(tp, st, n);
  if(ngroups < 0 || ttl_order(tp, n, (size_t)ngroups))
    return -1;
  while(o < n) {
    size_t end = o;
    while(end < n && tp->subj[tp->order[end]] == tp->subj[tp->order[o]])
      end++;
    ttl_write_group(&s->buf, st, tp->order, o, end);
    o = end;
    if(evpubp_sink_maybe_flush(s))
      return -1;
  }
  return 0;
}

static void
ttl_free(evpubp_sink *s)
{
  ttl_priv *tp = s->priv;
  free(tp->order);
  free(tp->subj);
  free(tp->hash);
  evpubp_map_free(&tp->groups);
}

/* clang-format off */
const evpubp_sink_factory evpubp_writer_turtle = {
  .info = { "turtle", "Turtle, a block per subject", ".ttl" },
  .aliases = "ttl", .mime = "text/turtle", .priv_size = sizeof(ttl_priv),
  .start = ttl_start, .batch = ttl_batch, .free = ttl_free
};
/* clang-format on */
