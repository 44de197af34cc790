/* evpub_network.c - the co-organizer network (doc/network.md)
 *
 * Nodes are the organizers of events, weighted by their number of
 * events; an edge joins two organizers of one event, weighted by the
 * number of such events.  Organizers are read as spec section 5 writes
 * them: `?event schema:organizer ?org` is always there; a role node is
 * an object of schema:organizer that has a schema:organizer of its own
 * (the Role pattern), carrying schema:roleName.
 *
 * Over the local store the network is computed here, from the store's
 * organizer facts (evpubp_store_facts(): the organizer, roleName,
 * startDate and name triples of its graphs), with hash maps: linear in the
 * number of organizer links.  Over an endpoint, three SPARQL queries
 * let the server count: nodes with COUNT(DISTINCT ?event), pairs with
 * GROUP BY, names.  Both then share the filtering (--min-weight, --ego),
 * the ranking, the components and the writers, so their output is the
 * same for the same data.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include <uniwidth.h>

#include "config.h"
#include "query/query.h"
#include "remote/remote.h"

typedef struct {
  const char *iri;
  const char *name; /* NULL: none */
  unsigned long events, degree, weighted, component, rank;
  size_t by_iri; /* position in IRI order: compares edges without strcmp */
  int keep;
} net_node;

typedef struct {
  size_t a, b; /* node indexes, nodes[a].iri < nodes[b].iri */
  unsigned long weight;
  int keep;
} net_edge;

struct evpub_network_s {
  evpub_world *w;
  char *role, *since, *until, *ego;
  unsigned long min_weight;
  /* the result */
  evpubp_arena arena;
  evpubp_map index; /* iri -> node index + 1 */
  net_node *nodes;
  size_t nnodes, capnodes;
  net_edge *edges;
  size_t nedges, capedges;
  size_t *order; /* node indexes by rank, kept nodes only */
  size_t nkept, nkept_edges;
  unsigned long ncomponents;
  int computed;
};

/* Room for one more element in *arr (n used, *cap allocated, elements of
 * size bytes), doubling from first; -1 when out of memory. */
static int
grow(void *arr, size_t n, size_t *cap, size_t size, size_t first)
{
  void **a = arr;
  if(n == *cap) {
    size_t nc = *cap ? *cap * 2 : first;
    void *na = realloc(*a, nc * size);
    if(!na)
      return -1;
    *a = na;
    *cap = nc;
  }
  return 0;
}

evpub_network *
evpub_new_network(evpub_world *world)
{
  evpub_network *n = calloc(1, sizeof(*n));
  if(!n)
    return NULL;
  n->w = world;
  n->min_weight = 1;
  evpubp_arena_init(&n->arena);
  evpubp_map_init(&n->index);
  return n;
}

static void
reset(evpub_network *n)
{
  evpubp_arena_free(&n->arena);
  evpubp_arena_init(&n->arena);
  evpubp_map_free(&n->index);
  evpubp_map_init(&n->index);
  free(n->nodes);
  free(n->edges);
  free(n->order);
  n->nodes = NULL;
  n->edges = NULL;
  n->order = NULL;
  n->nnodes = n->capnodes = n->nedges = n->capedges = 0;
  n->nkept = n->nkept_edges = 0;
  n->ncomponents = 0;
  n->computed = 0;
}

void
evpub_free_network(evpub_network *n)
{
  if(!n)
    return;
  reset(n);
  evpubp_arena_free(&n->arena);
  evpubp_map_free(&n->index);
  free(n->role);
  free(n->since);
  free(n->until);
  free(n->ego);
  free(n);
}

static int
is_date(const char *v)
{
  size_t i;
  if(strlen(v) != 10 || v[4] != '-' || v[7] != '-')
    return 0;
  for(i = 0; i < 10; i++)
    if(i != 4 && i != 7 && (v[i] < '0' || v[i] > '9'))
      return 0;
  return 1;
}

evpub_status
evpub_network_set(evpub_network *n, const char *name, const char *v)
{
  char **slot;
  if(!name || !v)
    return EVPUB_E_USAGE;
  if(!strcmp(name, "min-weight")) {
    char *end;
    unsigned long w;
    errno = 0;
    w = strtoul(v, &end, 10);
    if(*end || end == v || *v == '-' || errno || !w) {
      evpubp_log(n->w, EVPUB_LOG_ERROR, NULL, 0, 0,
                 "--min-weight needs a whole number of at least 1, not '%s'",
                 v);
      return EVPUB_E_USAGE;
    }
    n->min_weight = w;
    return EVPUB_OK;
  }
  if(!strcmp(name, "since") || !strcmp(name, "until")) {
    if(!is_date(v)) {
      evpubp_log(n->w, EVPUB_LOG_ERROR, NULL, 0, 0,
                 "--%s needs a date YYYY-MM-DD, not '%s'", name, v);
      return EVPUB_E_USAGE;
    }
    slot = name[0] == 's' ? &n->since : &n->until;
  } else if(!strcmp(name, "role")) {
    slot = &n->role;
  } else if(!strcmp(name, "ego")) {
    slot = &n->ego;
  } else {
    return EVPUB_E_USAGE;
  }
  if(!*v) {
    evpubp_log(n->w, EVPUB_LOG_ERROR, NULL, 0, 0, "--%s needs a value", name);
    return EVPUB_E_USAGE;
  }
  free(*slot);
  *slot = strdup(v);
  return *slot ? EVPUB_OK : EVPUB_E_NOMEM;
}

/* The node of iri, made on first sight; (size_t)-1 when out of memory. */
static size_t
node_of(evpub_network *n, const char *iri, size_t len)
{
  evpubp_map_entry *e = evpubp_map_put(&n->index, iri, len);
  net_node *nd;
  if(!e)
    return (size_t)-1;
  if(e->value)
    return (size_t)(uintptr_t)e->value - 1;
  if(grow(&n->nodes, n->nnodes, &n->capnodes, sizeof(*n->nodes), 256))
    return (size_t)-1;
  nd = &n->nodes[n->nnodes];
  memset(nd, 0, sizeof(*nd));
  nd->iri = e->key;
  e->value = (void *)(uintptr_t)(n->nnodes + 1);
  return n->nnodes++;
}

