/* network/remote.c - the network from a SPARQL server: three queries
 * so that the server does the counting (nodes with COUNT(DISTINCT ?e),
 * pairs with GROUP BY, names), under the same filters as the store's
 */
#include <stdlib.h>
#include <string.h>

#include "network/network.h"

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

/* The three questions: the nodes with their events, the pairs with
 * their events, the names. */
enum { ASK_NODES, ASK_EDGES, ASK_NAMES, ASK_COUNT };

static void
build_query(const evpub_network *n, int ask, evpubp_buf *q)
{
  evpubp_buf_reset(q);
  evpubp_buf_adds(q, prefix);
  if(ask == ASK_NODES) {
    evpubp_buf_adds(q, "SELECT ?a (COUNT(DISTINCT ?e) AS ?n) WHERE {\n");
    org_pattern(n, q, "a");
    event_pattern(n, q);
    evpubp_buf_adds(q, "} GROUP BY ?a\n");
  } else if(ask == ASK_EDGES) {
    evpubp_buf_adds(q, "SELECT ?a ?b (COUNT(DISTINCT ?e) AS ?w) WHERE {\n");
    org_pattern(n, q, "a");
    org_pattern(n, q, "b");
    evpubp_buf_adds(q, "  FILTER(STR(?a) < STR(?b))\n");
    event_pattern(n, q);
    evpubp_buf_adds(q, "} GROUP BY ?a ?b\n");
  } else {
    evpubp_buf_adds(q, "SELECT DISTINCT ?a ?name WHERE {\n");
    org_pattern(n, q, "a");
    event_pattern(n, q);
    evpubp_buf_adds(q, "  ?a schema:name ?name .\n}\n");
  }
}

/* One answer row into the network. */
static evpub_status
read_row(evpub_network *n, int ask, const evpubp_result *r, size_t i)
{
  const evpubp_term *a = cell(r, i, 0), *b = cell(r, i, 1);
  const evpubp_term *w = ask == ASK_EDGES ? cell(r, i, 2) : NULL;
  size_t x, y;
  if(!a || a->kind != EVPUBP_TERM_IRI || !b)
    return EVPUB_OK;
  x = evpubp_net_node_of(n, a->value, a->len);
  if(x == EVPUBP_NET_NONE)
    return EVPUB_E_NOMEM;
  if(ask == ASK_NODES) {
    n->nodes[x].events = strtoul(b->value, NULL, 10);
  } else if(ask == ASK_NAMES) {
    if(b->kind == EVPUBP_TERM_LITERAL &&
       evpubp_net_set_name(n, x, b->value, b->len))
      return EVPUB_E_NOMEM;
  } else if(b->kind == EVPUBP_TERM_IRI && w) {
    y = evpubp_net_node_of(n, b->value, b->len);
    if(y == EVPUBP_NET_NONE ||
       evpubp_net_add_edge(n, x, y, strtoul(w->value, NULL, 10)))
      return EVPUB_E_NOMEM;
  }
  return EVPUB_OK;
}

evpub_status
evpubp_net_compute_remote(evpub_network *n, evpub_source *src)
{
  evpubp_buf q;
  evpubp_result r;
  evpub_status st = EVPUB_OK;
  size_t i;
  int ask;

  evpubp_buf_init(&q);
  for(ask = 0; ask < ASK_COUNT && !st; ask++) {
    build_query(n, ask, &q);
    if(q.failed) {
      st = EVPUB_E_NOMEM;
      break;
    }
    evpubp_result_init(&r);
    st = evpubp_source_select(src, q.data, &r);
    for(i = 0; !st && i < r.nrows; i++)
      st = read_row(n, ask, &r, i);
    evpubp_result_free(&r);
  }
  evpubp_buf_free(&q);
  return st;
}
