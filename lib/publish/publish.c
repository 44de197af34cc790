/* publish/publish.c - the publisher: its options (one table), the sink
 * the converter writes into (statements sorted into named graphs, see
 * publish.h), the progress callback, and a run
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "publish/publish.h"

double
evpubp_now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- the publisher ---- */
evpub_publisher *
evpub_new_publisher(evpub_world *world)
{
  evpub_publisher *p = calloc(1, sizeof(*p));
  if(!p)
    return NULL;
  p->world = world;
  p->jobs = 1;
  p->retries = 5;
  p->timeout = 300;
  p->connect_timeout = 10;
  p->retry_wait = 0.5;
  p->gsp_chunk = 200000;
  p->preset = evpubp_preset_find(NULL);
  p->auth = -1;
  evpubp_map_init(&p->journal.known);
  evpubp_map_init(&p->entity_map);
  evpubp_buf_init(&p->upd.values);
  return p;
}

/* What a run leaves behind, so that a publisher can run again. */
static void
end_run(evpub_publisher *p)
{
  size_t i;
  evpubp_engine_end(p);
  evpubp_req_free(p->upd.req);
  p->upd.req = NULL;
  evpubp_buf_reset(&p->upd.values); /* a run that stopped half-way */
  p->upd.triples = p->upd.groups = 0;
  for(i = 0; i < p->nentities; i++)
    evpubp_graph_free(p->entities[i]);
  free(p->entities);
  p->entities = NULL;
  p->nentities = p->capentities = 0;
  evpubp_map_free(&p->entity_map);
  evpubp_graph_free(p->single);
  p->single = NULL;
  evpubp_journal_close(p);
  free(p->gsp_owned);
  free(p->update_owned);
  p->gsp_owned = p->update_owned = NULL;
  evpubp_store_close(p->store); /* without a commit: nothing changes */
  p->store = NULL;
}

/* ---- options: one table, one lookup (core/options.c) ---- */
static const char *const methods[] = { "gsp", "update", NULL };

/* clang-format off */
#define AT(f) offsetof(struct evpub_publisher_s, f)
#define STR(n, f) { n, EVPUBP_OPT_STRING, AT(f), 0, 0, NULL, NULL, 0, NULL }
#define URL(n, f) { n, EVPUBP_OPT_URL, AT(f), 0, 0, NULL, NULL, 0, NULL }
#define COUNT(n, f, lo, hi) \
  { n, EVPUBP_OPT_COUNT, AT(f), lo, hi, NULL, NULL, 0, NULL }
#define SECS(n, f) { n, EVPUBP_OPT_SECONDS, AT(f), 0, 0, NULL, NULL, 0, NULL }
#define BOOL(n, f) { n, EVPUBP_OPT_BOOL, AT(f), 0, 0, NULL, NULL, 0, NULL }

static const evpubp_option options[] = {
  URL("endpoint", endpoint),
  { "server", EVPUBP_OPT_CUSTOM, AT(preset), 0, 0, NULL, NULL, 0,
    evpubp_preset_option },
  URL("query-url", query_url),
  URL("update-url", update_url),
  URL("gsp-url", gsp_url),
  { "store", EVPUBP_OPT_STRING, AT(store_dir), 1, 0, NULL, "a directory", 0,
    NULL },
  { "method", EVPUBP_OPT_ENUM, AT(method), 0, 0, methods, NULL, 0, NULL },
  { "graph", EVPUBP_OPT_IRI, AT(graph_iri), 0, 0, NULL, NULL, 0, NULL },
  STR("user", user),
  { "password", EVPUBP_OPT_STRING, AT(password), 0, 0, NULL, NULL,
    EVPUBP_OPT_SECRET, NULL },
  { "token", EVPUBP_OPT_STRING, AT(token), 0, 0, NULL, NULL,
    EVPUBP_OPT_SECRET, NULL },
  { "auth", EVPUBP_OPT_ENUM, AT(auth), 0, 0, evpubp_auth_words, NULL, 0,
    NULL },
  STR("netrc", netrc),
  STR("cacert", cacert),
  COUNT("jobs", jobs, 1, EVPUBP_MAX_JOBS),
  COUNT("retries", retries, 0, 100),
  COUNT("batch-triples", batch_triples, 1, 100000),
  COUNT("gsp-chunk-triples", gsp_chunk, 0, 100000000),
  SECS("timeout", timeout),
  SECS("connect-timeout", connect_timeout),
  SECS("retry-wait", retry_wait),
  STR("journal", journal_path),
  BOOL("resume", resume),
  BOOL("dry-run", dry_run),
};
/* clang-format on */

