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
  evpubp_buf_addc(b, '"');
  evpubp_escape_nt_string(b, st->o, st->olen);
  evpubp_buf_addc(b, '"');
  if(st->lang) {
    evpubp_buf_addc(b, '@');
    evpubp_buf_adds(b, st->lang);
  } else if(st->dt) {
    evpubp_buf_add(b, "^^", 2);
    ttl_iri(b, st->dt);
  }
  return b->failed ? -1 : 0;
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
  ttl_priv *tp = calloc(1, sizeof(*tp));
  if(!tp)
    return -1;
  evpubp_map_init(&tp->groups);
  s->priv = tp;
  evpubp_buf_adds(&s->buf,
                  "@prefix schema: <" EVPUBP_SCHEMA_NS "> .\n"
                  "@prefix xsd: <" EVPUBP_XSD_NS "> .\n");
  return evpubp_sink_maybe_flush(s);
}

static int
same(const char *a, const char *b)
{
  return a == b || !strcmp(a, b);
}

static int
ttl_batch(evpubp_sink *s, const evpubp_batch *bt)
{
  const evpubp_stmt *st = bt->st;
  size_t n = bt->n;
  ttl_priv *tp = s->priv;
  evpubp_buf *b = &s->buf;
  size_t i, j, ngroups = 0, o = 0;
  if(!n)
    return 0;
  if(n > tp->cap) {
    size_t *no = realloc(tp->order, n * sizeof(size_t));
    size_t *ns;
    if(!no)
      return -1;
    tp->order = no;
    ns = realloc(tp->subj, n * sizeof(size_t));
    if(!ns)
      return -1;
    tp->subj = ns;
    {
      uint64_t *nh = realloc(tp->hash, n * sizeof(uint64_t));
      if(!nh)
        return -1;
      tp->hash = nh;
    }
    tp->cap = n;
  }
  /* subject groups in order of first appearance */
  if(n <= 256) {
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
  } else {
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
  }
  /* counting sort of statements by group, stable */
  {
    size_t *count = calloc(ngroups + 1, sizeof(size_t));
    if(!count)
      return -1;
    for(i = 0; i < n; i++)
      count[tp->subj[i] + 1]++;
    for(i = 1; i <= ngroups; i++)
      count[i] += count[i - 1];
    for(i = 0; i < n; i++)
      tp->order[count[tp->subj[i]]++] = i;
    free(count);
  }
  /* write each group: rdf:type first, then predicates in first-seen
   * order, objects of one predicate joined with ',' */
  while(o < n) {
    size_t start = o, end = o, k;
    const char *subject = st[tp->order[o]].s;
    int first_pred = 1;
    while(end < n && tp->subj[tp->order[end]] == tp->subj[tp->order[start]])
      end++;
    evpubp_buf_addc(b, '\n');
    evpubp_put_iri(b, subject);
    for(k = start; k < end; k++) {
      const evpubp_stmt *x = &st[tp->order[k]];
      size_t m;
      int seen = 0, firstobj = 1;
      int is_type = same(x->p, EVPUBP_RDF_TYPE);
      /* types first: on the first pass over k handle rdf:type */
      if(k == start) {
        size_t t;
        for(t = start; t < end; t++) {
          const evpubp_stmt *y = &st[tp->order[t]];
          if(!same(y->p, EVPUBP_RDF_TYPE))
            continue;
          evpubp_buf_adds(b, firstobj ? " a " : ", ");
          ttl_iri(b, y->o);
          firstobj = 0;
          first_pred = 0;
        }
        firstobj = 1;
      }
      if(is_type)
        continue;
      for(m = start; m < k; m++)
        if(same(st[tp->order[m]].p, x->p)) {
          seen = 1;
          break;
        }
      if(seen)
        continue;
      evpubp_buf_adds(b, first_pred ? "\n    " : " ;\n    ");
      first_pred = 0;
      ttl_iri(b, x->p);
      for(m = k; m < end; m++) {
        const evpubp_stmt *y = &st[tp->order[m]];
        if(!same(y->p, x->p))
          continue;
        evpubp_buf_adds(b, firstobj ? " " : ", ");
        firstobj = 0;
        ttl_object(b, y);
      }
    }
    evpubp_buf_add(b, " .\n", 3);
    o = end;
    if(evpubp_sink_maybe_flush(s))
      return -1;
  }
  return 0;
}

static int
ttl_finish(evpubp_sink *s)
{
  return evpubp_sink_flush(s);
}

static void
ttl_free(evpubp_sink *s)
{
  ttl_priv *tp = s->priv;
  if(!tp)
    return;
  free(tp->order);
  free(tp->subj);
  free(tp->hash);
  evpubp_map_free(&tp->groups);
  free(tp);
  s->priv = NULL;
}

const evpubp_sink_factory evpubp_writer_turtle = {
  .info = { "turtle", "Turtle, one block per subject", ".ttl" },
  .aliases = "ttl",
  .mime = "text/turtle",
  .start = ttl_start,
  .batch = ttl_batch,
  .finish = ttl_finish,
  .free = ttl_free
};