static int
add_edge(evpub_network *n, size_t a, size_t b, unsigned long weight)
{
  /* oriented (smaller IRI first) in finish(), by the nodes' IRI order */
  if(grow(&n->edges, n->nedges, &n->capedges, sizeof(*n->edges), 256))
    return -1;
  n->edges[n->nedges].a = a;
  n->edges[n->nedges].b = b;
  n->edges[n->nedges].weight = weight;
  n->edges[n->nedges].keep = 1;
  n->nedges++;
  return 0;
}

/* The smallest name (byte order) wins: the same choice on every source. */
static int
set_name(evpub_network *n, size_t i, const char *v, size_t len)
{
  net_node *nd = &n->nodes[i];
  if(nd->name && strcmp(v, nd->name) >= 0)
    return 0;
  nd->name = evpubp_arena_strndup(&n->arena, v, len);
  return nd->name ? 0 : -1;
}

/* ---- the local store: facts.tsv ------------------------------------ */
/* Dense ids for the strings of facts.tsv. */
typedef struct {
  evpubp_map map; /* string -> id + 1 */
  const char **str;
  size_t n, cap;
} interner;

static size_t
intern(interner *in, const char *s, size_t len)
{
  evpubp_map_entry *e = evpubp_map_put(&in->map, s, len);
  if(!e)
    return (size_t)-1;
  if(!e->value) {
    if(grow(&in->str, in->n, &in->cap, sizeof(*in->str), 1024))
      return (size_t)-1;
    in->str[in->n] = e->key;
    e->value = (void *)(uintptr_t)(++in->n);
  }
  return (size_t)(uintptr_t)e->value - 1;
}

typedef struct {
  size_t s, o;
} pair;

typedef struct {
  pair *v;
  size_t n, cap;
} pairs;

static int
pairs_add(pairs *p, size_t s, size_t o)
{
  if(grow(&p->v, p->n, &p->cap, sizeof(*p->v), 1024))
    return -1;
  p->v[p->n].s = s;
  p->v[p->n].o = o;
  p->n++;
  return 0;
}

static int
cmp_pair(const void *x, const void *y)
{
  const pair *a = x, *b = y;
  if(a->s != b->s)
    return a->s < b->s ? -1 : 1;
  return a->o < b->o ? -1 : a->o > b->o;
}

static int
cmp_size(const void *x, const void *y)
{
  size_t a = *(const size_t *)x, b = *(const size_t *)y;
  return a < b ? -1 : a > b;
}

/* flags per id */
enum {
  F_SUBJ = 1,  /* subject of schema:organizer */
  F_OBJ = 2,   /* object of schema:organizer */
  F_ROLE = 4,  /* has the wanted roleName */
  F_DATED = 8, /* has a startDate in [since, until] */
  F_NAMED = 16
};

/* An open-addressing map of (a, b) id pairs to a count. */
typedef struct {
  uint64_t *keys; /* 0: empty; else (a << 32 | b) + 1 */
  unsigned long *counts;
  size_t cap, n;
} pair_counts;

static int
pc_add(pair_counts *pc, uint64_t key)
{
  size_t i;
  if((pc->n + 1) * 2 > pc->cap) {
    size_t cap = pc->cap ? pc->cap * 2 : 4096, j;
    uint64_t *nk = calloc(cap, sizeof(*nk));
    unsigned long *nc = calloc(cap, sizeof(*nc));
    if(!nk || !nc) {
      free(nk);
      free(nc);
      return -1;
    }
    for(j = 0; j < pc->cap; j++) {
      if(!pc->keys[j])
        continue;
      i = (size_t)((pc->keys[j] * 0x9e3779b97f4a7c15ULL) >> 20) & (cap - 1);
      while(nk[i])
        i = (i + 1) & (cap - 1);
      nk[i] = pc->keys[j];
      nc[i] = pc->counts[j];
    }
    free(pc->keys);
    free(pc->counts);
    pc->keys = nk;
    pc->counts = nc;
    pc->cap = cap;
  }
  key++;
  i = (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 20) & (pc->cap - 1);
  while(pc->keys[i] && pc->keys[i] != key)
    i = (i + 1) & (pc->cap - 1);
  if(!pc->keys[i]) {
    pc->keys[i] = key;
    pc->n++;
  }
  pc->counts[i]++;
  return 0;
}

typedef struct {
  evpub_network *n;
  interner *in;
  pairs *links, *names, *marks;
  evpubp_arena *strs;
} facts_ctx;

/* One organizer fact of the store into the links, marks and names. */
static evpub_status
read_fact(void *user, const evpubp_fact *f)
{
  facts_ctx *c = user;
  evpub_network *n = c->n;
  size_t s = intern(c->in, f->subject, f->subject_len), o;
  char *copy;
  if(s == (size_t)-1)
    return EVPUB_E_NOMEM;
  switch(f->kind) {
  case EVPUBP_FACT_ORGANIZER:
    o = intern(c->in, f->value, f->value_len);
    if(o == (size_t)-1 || pairs_add(c->links, s, o))
      return EVPUB_E_NOMEM;
    break;
  case EVPUBP_FACT_ROLE_NAME:
    if(n->role && !strcmp(f->value, n->role) && pairs_add(c->marks, s, F_ROLE))
      return EVPUB_E_NOMEM;
    break;
  case EVPUBP_FACT_START_DATE:
    /* the date part of a date or dateTime, as the SPARQL path does */
    if((!n->since || strncmp(f->value, n->since, 10) >= 0) &&
       (!n->until || strncmp(f->value, n->until, 10) <= 0) &&
       pairs_add(c->marks, s, F_DATED))
      return EVPUB_E_NOMEM;
    break;
  case EVPUBP_FACT_NAME:
    copy = evpubp_arena_strndup(c->strs, f->value, f->value_len);
    if(!copy || pairs_add(c->names, s, (size_t)(uintptr_t)copy))
      return EVPUB_E_NOMEM;
    break;
  }
  return EVPUB_OK;
}

