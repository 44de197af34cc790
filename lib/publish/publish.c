/* evpub_publish.c - send the named graphs to a SPARQL 1.1 server
 *
 * The converter writes into a sink of this file, which sorts statements
 * into named graphs (doc/publishing.md): an event's graph is complete at
 * the end of its item and is sent at once; entity graphs collect over the
 * whole run and are sent at the end.  Each graph becomes
 *
 *   gsp     one PUT {gsp-url}?graph=G with the graph as N-Triples;
 *   update  a part of a POST of SPARQL Update: graphs that fit in one
 *           request are replaced there (DELETE of their old triples, then
 *           INSERT DATA, one request, so atomic per graph as SPARQL 1.1
 *           Update asks of servers); a bigger graph is loaded into a
 *           staging graph over several requests and then MOVEd into place.
 *
 * Requests run on a curl multi handle (--jobs at once, connections kept),
 * bodies are read from the graphs' buffers or files as they are sent and
 * always carry Content-Length.  Failed requests are retried with backoff;
 * a journal records what was stored so that --resume skips it.
 */
#include <curl/curl.h>
#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "convert.h"
#include "remote/remote.h"
#include "store/store.h"

#define STAGING_PREFIX "urn:evpub:staging:"
#define MAX_GROUPS 1000          /* subject groups per update request */
#define MAX_PART_BYTES (4 << 20) /* update body bytes (Virtuoso: 10 MB) */
#define MAX_BACKOFF 30.0
#define MAX_RETRY_AFTER 300.0
#define RESP_KEEP 4096

enum { M_GSP = 0, M_UPDATE };

/* ---- a streaming 128-bit content hash (change detection) ------------ */
typedef struct {
  uint64_t a, b;
} chash;

static void
chash_init(chash *h)
{
  h->a = 0xcbf29ce484222325ULL;
  h->b = 0x84222325cbf29ce4ULL;
}

static void
chash_add(chash *h, const char *s, size_t n)
{
  size_t i;
  uint64_t a = h->a, b = h->b;
  for(i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    a = (a ^ c) * 0x100000001b3ULL;
    b = (b ^ c) * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
  }
  h->a = a;
  h->b = b;
}

static void
chash_hex(const chash *h, char out[33])
{
  uint64_t a = h->a ^ (h->b >> 29), b = h->b ^ (h->a << 17);
  snprintf(out, 33, "%016llx%016llx", (unsigned long long)a,
           (unsigned long long)b);
}

/* ---- graphs ---- */
typedef struct {
  char *iri;
  unsigned long triples;
  evpubp_buf text; /* the body text, or: */
  FILE *fp;        /* spooled to a temporary file (one big graph) */
  uint64_t size;
  chash h;
  char *subject; /* update: the subject of the open group */
  /* update: where a request may start (parts of a big graph) */
  uint64_t *cuts;
  size_t ncuts, capcuts;
  uint64_t part_start;
  unsigned long part_triples, part_groups, groups;
  int failed; /* out of memory or a write error */
} graph;

/* ---- requests ---- */
typedef struct {
  const char *data; /* memory, or */
  FILE *fp;         /* a file, from */
  uint64_t off;
  uint64_t len;
} segment;

typedef struct {
  char *iri;
  char hash[33];
} done_graph;

