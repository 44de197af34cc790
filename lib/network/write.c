/* network/write.c - the computed network written as a table (the
 * ranking), CSV (the edges, or the ranking), JSON, Graphviz DOT and
 * GraphML; drawing the DOT is for the caller (Graphviz is a program)
 *
 * Big networks are written in pieces (spill()), and the text of each
 * node that the edge lines repeat is escaped once (node_texts).
 */
#include <stdlib.h>
#include <string.h>

#include "network/network.h"

static const char *
label_of(const evpubp_net_node *nd)
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
 * "IRI,NAME" or JSON "\"IRI\"".  Node i's is off[i]..off[i + 1] in
 * text. */
typedef struct {
  evpubp_buf text;
  size_t *off;
} node_texts;

static void
node_texts_free(node_texts *t)
{
  free(t->off);
  evpubp_buf_free(&t->text);
}

/* -1 (t freed, b failed) when out of memory. */
static int
node_texts_make(node_texts *t, const evpub_network *n, int csv, evpubp_buf *b)
{
  size_t i;
  evpubp_buf_init(&t->text);
  t->off = malloc((n->nnodes + 1) * sizeof(*t->off));
  for(i = 0; t->off && i < n->nnodes; i++) {
    const evpubp_net_node *nd = &n->nodes[i];
    t->off[i] = t->text.len;
    if(csv) {
      evpubp_escape_csv_field(&t->text, nd->iri, strlen(nd->iri));
      evpubp_buf_addc(&t->text, ',');
      if(nd->name)
        evpubp_escape_csv_field(&t->text, nd->name, strlen(nd->name));
    } else {
      evpubp_put_json_string(&t->text, nd->iri, strlen(nd->iri));
    }
  }
  if(!t->off || t->text.failed) {
    node_texts_free(t);
    b->failed = 1;
    return -1;
  }
  t->off[n->nnodes] = t->text.len;
  return 0;
}

static void
add_node_text(evpubp_buf *b, const node_texts *t, size_t i)
{
  evpubp_buf_add(b, t->text.data + t->off[i], t->off[i + 1] - t->off[i]);
}

/* the ranking */
static void
write_csv_nodes(const evpub_network *n, evpubp_buf *b, FILE *out)
{
  size_t i;
  (void)out;
  evpubp_buf_adds(b,
                  "rank,id,name,events,degree,weighted_degree,"
                  "component\r\n");
  for(i = 0; i < n->nkept; i++) {
    const evpubp_net_node *nd = &n->nodes[n->order[i]];
    evpubp_buf_printf(b, "%lu,", nd->rank);
    evpubp_escape_csv_field(b, nd->iri, strlen(nd->iri));
    evpubp_buf_addc(b, ',');
    if(nd->name)
      evpubp_escape_csv_field(b, nd->name, strlen(nd->name));
    evpubp_buf_printf(b, ",%lu,%lu,%lu,%lu\r\n", nd->events, nd->degree,
                      nd->weighted, nd->component);
  }
}

/* v in decimal (what printf's %lu gives, without its cost per edge). */
static void
put_count(evpubp_buf *b, unsigned long v)
{
  char d[24];
  size_t i = sizeof(d);
  do {
    d[--i] = (char)('0' + v % 10);
    v /= 10;
  } while(v);
  evpubp_buf_add(b, d + i, sizeof(d) - i);
}

/* How edge lines look: before the first and the others, between the
 * ends, before the weight and after it. */
typedef struct {
  const char *first, *next, *between, *weight, *end;
} edge_syntax;

/* The kept edges, each end's text from a node_texts of the syntax (csv
 * or JSON); how many. */
static size_t
write_edges(const evpub_network *n, evpubp_buf *b, FILE *out, int csv,
            const edge_syntax *sx)
{
  node_texts t;
  size_t i, k = 0;
  if(node_texts_make(&t, n, csv, b))
    return 0;
  for(i = 0; i < n->nedges; i++) {
    const evpubp_net_edge *e = &n->edges[i];
    if(!e->keep)
      continue;
    evpubp_buf_adds(b, k++ ? sx->next : sx->first);
    add_node_text(b, &t, e->a);
    evpubp_buf_adds(b, sx->between);
    add_node_text(b, &t, e->b);
    evpubp_buf_adds(b, sx->weight);
    put_count(b, e->weight);
    evpubp_buf_adds(b, sx->end);
    spill(b, out);
  }
  node_texts_free(&t);
  return k;
}