static evpub_status
compute_local(evpub_network *n, evpub_source *src)
{
  evpubp_store *store;
  size_t i, j;
  interner in;
  pairs links = { NULL, 0, 0 }, names = { NULL, 0, 0 };
  pairs marks = { NULL, 0, 0 }; /* (id, F_ROLE or F_DATED) */
  unsigned char *flags = NULL;
  size_t *node = NULL, *orgs = NULL, norgs = 0, caporgs = 0;
  pair_counts pc = { NULL, NULL, 0, 0 };
  evpub_status st = evpubp_source_open_store(src, &store);
  evpubp_arena strs;

  if(st)
    return st;
  memset(&in, 0, sizeof(in));
  evpubp_map_init(&in.map);
  evpubp_arena_init(&strs);
  {
    facts_ctx fc = { n, &in, &links, &names, &marks, &strs };
    st = evpubp_store_facts(store, read_fact, &fc);
  }
  if(!st && in.n && !(flags = calloc(in.n, 1)))
    st = EVPUB_E_NOMEM;
  if(!st && in.n && !(node = malloc(in.n * sizeof(*node))))
    st = EVPUB_E_NOMEM;
  if(st)
    goto done;
  for(i = 0; i < in.n; i++)
    node[i] = (size_t)-1;
  for(i = 0; i < links.n; i++) {
    flags[links.v[i].s] |= F_SUBJ;
    flags[links.v[i].o] |= F_OBJ;
  }
  for(i = 0; i < marks.n; i++)
    flags[marks.v[i].s] |= (unsigned char)marks.v[i].o;
  /* links sorted by subject: each event's organizers in one run */
  qsort(links.v, links.n, sizeof(*links.v), cmp_pair);
  for(i = 0; i < links.n;) {
    size_t e = links.v[i].s, end = i, a, b;
    int role_node = (flags[e] & (F_SUBJ | F_OBJ)) == (F_SUBJ | F_OBJ);
    while(end < links.n && links.v[end].s == e)
      end++;
    if(role_node || ((n->since || n->until) && !(flags[e] & F_DATED))) {
      i = end;
      continue;
    }
    norgs = 0;
    for(j = i; j < end; j++) {
      size_t o = links.v[j].o;
      int o_role = (flags[o] & (F_SUBJ | F_OBJ)) == (F_SUBJ | F_OBJ);
      if(!n->role) {
        if(o_role)
          continue;
        if(grow(&orgs, norgs, &caporgs, sizeof(*orgs), 16)) {
          st = EVPUB_E_NOMEM;
          goto done;
        }
        orgs[norgs++] = o;
      } else if(o_role && (flags[o] & F_ROLE)) {
        /* the role node's organizers: a binary search in links */
        size_t lo = 0, hi = links.n;
        while(lo < hi) {
          size_t mid = lo + (hi - lo) / 2;
          if(links.v[mid].s < o)
            lo = mid + 1;
          else
            hi = mid;
        }
        for(; lo < links.n && links.v[lo].s == o; lo++) {
          if(grow(&orgs, norgs, &caporgs, sizeof(*orgs), 16)) {
            st = EVPUB_E_NOMEM;
            goto done;
          }
          orgs[norgs++] = links.v[lo].o;
        }
      }
    }
    /* distinct organizers of the event, counted, then their pairs */
    qsort(orgs, norgs, sizeof(*orgs), cmp_size);
    for(a = b = 0; a < norgs; a++)
      if(!b || orgs[b - 1] != orgs[a])
        orgs[b++] = orgs[a];
    norgs = b;
    for(a = 0; a < norgs; a++) {
      size_t x = orgs[a];
      if(node[x] == (size_t)-1 &&
         (node[x] = node_of(n, in.str[x], strlen(in.str[x]))) == (size_t)-1) {
        st = EVPUB_E_NOMEM;
        goto done;
      }
      n->nodes[node[x]].events++;
      for(b = 0; b < a; b++) {
        size_t y = orgs[b], lo = x < y ? x : y, hi = x < y ? y : x;
        if(pc_add(&pc, ((uint64_t)lo << 32) | (uint64_t)hi)) {
          st = EVPUB_E_NOMEM;
          goto done;
        }
      }
    }
    i = end;
  }
  for(i = 0; i < pc.cap; i++) {
    uint64_t key;
    if(!pc.keys[i])
      continue;
    key = pc.keys[i] - 1;
    if(add_edge(n, node[key >> 32], node[key & 0xffffffffu], pc.counts[i])) {
      st = EVPUB_E_NOMEM;
      goto done;
    }
  }
  for(i = 0; i < names.n; i++) {
    size_t s = names.v[i].s;
    const char *nm = (const char *)(uintptr_t)names.v[i].o;
    if(node[s] == (size_t)-1)
      continue;
    if(set_name(n, node[s], nm, strlen(nm))) {
      st = EVPUB_E_NOMEM;
      goto done;
    }
  }
done:
  free(links.v);
  free(names.v);
  free(marks.v);
  free(flags);
  free(node);
  free(orgs);
  free(pc.keys);
  free(pc.counts);
  free(in.str);
  evpubp_map_free(&in.map);
  evpubp_arena_free(&strs);
  return st;
}

/* ---- an endpoint: SPARQL ------------------------------------------- */
/* The pattern binding ?e (an event, not a role node) and ?V (one of its
 * organizers) under the filters. */
static void
org_pattern(const evpub_network *n, evpubp_buf *q, const char *v)
{
  if(n->role) {
    evpubp_buf_printf(q,
                      "  ?e schema:organizer ?r%s . ?r%s schema:organizer "
                      "?%s ; schema:roleName ?rn%s .\n"
                      "  FILTER(STR(?rn%s) = \"",
                      v, v, v, v, v);
    evpubp_escape_sparql_string(q, n->role, strlen(n->role));
    evpubp_buf_adds(q, "\")\n");
  } else {
    evpubp_buf_printf(q,
                      "  ?e schema:organizer ?%s .\n"
                      "  FILTER NOT EXISTS { ?%s schema:organizer ?x%s }\n",
                      v, v, v);
  }
}