typedef struct req req;
struct req {
  req *next;
  int put; /* HTTP PUT, else POST */
  int gsp; /* a Graph Store Protocol body (N-Triples) */
  char *url;
  evpubp_buf head, data; /* owned body text */
  const char *tail;      /* static */
  segment segs[3];
  int nsegs;
  uint64_t total, pos;
  graph *big; /* a graph sent in parts (staging, or GSP PUT + POSTs) */
  size_t part, nparts;
  /* GSP parts after the first go as requests of their own, side by side
   * (--jobs): each points to the request of part 0, which holds the graph
   * and completes when the last of them has */
  req *owner;
  size_t parts_left, parts_made;
  int parts_failed;
  int put_done, put_failed; /* part 0 (the PUT) has ended */
  int open;                 /* streamed: its graph is still being written */
  char *staging;
  done_graph *graphs;
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

struct evpub_publisher_s {
  evpub_world *world;
  /* options */
  char *endpoint, *query_url, *update_url, *gsp_url;
  const evpubp_preset *preset; /* the server kind */
  char *graph_iri, *user, *password, *token, *netrc, *cacert;
  char *journal_path, *store_dir;
  int method, auth, resume, dry_run; /* auth: -1 unset */
  evpubp_store *store;               /* publishing into the local store */
  long jobs, retries, batch_triples, gsp_chunk;
  double timeout, connect_timeout, retry_wait;
  /* a run */
  const char *gsp, *update; /* resolved URLs (into the strings below) */
  char *gsp_owned, *update_owned;
  long batch_limit; /* update: triples per request */
  evpubp_http http; /* borrows the strings above */
  FILE *out;
  CURLM *multi;
  /* idle easy handles: reused, so that connections and the digest
   * authentication state (nonce) carry over from one request to the
   * next instead of costing a 401 round trip each time */
  CURL *idle[64];
  size_t nidle;
  req *pending, *pending_tail;
  size_t npending, nrunning;
  int fatal;
  evpubp_map journal; /* iri -> hash (malloc'd), with resume */
  FILE *journal_fp;
  evpub_publish_stats stats;
  /* the graphs being built */
  graph *single;         /* the one graph of "graph" */
  int stream;            /* send the one graph's parts while writing it */
  req *streaming;        /* the request of that graph, once started */
  evpubp_map entity_map; /* iri -> graph */
  graph **entities;
  size_t nentities, capentities;
  /* update: the batch being filled */
  req *batch;
  evpubp_buf values;
  unsigned long batch_triples_now, batch_groups;
  /* progress */
  evpub_progress_cb progress_cb;
  void *progress_user;
  double t0, last_progress;
  unsigned long events_done, event_items;
};

static double
now(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static char *
xstrdup(const char *s)
{
  size_t n = strlen(s) + 1;
  char *p = malloc(n);
  if(p)
    memcpy(p, s, n);
  return p;
}

/* ---- options ---- */
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
  evpubp_map_init(&p->journal);
  evpubp_map_init(&p->entity_map);
  evpubp_buf_init(&p->values);
  return p;
}

static void free_req(req *r);
static void free_graph(graph *g);

static void
free_journal(evpub_publisher *p)
{
  size_t i;
  for(i = 0; i < p->journal.cap; i++)
    if(p->journal.slots[i].key)
      free(p->journal.slots[i].value);
  evpubp_map_free(&p->journal);
}

/* What a run leaves behind, so that a publisher can run again. */
static void
end_run(evpub_publisher *p)
{
  size_t i;
  req *r, *nx;
  for(r = p->pending; r; r = nx) {
    nx = r->next;
    free_req(r);
  }
  p->pending = p->pending_tail = NULL;
  p->npending = 0;
  free_req(p->batch);
  p->batch = NULL;
  for(i = 0; i < p->nentities; i++)
    free_graph(p->entities[i]);
  free(p->entities);
  p->entities = NULL;
  p->nentities = p->capentities = 0;
  evpubp_map_free(&p->entity_map);
  free_graph(p->single);
  p->single = NULL;
  free_journal(p);
  if(p->journal_fp) {
    fclose(p->journal_fp);
    p->journal_fp = NULL;
  }
  if(p->multi) {
    curl_multi_cleanup(p->multi);
    p->multi = NULL;
  }
  while(p->nidle)
    curl_easy_cleanup(p->idle[--p->nidle]);
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
  evpubp_buf_free(&p->values);
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
  if(p->method == M_GSP ? !p->gsp : !p->update) {
    evpubp_log(p->world, EVPUB_LOG_ERROR, NULL, 0, 0,
               "no endpoint set: set endpoint (or %s)",
               p->method == M_GSP ? "gsp-url" : "update-url");
    return EVPUB_E_USAGE;
  }
  p->batch_limit =
    p->batch_triples ? p->batch_triples : (long)p->preset->batch_triples;
  return EVPUB_OK;
}

/* ---- the journal ---------------------------------------------------------
 * A text file: a first line "# evpub journal TARGET", then one line
 * "HASH IRI" per graph stored.  The last line about a graph wins. */
static const char *
target_url(const evpub_publisher *p)
{
  return p->method == M_GSP ? p->gsp : p->update;
}

static int
mkdirs(char *path)
{
  char *s;
  for(s = path + 1; *s; s++)
    if(*s == '/') {
      *s = '\0';
      if(mkdir(path, 0700) && errno != EEXIST) {
        *s = '/';
        return -1;
      }
      *s = '/';
    }
  return 0;
}

static char *
default_journal(const evpub_publisher *p)
{
  const char *state = getenv("XDG_STATE_HOME");
  const char *home = getenv("HOME");
  evpubp_buf b, key;
  char hex[33];
  chash h;
  evpubp_buf_init(&b);
  evpubp_buf_init(&key);
  if(state && *state)
    evpubp_buf_printf(&b, "%s/evpub/", state);
  else if(home && *home)
    evpubp_buf_printf(&b, "%s/.local/state/evpub/", home);
  else
    return NULL;
  evpubp_buf_printf(&key, "%s %s %s", p->method == M_GSP ? "gsp" : "update",
                    target_url(p), p->graph_iri ? p->graph_iri : "");
  chash_init(&h);
  chash_add(&h, key.data, key.len);
  chash_hex(&h, hex);
  evpubp_buf_printf(&b, "journal-%.16s", hex);
  evpubp_buf_free(&key);
  if(b.failed) {
    evpubp_buf_free(&b);
    return NULL;
  }
  return b.data; /* NUL-terminated by evpubp_buf */
}

static evpub_status
open_journal(evpub_publisher *p)
{
  char *path = p->journal_path ? xstrdup(p->journal_path) : default_journal(p);
  FILE *fp;
  char line[16384];
  if(!path) {
    if(p->resume) {
      evpubp_log(p->world, EVPUB_LOG_ERROR, NULL, 0, 0,
                 "resume needs a journal: set journal (there is no "
                 "default: neither XDG_STATE_HOME nor HOME is set)");
      return EVPUB_E_USAGE;
    }
    return EVPUB_OK;
  }
  if(p->resume && (fp = fopen(path, "r")) != NULL) {
    unsigned long lineno = 0;
    while(fgets(line, sizeof(line), fp)) {
      size_t n = strlen(line);
      evpubp_map_entry *e;
      lineno++;
      if(n && line[n - 1] == '\n')
        line[--n] = '\0';
      if(lineno == 1)
        continue; /* "# evpub journal TARGET": for people */
      if(n < 34 || line[32] != ' ')
        continue; /* a line cut by a crash */
      e = evpubp_map_put(&p->journal, line + 33, n - 33);
      if(!e) {
        fclose(fp);
        free(path);
        return EVPUB_E_NOMEM;
      }
      free(e->value);
      e->value = malloc(33);
      if(!e->value) {
        fclose(fp);
        free(path);
        return EVPUB_E_NOMEM;
      }
      memcpy(e->value, line, 32);
      ((char *)e->value)[32] = '\0';
    }
    fclose(fp);
  }
  if(!p->journal_path)
    mkdirs(path);
  p->journal_fp = fopen(path, p->resume ? "a" : "w");
  if(!p->journal_fp) {
    evpubp_log(p->world, EVPUB_LOG_ERROR, path, 0, 0,
               "cannot write the journal: %s", strerror(errno));
    free(path);
    return EVPUB_E_IO;
  }
  if(ftell(p->journal_fp) == 0)
    fprintf(p->journal_fp, "# evpub journal %s\n", target_url(p));
  free(path);
  return EVPUB_OK;
}

static int
journal_has(const evpub_publisher *p, const char *iri, const char *hash)
{
  evpubp_map_entry *e;
  if(!p->resume)
    return 0;
  e = evpubp_map_find(&p->journal, iri, strlen(iri));
  return e && !strcmp(e->value, hash);
}

static void
journal_add(evpub_publisher *p, const done_graph *g)
{
  if(!p->journal_fp)
    return;
  fprintf(p->journal_fp, "%s %s\n", g->hash, g->iri);
  fflush(p->journal_fp);
}

/* ---- graph text ---- */
static graph *
new_graph(const char *iri, size_t n, int spool)
{
  graph *g = calloc(1, sizeof(*g));
  if(!g)
    return NULL;
  g->iri = malloc(n + 1);
  if(!g->iri) {
    free(g);
    return NULL;
  }
  memcpy(g->iri, iri, n);
  g->iri[n] = '\0';
  evpubp_buf_init(&g->text);
  chash_init(&g->h);
  if(spool && !(g->fp = tmpfile())) {
    free(g->iri);
    free(g);
    return NULL;
  }
  return g;
}

static void
free_graph(graph *g)
{
  if(!g)
    return;
  free(g->iri);
  evpubp_buf_free(&g->text);
  if(g->fp)
    fclose(g->fp);
  free(g->subject);
  free(g->cuts);
  free(g);
}

static void
graph_write(graph *g, const char *s, size_t n)
{
  chash_add(&g->h, s, n);
  if(g->fp) {
    if(fwrite(s, 1, n, g->fp) != n)
      g->failed = 1;
  } else if(evpubp_buf_add(&g->text, s, n)) {
    g->failed = 1;
  }
  g->size += n;
}

static void
sparql_iri(evpubp_buf *b, const char *iri, size_t n)
{
  evpubp_buf_addc(b, '<');
  evpubp_escape_iri(b, iri, n);
  evpubp_buf_addc(b, '>');
}

/* Close the open subject group of an update graph. */
static void
close_group(graph *g)
{
  if(g->subject) {
    graph_write(g, " .\n", 3);
    free(g->subject);
    g->subject = NULL;
  }
}

/* A request may start here: a cut of the graph's text. */
static void
add_cut(graph *g)
{
  if(g->ncuts == g->capcuts) {
    size_t cap = g->capcuts ? g->capcuts * 2 : 16;
    uint64_t *nc = realloc(g->cuts, cap * sizeof(*nc));
    if(!nc) {
      g->failed = 1;
      return;
    }
    g->cuts = nc;
    g->capcuts = cap;
  }
  g->cuts[g->ncuts++] = g->size;
  g->part_start = g->size;
  g->part_triples = g->part_groups = 0;
}

static void
graph_add(evpub_publisher *p, graph *g, const evpubp_stmt *st,
          evpubp_buf *scratch)
{
  evpubp_buf_reset(scratch);
  if(p->store) {
    evpubp_store_record(scratch, st);
  } else if(p->method == M_GSP) {
    /* a big graph goes as a PUT of its first part and POSTs of the
     * others: Virtuoso can hang for good on one PUT of a million
     * triples (doc/publishing.md) */
    if(p->gsp_chunk && g->part_triples >= (unsigned long)p->gsp_chunk)
      add_cut(g);
    evpubp_nt_statement(scratch, st);
  } else if(g->subject && !strcmp(g->subject, st->s)) {
    evpubp_buf_add(scratch, " ;\n  ", 5);
    sparql_iri(scratch, st->p, strlen(st->p));
    evpubp_buf_addc(scratch, ' ');
    evpubp_object_term(scratch, st, 1);
  } else {
    close_group(g);
    /* a new group: a new request may start here */
    if(g->part_triples >= (unsigned long)p->batch_limit ||
       g->part_groups >= MAX_GROUPS ||
       g->size - g->part_start >= MAX_PART_BYTES)
      add_cut(g);
    g->subject = xstrdup(st->s);
    if(!g->subject)
      g->failed = 1;
    g->part_groups++;
    g->groups++;
    sparql_iri(scratch, st->s, strlen(st->s));
    evpubp_buf_addc(scratch, ' ');
    sparql_iri(scratch, st->p, strlen(st->p));
    evpubp_buf_addc(scratch, ' ');
    evpubp_object_term(scratch, st, 1);
  }
  if(scratch->failed)
    g->failed = 1;
  else
    graph_write(g, scratch->data, scratch->len);
  g->triples++;
  g->part_triples++;
}

/* ---- requests ---- */
static void
free_req(req *r)
{
  size_t i;
  if(!r)
    return;
  free(r->url);
  evpubp_buf_free(&r->head);
  evpubp_buf_free(&r->data);
  evpubp_buf_free(&r->resp);
  if(!r->owner) /* a part shares its owner's graph */
    free_graph(r->big);
  free(r->staging);
  for(i = 0; i < r->ngraphs; i++)
    free(r->graphs[i].iri);
  free(r->graphs);
  if(r->easy) /* still in use: not the pool's any more */
    curl_easy_cleanup(r->easy);
  curl_slist_free_all(r->hdrs);
  free(r);
}

static req *
new_req(int put, const char *url)
{
  req *r = calloc(1, sizeof(*r));
  if(!r)
    return NULL;
  r->put = put;
  r->url = xstrdup(url);
  evpubp_buf_init(&r->head);
  evpubp_buf_init(&r->data);
  evpubp_buf_init(&r->resp);
  if(!r->url) {
    free(r);
    return NULL;
  }
  return r;
}

/* Record that r, when it succeeds, completes graph g. */
static int
req_add_graph(req *r, const graph *g, const char *hash)
{
  done_graph *ng = realloc(r->graphs, (r->ngraphs + 1) * sizeof(*ng));
  if(!ng)
    return -1;
  r->graphs = ng;
  ng[r->ngraphs].iri = xstrdup(g->iri);
  if(!ng[r->ngraphs].iri)
    return -1;
  memcpy(ng[r->ngraphs].hash, hash, 33);
  r->ngraphs++;
  r->triples += g->triples;
  return 0;
}

static void
set_segments(req *r, const segment *segs, int n)
{
  int i;
  r->nsegs = n;
  r->total = 0;
  r->pos = 0;
  for(i = 0; i < n; i++) {
    r->segs[i] = segs[i];
    r->total += segs[i].len;
  }
}

static size_t
body_read(char *dst, size_t size, size_t nmemb, void *user)
{
  req *r = user;
  size_t want = size * nmemb, done = 0;
  uint64_t at = 0;
  int i;
  for(i = 0; i < r->nsegs && done < want; i++) {
    const segment *s = &r->segs[i];
    uint64_t from, n;
    if(r->pos >= at + s->len) {
      at += s->len;
      continue;
    }
    from = r->pos - at;
    n = s->len - from;
    if(n > want - done)
      n = want - done;
    if(s->fp) {
      /* pread: the file may still be written through its FILE (a graph
       * streamed while it is converted), whose position stays put */
      uint64_t got = 0;
      while(got < n) {
        ssize_t k = pread(fileno(s->fp), dst + done + got, (size_t)(n - got),
                          (off_t)(s->off + from + got));
        if(k <= 0) {
          if(k < 0 && errno == EINTR)
            continue;
          return CURL_READFUNC_ABORT;
        }
        got += (uint64_t)k;
      }
    } else {
      memcpy(dst + done, s->data + s->off + from, (size_t)n);
    }
    done += (size_t)n;
    r->pos += n;
    at += s->len;
  }
  return done;
}

/* libcurl rewinds the body to send it again (authentication, redirects) */
static int
body_seek(void *user, curl_off_t offset, int origin)
{
  req *r = user;
  if(origin != SEEK_SET || offset < 0 || (uint64_t)offset > r->total)
    return CURL_SEEKFUNC_CANTSEEK;
  r->pos = (uint64_t)offset;
  return CURL_SEEKFUNC_OK;
}

static size_t
resp_write(char *data, size_t size, size_t nmemb, void *user)
{
  req *r = user;
  size_t n = size * nmemb;
  if(r->resp.len < RESP_KEEP)
    evpubp_buf_add(&r->resp, data,
                   n < RESP_KEEP - r->resp.len ? n : RESP_KEEP - r->resp.len);
  return n;
}

static int
setup_easy(evpub_publisher *p, req *r)
{
  CURL *e = r->easy;
  if(!e) {
    /* no curl_easy_reset(): it would forget the authentication state */
    e = p->nidle ? p->idle[--p->nidle] : curl_easy_init();
    if(!e)
      return -1;
    r->easy = e;
  }
  curl_slist_free_all(r->hdrs);
  r->hdrs = NULL;
  r->hdrs = curl_slist_append(r->hdrs,
                              r->gsp ? "Content-Type: "
                                       "application/n-triples"
                                     : "Content-Type: "
                                       "application/"
                                       "sparql-update");
  if(!r->hdrs)
    return -1;
  evpubp_buf_reset(&r->resp);
  r->errbuf[0] = '\0';
  r->pos = 0;
  curl_easy_setopt(e, CURLOPT_URL, r->url);
  curl_easy_setopt(e, CURLOPT_PRIVATE, r);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->hdrs);
  curl_easy_setopt(e, CURLOPT_READFUNCTION, body_read);
  curl_easy_setopt(e, CURLOPT_READDATA, r);
  curl_easy_setopt(e, CURLOPT_SEEKFUNCTION, body_seek);
  curl_easy_setopt(e, CURLOPT_SEEKDATA, r);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, resp_write);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
  evpubp_http_setup(e, &p->http);
  if(r->put) {
    curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, (curl_off_t)r->total);
  } else {
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)r->total);
  }
  return 0;
}

