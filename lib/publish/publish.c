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

/* ---- options: one table, one lookup ---- */
typedef enum {
  OPT_STRING,  /* char *: a copy, of at least lo characters */
  OPT_URL,     /* char *: an http:// or https:// URL */
  OPT_IRI,     /* char *: an absolute IRI */
  OPT_COUNT,   /* long: a whole number from lo to hi */
  OPT_SECONDS, /* double: more than 0, at most a day */
  OPT_BOOL,    /* int: 1, yes, true or 0, no, false */
  OPT_ENUM,    /* int: the index of one of words */
  OPT_SERVER   /* const evpubp_preset *: a row of the preset table */
} opt_kind;

#define OPT_SECRET 1u /* wiped before it is freed */

typedef struct {
  const char *name;
  opt_kind kind;
  size_t off;               /* where it goes: offsetof the publisher */
  long lo, hi;              /* bounds (OPT_COUNT; OPT_STRING: lo) */
  const char *const *words; /* OPT_ENUM: the values, NULL-terminated */
  const char *what;         /* OPT_STRING: what a value is, for messages */
  unsigned flags;           /* OPT_SECRET */
} pub_option;

static const char *const methods[] = { "gsp", "update", NULL };
static const char *const auths[] = { "any", "basic", "digest", "negotiate",
                                     NULL };

#define AT(f) offsetof(struct evpub_publisher_s, f)

/* clang-format off */
static const pub_option options[] = {
  { "endpoint", OPT_URL, AT(endpoint), 0, 0, NULL, NULL, 0 },
  { "server", OPT_SERVER, AT(preset), 0, 0, NULL, NULL, 0 },
  { "query-url", OPT_URL, AT(query_url), 0, 0, NULL, NULL, 0 },
  { "update-url", OPT_URL, AT(update_url), 0, 0, NULL, NULL, 0 },
  { "gsp-url", OPT_URL, AT(gsp_url), 0, 0, NULL, NULL, 0 },
  { "store", OPT_STRING, AT(store_dir), 1, 0, NULL, "a directory", 0 },
  { "method", OPT_ENUM, AT(method), 0, 0, methods, NULL, 0 },
  { "graph", OPT_IRI, AT(graph_iri), 0, 0, NULL, NULL, 0 },
  { "user", OPT_STRING, AT(user), 0, 0, NULL, NULL, 0 },
  { "password", OPT_STRING, AT(password), 0, 0, NULL, NULL, OPT_SECRET },
  { "token", OPT_STRING, AT(token), 0, 0, NULL, NULL, OPT_SECRET },
  { "auth", OPT_ENUM, AT(auth), 0, 0, auths, NULL, 0 },
  { "netrc", OPT_STRING, AT(netrc), 0, 0, NULL, NULL, 0 },
  { "cacert", OPT_STRING, AT(cacert), 0, 0, NULL, NULL, 0 },
  { "jobs", OPT_COUNT, AT(jobs), 1, 64, NULL, NULL, 0 },
  { "retries", OPT_COUNT, AT(retries), 0, 100, NULL, NULL, 0 },
  { "batch-triples", OPT_COUNT, AT(batch_triples), 1, 100000, NULL, NULL,
    0 },
  { "gsp-chunk-triples", OPT_COUNT, AT(gsp_chunk), 0, 100000000, NULL,
    NULL, 0 },
  { "timeout", OPT_SECONDS, AT(timeout), 0, 0, NULL, NULL, 0 },
  { "connect-timeout", OPT_SECONDS, AT(connect_timeout), 0, 0, NULL, NULL,
    0 },
  { "retry-wait", OPT_SECONDS, AT(retry_wait), 0, 0, NULL, NULL, 0 },
  { "journal", OPT_STRING, AT(journal_path), 0, 0, NULL, NULL, 0 },
  { "resume", OPT_BOOL, AT(resume), 0, 0, NULL, NULL, 0 },
  { "dry-run", OPT_BOOL, AT(dry_run), 0, 0, NULL, NULL, 0 },
};
/* clang-format on */

#define NOPTIONS (sizeof(options) / sizeof(options[0]))

static void *
field(evpub_publisher *p, const pub_option *o)
{
  return (char *)p + o->off;
}

static int
is_string(const pub_option *o)
{
  return o->kind == OPT_STRING || o->kind == OPT_URL || o->kind == OPT_IRI;
}

void
evpub_free_publisher(evpub_publisher *p)
{
  size_t i;
  if(!p)
    return;
  end_run(p);
  evpubp_buf_free(&p->upd.values);
  for(i = 0; i < NOPTIONS; i++) {
    char **s = field(p, &options[i]);
    if(!is_string(&options[i]))
      continue;
    if(*s && (options[i].flags & OPT_SECRET))
      memset(*s, 0, strlen(*s)); /* do not leave secrets about */
    free(*s);
  }
  free(p);
}

/* Append "a, b or c": the words of an enum. */
static void
put_words(evpubp_buf *b, const char *const *words)
{
  size_t i;
  for(i = 0; words[i]; i++) {
    if(i)
      evpubp_buf_adds(b, words[i + 1] ? ", " : " or ");
    evpubp_buf_adds(b, words[i]);
  }
}