static void
event_pattern(const evpub_network *n, evpubp_buf *q)
{
  evpubp_buf_adds(q, "  FILTER NOT EXISTS { ?xe schema:organizer ?e }\n");
  if(n->since || n->until) {
    evpubp_buf_adds(q, "  ?e schema:startDate ?d .\n");
    if(n->since)
      evpubp_buf_printf(q, "  FILTER(SUBSTR(STR(?d), 1, 10) >= \"%s\")\n",
                        n->since);
    if(n->until)
      evpubp_buf_printf(q, "  FILTER(SUBSTR(STR(?d), 1, 10) <= \"%s\")\n",
                        n->until);
  }
}

static const char prefix[] = "PREFIX schema: <" EVPUBP_SCHEMA_NS ">\n";

/* Column c of a row as a string (IRI or literal), or NULL. */
static const evpubp_term *
cell(const evpubp_result *r, size_t row, size_t c)
{
  const evpubp_term *t = &r->cells[row * r->nvars + c];
  return t->kind != EVPUBP_TERM_UNBOUND ? t : NULL;
}

static evpub_status
compute_remote(evpub_network *n, evpub_source *src)
{
  evpubp_buf q;
  evpubp_result r;
  evpub_status st = EVPUB_OK;
  size_t i;
  int pass;

  evpubp_buf_init(&q);
  for(pass = 0; pass < 3 && !st; pass++) {
    evpubp_buf_reset(&q);
    evpubp_buf_adds(&q, prefix);
    if(pass == 0) { /* nodes */
      evpubp_buf_adds(&q, "SELECT ?a (COUNT(DISTINCT ?e) AS ?n) WHERE {\n");
      org_pattern(n, &q, "a");
      event_pattern(n, &q);
      evpubp_buf_adds(&q, "} GROUP BY ?a\n");
    } else if(pass == 1) { /* edges */
      evpubp_buf_adds(&q, "SELECT ?a ?b (COUNT(DISTINCT ?e) AS ?w) WHERE {\n");
      org_pattern(n, &q, "a");
      org_pattern(n, &q, "b");
      evpubp_buf_adds(&q, "  FILTER(STR(?a) < STR(?b))\n");
      event_pattern(n, &q);
      evpubp_buf_adds(&q, "} GROUP BY ?a ?b\n");
    } else { /* names */
      evpubp_buf_adds(&q, "SELECT DISTINCT ?a ?name WHERE {\n");
      org_pattern(n, &q, "a");
      event_pattern(n, &q);
      evpubp_buf_adds(&q, "  ?a schema:name ?name .\n}\n");
    }
    if(q.failed) {
      st = EVPUB_E_NOMEM;
      break;
    }
    evpubp_result_init(&r);
    st = evpubp_source_select(src, q.data, &r);
    for(i = 0; !st && i < r.nrows; i++) {
      const evpubp_term *a = cell(&r, i, 0), *b = cell(&r, i, 1);
      const evpubp_term *w = pass == 1 ? cell(&r, i, 2) : NULL;
      size_t x, y;
      if(!a || a->kind != EVPUBP_TERM_IRI || !b)
        continue;
      x = node_of(n, a->value, a->len);
      if(x == (size_t)-1) {
        st = EVPUB_E_NOMEM;
      } else if(pass == 0) {
        n->nodes[x].events = strtoul(b->value, NULL, 10);
      } else if(pass == 2) {
        if(b->kind == EVPUBP_TERM_LITERAL && set_name(n, x, b->value, b->len))
          st = EVPUB_E_NOMEM;
      } else if(b->kind == EVPUBP_TERM_IRI && w) {
        y = node_of(n, b->value, b->len);
        if(y == (size_t)-1 || add_edge(n, x, y, strtoul(w->value, NULL, 10)))
          st = EVPUB_E_NOMEM;
      }
    }
    evpubp_result_free(&r);
  }
  evpubp_buf_free(&q);
  return st;
}

/* ---- filtering, ranking, components -------------------------------- */
static const evpub_network *sort_net;

static int
cmp_rank(const void *x, const void *y)
{
  const net_node *a = &sort_net->nodes[*(const size_t *)x];
  const net_node *b = &sort_net->nodes[*(const size_t *)y];
  int c;
  if(a->weighted != b->weighted)
    return a->weighted > b->weighted ? -1 : 1;
  if(a->degree != b->degree)
    return a->degree > b->degree ? -1 : 1;
  if(a->events != b->events)
    return a->events > b->events ? -1 : 1;
  c = strcmp(a->name ? a->name : "", b->name ? b->name : "");
  return c ? c : strcmp(a->iri, b->iri);
}

static int
cmp_edge(const void *x, const void *y)
{
  const net_edge *a = x, *b = y;
  const net_node *nd = sort_net->nodes;
  if(a->weight != b->weight)
    return a->weight > b->weight ? -1 : 1;
  if(a->a != b->a)
    return nd[a->a].by_iri < nd[b->a].by_iri ? -1 : 1;
  if(a->b != b->b)
    return nd[a->b].by_iri < nd[b->b].by_iri ? -1 : 1;
  return 0;
}

static int
cmp_iri(const void *x, const void *y)
{
  return strcmp(sort_net->nodes[*(const size_t *)x].iri,
                sort_net->nodes[*(const size_t *)y].iri);
}

typedef struct {
  size_t root, size, first;
} comp;

static int
cmp_comp(const void *x, const void *y)
{
  const comp *a = x, *b = y;
  if(a->size != b->size)
    return a->size > b->size ? -1 : 1;
  return a->first < b->first ? -1 : a->first > b->first;
}

static size_t
uf_find(size_t *parent, size_t x)
{
  while(parent[x] != x) {
    parent[x] = parent[parent[x]];
    x = parent[x];
  }
  return x;
}

/* The node --ego names: its IRI, or its name (ignoring ASCII case). */
static evpub_status
find_ego(evpub_network *n, size_t *out)
{
  size_t i, found = (size_t)-1, count = 0;
  evpubp_map_entry *e = evpubp_map_find(&n->index, n->ego, strlen(n->ego));
  /* only the organizers the other filters kept */
  if(e && e->value && n->nodes[(size_t)(uintptr_t)e->value - 1].keep) {
    *out = (size_t)(uintptr_t)e->value - 1;
    return EVPUB_OK;
  }
  for(i = 0; i < n->nnodes; i++)
    if(n->nodes[i].keep && n->nodes[i].name &&
       !strcasecmp(n->nodes[i].name, n->ego)) {
      if(!count++)
        found = i;
    }
  if(count == 1) {
    *out = found;
    return EVPUB_OK;
  }
  evpubp_log(n->w, EVPUB_LOG_ERROR, NULL, 0, 0,
             count ? "--ego '%s' names %lu organizations: give its IRI"
                   : "--ego '%s': no organizer with this IRI or name in the "
                     "network",
             n->ego, (unsigned long)count);
  return EVPUB_E_USAGE;
}