/* Part r->part of a big graph by the Graph Store Protocol: the first
 * replaces the graph (PUT), the others add to it (POST: adding triples
 * twice changes nothing, so a retried part is harmless). */
static void
set_gsp_part(req *r)
{
  graph *g = r->big;
  segment s;
  memset(&s, 0, sizeof(s));
  s.data = g->text.data;
  s.fp = g->fp;
  s.off = r->part ? g->cuts[r->part - 1] : 0;
  s.len = (r->part < g->ncuts ? g->cuts[r->part] : g->size) - s.off;
  r->put = r->part == 0;
  set_segments(r, &s, 1);
}

static int set_part(evpub_publisher *p, req *r);

/* The next part of a graph sent in parts. */
static int
next_part(evpub_publisher *p, req *r)
{
  r->part++;
  if(r->gsp) {
    set_gsp_part(r);
    return 0;
  }
  return set_part(p, r);
}

/* Build the body of part r->part of a big graph sent through staging. */
static int
set_part(evpub_publisher *p, req *r)
{
  graph *g = r->big;
  uint64_t from = r->part ? g->cuts[r->part - 1] : 0;
  uint64_t to = r->part < g->ncuts ? g->cuts[r->part] : g->size;
  segment s[3];
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
    sparql_iri(&r->data, g->iri, strlen(g->iri));
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
  set_segments(r, s, 3);
  return 0;
}

