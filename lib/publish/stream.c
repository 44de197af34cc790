/* publish/stream.c - the one graph of "graph", sent while it is written
 *
 * Without a journal entry to compare with, the one graph need not be
 * complete before it is sent (Graph Store Protocol): its first part goes
 * (PUT) as soon as it is written, and each further part (POST) as soon as
 * it is written and the PUT has succeeded.  The conversion and the
 * server's work overlap.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "publish/publish.h"

/* The request of the one graph, its first part (PUT) queued.  NULL when
 * out of memory: the graph is then sent when it is complete. */
static evpubp_req *
stream_start(evpub_publisher *p, evpubp_graph *g)
{
  static const char nohash[33] = ""; /* known at the end */
  char *url = evpubp_gsp_url(p, g->iri);
  evpubp_req *r = url ? evpubp_req_new(1, url) : NULL;
  free(url);
  if(!r || evpubp_req_add_graph(r, g, nohash)) {
    evpubp_req_free(r);
    return NULL;
  }
  r->gsp = 1;
  r->big = g;
  r->open = 1;
  evpubp_set_gsp_part(r);
  evpubp_enqueue(p, r, 0);
  return r;
}

void
evpubp_stream_more(evpub_publisher *p)
{
  evpubp_graph *g = p->single;
  evpubp_req *r = p->streaming;
  if(!p->stream || !g || !g->ncuts || g->failed)
    return;
  if(!r) {
    /* what the request reads must be in the file */
    if(fflush(g->fp)) {
      g->failed = 1;
      return;
    }
    p->streaming = stream_start(p, g);
    if(!p->streaming) {
      p->stream = 0; /* sent when complete, then */
      return;
    }
  } else if(r->put_done) {
    evpubp_queue_parts(p, r, g->ncuts);
  }
  evpubp_pump(p, 0, 1);
}

/* The streamed graph is complete (ok), or will not be (!ok): its last
 * parts go, and its request ends with them.  The request takes g. */
void
evpubp_stream_end(evpub_publisher *p, int ok)
{
  evpubp_req *r = p->streaming;
  evpubp_graph *g = r->big;
  p->streaming = NULL;
  if(p->single == g)
    p->single = NULL;
  r->open = 0;
  r->nparts = g->ncuts + 1;
  if(ok && (g->failed || fflush(g->fp))) {
    evpubp_log(p->world, EVPUB_LOG_ERROR, NULL, 0, 0,
               "graph <%s>: cannot hold its text: %s", g->iri,
               strerror(errno));
    ok = 0;
  }
  if(ok) {
    evpubp_chash_hex(&g->h, r->graphs[0].hash);
    r->triples = g->triples;
    if(r->put_done)
      evpubp_queue_parts(p, r, r->nparts);
  } else {
    r->parts_failed++;
    r->parts_made = r->nparts; /* nothing more goes */
  }
  if((r->put_done || r->put_failed) && !r->parts_left)
    evpubp_parts_done(p, r);
}