/* The edges in cmp_edge's order by a radix sort of 64-bit keys (weight
 * inverted, the ends' IRI positions), when they fit: a million edges in
 * milliseconds instead of a comparison sort.  by_iri[k] is the node at
 * IRI position k.  -1: did not fit (or no memory), nothing changed. */
static int
sort_edges_fast(evpub_network *n, const size_t *by_iri)
{
  const uint64_t wmax = (1u << 23) - 1, pmax = (1u << 20) - 1;
  uint64_t *key, *tmp;
  size_t i, pass, m = n->nedges, *count;
  if(n->nnodes > pmax)
    return -1;
  for(i = 0; i < m; i++)
    if(n->edges[i].weight > wmax)
      return -1;
  key = malloc((m ? m : 1) * sizeof(*key));
  tmp = malloc((m ? m : 1) * sizeof(*tmp));
  count = malloc(((1 << 16) + 1) * sizeof(*count));
  if(!key || !tmp || !count) {
    free(key);
    free(tmp);
    free(count);
    return -1;
  }
  for(i = 0; i < m; i++) {
    const net_edge *e = &n->edges[i];
    key[i] = (wmax - e->weight) << 40 | (uint64_t)n->nodes[e->a].by_iri << 20 |
      (uint64_t)n->nodes[e->b].by_iri;
  }
  for(pass = 0; pass < 4; pass++) { /* 16 bits at a time */
    unsigned shift = (unsigned)pass * 16;
    uint64_t *sw;
    memset(count, 0, ((1 << 16) + 1) * sizeof(*count));
    for(i = 0; i < m; i++)
      count[((key[i] >> shift) & 0xffff) + 1]++;
    for(i = 1; i <= 1 << 16; i++)
      count[i] += count[i - 1];
    for(i = 0; i < m; i++)
      tmp[count[(key[i] >> shift) & 0xffff]++] = key[i];
    sw = key;
    key = tmp;
    tmp = sw;
  }
  for(i = 0; i < m; i++) {
    net_edge *e = &n->edges[i];
    e->weight = (unsigned long)(wmax - (key[i] >> 40));
    e->a = by_iri[(key[i] >> 20) & pmax];
    e->b = by_iri[key[i] & pmax];
    e->keep = 1;
  }
  free(key);
  free(tmp);
  free(count);
  return 0;
}

static evpub_status
finish(evpub_network *n)
{
  size_t i, k, *parent = NULL, *size = NULL, *comp_rank = NULL;
  evpub_status st = EVPUB_OK;
  unsigned long c;

  for(i = 0; i < n->nnodes; i++)
    n->nodes[i].keep = n->nodes[i].events > 0;
  for(i = 0; i < n->nedges; i++) {
    net_edge *e = &n->edges[i];
    e->keep = e->weight >= n->min_weight;
    if(n->min_weight > 1 && e->keep)
      n->nodes[e->a].keep = n->nodes[e->b].keep = 2; /* has an edge */
  }
  if(n->min_weight > 1) /* drop who lost every edge */
    for(i = 0; i < n->nnodes; i++)
      n->nodes[i].keep = n->nodes[i].keep == 2;
  if(n->ego) {
    size_t ego;
    st = find_ego(n, &ego);
    if(st)
      return st;
    for(i = 0; i < n->nnodes; i++)
      n->nodes[i].keep = i == ego;
    for(i = 0; i < n->nedges; i++) {
      net_edge *e = &n->edges[i];
      if(e->keep && (e->a == ego || e->b == ego))
        n->nodes[e->a].keep = n->nodes[e->b].keep = 1;
    }
  }
  n->nkept_edges = 0;
  for(i = 0; i < n->nedges; i++) {
    net_edge *e = &n->edges[i];
    e->keep = e->keep && n->nodes[e->a].keep && n->nodes[e->b].keep;
    if(!e->keep)
      continue;
    n->nkept_edges++;
    n->nodes[e->a].degree++;
    n->nodes[e->b].degree++;
    n->nodes[e->a].weighted += e->weight;
    n->nodes[e->b].weighted += e->weight;
  }
  n->order = malloc((n->nnodes ? n->nnodes : 1) * sizeof(*n->order));
  parent = malloc((n->nnodes ? n->nnodes : 1) * sizeof(*parent));
  size = calloc(n->nnodes ? n->nnodes : 1, sizeof(*size));
  comp_rank = malloc((n->nnodes ? n->nnodes : 1) * sizeof(*comp_rank));
  if(!n->order || !parent || !size || !comp_rank) {
    st = EVPUB_E_NOMEM;
    goto done;
  }
  n->nkept = 0;
  for(i = 0; i < n->nnodes; i++) {
    parent[i] = i;
    if(n->nodes[i].keep)
      n->order[n->nkept++] = i;
  }
  sort_net = n;
  /* the IRI order of all nodes, then every edge from its smaller IRI */
  for(i = 0; i < n->nnodes; i++)
    parent[i] = i;
  qsort(parent, n->nnodes, sizeof(*parent), cmp_iri);
  for(i = 0; i < n->nnodes; i++)
    n->nodes[parent[i]].by_iri = i;
  for(i = 0; i < n->nedges; i++) {
    net_edge *e = &n->edges[i];
    if(n->nodes[e->a].by_iri > n->nodes[e->b].by_iri) {
      size_t t = e->a;
      e->a = e->b;
      e->b = t;
    }
  }
  /* only the kept edges from here on */
  for(i = k = 0; i < n->nedges; i++)
    if(n->edges[i].keep)
      n->edges[k++] = n->edges[i];
  n->nedges = k;
  if(sort_edges_fast(n, parent))
    qsort(n->edges, n->nedges, sizeof(*n->edges), cmp_edge);
  for(i = 0; i < n->nnodes; i++)
    parent[i] = i; /* now the union-find's */
  qsort(n->order, n->nkept, sizeof(*n->order), cmp_rank);
  for(i = 0; i < n->nkept; i++)
    n->nodes[n->order[i]].rank = i + 1;
  for(i = 0; i < n->nedges; i++)
    if(n->edges[i].keep) {
      size_t a = uf_find(parent, n->edges[i].a);
      size_t b = uf_find(parent, n->edges[i].b);
      if(a != b)
        parent[a] = b;
    }
  /* components numbered by size, then by their best-ranked member */
  for(i = 0; i < n->nkept; i++)
    size[uf_find(parent, n->order[i])]++;
  for(i = 0; i < n->nnodes; i++)
    comp_rank[i] = (size_t)-1;
  n->ncomponents = 0;
  {
    /* roots by size, then by their best-ranked member (first seen) */
    comp *roots = malloc((n->nkept ? n->nkept : 1) * sizeof(*roots));
    size_t nr = 0;
    if(!roots) {
      st = EVPUB_E_NOMEM;
      goto done;
    }
    for(i = 0; i < n->nkept; i++) {
      size_t r = uf_find(parent, n->order[i]);
      if(comp_rank[r] == (size_t)-1) {
        comp_rank[r] = 0;
        roots[nr].root = r;
        roots[nr].size = size[r];
        roots[nr].first = i;
        nr++;
      }
    }
    qsort(roots, nr, sizeof(*roots), cmp_comp);
    for(i = 0; i < nr; i++)
      comp_rank[roots[i].root] = i + 1;
    n->ncomponents = nr;
    free(roots);
  }
  for(i = 0; i < n->nkept; i++) {
    size_t x = n->order[i];
    c = (unsigned long)comp_rank[uf_find(parent, x)];
    n->nodes[x].component = c;
  }
  n->computed = 1;
done:
  free(parent);
  free(size);
  free(comp_rank);
  return st;
}