/* ---- the queue and the engine ---- */
static void
enqueue(evpub_publisher *p, req *r, int front)
{
  if(front) {
    r->next = p->pending;
    p->pending = r;
    if(!p->pending_tail)
      p->pending_tail = r;
  } else {
    r->next = NULL;
    if(p->pending_tail)
      p->pending_tail->next = r;
    else
      p->pending = r;
    p->pending_tail = r;
  }
  p->npending++;
}

/* Tell the caller where the run is: at most four times a second, and
 * at the end (last). */
static void
progress(evpub_publisher *p, int last)
{
  evpub_publish_progress pr;
  double t;
  if(!p->progress_cb)
    return;
  t = now();
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

/* First line of a server's answer, for the log. */
static void
first_line(const evpubp_buf *b, char *out, size_t n)
{
  size_t i = 0, j = 0;
  const char *s = b->data ? b->data : "";
  /* skip markup: an HTML error page says what matters in its text */
  while(s[i] && j + 1 < n) {
    if(s[i] == '<') {
      while(s[i] && s[i] != '>')
        i++;
      if(s[i])
        i++;
      if(j && out[j - 1] != ' ')
        out[j++] = ' ';
      continue;
    }
    if(s[i] == '\n' || s[i] == '\r' || s[i] == '\t') {
      if(j && out[j - 1] != ' ')
        out[j++] = ' ';
      i++;
      continue;
    }
    if((unsigned char)s[i] >= 0x20)
      out[j++] = s[i];
    i++;
  }
  while(j && out[j - 1] == ' ')
    j--;
  out[j] = '\0';
  if(j > 200)
    memcpy(out + 197, "...", 4);
}

static void req_failed(evpub_publisher *p, req *r, const char *why);
static void req_succeeded(evpub_publisher *p, req *r);

/* A part sent on its own has ended: its graph ends with the last one. */
static void owner_done(evpub_publisher *p, req *o);

static void
part_ended(evpub_publisher *p, req *r, int ok)
{
  req *o = r->owner;
  if(!ok)
    o->parts_failed++;
  free_req(r);
  if(--o->parts_left || o->open)
    return;
  owner_done(p, o);
}

/* Every part of a graph sent in parts has ended. */
static void
owner_done(evpub_publisher *p, req *o)
{
  char why[128];
  if(!o->parts_failed) {
    req_succeeded(p, o);
    return;
  }
  snprintf(why, sizeof(why), "%d of its %zu parts not stored (see above)",
           o->parts_failed, o->nparts);
  req_failed(p, o, why);
}

static void
req_failed(evpub_publisher *p, req *r, const char *why)
{
  size_t i;
  if(r->owner) {
    if(!p->fatal && why)
      evpubp_log(p->world, EVPUB_LOG_ERROR, NULL, 0, 0,
                 "graph <%s>, part %zu: %s", r->big->iri, r->part + 1, why);
    part_ended(p, r, 0);
    return;
  }
  if(r->open) {
    /* the PUT of a graph still being written: it waits for its end */
    if(!p->fatal && why)
      evpubp_log(p->world, EVPUB_LOG_ERROR, NULL, 0, 0,
                 "graph <%s>, part 1: %s", r->big->iri, why);
    r->put_failed = 1;
    r->parts_failed++;
    return;
  }
  if(p->fatal) {
    /* one message said why (see finished()); the count is in the report */
    p->stats.failed += r->ngraphs;
    free_req(r);
    return;
  }
  for(i = 0; i < r->ngraphs; i++)
    evpubp_log(p->world, EVPUB_LOG_ERROR, NULL, 0, 0, "graph <%s>: %s",
               r->graphs[i].iri, why);
  p->stats.failed += r->ngraphs;
  free_req(r);
}

static void
req_succeeded(evpub_publisher *p, req *r)
{
  size_t i;
  if(r->owner) {
    part_ended(p, r, 1);
    return;
  }
  for(i = 0; i < r->ngraphs; i++)
    journal_add(p, &r->graphs[i]);
  p->stats.published += r->ngraphs;
  p->stats.triples += r->triples;
  free_req(r);
}

/* Once the PUT of a graph's first part has replaced the graph: queue its
 * parts up to `upto` (not included) as requests of their own, which run
 * side by side (--jobs).  A POST of triples is idempotent, so their order
 * and a retry of one do not matter.  r waits for them. */
static void
queue_parts(evpub_publisher *p, req *r, size_t upto)
{
  if(!r->parts_made)
    r->parts_made = 1;
  if(r->parts_made < upto && r->big->fp && fflush(r->big->fp)) {
    /* a graph still being written: what the parts read must be in the
     * file */
    r->big->failed = 1;
    return;
  }
  for(; r->parts_made < upto; r->parts_made++) {
    req *q = new_req(0, r->url);
    if(!q) {
      r->parts_failed++;
      continue;
    }
    q->gsp = 1;
    q->big = r->big;
    q->owner = r;
    q->part = r->parts_made;
    q->nparts = r->nparts;
    set_gsp_part(q);
    enqueue(p, q, 0);
    r->parts_left++;
  }
}

static int
transient(CURLcode res, long status)
{
  switch(res) {
  case CURLE_OK: return status == 408 || status == 429 || status >= 500;
  case CURLE_COULDNT_CONNECT:
  case CURLE_OPERATION_TIMEDOUT:
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_PARTIAL_FILE:
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_HTTP2:
  case CURLE_HTTP2_STREAM: return 1;
  default: return 0;
  }
}

static void
finished(evpub_publisher *p, req *r, CURLcode res)
{
  long status = 0;
  char why[512], msg[256];
  curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
  curl_multi_remove_handle(p->multi, r->easy);
  p->nrunning--;
  if(p->nidle < sizeof(p->idle) / sizeof(p->idle[0])) {
    /* what is read below stays readable until the handle's next use */
    p->idle[p->nidle++] = r->easy;
    r->easy = NULL;
    r->pooled = p->idle[p->nidle - 1];
  }
  if(res == CURLE_OK && status >= 200 && status < 300) {
    if(r->gsp && r->big && !r->owner && (r->open || r->nparts > 1)) {
      /* the PUT has replaced the graph: the other parts add to it */
      r->put_done = 1;
      queue_parts(p, r, r->open ? r->big->ncuts : r->nparts);
      if(!r->open && !r->parts_left)
        owner_done(p, r);
      return;
    }
    if(r->big && !r->owner && r->part + 1 < r->nparts) {
      r->attempts = 0;
      if(next_part(p, r)) {
        req_failed(p, r, "out of memory");
        return;
      }
      enqueue(p, r, 1);
      return;
    }
    req_succeeded(p, r);
    return;
  }
  first_line(&r->resp, msg, sizeof(msg));
  if(res != CURLE_OK)
    snprintf(why, sizeof(why), "%s",
             r->errbuf[0] ? r->errbuf : curl_easy_strerror(res));
  else
    snprintf(why, sizeof(why), "HTTP %ld from %s%s%s", status, r->url,
             msg[0] ? ": " : "", msg);
  if(res == CURLE_OK && (status == 401 || status == 403 || status == 407)) {
    /* the credentials are wrong for every graph: stop sending */
    if(!p->fatal)
      evpubp_log(p->world, EVPUB_LOG_ERROR, NULL, 0, 0,
                 "%s: authentication failed (check the user, the password "
                 "or the token); nothing more is sent",
                 why);
    p->fatal = 1;
    req_failed(p, r, NULL);
    return;
  }
  if(transient(res, status) && r->attempts < (unsigned)p->retries) {
    double delay =
      p->retry_wait * (double)(1u << (r->attempts < 16 ? r->attempts : 16));
    curl_off_t ra = -1;
    if(delay > MAX_BACKOFF)
      delay = MAX_BACKOFF;
    delay *= 0.5 + 0.5 * ((double)rand() / RAND_MAX); /* jitter */
    if(res == CURLE_OK &&
       curl_easy_getinfo(r->pooled, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK &&
       ra > 0)
      delay = (double)ra < MAX_RETRY_AFTER ? (double)ra : MAX_RETRY_AFTER;
    r->attempts++;
    p->stats.retries++;
    r->not_before = now() + delay;
    evpubp_log(p->world, EVPUB_LOG_NOTE, NULL, 0, 0,
               "%s; retry %u of %ld in %.1f s", why, r->attempts, p->retries,
               delay);
    enqueue(p, r, 1);
    return;
  }
  req_failed(p, r, why);
}

/* Print a request instead of sending it (--dry-run). */
static void
dry_run(evpub_publisher *p, req *r)
{
  char buf[65536];
  size_t n;
  for(;;) {
    fprintf(p->out, "%s %s\nContent-Type: %s\nContent-Length: %llu\n",
            r->put ? "PUT" : "POST", r->url,
            r->gsp ? "application/n-triples" : "application/sparql-update",
            (unsigned long long)r->total);
    if(p->token)
      fputs("Authorization: Bearer (token not shown)\n", p->out);
    else if(p->user)
      fprintf(p->out, "Authorization: %s, user %s (password not shown)\n",
              p->auth < 0 ? "any" : auths[p->auth], p->user);
    fputc('\n', p->out);
    r->pos = 0;
    while((n = body_read(buf, 1, sizeof(buf), r)) > 0 &&
          n != CURL_READFUNC_ABORT)
      fwrite(buf, 1, n, p->out);
    fputc('\n', p->out);
    p->stats.requests++;
    p->stats.bytes += r->total;
    if(!(r->big && r->part + 1 < r->nparts))
      break;
    if(next_part(p, r))
      break;
  }
  req_succeeded(p, r);
}

static int
start_one(evpub_publisher *p, req *r)
{
  if(setup_easy(p, r) || curl_multi_add_handle(p->multi, r->easy)) {
    req_failed(p, r, "cannot set up the HTTP request");
    return -1;
  }
  p->nrunning++;
  p->stats.requests++;
  p->stats.bytes += r->total;
  return 0;
}

/* Run the engine until at most `limit` requests wait (0: all done);
 * with `once`, only start what may start and move the transfers on,
 * without waiting. */
static void
pump_run(evpub_publisher *p, size_t limit, int once)
{
  for(;;) {
    int still, left;
    CURLMsg *msg;
    double t = now(), next = 0;
    req **pp = &p->pending, *prev = NULL;
    /* start what may start, in order */
    while(*pp && p->nrunning < (size_t)p->jobs && !p->fatal) {
      req *r = *pp;
      if(r->not_before > t) {
        if(!next || r->not_before < next)
          next = r->not_before;
        prev = r;
        pp = &r->next;
        continue;
      }
      *pp = r->next;
      if(p->pending_tail == r)
        p->pending_tail = prev;
      p->npending--;
      r->next = NULL;
      start_one(p, r);
    }
    if(p->fatal) {
      req *r, *nx;
      for(r = p->pending; r; r = nx) {
        nx = r->next;
        req_failed(p, r, NULL);
      }
      p->pending = p->pending_tail = NULL;
      p->npending = 0;
    }
    if(!once && p->npending + p->nrunning <= limit)
      return;
    curl_multi_perform(p->multi, &still);
    while((msg = curl_multi_info_read(p->multi, &left)) != NULL) {
      if(msg->msg == CURLMSG_DONE) {
        req *r;
        CURLcode res = msg->data.result;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
        finished(p, r, res);
      }
    }
    progress(p, 0);
    if(once || p->npending + p->nrunning <= limit)
      return;
    {
      int ms = 100;
      if(!p->nrunning && next) {
        double w = (next - now()) * 1000;
        ms = w < 1 ? 1 : w > 1000 ? 1000 : (int)w;
      }
      curl_multi_poll(p->multi, NULL, 0, ms, NULL);
    }
  }
}

static void
pump(evpub_publisher *p, size_t limit)
{
  pump_run(p, limit, 0);
}

/* Hand a request over: printed (dry run) or queued and the engine run
 * so that no more than a few requests wait. */
static void
submit(evpub_publisher *p, req *r)
{
  if(p->dry_run) {
    dry_run(p, r);
    return;
  }
  if(p->fatal) {
    req_failed(p, r, NULL);
    return;
  }
  enqueue(p, r, 0);
  pump(p, (size_t)p->jobs * 4);
}

/* ---- graphs to requests ---- */
static char *
gsp_url_for(const evpub_publisher *p, const char *iri)
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

/* Send the update batch being filled. */
static void
flush_batch(evpub_publisher *p)
{
  req *r = p->batch;
  segment s[3];
  if(!r)
    return;
  p->batch = NULL;
  if(p->preset->flags & EVPUBP_PRESET_BIG_DATA)
    evpubp_buf_adds(&r->head, "DEFINE sql:big-data-const 1\n");
  evpubp_buf_adds(&r->head,
                  "DELETE { GRAPH ?g { ?s ?p ?o } } WHERE {\n"
                  "  VALUES ?g {\n");
  evpubp_buf_add(&r->head, p->values.data, p->values.len);
  evpubp_buf_adds(&r->head,
                  "  }\n  GRAPH ?g { ?s ?p ?o }\n} ;\n"
                  "INSERT DATA {\n");
  evpubp_buf_reset(&p->values);
  p->batch_triples_now = p->batch_groups = 0;
  if(r->head.failed || r->data.failed) {
    req_failed(p, r, "out of memory");
    return;
  }
  memset(s, 0, sizeof(s));
  s[0].data = r->head.data;
  s[0].len = r->head.len;
  s[1].data = r->data.data;
  s[1].len = r->data.len;
  s[2].data = "}\n";
  s[2].len = 2;
  set_segments(r, s, 3);
  submit(p, r);
}

/* The local store: replace the graph unless it holds it already.
 * Takes g. */
static void
store_graph(evpub_publisher *p, graph *g, const char *hash)
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
  free_graph(g);
}

/* ---- one graph sent while it is written (--graph, GSP) ----
 * Without a journal entry to compare with, the one graph of --graph need
 * not be complete before it is sent: its first part goes (PUT) as soon
 * as it is written, and each further part (POST) as soon as it is written
 * and the PUT has succeeded.  The conversion and the server's work
 * overlap. */

/* More of the one graph is written: send what can go. */
static void
stream_more(evpub_publisher *p)
{
  graph *g = p->single;
  req *r = p->streaming;
  if(!p->stream || !g || !g->ncuts || g->failed)
    return;
  if(!r) {
    /* what the request reads must be in the file */
    if(fflush(g->fp)) {
      g->failed = 1;
      return;
    }
    static const char nohash[33] = "";
    char *url = gsp_url_for(p, g->iri);
    r = url ? new_req(1, url) : NULL;
    free(url);
    if(!r || req_add_graph(r, g, nohash)) {
      free_req(r);
      p->stream = 0; /* sent when complete, then */
      return;
    }
    r->gsp = 1;
    r->big = g;
    r->open = 1;
    set_gsp_part(r);
    p->streaming = r;
    enqueue(p, r, 0);
  } else if(r->put_done) {
    queue_parts(p, r, g->ncuts);
  }
  pump_run(p, 0, 1);
}

/* The streamed graph is complete (ok), or will not be (!ok): its last
 * parts go, and its request ends with them.  The request takes g. */
static void
stream_end(evpub_publisher *p, int ok)
{
  req *r = p->streaming;
  graph *g = r->big;
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
    chash_hex(&g->h, r->graphs[0].hash);
    r->triples = g->triples;
    if(r->put_done)
      queue_parts(p, r, r->nparts);
  } else {
    r->parts_failed++;
    r->parts_made = r->nparts; /* nothing more goes */
  }
  if((r->put_done || r->put_failed) && !r->parts_left)
    owner_done(p, r);
}

