/* publish/publish.h - the publishing stage: what its files share
 *
 * The converter writes into a sink of publish.c, which sorts statements
 * into named graphs (doc/publishing.md): an event's graph is complete at
 * the end of its item and is sent at once; entity graphs collect over the
 * whole run and are sent at the end.
 *
 *   publish.c  the publisher, its options (one table), the sink, the
 *              progress callback, a run
 *   graphs.c   graphs being filled (N-Triples lines or SPARQL subject
 *              groups, the places where a request may start) and their
 *              content hash
 *   bodies.c   complete graphs into requests: a Graph Store PUT (and the
 *              POSTs of a big graph's parts), SPARQL Update batches, a big
 *              graph through a staging graph; or into the local store
 *   stream.c   the one graph of "graph", sent while it is written
 *   engine.c   requests on a curl multi handle: the queue, jobs at once,
 *              retries with backoff and Retry-After, the request's life,
 *              the dry run
 *   journal.c  the graphs stored and their hashes, for resume
 */
#ifndef EVPUB_PUBLISH_H
#define EVPUB_PUBLISH_H

#include <curl/curl.h>
#include <stdint.h>

#include "convert.h"
#include "remote/remote.h"
#include "store/store.h"

/* the order of the words of the "method" option */
enum { EVPUBP_M_GSP = 0, EVPUBP_M_UPDATE };

#define EVPUBP_MAX_GROUPS 1000 /* subject groups per update */
#define EVPUBP_MAX_PART_BYTES                                                 \
  (4 << 20) /* update body bytes (Virtuoso: 10 MB) */

/* ---- a streaming 128-bit content hash (graphs.c) --------------------- */
typedef struct {
  uint64_t a, b;
} evpubp_chash;

void evpubp_chash_init(evpubp_chash *h);
void evpubp_chash_add(evpubp_chash *h, const char *s, size_t n);
/* 32 hex digits and a NUL */
void evpubp_chash_hex(const evpubp_chash *h, char out[33]);

/* ---- graphs being filled (graphs.c) ---------------------------------- */
typedef struct {
  char *iri;
  unsigned long triples;
  evpubp_buf text; /* the body text, or: */
  FILE *fp;        /* spooled to a temporary file (one big graph) */
  uint64_t size;
  evpubp_chash h;
  char *subject; /* update: the subject of the open group */
  /* where a request may start: the parts of a big graph */
  uint64_t *cuts;
  size_t ncuts, capcuts;
  uint64_t part_start;
  unsigned long part_triples, part_groups, groups;
  int failed; /* out of memory or a write error */
} evpubp_graph;

/* ---- requests (engine.c) --------------------------------------------- */
/* A piece of a request body, read in place. */
typedef struct {
  const char *data; /* memory, or */
  FILE *fp;         /* a file, from */
  uint64_t off;
  uint64_t len;
} evpubp_segment;

/* A graph a request stores, and its content hash for the journal. */
typedef struct {
  char *iri;
  char hash[33];
} evpubp_done;

typedef struct evpubp_req evpubp_req;
struct evpubp_req {
  evpubp_req *next;
  int put; /* HTTP PUT, else POST */
  int gsp; /* a Graph Store Protocol body (N-Triples) */
  char *url;
  evpubp_buf head, data; /* owned body text */
  evpubp_segment segs[3];
  int nsegs;
  uint64_t total, pos;
  evpubp_graph *big; /* a graph sent in parts (staging, or PUT + POSTs) */
  size_t part, nparts;
  /* GSP parts after the first go as requests of their own, side by side
   * (jobs): each points to the request of part 0, which holds the graph
   * and completes when the last of them has */
  evpubp_req *owner;
  size_t parts_left, parts_made;
  int parts_failed;
  int put_done, put_failed; /* part 0 (the PUT) has ended */
  int open;                 /* streamed: its graph is still being written */
  char *staging;
  evpubp_done *graphs;
  size_t ngraphs;
  unsigned long triples;
  unsigned attempts;
  double not_before;
  CURL *easy;   /* while running */
  CURL *pooled; /* the handle it ran on, back in the pool: for getinfo */
  struct curl_slist *hdrs;
  evpubp_buf resp;
  char errbuf[CURL_ERROR_SIZE];
};