evpub_status
evpub_network_compute(evpub_network *n, evpub_source *src)
{
  evpub_status st;
  reset(n);
  st = evpubp_source_is_remote(src) ? compute_remote(n, src)
                                    : compute_local(n, src);
  return st ? st : finish(n);
}

unsigned long
evpub_network_nodes(const evpub_network *n)
{
  return (unsigned long)n->nkept;
}

unsigned long
evpub_network_edges(const evpub_network *n)
{
  return (unsigned long)n->nkept_edges;
}

unsigned long
evpub_network_components(const evpub_network *n)
{
  return n->ncomponents;
}

/* ---- writers --------------------------------------------------------- */
static const char *
label_of(const net_node *nd)
{
  return nd->name ? nd->name : nd->iri;
}

/* Write what b holds to out once it is big, so that the output of a big
 * network never sits in memory whole (out NULL: keep it all). */
static void
spill(evpubp_buf *b, FILE *out)
{
  if(out && b->len >= (1 << 20) && !b->failed) {
    if(fwrite(b->data, 1, b->len, out) != b->len)
      b->failed = 1;
    evpubp_buf_reset(b);
  }
}

/* Each node's text as the edge lines repeat it, escaped once: CSV
 * "IRI,NAME" or JSON "\"IRI\"".  off[i]..off[i + 1] in pool. */
static int
node_texts(const evpub_network *n, int csv, evpubp_buf *pool, size_t **off)
{
  size_t i;
  evpubp_buf_init(pool);
  *off = malloc((n->nnodes + 1) * sizeof(**off));
  if(!*off)
    return -1;
  for(i = 0; i < n->nnodes; i++) {
    const net_node *nd = &n->nodes[i];
    (*off)[i] = pool->len;
    if(csv) {
      evpubp_escape_csv_field(pool, nd->iri, strlen(nd->iri));
      evpubp_buf_addc(pool, ',');
      if(nd->name)
        evpubp_escape_csv_field(pool, nd->name, strlen(nd->name));
    } else {
      evpubp_buf_addc(pool, '"');
      evpubp_escape_json_string(pool, nd->iri, strlen(nd->iri), 0);
      evpubp_buf_addc(pool, '"');
    }
  }
  (*off)[n->nnodes] = pool->len;
  return pool->failed ? -1 : 0;
}

static void
add_node_text(evpubp_buf *b, const evpubp_buf *pool, const size_t *off,
              size_t i)
{
  evpubp_buf_add(b, pool->data + off[i], off[i + 1] - off[i]);
}

static void
write_csv(const evpub_network *n, evpubp_buf *b, int nodes, FILE *out)
{
  evpubp_buf pool;
  size_t *off;
  size_t i;
  if(nodes) {
    evpubp_buf_adds(b,
                    "rank,id,name,events,degree,weighted_degree,"
                    "component\r\n");
    for(i = 0; i < n->nkept; i++) {
      const net_node *nd = &n->nodes[n->order[i]];
      evpubp_buf_printf(b, "%lu,", nd->rank);
      evpubp_escape_csv_field(b, nd->iri, strlen(nd->iri));
      evpubp_buf_addc(b, ',');
      if(nd->name)
        evpubp_escape_csv_field(b, nd->name, strlen(nd->name));
      evpubp_buf_printf(b, ",%lu,%lu,%lu,%lu\r\n", nd->events, nd->degree,
                        nd->weighted, nd->component);
    }
    return;
  }
  evpubp_buf_adds(b, "source,source_name,target,target_name,weight\r\n");
  if(node_texts(n, 1, &pool, &off)) {
    b->failed = 1;
    free(off);
    evpubp_buf_free(&pool);
    return;
  }
  for(i = 0; i < n->nedges; i++) {
    const net_edge *e = &n->edges[i];
    if(!e->keep)
      continue;
    add_node_text(b, &pool, off, e->a);
    evpubp_buf_addc(b, ',');
    add_node_text(b, &pool, off, e->b);
    evpubp_buf_printf(b, ",%lu\r\n", e->weight);
    spill(b, out);
  }
  free(off);
  evpubp_buf_free(&pool);
}

static void
json_str(evpubp_buf *b, const char *s)
{
  evpubp_buf_addc(b, '"');
  evpubp_escape_json_string(b, s, strlen(s), 0);
  evpubp_buf_addc(b, '"');
}

