/* publish/bodies.c - complete graphs into requests
 *
 *   gsp     one PUT {gsp-url}?graph=G with the graph as N-Triples; a big
 *           graph as a PUT of its first part and POSTs of the others;
 *   update  a part of a POST of SPARQL Update: graphs that fit in one
 *           request are replaced there (DELETE of their old triples, then
 *           INSERT DATA, one request, so atomic per graph as SPARQL 1.1
 *           Update asks of servers); a bigger graph is loaded into a
 *           staging graph over several requests and then MOVEd into place;
 *   store   the local store replaces the graph unless it has it already.
 *
 * A Graph Store body and the parts of a staged graph point into the
 * graph's buffer or file (no copy); an update batch copies the small
 * graphs it gathers.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "publish/publish.h"

#define STAGING_PREFIX "urn:evpub:staging:"

char *
evpubp_gsp_url(const evpub_publisher *p, const char *iri)
{
  evpubp_buf b;
  evpubp_buf_init(&b);
  evpubp_buf_adds(&b, p->gsp);
  evpubp_buf_adds(&b, strchr(p->gsp, '?') ? "&graph=" : "?graph=");
  evpubp_escape_url_component(&b, iri, strlen(iri));
  if(b.failed) {
    evpubp_buf_free(&b);
    return NULL;
  }
  return b.data;
}

/* Part r->part of a big graph by the Graph Store Protocol: the first
 * replaces the graph (PUT), the others add to it (POST: adding triples
 * twice changes nothing, so a retried part is harmless). */
void
evpubp_set_gsp_part(evpubp_req *r)
{
  evpubp_graph *g = r->big;
  evpubp_segment s;
  memset(&s, 0, sizeof(s));
  s.data = g->text.data;
  s.fp = g->fp;
  s.off = r->part ? g->cuts[r->part - 1] : 0;
  s.len = (r->part < g->ncuts ? g->cuts[r->part] : g->size) - s.off;
  r->put = r->part == 0;
  evpubp_req_set_body(r, &s, 1);
}

/* Build the body of part r->part of a big graph sent through staging. */
static int
set_part(evpub_publisher *p, evpubp_req *r)
{
  evpubp_graph *g = r->big;
  uint64_t from = r->part ? g->cuts[r->part - 1] : 0;
  uint64_t to = r->part < g->ncuts ? g->cuts[r->part] : g->size;
  evpubp_segment s[3];
  evpubp_buf_reset(&r->head);
  evpubp_buf_reset(&r->data);
  if(p->preset->flags & EVPUBP_PRESET_BIG_DATA)
    evpubp_buf_adds(&r->head, "DEFINE sql:big-data-const 1\n");
  if(r->part == 0)
    evpubp_buf_printf(&r->head, "DROP SILENT GRAPH <%s> ;\n", r->staging);
  evpubp_buf_printf(&r->head, "INSERT DATA { GRAPH <%s> {\n", r->staging);
  evpubp_buf_adds(&r->data, "} }\n");
  if(r->part + 1 == r->nparts) {
    evpubp_buf_printf(&r->data, ";\nMOVE SILENT GRAPH <%s> TO GRAPH ",
                      r->staging);
    evpubp_sparql_iri(&r->data, g->iri, strlen(g->iri));
    evpubp_buf_addc(&r->data, '\n');
  }
  if(r->head.failed || r->data.failed)
    return -1;
  memset(s, 0, sizeof(s));
  s[0].data = r->head.data;
  s[0].len = r->head.len;
  s[1].data = g->text.data;
  s[1].fp = g->fp;
  s[1].off = from;
  s[1].len = to - from;
  s[2].data = r->data.data;
  s[2].len = r->data.len;
  evpubp_req_set_body(r, s, 3);
  return 0;
}

/* The next part of a graph sent in parts. */
int
evpubp_next_part(evpub_publisher *p, evpubp_req *r)
{
  r->part++;
  if(r->gsp) {
    evpubp_set_gsp_part(r);
    return 0;
  }
  return set_part(p, r);
}

/* Send the update batch being filled. */
void
evpubp_flush_batch(evpub_publisher *p)
{
  evpubp_req *r = p->upd.req;
  evpubp_segment s[3];
  if(!r)
    return;
  p->upd.req = NULL;
  if(p->preset->flags & EVPUBP_PRESET_BIG_DATA)
    evpubp_buf_adds(&r->head, "DEFINE sql:big-data-const 1\n");
  evpubp_buf_adds(&r->head,
                  "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE {\n"
                  "  VALUES ?g {\n");
  evpubp_buf_add(&r->head, p->upd.values.data, p->upd.values.len);
  evpubp_buf_adds(&r->head,
                  "  }\n  GRAPH ?g { ?s ?p ?o }\n} ;\n"
                  "INSERT DATA {\n");
  evpubp_buf_reset(&p->upd.values);
  p->upd.triples = p->upd.groups = 0;
  if(r->head.failed || r->data.failed) {
    evpubp_req_failed(p, r, "out of memory");
    return;
  }
  memset(s, 0, sizeof(s));
  s[0].data = r->head.data;
  s[0].len = r->head.len;
  s[1].data = r->data.data;
  s[1].len = r->data.len;
  s[2].data = "}\n";
  s[2].len = 2;
  evpubp_req_set_body(r, s, 3);
  evpubp_submit(p, r);
}

/* The local store: replace the graph unless it holds it already.
 * Takes g. */