#define NOPTIONS (sizeof(options) / sizeof(options[0]))

void
evpub_free_publisher(evpub_publisher *p)
{
  if(!p)
    return;
  end_run(p);
  evpubp_buf_free(&p->upd.values);
  evpubp_option_free(p, options, NOPTIONS);
  free(p);
}

evpub_status
evpub_publisher_set(evpub_publisher *p, const char *name, const char *v)
{
  return evpubp_option_set(p->world, p, options, NOPTIONS, "publisher", name,
                           v);
}

const evpub_publish_stats *
evpub_publisher_stats(const evpub_publisher *p)
{
  return &p->stats;
}

void
evpub_publisher_set_progress(evpub_publisher *p, evpub_progress_cb cb,
                             void *user)
{
  p->progress_cb = cb;
  p->progress_user = user;
}

/* ---- server presets ---- */
/* One URL of the server: given alone, else derived from the endpoint by
 * the preset (remote/presets.c).  NULL in *url when there is neither. */
static evpub_status
resolve_url(const evpub_publisher *p, const char *alone, evpubp_service svc,
            const char **url, char **owned)
{
  int auth = p->user || p->token || p->netrc;
  *url = alone;
  if(alone || !p->endpoint)
    return EVPUB_OK;
  *owned = evpubp_preset_url(p->preset, p->endpoint, svc, auth);
  *url = *owned;
  return *owned ? EVPUB_OK : EVPUB_E_NOMEM;
}

/* Fill the graph store and update URLs from the endpoint and the
 * server kind, unless given alone. */
static evpub_status
resolve_urls(evpub_publisher *p)
{
  if(resolve_url(p, p->gsp_url, EVPUBP_SVC_GSP, &p->gsp, &p->gsp_owned) ||
     resolve_url(p, p->update_url, EVPUBP_SVC_UPDATE, &p->update,
                 &p->update_owned))
    return EVPUB_E_NOMEM;
  if(p->method == EVPUBP_M_GSP ? !p->gsp : !p->update) {
    evpubp_log(p->world, EVPUB_LOG_ERROR, NULL, 0, 0,
               "no endpoint set: set endpoint (or %s)",
               p->method == EVPUBP_M_GSP ? "gsp-url" : "update-url");
    return EVPUB_E_USAGE;
  }
  p->batch_limit =
    p->batch_triples ? p->batch_triples : (long)p->preset->batch_triples;
  return EVPUB_OK;
}

void
evpubp_progress(evpub_publisher *p, int last)
{
  evpub_publish_progress pr;
  double t;
  if(!p->progress_cb)
    return;
  t = evpubp_now();
  if(!last && t - p->last_progress < 0.25)
    return;
  p->last_progress = t;
  memset(&pr, 0, sizeof(pr));
  pr.events_done = p->events_done;
  pr.events_total = p->event_items;
  pr.published = p->stats.published;
  pr.unchanged = p->stats.unchanged;
  pr.failed = p->stats.failed;
  pr.triples = p->stats.triples;
  pr.bytes = p->stats.bytes;
  pr.elapsed = t - p->t0;
  pr.final = last;
  p->progress_cb(p->progress_user, &pr);
}

/* ---- the sink ---- */
typedef struct {
  evpub_publisher *p;
  evpubp_buf scratch;
  evpubp_graph *event; /* the graph of the event item being written */
} pub_sink;

static evpubp_graph *
entity_graph(evpub_publisher *p, const char *iri, size_t n)
{
  evpubp_map_entry *e = evpubp_map_put(&p->entity_map, iri, n);
  evpubp_graph *g;
  if(!e)
    return NULL;
  if(e->value)
    return e->value;
  if(p->nentities == p->capentities) {
    size_t cap = p->capentities ? p->capentities * 2 : 64;
    evpubp_graph **ng = realloc(p->entities, cap * sizeof(*ng));
    if(!ng)
      return NULL;
    p->entities = ng;
    p->capentities = cap;
  }
  g = evpubp_graph_new(iri, n, 0);
  if(!g)
    return NULL;
  p->entities[p->nentities++] = g;
  e->value = g;
  return g;
}