/* A graph is complete: skip it, or turn it into (part of) a request.
 * Takes g. */
static void
send_graph(evpub_publisher *p, graph *g)
{
  char hash[33];
  req *r = NULL;
  if(p->streaming && p->streaming->big == g) {
    stream_end(p, 1);
    return;
  }
  if(p->method == M_UPDATE)
    close_group(g);
  if(g->failed || (g->fp && fflush(g->fp))) {
    evpubp_log(p->world, EVPUB_LOG_ERROR, NULL, 0, 0,
               "graph <%s>: cannot hold its text: %s", g->iri,
               strerror(errno));
    p->stats.failed++;
    free_graph(g);
    return;
  }
  chash_hex(&g->h, hash);
  if(p->store) {
    store_graph(p, g, hash);
    return;
  }
  if(!g->triples || journal_has(p, g->iri, hash)) {
    p->stats.unchanged += g->triples > 0;
    free_graph(g);
    return;
  }
  if(p->method == M_GSP) {
    char *url = gsp_url_for(p, g->iri);
    segment s;
    if(url)
      r = new_req(1, url);
    free(url);
    if(!r || req_add_graph(r, g, hash)) {
      free_req(r);
      evpubp_log(p->world, EVPUB_LOG_ERROR, NULL, 0, 0, "out of memory");
      p->stats.failed++;
      free_graph(g);
      return;
    }
    r->gsp = 1;
    if(g->ncuts) { /* in parts; the graph goes with the request */
      r->big = g;
      r->nparts = g->ncuts + 1;
      set_gsp_part(r);
      submit(p, r);
      return;
    }
    memset(&s, 0, sizeof(s));
    /* the graph's buffer becomes the body: no copy */
    r->data = g->text;
    evpubp_buf_init(&g->text);
    s.data = r->data.data;
    s.fp = g->fp;
    s.len = g->size;
    if(g->fp) { /* keep the file open with the request */
      r->big = g;
      r->nparts = 1;
    } else {
      free_graph(g);
    }
    set_segments(r, &s, 1);
    r->nparts = 0; /* not a staged update */
    submit(p, r);
    return;
  }
  if(g->ncuts || g->fp) {
    /* bigger than a request, or spooled to a file (--graph): staging,
     * then MOVE */
    chash sh;
    char shex[33];
    flush_batch(p);
    r = new_req(0, p->update);
    if(!r || req_add_graph(r, g, hash)) {
      free_req(r);
      p->stats.failed++;
      free_graph(g);
      return;
    }
    chash_init(&sh);
    chash_add(&sh, g->iri, strlen(g->iri));
    chash_hex(&sh, shex);
    r->staging = malloc(sizeof(STAGING_PREFIX) + 32);
    if(r->staging)
      snprintf(r->staging, sizeof(STAGING_PREFIX) + 32, "%s%s", STAGING_PREFIX,
               shex);
    r->big = g;
    r->nparts = g->ncuts + 1;
    if(!r->staging || set_part(p, r)) {
      req_failed(p, r, "out of memory");
      return;
    }
    submit(p, r);
    return;
  }
  if(p->batch &&
     (p->batch_triples_now + g->triples > (unsigned long)p->batch_limit ||
      p->batch_groups + g->groups > MAX_GROUPS ||
      p->batch->data.len + g->size > MAX_PART_BYTES))
    flush_batch(p);
  if(!p->batch && !(p->batch = new_req(0, p->update))) {
    p->stats.failed++;
    free_graph(g);
    return;
  }
  r = p->batch;
  evpubp_buf_adds(&p->values, "    ");
  sparql_iri(&p->values, g->iri, strlen(g->iri));
  evpubp_buf_addc(&p->values, '\n');
  evpubp_buf_adds(&r->data, "GRAPH ");
  sparql_iri(&r->data, g->iri, strlen(g->iri));
  evpubp_buf_adds(&r->data, " {\n");
  evpubp_buf_add(&r->data, g->text.data, g->text.len);
  evpubp_buf_adds(&r->data, "}\n");
  p->batch_triples_now += g->triples;
  p->batch_groups += g->groups;
  if(req_add_graph(r, g, hash))
    r->data.failed = 1;
  free_graph(g);
}

