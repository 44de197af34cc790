/* network/rank.c - what both sources share once the nodes and edges are
 * there: the filters (min-weight, ego), the degrees, the order of the
 * edges, the ranking and the connected components (doc/network.md)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "network/network.h"

/* ---- the filters ---- */
/* The node the ego filter names: its IRI, or its name (ignoring ASCII
 * case), among the organizers the other filters kept. */
static evpub_status
find_ego(evpub_network *n, size_t *out)
{
  size_t i, found = EVPUBP_NET_NONE, count = 0;
  evpubp_map_entry *e = evpubp_map_find(&n->index, n->ego, strlen(n->ego));
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
             count ? "ego '%s' names %lu organizations: give its IRI"
                   : "ego '%s': no organizer with this IRI or name in the "
                     "network",
             n->ego, (unsigned long)count);
  return EVPUB_E_USAGE;
}

/* Which nodes and edges stay; then the degrees over the edges kept. */
static evpub_status
apply_filters(evpub_network *n)
{
  size_t i;
  for(i = 0; i < n->nnodes; i++)
    n->nodes[i].keep = n->nodes[i].events > 0;
  for(i = 0; i < n->nedges; i++) {
    evpubp_net_edge *e = &n->edges[i];
    e->keep = e->weight >= (unsigned long)n->min_weight;
    if(n->min_weight > 1 && e->keep)
      n->nodes[e->a].keep = n->nodes[e->b].keep = 2; /* has an edge */
  }
  if(n->min_weight > 1) /* drop who lost every edge */
    for(i = 0; i < n->nnodes; i++)
      n->nodes[i].keep = n->nodes[i].keep == 2;
  if(n->ego) {
    size_t ego;
    evpub_status st = find_ego(n, &ego);
    if(st)
      return st;
    for(i = 0; i < n->nnodes; i++)
      n->nodes[i].keep = i == ego;
    for(i = 0; i < n->nedges; i++) {
      evpubp_net_edge *e = &n->edges[i];
      if(e->keep && (e->a == ego || e->b == ego))
        n->nodes[e->a].keep = n->nodes[e->b].keep = 1;
    }
  }
  n->nkept_edges = 0;
  for(i = 0; i < n->nedges; i++) {
    evpubp_net_edge *e = &n->edges[i];
    e->keep = e->keep && n->nodes[e->a].keep && n->nodes[e->b].keep;
    if(!e->keep)
      continue;
    n->nkept_edges++;
    n->nodes[e->a].degree++;
    n->nodes[e->b].degree++;
    n->nodes[e->a].weighted += e->weight;
    n->nodes[e->b].weighted += e->weight;
  }
  return EVPUB_OK;
}

/* ---- the order of the edges ---- */
static int
cmp_node_iri(const void *x, const void *y)
{
  const evpubp_net_node *a = *(const evpubp_net_node *const *)x;
  const evpubp_net_node *b = *(const evpubp_net_node *const *)y;
  return strcmp(a->iri, b->iri);
}

/* Edges whose ends are IRI positions: by weight (descending), then by
 * their ends' positions. */
static int
cmp_edge_pos(const void *x, const void *y)
{
  const evpubp_net_edge *a = x, *b = y;
  if(a->weight != b->weight)
    return a->weight > b->weight ? -1 : 1;
  if(a->a != b->a)
    return a->a < b->a ? -1 : 1;
  return a->b < b->b ? -1 : a->b > b->b;
}

/* The edges by weight, then by their ends' IRI positions, by a radix
 * sort of 64-bit keys (weight inverted, the ends' positions), when they
 * fit: a million edges in milliseconds instead of a comparison sort.
 * by_iri[k] is the node at IRI position k.  -1: did not fit (or no
 * memory), nothing changed. */
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
    const evpubp_net_edge *e = &n->edges[i];
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
    evpubp_net_edge *e = &n->edges[i];
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

/* Every node's IRI position (by_iri: the node at each position), every
 * edge from its smaller IRI, only the kept edges, in their order. */