static void
write_json(const evpub_network *n, evpubp_buf *b, FILE *out)
{
  size_t i, k = 0, *off;
  evpubp_buf pool;
  evpubp_buf_adds(b, "{\n  \"nodes\": [");
  for(i = 0; i < n->nkept; i++) {
    const net_node *nd = &n->nodes[n->order[i]];
    evpubp_buf_adds(b, i ? ",\n    {\"id\": " : "\n    {\"id\": ");
    json_str(b, nd->iri);
    evpubp_buf_adds(b, ", \"name\": ");
    if(nd->name)
      json_str(b, nd->name);
    else
      evpubp_buf_adds(b, "null");
    evpubp_buf_printf(b,
                      ", \"events\": %lu, \"degree\": %lu, "
                      "\"weighted_degree\": %lu, \"component\": %lu, "
                      "\"rank\": %lu}",
                      nd->events, nd->degree, nd->weighted, nd->component,
                      nd->rank);
  }
  evpubp_buf_adds(b,
                  n->nkept ? "\n  ],\n  \"edges\": [" : "],\n  \"edges\": [");
  if(node_texts(n, 0, &pool, &off)) {
    b->failed = 1;
    free(off);
    evpubp_buf_free(&pool);
    return;
  }
  for(i = 0; i < n->nedges; i++) {
    const net_edge *e = &n->edges[i];
    if(!e->keep)
      continue;
    evpubp_buf_adds(b, k++ ? ",\n    {\"source\": " : "\n    {\"source\": ");
    add_node_text(b, &pool, off, e->a);
    evpubp_buf_adds(b, ", \"target\": ");
    add_node_text(b, &pool, off, e->b);
    evpubp_buf_printf(b, ", \"weight\": %lu}", e->weight);
    spill(b, out);
  }
  free(off);
  evpubp_buf_free(&pool);
  evpubp_buf_adds(b, k ? "\n  ],\n" : "],\n");
  evpubp_buf_printf(b, "  \"components\": %lu\n}\n", n->ncomponents);
}

/* s between double quotes, escaped by esc */
static void
quoted(evpubp_buf *b, const char *s,
       int (*esc)(evpubp_buf *, const char *, size_t))
{
  evpubp_buf_addc(b, '"');
  esc(b, s, strlen(s));
  evpubp_buf_addc(b, '"');
}

static void
write_dot(const evpub_network *n, evpubp_buf *b, FILE *out)
{
  size_t i;
  evpubp_buf_adds(b,
                  "graph coorganizers {\n"
                  "  graph [layout=neato, overlap=false, splines=true, "
                  "outputorder=edgesfirst];\n"
                  "  node [shape=box, style=\"rounded,filled\", "
                  "fillcolor=\"#eef3fb\", fontname=\"Helvetica\", "
                  "fontsize=11];\n"
                  "  edge [color=\"#5b7fb0\", fontname=\"Helvetica\", "
                  "fontsize=9];\n");
  for(i = 0; i < n->nkept; i++) {
    const net_node *nd = &n->nodes[n->order[i]];
    char count[64];
    evpubp_buf_adds(b, "  ");
    quoted(b, nd->iri, evpubp_escape_dot_string);
    evpubp_buf_adds(b, " [label=\"");
    evpubp_escape_dot_string(b, label_of(nd), strlen(label_of(nd)));
    snprintf(count, sizeof(count), "\\n%lu event%s\"];\n", nd->events,
             nd->events == 1 ? "" : "s");
    evpubp_buf_adds(b, count);
  }
  for(i = 0; i < n->nedges; i++) {
    const net_edge *e = &n->edges[i];
    double pw = 1.0 + 0.75 * (double)(e->weight - 1);
    if(!e->keep)
      continue;
    evpubp_buf_adds(b, "  ");
    quoted(b, n->nodes[e->a].iri, evpubp_escape_dot_string);
    evpubp_buf_adds(b, " -- ");
    quoted(b, n->nodes[e->b].iri, evpubp_escape_dot_string);
    evpubp_buf_printf(b, " [weight=%lu, penwidth=%.2f", e->weight,
                      pw > 8 ? 8.0 : pw);
    if(e->weight > 1)
      evpubp_buf_printf(b, ", label=\"%lu\"", e->weight);
    evpubp_buf_adds(b, "];\n");
    spill(b, out);
  }
  evpubp_buf_adds(b, "}\n");
}

static void
write_graphml(const evpub_network *n, evpubp_buf *b, FILE *out)
{
  size_t i;
  evpubp_buf_adds(
    b,
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\"\n"
    "    xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"\n"
    "    xsi:schemaLocation=\"http://graphml.graphdrawing.org/xmlns "
    "http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd\">\n"
    "  <key id=\"name\" for=\"node\" attr.name=\"name\" "
    "attr.type=\"string\"/>\n"
    "  <key id=\"events\" for=\"node\" attr.name=\"events\" "
    "attr.type=\"long\"/>\n"
    "  <key id=\"degree\" for=\"node\" attr.name=\"degree\" "
    "attr.type=\"long\"/>\n"
    "  <key id=\"weighted_degree\" for=\"node\" "
    "attr.name=\"weighted_degree\" attr.type=\"long\"/>\n"
    "  <key id=\"component\" for=\"node\" attr.name=\"component\" "
    "attr.type=\"long\"/>\n"
    "  <key id=\"rank\" for=\"node\" attr.name=\"rank\" "
    "attr.type=\"long\"/>\n"
    "  <key id=\"weight\" for=\"edge\" attr.name=\"weight\" "
    "attr.type=\"long\"/>\n"
    "  <graph id=\"coorganizers\" edgedefault=\"undirected\">\n");
  for(i = 0; i < n->nkept; i++) {
    const net_node *nd = &n->nodes[n->order[i]];
    evpubp_buf_adds(b, "    <node id=");
    quoted(b, nd->iri, evpubp_escape_xml);
    evpubp_buf_adds(b, ">\n");
    if(nd->name) {
      evpubp_buf_adds(b, "      <data key=\"name\">");
      evpubp_escape_xml(b, nd->name, strlen(nd->name));
      evpubp_buf_adds(b, "</data>\n");
    }
    evpubp_buf_printf(b,
                      "      <data key=\"events\">%lu</data>\n"
                      "      <data key=\"degree\">%lu</data>\n"
                      "      <data key=\"weighted_degree\">%lu</data>\n"
                      "      <data key=\"component\">%lu</data>\n"
                      "      <data key=\"rank\">%lu</data>\n"
                      "    </node>\n",
                      nd->events, nd->degree, nd->weighted, nd->component,
                      nd->rank);
  }
  for(i = 0; i < n->nedges; i++) {
    const net_edge *e = &n->edges[i];
    if(!e->keep)
      continue;
    evpubp_buf_adds(b, "    <edge source=");
    quoted(b, n->nodes[e->a].iri, evpubp_escape_xml);
    evpubp_buf_adds(b, " target=");
    quoted(b, n->nodes[e->b].iri, evpubp_escape_xml);
    evpubp_buf_printf(b,
                      ">\n      <data key=\"weight\">%lu</data>\n"
                      "    </edge>\n",
                      e->weight);
    spill(b, out);
  }
  evpubp_buf_adds(b, "  </graph>\n</graphml>\n");
}