/* the most requests in flight at once (the "jobs" option) */
#define EVPUBP_MAX_JOBS 64
/* requests in a row that got no answer at all (refused, no connection
 * within connect-timeout, nothing within timeout, cut before a status
 * line) before a run gives up on the server: a dead server would
 * otherwise cost every graph its retries, and a server that never answers
 * every graph its timeout, one after the other */
#define EVPUBP_DEAD_AFTER 3

/* why nothing more is sent */
enum {
  EVPUBP_FATAL_AUTH = 1, /* the credentials were refused */
  EVPUBP_FATAL_DEAD      /* the server did not answer, EVPUBP_DEAD_AFTER
                            times in a row */
};

/* The engine: requests waiting and running. */
typedef struct {
  CURLM *multi;
  /* idle easy handles: reused, so that connections and the digest
   * authentication state (nonce) carry over from one request to the
   * next instead of costing a 401 round trip each time */
  CURL *idle[EVPUBP_MAX_JOBS];
  size_t nidle;
  evpubp_req *pending, *pending_tail;
  evpubp_req *running[EVPUBP_MAX_JOBS];
  size_t npending, nrunning;
  int fatal; /* EVPUBP_FATAL_*: nothing more is sent; else 0 */
  /* requests in a row that got no answer at all, and the last one's
   * reason */
  unsigned unanswered;
  char dead_why[CURL_ERROR_SIZE];
  uint64_t jitter; /* the retry delays' random jitter (xorshift64*) */
} evpubp_engine;

/* The journal: what was stored, for resume. */
typedef struct {
  evpubp_map known; /* iri -> hash (malloc'd), with resume */
  FILE *fp;
} evpubp_journal;

/* The SPARQL Update request being filled with whole graphs. */
typedef struct {
  evpubp_req *req;
  evpubp_buf values; /* the graphs, for VALUES ?g */
  unsigned long triples, groups;
} evpubp_update_batch;

struct evpub_publisher_s {
  evpub_world *world;
  /* options (publish.c's table) */
  char *endpoint, *query_url, *update_url, *gsp_url;
  const evpubp_preset *preset; /* the server kind */
  char *graph_iri, *user, *password, *token, *netrc, *cacert;
  char *journal_path, *store_dir;
  int method, auth, resume, dry_run; /* auth: -1 unset */
  long jobs, retries, batch_triples, gsp_chunk;
  double timeout, connect_timeout, retry_wait;
  evpub_progress_cb progress_cb;
  void *progress_user;
  /* a run */
  evpubp_store *store;      /* publishing into the local store */
  const char *gsp, *update; /* resolved URLs (into the strings below) */
  char *gsp_owned, *update_owned;
  long batch_limit; /* update: triples per request */
  evpubp_http http; /* borrows the strings above */
  FILE *out;
  evpubp_engine eng;
  evpubp_journal journal;
  evpub_publish_stats stats;
  /* the graphs being built */
  evpubp_graph *single;  /* the one graph of "graph" */
  int stream;            /* send the one graph's parts while writing it */
  evpubp_req *streaming; /* the request of that graph, once started */
  evpubp_map entity_map; /* iri -> graph */
  evpubp_graph **entities;
  size_t nentities, capentities;
  evpubp_update_batch upd;
  /* progress */
  double t0, last_progress;
  unsigned long events_done, event_items;
};

/* ---- publish.c -------------------------------------------------------- */
/* Seconds on a monotonic clock. */
double evpubp_now(void);
/* Call the progress callback: at most four times a second, and at the
 * end (last). */
void evpubp_progress(evpub_publisher *p, int last);

/* ---- graphs.c ---------------------------------------------------------- */
/* A new empty graph called iri[n], its text in memory or (spool) in a
 * temporary file.  Returns new (evpubp_graph_free()), NULL when out of
 * memory or when no temporary file can be made. */
evpubp_graph *evpubp_graph_new(const char *iri, size_t n, int spool);
void evpubp_graph_free(evpubp_graph *g);
/* Append st to g as the run sends it: a store record, an N-Triples line
 * or a SPARQL Update group; failures set g->failed.  scratch is the
 * caller's buffer, reused. */
void evpubp_graph_add(const evpub_publisher *p, evpubp_graph *g,
                      const evpubp_stmt *st, evpubp_buf *scratch);