static evpub_status
order_edges(evpub_network *n, size_t *by_iri)
{
  const evpubp_net_node **p;
  size_t i, k;
  p = malloc((n->nnodes ? n->nnodes : 1) * sizeof(*p));
  if(!p)
    return EVPUB_E_NOMEM;
  for(i = 0; i < n->nnodes; i++)
    p[i] = &n->nodes[i];
  if(n->nnodes > 1)
    qsort(p, n->nnodes, sizeof(*p), cmp_node_iri);
  for(i = 0; i < n->nnodes; i++) {
    by_iri[i] = (size_t)(p[i] - n->nodes);
    n->nodes[by_iri[i]].by_iri = i;
  }
  free(p);
  for(i = k = 0; i < n->nedges; i++) {
    evpubp_net_edge e = n->edges[i];
    if(!e.keep)
      continue;
    if(n->nodes[e.a].by_iri > n->nodes[e.b].by_iri) {
      size_t t = e.a;
      e.a = e.b;
      e.b = t;
    }
    n->edges[k++] = e;
  }
  n->nedges = k;
  if(!sort_edges_fast(n, by_iri))
    return EVPUB_OK;
  /* the comparison sort, on the ends' positions */
  for(i = 0; i < n->nedges; i++) {
    n->edges[i].a = n->nodes[n->edges[i].a].by_iri;
    n->edges[i].b = n->nodes[n->edges[i].b].by_iri;
  }
  if(n->nedges > 1) /* no edges: n->edges is NULL */
    qsort(n->edges, n->nedges, sizeof(*n->edges), cmp_edge_pos);
  for(i = 0; i < n->nedges; i++) {
    n->edges[i].a = by_iri[n->edges[i].a];
    n->edges[i].b = by_iri[n->edges[i].b];
  }
  return EVPUB_OK;
}

/* ---- the ranking ---- */
static int
cmp_rank(const void *x, const void *y)
{
  const evpubp_net_node *a = *(const evpubp_net_node *const *)x;
  const evpubp_net_node *b = *(const evpubp_net_node *const *)y;
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

/* n->order: the kept nodes by rank; each node's rank. */
static evpub_status
rank_nodes(evpub_network *n)
{
  const evpubp_net_node **p;
  size_t i;
  n->order = malloc((n->nnodes ? n->nnodes : 1) * sizeof(*n->order));
  p = malloc((n->nnodes ? n->nnodes : 1) * sizeof(*p));
  if(!n->order || !p) {
    free(p);
    return EVPUB_E_NOMEM;
  }
  n->nkept = 0;
  for(i = 0; i < n->nnodes; i++)
    if(n->nodes[i].keep)
      p[n->nkept++] = &n->nodes[i];
  if(n->nkept > 1)
    qsort(p, n->nkept, sizeof(*p), cmp_rank);
  for(i = 0; i < n->nkept; i++) {
    n->order[i] = (size_t)(p[i] - n->nodes);
    n->nodes[n->order[i]].rank = i + 1;
  }
  free(p);
  return EVPUB_OK;
}

/* ---- the components ---- */
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

/* Components numbered by size, then by their best-ranked member; parent
 * and size are scratch space of n->nnodes. */
static evpub_status
number_components(evpub_network *n, size_t *parent, size_t *size)
{
  comp *roots = malloc((n->nkept ? n->nkept : 1) * sizeof(*roots));
  size_t i, nr = 0;
  if(!roots)
    return EVPUB_E_NOMEM;
  for(i = 0; i < n->nnodes; i++) {
    parent[i] = i;
    size[i] = 0;
  }
  for(i = 0; i < n->nedges; i++) {
    size_t a = uf_find(parent, n->edges[i].a);
    size_t b = uf_find(parent, n->edges[i].b);
    if(a != b)
      parent[a] = b;
  }
  for(i = 0; i < n->nkept; i++)
    size[uf_find(parent, n->order[i])]++;
  /* roots in the order of their best-ranked member (first seen); a
   * root's size becomes 0 once it is listed */
  for(i = 0; i < n->nkept; i++) {
    size_t r = uf_find(parent, n->order[i]);
    if(size[r]) {
      roots[nr].root = r;
      roots[nr].size = size[r];
      roots[nr].first = i;
      size[r] = 0;
      nr++;
    }
  }
  if(nr > 1)
    qsort(roots, nr, sizeof(*roots), cmp_comp);
  for(i = 0; i < nr; i++)
    size[roots[i].root] = i + 1; /* now the component's number */
  for(i = 0; i < n->nkept; i++)
    n->nodes[n->order[i]].component =
      (unsigned long)size[uf_find(parent, n->order[i])];
  n->ncomponents = nr;
  free(roots);
  return EVPUB_OK;
}

evpub_status
evpubp_net_finish(evpub_network *n)
{
  size_t *by_iri, *size;
  evpub_status st = apply_filters(n);
  if(st)
    return st;
  by_iri = malloc((n->nnodes ? n->nnodes : 1) * sizeof(*by_iri));
  size = malloc((n->nnodes ? n->nnodes : 1) * sizeof(*size));
  if(!by_iri || !size)
    st = EVPUB_E_NOMEM;
  if(!st)
    st = order_edges(n, by_iri);
  if(!st)
    st = rank_nodes(n);
  if(!st)
    st = number_components(n, by_iri, size);
  if(!st)
    n->computed = 1;
  free(by_iri);
  free(size);
  return st;
}