static int
ps_start(evpubp_sink *s)
{
  pub_sink *ps = s->priv;
  evpub_publisher *p = ps->p;
  p->event_items = s->event_items;
  p->stream = 0;
  if(p->graph_iri) {
    p->single = evpubp_graph_new(p->graph_iri, strlen(p->graph_iri), 1);
    if(!p->single) {
      evpubp_log(p->world, EVPUB_LOG_ERROR, NULL, 0, 0,
                 "cannot create a temporary file: %s", strerror(errno));
      s->failed_status = EVPUB_E_IO;
      return -1;
    }
    /* with resume, a journal entry for the graph needs its whole text
     * (its hash) before anything is sent */
    p->stream = p->method == EVPUBP_M_GSP && p->gsp_chunk && !p->dry_run &&
      !p->store && !evpubp_journal_knows(p, p->graph_iri);
  }
  return 0;
}

static int
ps_batch(evpubp_sink *s, const evpubp_batch *b)
{
  pub_sink *ps = s->priv;
  evpub_publisher *p = ps->p;
  const evpubp_stmt *st = b->st;
  size_t i;
  if(p->eng.fatal == EVPUBP_FATAL_DEAD)
    return 1; /* the server is gone: no use converting the rest (said at
                 the end of the run) */
  for(i = 0; i < b->n; i++) {
    evpubp_graph *g = p->single;
    if(!g && b->event && !st[i].shared && b->item) {
      if(!ps->event)
        ps->event = evpubp_graph_new(b->item, strlen(b->item), 0);
      g = ps->event;
    } else if(!g) {
      size_t len;
      const char *gi = evpubp_stmt_graph(s, b, &st[i], &len);
      g = entity_graph(p, gi, len);
    }
    if(!g)
      return -1;
    evpubp_graph_add(p, g, &st[i], &ps->scratch);
  }
  if(b->event)
    p->events_done++;
  if(p->stream)
    evpubp_stream_more(p);
  if(ps->event) {
    evpubp_graph *g = ps->event;
    ps->event = NULL;
    evpubp_send_graph(p, g);
  }
  evpubp_progress(p, 0);
  return 0;
}

static int
ps_finish(evpubp_sink *s)
{
  pub_sink *ps = s->priv;
  evpub_publisher *p = ps->p;
  size_t i;
  for(i = 0; i < p->nentities; i++) {
    evpubp_graph *g = p->entities[i];
    p->entities[i] = NULL;
    evpubp_send_graph(p, g);
  }
  p->nentities = 0;
  if(p->single) {
    evpubp_graph *g = p->single;
    p->single = NULL;
    evpubp_send_graph(p, g);
  }
  evpubp_flush_batch(p);
  if(!p->dry_run)
    evpubp_pump(p, 0, 0);
  evpubp_progress(p, 1);
  if(p->stats.failed) {
    s->failed_status = EVPUB_E_IO;
    return -1;
  }
  return 0;
}

static void
ps_free(evpubp_sink *s)
{
  pub_sink *ps = s->priv;
  if(ps) {
    evpubp_buf_free(&ps->scratch);
    evpubp_graph_free(ps->event);
    free(ps);
    s->priv = NULL;
  }
}

static const evpubp_sink_factory publish_sink = {
  .info = { "publish", "graphs to a server or the local store", "" },
  .start = ps_start,
  .batch = ps_batch,
  .finish = ps_finish,
  .free = ps_free
};

/* ---- a run ---- */
/* Where this run goes: the local store, or a server (its URLs, the
 * journal, the HTTP options, the engine). */