/* the edges */
static void
write_csv(const evpub_network *n, evpubp_buf *b, FILE *out)
{
  static const edge_syntax csv = { "", "", ",", ",", "\r\n" };
  evpubp_buf_adds(b, "source,source_name,target,target_name,weight\r\n");
  write_edges(n, b, out, 1, &csv);
}

static void
write_json(const evpub_network *n, evpubp_buf *b, FILE *out)
{
  static const edge_syntax json = { "\n    {\"source\": ",
                                    ",\n    {\"source\": ", ", \"target\": ",
                                    ", \"weight\": ", "}" };
  size_t i, k;
  evpubp_buf_adds(b, "{\n  \"nodes\": [");
  for(i = 0; i < n->nkept; i++) {
    const evpubp_net_node *nd = &n->nodes[n->order[i]];
    evpubp_buf_adds(b, i ? ",\n    {\"id\": " : "\n    {\"id\": ");
    evpubp_put_json_string(b, nd->iri, strlen(nd->iri));
    evpubp_buf_adds(b, ", \"name\": ");
    if(nd->name)
      evpubp_put_json_string(b, nd->name, strlen(nd->name));
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
  k = write_edges(n, b, out, 0, &json);
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
    const evpubp_net_node *nd = &n->nodes[n->order[i]];
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
    const evpubp_net_edge *e = &n->edges[i];
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
    const evpubp_net_node *nd = &n->nodes[n->order[i]];
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
    const evpubp_net_edge *e = &n->edges[i];
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
  return evpubp_text_width(s, strlen(s));
}

static void
write_table(const evpub_network *n, evpubp_buf *b, FILE *out)
{
  size_t i, wn = strlen("organization");
  (void)out; /* one line per organization: small enough */
  for(i = 0; i < n->nkept; i++) {
    size_t w = width(label_of(&n->nodes[n->order[i]]));
    if(w > wn)
      wn = w;
  }
  evpubp_buf_adds(b, "rank  organization");
  evpubp_put_spaces(b, wn - strlen("organization"));
  evpubp_buf_adds(b, "  events  degree  weighted  component\n");
  for(i = 0; i < n->nkept; i++) {
    const evpubp_net_node *nd = &n->nodes[n->order[i]];
    const char *l = label_of(nd);
    evpubp_buf_printf(b, "%4lu  ", nd->rank);
    evpubp_escape_nt_string(b, l, strlen(l));
    evpubp_put_spaces(b, wn - width(l)); /* wn is the widest */
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

/* ---- the writers, by name ---- */
static const struct {
  evpub_choice info;
  void (*write)(const evpub_network *n, evpubp_buf *b, FILE *out);
} writers[] = {
  { { "table", "the ranking, for people", "" }, write_table },
  { { "csv", "the edges: source, target, weight", ".csv" }, write_csv },
  { { "csv-nodes", "the ranking as CSV", ".csv" }, write_csv_nodes },
  { { "json", "nodes, edges and components", ".json" }, write_json },
  { { "dot", "Graphviz DOT", ".dot" }, write_dot },
  { { "graphml", "GraphML (Gephi, yEd, NetworkX)", ".graphml" },
    write_graphml },
};

#define NWRITERS (sizeof(writers) / sizeof(writers[0]))

const evpub_choice *
evpubp_network_format_at(size_t i)
{
  return i < NWRITERS ? &writers[i].info : NULL;
}

static evpub_status
unknown_format(const evpub_network *n, const char *format)
{
  evpubp_buf names;
  evpubp_buf_init(&names);
  evpubp_put_names(&names, writers, NWRITERS, sizeof(writers[0]));
  evpubp_log(n->w, EVPUB_LOG_ERROR, NULL, 0, 0, "unknown format '%s' (use %s)",
             format, names.data ? names.data : "");
  evpubp_buf_free(&names);
  return EVPUB_E_USAGE;
}

evpub_status
evpub_network_write(const evpub_network *n, const char *format, FILE *out)
{
  evpubp_buf b;
  evpub_status st;
  size_t i;
  if(!n || !format || !out || !n->computed)
    return EVPUB_E_USAGE;
  for(i = 0; i < NWRITERS && strcmp(format, writers[i].info.name); i++)
    ;
  if(i == NWRITERS)
    return unknown_format(n, format);
  evpubp_buf_init(&b);
  writers[i].write(n, &b, out);
  st = evpubp_buf_write(&b, out);
  evpubp_buf_free(&b);
  if(!st && (fflush(out) || ferror(out)))
    st = EVPUB_E_IO;
  return st;
}