/* ---- the sink ---- */
typedef struct {
  evpub_publisher *p;
  evpubp_buf scratch;
  graph *event; /* the graph of the event item being written */
} pub_sink;

static graph *
entity_graph(evpub_publisher *p, const char *iri, size_t n)
{
  evpubp_map_entry *e = evpubp_map_put(&p->entity_map, iri, n);
  graph *g;
  if(!e)
    return NULL;
  if(e->value)
    return e->value;
  if(p->nentities == p->capentities) {
    size_t cap = p->capentities ? p->capentities * 2 : 64;
    graph **ng = realloc(p->entities, cap * sizeof(*ng));
    if(!ng)
      return NULL;
    p->entities = ng;
    p->capentities = cap;
  }
  g = new_graph(iri, n, 0);
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
    p->single = new_graph(p->graph_iri, strlen(p->graph_iri), 1);
    if(!p->single) {
      evpubp_log(p->world, EVPUB_LOG_ERROR, NULL, 0, 0,
                 "cannot create a temporary file: %s", strerror(errno));
      s->failed_status = EVPUB_E_IO;
      return -1;
    }
    /* with --resume, a journal entry for the graph needs its whole text
     * (its hash) before anything is sent */
    p->stream = p->method == M_GSP && p->gsp_chunk && !p->dry_run &&
      !p->store &&
      !(p->resume &&
        evpubp_map_find(&p->journal, p->graph_iri, strlen(p->graph_iri)));
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
    graph *g = p->single;
    if(!g && b->event && !st[i].shared && b->item) {
      if(!ps->event)
        ps->event = new_graph(b->item, strlen(b->item), 0);
      g = ps->event;
    } else if(!g) {
      size_t len;
      const char *gi = evpubp_stmt_graph(s, b, &st[i], &len);
      g = entity_graph(p, gi, len);
    }
    if(!g)
      return -1;
    graph_add(p, g, &st[i], &ps->scratch);
  }
  if(b->event)
    p->events_done++;
  if(p->stream)
    stream_more(p);
  if(ps->event) {
    graph *g = ps->event;
    ps->event = NULL;
    send_graph(p, g);
  }
  progress(p, 0);
  return 0;
}