static size_t
width(const char *s)
{
  int w = u8_strwidth((const uint8_t *)s, "UTF-8");
  return w < 0 ? strlen(s) : (size_t)w;
}

static void
write_table(const evpub_network *n, evpubp_buf *b)
{
  size_t i, wn = strlen("organization");
  for(i = 0; i < n->nkept; i++) {
    size_t w = width(label_of(&n->nodes[n->order[i]]));
    if(w > wn)
      wn = w;
  }
  evpubp_buf_adds(b, "rank  organization");
  for(i = strlen("organization"); i < wn; i++)
    evpubp_buf_addc(b, ' ');
  evpubp_buf_adds(b, "  events  degree  weighted  component\n");
  for(i = 0; i < n->nkept; i++) {
    const net_node *nd = &n->nodes[n->order[i]];
    const char *l = label_of(nd);
    size_t w = width(l), k;
    evpubp_buf_printf(b, "%4lu  ", nd->rank);
    evpubp_escape_nt_string(b, l, strlen(l));
    for(k = w; k < wn; k++)
      evpubp_buf_addc(b, ' ');
    evpubp_buf_printf(b, "  %6lu  %6lu  %8lu  %9lu\n", nd->events, nd->degree,
                      nd->weighted, nd->component);
  }
  evpubp_buf_printf(b,
                    "%lu organization%s, %lu co-organizer pair%s, %lu "
                    "component%s\n",
                    (unsigned long)n->nkept, n->nkept == 1 ? "" : "s",
                    (unsigned long)n->nkept_edges,
                    n->nkept_edges == 1 ? "" : "s", n->ncomponents,
                    n->ncomponents == 1 ? "" : "s");
}

/* DOT through Graphviz: dot -Tsvg, its output to out. */
static evpub_status
write_svg(const evpub_network *n, const evpubp_buf *dot, FILE *out)
{
  char tmpl[] = "/tmp/evpub-network-XXXXXX";
  int fd = mkstemp(tmpl), status = 0;
  pid_t pid;
  evpub_status st = EVPUB_OK;
  if(fd < 0) {
    evpubp_log(n->w, EVPUB_LOG_ERROR, NULL, 0, 0,
               "cannot create a temporary file: %s", strerror(errno));
    return EVPUB_E_IO;
  }
  if(write(fd, dot->data, dot->len) != (ssize_t)dot->len) {
    close(fd);
    unlink(tmpl);
    return EVPUB_E_IO;
  }
  close(fd);
  fflush(out);
  pid = fork();
  if(pid == 0) {
    if(dup2(fileno(out), 1) < 0)
      _exit(126);
    execlp(DOT_PROGRAM, DOT_PROGRAM, "-Tsvg", tmpl, (char *)NULL);
    _exit(127);
  }
  if(pid < 0 || waitpid(pid, &status, 0) < 0) {
    st = EVPUB_E_IO;
  } else if(WIFEXITED(status) && WEXITSTATUS(status) == 127) {
    evpubp_log(n->w, EVPUB_LOG_ERROR, NULL, 0, 0,
               "-f svg needs Graphviz's %s (Debian package graphviz); "
               "-f dot writes what it reads",
               DOT_PROGRAM);
    st = EVPUB_E_IO;
  } else if(!WIFEXITED(status) || WEXITSTATUS(status)) {
    evpubp_log(n->w, EVPUB_LOG_ERROR, NULL, 0, 0, "%s -Tsvg failed",
               DOT_PROGRAM);
    st = EVPUB_E_IO;
  }
  unlink(tmpl);
  return st;
}

evpub_status
evpub_network_write(const evpub_network *n, const char *format, FILE *out)
{
  evpubp_buf b;
  evpub_status st = EVPUB_OK;
  if(!n->computed)
    return EVPUB_E_USAGE;
  evpubp_buf_init(&b);
  if(!strcmp(format, "csv"))
    write_csv(n, &b, 0, out);
  else if(!strcmp(format, "csv-nodes"))
    write_csv(n, &b, 1, out);
  else if(!strcmp(format, "json"))
    write_json(n, &b, out);
  else if(!strcmp(format, "dot"))
    write_dot(n, &b, out);
  else if(!strcmp(format, "svg"))
    write_dot(n, &b, NULL); /* whole, for dot */
  else if(!strcmp(format, "graphml"))
    write_graphml(n, &b, out);
  else if(!strcmp(format, "table"))
    write_table(n, &b);
  else {
    evpubp_log(n->w, EVPUB_LOG_ERROR, NULL, 0, 0,
               "unknown format '%s' (use table, csv, json, dot, graphml or "
               "svg)",
               format);
    st = EVPUB_E_USAGE;
  }
  if(!st && b.failed)
    st = EVPUB_E_NOMEM;
  if(!st && !strcmp(format, "svg"))
    st = write_svg(n, &b, out);
  else if(!st && b.len && fwrite(b.data, 1, b.len, out) != b.len)
    st = EVPUB_E_IO;
  evpubp_buf_free(&b);
  if(!st && (fflush(out) || ferror(out)))
    st = EVPUB_E_IO;
  return st;
}