/* Refuse v for option o: say why.  Returns EVPUB_E_USAGE. */
static evpub_status
refuse(const evpub_publisher *p, const pub_option *o, const char *v)
{
  evpubp_buf b;
  evpubp_buf_init(&b);
  switch(o->kind) {
  case OPT_STRING:
    evpubp_buf_printf(&b, "%s needs %s", o->name, o->what);
    break;
  case OPT_URL:
    evpubp_buf_printf(&b, "%s '%s' is not an http:// or https:// URL", o->name,
                      v);
    break;
  case OPT_IRI:
    evpubp_buf_printf(&b, "%s '%s' is not an absolute IRI", o->name, v);
    break;
  case OPT_COUNT:
    evpubp_buf_printf(&b, "%s needs a number from %ld to %ld, not '%s'",
                      o->name, o->lo, o->hi, v);
    break;
  case OPT_SECONDS:
    evpubp_buf_printf(&b, "%s needs a positive number of seconds, not '%s'",
                      o->name, v);
    break;
  case OPT_BOOL:
    evpubp_buf_printf(&b, "%s needs 1, yes, true, 0, no or false, not '%s'",
                      o->name, v);
    break;
  case OPT_ENUM:
  case OPT_SERVER:
    evpubp_buf_printf(&b, "unknown %s '%s' (use ", o->name, v);
    if(o->kind == OPT_ENUM)
      put_words(&b, o->words);
    else
      evpubp_preset_names(&b);
    evpubp_buf_addc(&b, ')');
    break;
  }
  evpubp_log(p->world, EVPUB_LOG_ERROR, NULL, 0, 0, "%s",
             b.failed ? "bad option value" : b.data);
  evpubp_buf_free(&b);
  return EVPUB_E_USAGE;
}

/* Parse v as option o into its field.  1: refused, 0: set, -1: out of
 * memory. */
static int
parse_option(evpub_publisher *p, const pub_option *o, const char *v)
{
  void *f = field(p, o);
  char *end;
  size_t i;
  errno = 0;
  switch(o->kind) {
  case OPT_URL:
    if(strncmp(v, "http://", 7) && strncmp(v, "https://", 8))
      return 1;
    /* fall through */
  case OPT_IRI:
    if(o->kind == OPT_IRI && !evpubp_iri_absolute(v, strlen(v)))
      return 1;
    /* fall through */
  case OPT_STRING: {
    char *copy;
    if(strlen(v) < (size_t)o->lo)
      return 1;
    copy = strdup(v);
    if(!copy)
      return -1;
    free(*(char **)f);
    *(char **)f = copy;
    return 0;
  }
  case OPT_COUNT: {
    long n = strtol(v, &end, 10);
    if(errno || end == v || *end || n < o->lo || n > o->hi)
      return 1;
    *(long *)f = n;
    return 0;
  }
  case OPT_SECONDS: {
    double d = strtod(v, &end);
    if(errno || end == v || *end || !(d > 0) || d > 86400)
      return 1;
    *(double *)f = d;
    return 0;
  }
  case OPT_BOOL: {
    static const char *const bools[] = { "0",   "no",   "false", "1",
                                         "yes", "true", NULL };
    for(i = 0; bools[i] && strcmp(bools[i], v); i++)
      ;
    if(!bools[i])
      return 1;
    *(int *)f = i >= 3;
    return 0;
  }
  case OPT_ENUM:
    for(i = 0; o->words[i] && strcmp(o->words[i], v); i++)
      ;
    if(!o->words[i])
      return 1;
    *(int *)f = (int)i;
    return 0;
  case OPT_SERVER: {
    const evpubp_preset *preset = evpubp_preset_find(v);
    if(!preset)
      return 1;
    *(const evpubp_preset **)f = preset;
    return 0;
  }
  }
  return 1;
}

evpub_status
evpub_publisher_set(evpub_publisher *p, const char *name, const char *v)
{
  size_t i;
  int rc;
  if(!name || !v)
    return EVPUB_E_USAGE;
  for(i = 0; i < NOPTIONS && strcmp(options[i].name, name); i++)
    ;
  if(i == NOPTIONS) {
    evpubp_log(p->world, EVPUB_LOG_ERROR, NULL, 0, 0,
               "unknown publisher option '%s'", name);
    return EVPUB_E_USAGE;
  }
  rc = parse_option(p, &options[i], v);
  if(rc > 0)
    return refuse(p, &options[i], v);
  return rc ? EVPUB_E_NOMEM : EVPUB_OK;
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
  p->http.auth = p->auth < 0 ? NULL : auths[p->auth];
  p->http.netrc = p->netrc;
  p->http.cacert = p->cacert;
  p->http.preset = p->preset;
  p->http.timeout = p->timeout;
  p->http.connect_timeout = p->connect_timeout;
  if(st == EVPUB_OK && !p->dry_run)
    st = evpubp_engine_start(p);
  return st;
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
  if(st != EVPUB_OK && (st != EVPUB_E_DATA || p->stream) && p->eng.multi)
    evpubp_pump(p, 0, 0); /* let what was sent finish */
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