static int
ps_finish(evpubp_sink *s)
{
  pub_sink *ps = s->priv;
  evpub_publisher *p = ps->p;
  size_t i;
  for(i = 0; i < p->nentities; i++) {
    graph *g = p->entities[i];
    p->entities[i] = NULL;
    send_graph(p, g);
  }
  p->nentities = 0;
  if(p->single) {
    graph *g = p->single;
    p->single = NULL;
    send_graph(p, g);
  }
  flush_batch(p);
  if(!p->dry_run)
    pump(p, 0);
  progress(p, 1);
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
    free_graph(ps->event);
    free(ps);
    s->priv = NULL;
  }
}

static const evpubp_sink_factory publish_sink = {
  "publish", NULL, NULL,     NULL,     NULL,      0,
  NULL,      NULL, ps_start, ps_batch, ps_finish, ps_free
};

/* ---- a run ---- */
evpub_status
evpub_publisher_run(evpub_publisher *p, evpub_converter *conv, FILE *out)
{
  evpubp_sink sink;
  pub_sink *ps;
  evpub_status st;

  memset(&p->stats, 0, sizeof(p->stats));
  p->fatal = 0;
  p->out = out ? out : stdout;
  p->events_done = 0;
  p->t0 = p->last_progress = now();
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
    p->method = M_GSP;
    st = evpubp_store_open(p->world, p->store_dir, 1, &p->store);
  } else {
    st = resolve_urls(p);
    if(st == EVPUB_OK && !p->dry_run)
      st = open_journal(p);
    p->http.user = p->user;
    p->http.password = p->password;
    p->http.token = p->token;
    p->http.auth = p->auth < 0 ? NULL : auths[p->auth];
    p->http.netrc = p->netrc;
    p->http.cacert = p->cacert;
    p->http.preset = p->preset;
    p->http.timeout = p->timeout;
    p->http.connect_timeout = p->connect_timeout;
  }
  if(st == EVPUB_OK && !p->dry_run && !p->store &&
     !(p->multi = curl_multi_init()))
    st = EVPUB_E_NOMEM;
  if(st != EVPUB_OK) {
    end_run(p);
    return st;
  }
  if(p->multi)
    curl_multi_setopt(p->multi, CURLMOPT_MAX_HOST_CONNECTIONS, p->jobs);
  srand((unsigned)time(NULL) ^ (unsigned)getpid());
  memset(&sink, 0, sizeof(sink));
  sink.factory = &publish_sink;
  sink.world = p->world;
  evpubp_buf_init(&sink.buf);
  ps = calloc(1, sizeof(*ps));
  if(!ps) {
    end_run(p);
    return EVPUB_E_NOMEM;
  }
  ps->p = p;
  evpubp_buf_init(&ps->scratch);
  sink.priv = ps;
  sink.opts.graph = p->graph_iri;
  st = evpubp_converter_run_sink(conv, &sink);
  if(p->streaming) /* the conversion stopped half-way */
    stream_end(p, 0);
  if(st != EVPUB_OK && (st != EVPUB_E_DATA || p->stream) && p->multi)
    pump(p, 0); /* let what was sent finish */
  if(st == EVPUB_OK && p->store && !p->dry_run &&
     evpubp_store_commit(p->store))
    st = EVPUB_E_IO;
  if(st != EVPUB_OK && p->store && !p->dry_run) {
    /* one transaction: nothing of this run is in the store */
    p->stats.failed += p->stats.published;
    p->stats.published = 0;
  }
  ps_free(&sink);
  evpubp_buf_free(&sink.buf);
  if(p->journal_fp && (fflush(p->journal_fp) || fsync(fileno(p->journal_fp))))
    evpubp_log(p->world, EVPUB_LOG_WARNING, NULL, 0, 0,
               "cannot write the journal: %s", strerror(errno));
  end_run(p);
  return st;
}