static evpub_status
start_run(evpub_publisher *p)
{
  evpub_status st;
  if(p->token && p->user) {
    evpubp_log(p->world, EVPUB_LOG_ERROR, NULL, 0, 0,
               "give a user or a token, not both");
    return EVPUB_E_USAGE;
  }
  if(p->store_dir && (p->endpoint || p->gsp_url || p->update_url)) {
    evpubp_log(p->world, EVPUB_LOG_ERROR, NULL, 0, 0,
               "give a store or an endpoint, not both");
    return EVPUB_E_USAGE;
  }
  if(p->store_dir) {
    /* graphs as N-Triples, as for the Graph Store Protocol */
    p->method = EVPUBP_M_GSP;
    return evpubp_store_open(p->world, p->store_dir, 1, &p->store);
  }
  st = resolve_urls(p);
  if(st == EVPUB_OK && !p->dry_run)
    st = evpubp_journal_open(p);
  p->http.user = p->user;
  p->http.password = p->password;
  p->http.token = p->token;
  p->http.auth = p->auth < 0 ? NULL : evpubp_auth_words[p->auth];
  p->http.netrc = p->netrc;
  p->http.cacert = p->cacert;
  p->http.preset = p->preset;
  p->http.timeout = p->timeout;
  p->http.connect_timeout = p->connect_timeout;
  if(st == EVPUB_OK && !p->dry_run)
    st = evpubp_engine_start(p);
  return st;
}

/* The run stopped because the server did not answer: say so once, with
 * what the journal offers. */
static void
say_dead(evpub_publisher *p)
{
  const char *url = p->method == EVPUBP_M_GSP ? p->gsp : p->update;
  evpubp_log(p->world, EVPUB_LOG_ERROR, NULL, 0, 0,
             "the server at %s did not answer %d requests in a row (%s): "
             "stopped after %lu of %lu events, %lu graphs stored, the "
             "others not sent; %s",
             url, EVPUBP_DEAD_AFTER, p->eng.dead_why, p->events_done,
             p->event_items, p->stats.published,
             p->journal.fp ? "run again with resume to send only the "
                             "graphs the journal does not have"
                           : "there is no journal: a new run sends every "
                             "graph again");
}

/* Convert into the publisher's sink.  Returns the converter's status. */
static evpub_status
run_sink(evpub_publisher *p, evpub_converter *conv)
{
  evpubp_sink sink;
  pub_sink *ps;
  evpub_status st;
  memset(&sink, 0, sizeof(sink));
  sink.factory = &publish_sink;
  sink.world = p->world;
  ps = calloc(1, sizeof(*ps));
  if(!ps)
    return EVPUB_E_NOMEM;
  evpubp_buf_init(&sink.buf);
  ps->p = p;
  evpubp_buf_init(&ps->scratch);
  sink.priv = ps;
  sink.opts.graph = p->graph_iri;
  st = evpubp_converter_run_sink(conv, &sink);
  ps_free(&sink);
  evpubp_buf_free(&sink.buf);
  return st;
}

evpub_status
evpub_publisher_run(evpub_publisher *p, evpub_converter *conv, FILE *out)
{
  evpub_status st;

  memset(&p->stats, 0, sizeof(p->stats));
  p->eng.fatal = 0;
  p->out = out ? out : stdout;
  p->events_done = 0;
  p->t0 = p->last_progress = evpubp_now();
  st = start_run(p);
  if(st == EVPUB_OK)
    st = run_sink(p, conv);
  if(p->streaming) /* the conversion stopped half-way */
    evpubp_stream_end(p, 0);
  if(p->eng.fatal == EVPUBP_FATAL_DEAD)
    st = EVPUB_E_IO; /* the sink stopped the conversion (a refusal, to
                        the converter) */
  if(st != EVPUB_OK && (st != EVPUB_E_DATA || p->stream) && p->eng.multi)
    evpubp_pump(p, 0, 0); /* let what was sent finish */
  if(p->eng.fatal == EVPUBP_FATAL_DEAD) {
    evpubp_progress(p, 1);
    say_dead(p);
  }
  if(st == EVPUB_OK && p->store && !p->dry_run &&
     evpubp_store_commit(p->store))
    st = EVPUB_E_IO;
  if(st != EVPUB_OK && p->store && !p->dry_run) {
    /* one transaction: nothing of this run is in the store */
    p->stats.failed += p->stats.published;
    p->stats.published = 0;
  }
  evpubp_journal_sync(p);
  end_run(p);
  return st;
}