static void
store_graph(evpub_publisher *p, evpubp_graph *g, const char *hash)
{
  if(!g->triples || evpubp_store_has(p->store, g->iri, hash)) {
    p->stats.unchanged += g->triples > 0;
  } else if(p->dry_run) {
    fprintf(p->out, "replace <%s>: %lu triples\n", g->iri, g->triples);
    p->stats.published++;
    p->stats.triples += g->triples;
  } else if(evpubp_store_put(p->store, g->iri, hash, g->triples, g->text.data,
                             g->text.len, g->fp)) {
    p->stats.failed++;
  } else {
    p->stats.published++;
    p->stats.triples += g->triples;
    p->stats.bytes += g->size;
  }
  evpubp_graph_free(g);
}

/* Graph Store Protocol: one PUT of the graph, or of its first part and
 * POSTs of the others.  Takes g. */
static void
send_gsp(evpub_publisher *p, evpubp_graph *g, const char *hash)
{
  char *url = evpubp_gsp_url(p, g->iri);
  evpubp_req *r = url ? evpubp_req_new(1, url) : NULL;
  evpubp_segment s;
  free(url);
  if(!r || evpubp_req_add_graph(r, g, hash)) {
    evpubp_req_free(r);
    evpubp_log(p->world, EVPUB_LOG_ERROR, NULL, 0, 0, "out of memory");
    p->stats.failed++;
    evpubp_graph_free(g);
    return;
  }
  r->gsp = 1;
  if(g->ncuts) { /* in parts; the graph goes with the request */
    r->big = g;
    r->nparts = g->ncuts + 1;
    evpubp_set_gsp_part(r);
    evpubp_submit(p, r);
    return;
  }
  memset(&s, 0, sizeof(s));
  /* the graph's buffer becomes the body: no copy */
  r->data = g->text;
  evpubp_buf_init(&g->text);
  s.data = r->data.data;
  s.fp = g->fp;
  s.len = g->size;
  if(g->fp) /* keep the file open with the request */
    r->big = g;
  else
    evpubp_graph_free(g);
  evpubp_req_set_body(r, &s, 1);
  r->nparts = 0; /* not in parts */
  evpubp_submit(p, r);
}

/* SPARQL Update of a graph bigger than a request, or spooled to a file
 * ("graph"): into a staging graph over several requests, then MOVE.
 * Takes g. */
static void
send_staged(evpub_publisher *p, evpubp_graph *g, const char *hash)
{
  evpubp_req *r;
  evpubp_chash sh;
  char shex[33];
  evpubp_flush_batch(p);
  r = evpubp_req_new(0, p->update);
  if(!r || evpubp_req_add_graph(r, g, hash)) {
    evpubp_req_free(r);
    p->stats.failed++;
    evpubp_graph_free(g);
    return;
  }
  evpubp_chash_init(&sh);
  evpubp_chash_add(&sh, g->iri, strlen(g->iri));
  evpubp_chash_hex(&sh, shex);
  r->staging = malloc(sizeof(STAGING_PREFIX) + 32);
  if(r->staging)
    snprintf(r->staging, sizeof(STAGING_PREFIX) + 32, "%s%s", STAGING_PREFIX,
             shex);
  r->big = g;
  r->nparts = g->ncuts + 1;
  if(!r->staging || set_part(p, r)) {
    evpubp_req_failed(p, r, "out of memory");
    return;
  }
  evpubp_submit(p, r);
}

/* SPARQL Update of a graph that fits in a request: into the batch being
 * filled (sent first if g does not fit in it).  Takes g. */
static void
add_to_batch(evpub_publisher *p, evpubp_graph *g, const char *hash)
{
  evpubp_update_batch *u = &p->upd;
  if(u->req &&
     (u->triples + g->triples > (unsigned long)p->batch_limit ||
      u->groups + g->groups > EVPUBP_MAX_GROUPS ||
      u->req->data.len + g->size > EVPUBP_MAX_PART_BYTES))
    evpubp_flush_batch(p);
  if(!u->req)
    u->req = evpubp_req_new(0, p->update);
  if(!u->req) {
    p->stats.failed++;
    evpubp_graph_free(g);
    return;
  }
  evpubp_buf_adds(&u->values, "    ");
  evpubp_sparql_iri(&u->values, g->iri, strlen(g->iri));
  evpubp_buf_addc(&u->values, '\n');
  evpubp_buf_adds(&u->req->data, "GRAPH ");
  evpubp_sparql_iri(&u->req->data, g->iri, strlen(g->iri));
  evpubp_buf_adds(&u->req->data, " {\n");
  evpubp_buf_add(&u->req->data, g->text.data, g->text.len);
  evpubp_buf_adds(&u->req->data, "}\n");
  u->triples += g->triples;
  u->groups += g->groups;
  if(evpubp_req_add_graph(u->req, g, hash))
    u->req->data.failed = 1;
  evpubp_graph_free(g);
}

void
evpubp_send_graph(evpub_publisher *p, evpubp_graph *g)
{
  char hash[33];
  if(p->streaming && p->streaming->big == g) {
    evpubp_stream_end(p, 1);
    return;
  }
  if(p->method == EVPUBP_M_UPDATE)
    evpubp_graph_close_group(g);
  if(g->failed || (g->fp && fflush(g->fp))) {
    evpubp_log(p->world, EVPUB_LOG_ERROR, NULL, 0, 0,
               "graph <%s>: cannot hold its text: %s", g->iri,
               strerror(errno));
    p->stats.failed++;
    evpubp_graph_free(g);
    return;
  }
  evpubp_chash_hex(&g->h, hash);
  if(p->store)
    store_graph(p, g, hash);
  else if(!g->triples || evpubp_journal_has(p, g->iri, hash)) {
    p->stats.unchanged += g->triples > 0;
    evpubp_graph_free(g);
  } else if(p->method == EVPUBP_M_GSP)
    send_gsp(p, g, hash);
  else if(g->ncuts || g->fp)
    send_staged(p, g, hash);
  else
    add_to_batch(p, g, hash);
}
