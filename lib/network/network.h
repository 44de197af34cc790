/* network/network.h - the co-organizer network (doc/network.md)
 *
 *   network.c  the object, its filters (a table), computing (dispatch)
 *   local.c    from the local store's organizer facts, natively
 *   remote.c   from a server, with three SPARQL aggregate queries
 *   rank.c     filtering, ranking, components (shared by both)
 *   write.c    the writers: table, CSV, JSON, DOT, GraphML
 */
#ifndef EVPUB_NETWORK_H
#define EVPUB_NETWORK_H

#include "core/core.h"
#include "query/query.h"

typedef struct {
  const char *iri;
  const char *name; /* NULL: none */
  unsigned long events, degree, weighted, component, rank;
  size_t by_iri; /* position in IRI order: compares edges without strcmp */
  int keep;
} evpubp_net_node;

typedef struct {
  size_t a, b; /* node indexes, nodes[a].iri < nodes[b].iri */
  unsigned long weight;
  int keep;
} evpubp_net_edge;

struct evpub_network_s {
  evpub_world *w;
  /* the filters */
  char *role, *since, *until, *ego;
  long min_weight; /* at least 1 */
  /* the result */
  evpubp_arena arena;
  evpubp_map index; /* iri -> node index + 1 */
  evpubp_net_node *nodes;
  size_t nnodes, capnodes;
  evpubp_net_edge *edges;
  size_t nedges, capedges;
  size_t *order; /* node indexes by rank, kept nodes only */
  size_t nkept, nkept_edges;
  unsigned long ncomponents;
  int computed;
};

#define EVPUBP_NET_NONE ((size_t)-1)

/* ---- building the network (network.c) ---- */
/* The node of iri, made on first sight; EVPUBP_NET_NONE when out of
 * memory. */
size_t evpubp_net_node_of(evpub_network *n, const char *iri, size_t len);
/* An edge between nodes a and b (in any order); -1 when out of memory. */
int evpubp_net_add_edge(evpub_network *n, size_t a, size_t b,
                        unsigned long weight);
/* Name node i v[len] unless it has a smaller name (byte order): the same
 * choice on every source.  -1 when out of memory. */
int evpubp_net_set_name(evpub_network *n, size_t i, const char *v, size_t len);

/* ---- the sources ---- */
evpub_status evpubp_net_compute_local(evpub_network *n, evpub_source *src);
evpub_status evpubp_net_compute_remote(evpub_network *n, evpub_source *src);

/* ---- filters, ranks, components (rank.c) ---- */
evpub_status evpubp_net_finish(evpub_network *n);

/* The i-th output format (write.c), NULL past the end. */
const evpub_choice *evpubp_network_format_at(size_t i);

#endif /* EVPUB_NETWORK_H */