/* Close the open subject group of an update graph. */
void evpubp_graph_close_group(evpubp_graph *g);
/* Append <iri>, escaped. */
void evpubp_sparql_iri(evpubp_buf *b, const char *iri, size_t n);

/* ---- bodies.c ---------------------------------------------------------- */
/* The Graph Store URL of graph iri: returns new (free()), or NULL. */
char *evpubp_gsp_url(const evpub_publisher *p, const char *iri);
/* The body of part r->part of a big graph sent by the Graph Store
 * Protocol: the first is a PUT, the others POSTs. */
void evpubp_set_gsp_part(evpubp_req *r);
/* Move r on to its next part.  Returns 0, or -1 when out of memory. */
int evpubp_next_part(evpub_publisher *p, evpubp_req *r);
/* Send the update batch being filled, if any. */
void evpubp_flush_batch(evpub_publisher *p);
/* A graph is complete: skip it, store it, or turn it into (part of) a
 * request.  Takes g. */
void evpubp_send_graph(evpub_publisher *p, evpubp_graph *g);

/* ---- stream.c ---------------------------------------------------------- */
/* More of the one graph is written: send what can go. */
void evpubp_stream_more(evpub_publisher *p);
/* The streamed graph is complete (ok), or will not be (!ok). */
void evpubp_stream_end(evpub_publisher *p, int ok);

/* ---- engine.c ---------------------------------------------------------- */
/* Returns new (evpubp_req_free()), or NULL when out of memory. */
evpubp_req *evpubp_req_new(int put, const char *url);
void evpubp_req_free(evpubp_req *r);
/* Record that r, when it succeeds, completes graph g (its hash).
 * Returns 0, or -1 when out of memory. */
int evpubp_req_add_graph(evpubp_req *r, const evpubp_graph *g,
                         const char *hash);
/* The body of r: n segments (at most 3), copied. */
void evpubp_req_set_body(evpubp_req *r, const evpubp_segment *segs, int n);
/* r failed for good (why is logged; NULL: already said).  Takes r. */
void evpubp_req_failed(evpub_publisher *p, evpubp_req *r, const char *why);
/* Every part of a graph sent in parts has ended.  Takes o. */
void evpubp_parts_done(evpub_publisher *p, evpubp_req *o);
/* Queue the parts of r's graph up to upto (not included), once its PUT
 * has replaced the graph. */
void evpubp_queue_parts(evpub_publisher *p, evpubp_req *r, size_t upto);
/* Queue r, at the front or at the back.  Takes r. */
void evpubp_enqueue(evpub_publisher *p, evpubp_req *r, int front);
/* Hand a request over: printed (dry run) or queued, and the engine run
 * so that no more than a few requests wait.  Takes r. */
void evpubp_submit(evpub_publisher *p, evpubp_req *r);
/* Run the engine until at most limit requests wait (0: all done); with
 * once, only start what may start and move the transfers on. */
void evpubp_pump(evpub_publisher *p, size_t limit, int once);
/* The engine of a run: returns EVPUB_OK or EVPUB_E_NOMEM. */
evpub_status evpubp_engine_start(evpub_publisher *p);
/* Drop what waits, free the handles. */
void evpubp_engine_end(evpub_publisher *p);

/* ---- journal.c --------------------------------------------------------- */
/* Open the journal (read it, with resume).  Returns EVPUB_OK,
 * EVPUB_E_USAGE (resume without a journal), EVPUB_E_IO, EVPUB_E_NOMEM;
 * logged. */
evpub_status evpubp_journal_open(evpub_publisher *p);
/* 1 if resume is on and the journal has graph iri with this hash. */
int evpubp_journal_has(const evpub_publisher *p, const char *iri,
                       const char *hash);
/* 1 if resume is on and the journal has graph iri at all. */
int evpubp_journal_knows(const evpub_publisher *p, const char *iri);
/* Record a graph the server has confirmed. */
void evpubp_journal_add(evpub_publisher *p, const evpubp_done *g);
/* Flush the journal to disk (a warning when it cannot be). */
void evpubp_journal_sync(evpub_publisher *p);
void evpubp_journal_close(evpub_publisher *p);

#endif /* EVPUB_PUBLISH_H */
