/* network/network.c - the co-organizer network (doc/network.md): the
 * object, its filters, and computing it from either source
 *
 * Nodes are the organizers of events, weighted by their number of
 * events; an edge joins two organizers of one event, weighted by the
 * number of such events.  Organizers are read as spec section 5 writes
 * them: `?event schema:organizer ?org` is always there; a role node is
 * an object of schema:organizer that has a schema:organizer of its own
 * (the Role pattern), carrying schema:roleName.
 *
 * Over the local store the network is computed natively (local.c), over
 * an endpoint by the server (remote.c); both then share the filtering,
 * the ranking, the components (rank.c) and the writers (write.c), so
 * their output is the same for the same data.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "network/network.h"

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

/* Drop the last result. */
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

/* ---- the filters (core/options.c) ---- */
#define AT(f) offsetof(evpub_network, f)

/* clang-format off */
static const evpubp_option options[] = {
  { "role", EVPUBP_OPT_STRING, AT(role), 1, 0, NULL, "a value", 0, NULL },
  { "since", EVPUBP_OPT_DATE, AT(since), 0, 0, NULL, NULL, 0, NULL },
  { "until", EVPUBP_OPT_DATE, AT(until), 0, 0, NULL, NULL, 0, NULL },
  { "ego", EVPUBP_OPT_STRING, AT(ego), 1, 0, NULL, "a value", 0, NULL },
  { "min-weight", EVPUBP_OPT_COUNT, AT(min_weight), 1, 1000000000, NULL,
    NULL, 0, NULL },
};
/* clang-format on */

#define NOPTIONS (sizeof(options) / sizeof(options[0]))

evpub_status
evpub_network_set(evpub_network *n, const char *name, const char *v)
{
  return evpubp_option_set(n->w, n, options, NOPTIONS, "network", name, v);
}

void
evpub_free_network(evpub_network *n)
{
  if(!n)
    return;
  reset(n);
  evpubp_arena_free(&n->arena);
  evpubp_map_free(&n->index);
  evpubp_option_free(n, options, NOPTIONS);
  free(n);
}

/* ---- building ---- */
size_t
evpubp_net_node_of(evpub_network *n, const char *iri, size_t len)
{
  evpubp_map_entry *e = evpubp_map_put(&n->index, iri, len);
  evpubp_net_node *nd;
  if(!e)
    return EVPUBP_NET_NONE;
  if(e->value)
    return (size_t)(uintptr_t)e->value - 1;
  if(evpubp_grow(&n->nodes, n->nnodes, &n->capnodes, sizeof(*n->nodes), 256))
    return EVPUBP_NET_NONE;
  nd = &n->nodes[n->nnodes];
  memset(nd, 0, sizeof(*nd));
  nd->iri = e->key;
  e->value = (void *)(uintptr_t)(n->nnodes + 1);
  return n->nnodes++;
}

int
evpubp_net_add_edge(evpub_network *n, size_t a, size_t b, unsigned long weight)
{
  evpubp_net_edge *e;
  /* oriented (smaller IRI first) by evpubp_net_finish() */
  if(evpubp_grow(&n->edges, n->nedges, &n->capedges, sizeof(*n->edges), 256))
    return -1;
  e = &n->edges[n->nedges++];
  e->a = a;
  e->b = b;
  e->weight = weight;
  e->keep = 1;
  return 0;
}

int
evpubp_net_set_name(evpub_network *n, size_t i, const char *v, size_t len)
{
  evpubp_net_node *nd = &n->nodes[i];
  if(nd->name && strcmp(v, nd->name) >= 0)
    return 0;
  nd->name = evpubp_arena_strndup(&n->arena, v, len);
  return nd->name ? 0 : -1;
}

evpub_status
evpub_network_compute(evpub_network *n, evpub_source *src)
{
  evpub_status st;
  reset(n);
  st = evpubp_source_is_remote(src) ? evpubp_net_compute_remote(n, src)
                                    : evpubp_net_compute_local(n, src);
  if(!st)
    st = evpubp_net_finish(n);
  if(st == EVPUB_E_NOMEM)
    evpubp_log(n->w, EVPUB_LOG_ERROR, NULL, 0, 0,
               "out of memory while computing the co-organizer network "
               "(%zu organizations and %zu edges so far)",
               n->nnodes, n->nedges);
  return st;
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
