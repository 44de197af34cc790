/* publish/engine.c - requests on a curl multi handle
 *
 * A queue of requests, jobs of them at once on reused handles (their
 * connections and authentication state carry over), bodies read in place
 * from the graphs' buffers or files with a Content-Length, retries of
 * transient failures with backoff, jitter and Retry-After, and the end of
 * each request: the journal, the counts, the parts of a big graph.  A
 * server that does not answer EVPUBP_DEAD_AFTER requests in a row ends
 * the run (publish.h).  With dry-run the requests are written to the
 * run's output instead.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "publish/publish.h"

#define MAX_BACKOFF 30.0
#define MAX_RETRY_AFTER 300.0
#define RESP_KEEP 4096

static void req_succeeded(evpub_publisher *p, evpubp_req *r);

/* ---- requests ---- */
void
evpubp_req_free(evpubp_req *r)
{
  size_t i;
  if(!r)
    return;
  free(r->url);
  evpubp_buf_free(&r->head);
  evpubp_buf_free(&r->data);
  evpubp_buf_free(&r->resp);
  if(!r->owner) /* a part shares its owner's graph */
    evpubp_graph_free(r->big);
  free(r->staging);
  for(i = 0; i < r->ngraphs; i++)
    free(r->graphs[i].iri);
  free(r->graphs);
  if(r->easy) /* still in use: not the pool's any more */
    curl_easy_cleanup(r->easy);
  curl_slist_free_all(r->hdrs);
  free(r);
}

evpubp_req *
evpubp_req_new(int put, const char *url)
{
  evpubp_req *r = calloc(1, sizeof(*r));
  if(!r)
    return NULL;
  r->put = put;
  r->url = strdup(url);
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
int
evpubp_req_add_graph(evpubp_req *r, const evpubp_graph *g, const char *hash)
{
  evpubp_done *ng = realloc(r->graphs, (r->ngraphs + 1) * sizeof(*ng));
  if(!ng)
    return -1;
  r->graphs = ng;
  ng[r->ngraphs].iri = strdup(g->iri);
  if(!ng[r->ngraphs].iri)
    return -1;
  memcpy(ng[r->ngraphs].hash, hash, 33);
  r->ngraphs++;
  r->triples += g->triples;
  return 0;
}

void
evpubp_req_set_body(evpubp_req *r, const evpubp_segment *segs, int n)
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
  evpubp_req *r = user;
  size_t want = size * nmemb, done = 0;
  uint64_t at = 0;
  int i;
  for(i = 0; i < r->nsegs && done < want; i++) {
    const evpubp_segment *s = &r->segs[i];
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
  evpubp_req *r = user;
  if(origin != SEEK_SET || offset < 0 || (uint64_t)offset > r->total)
    return CURL_SEEKFUNC_CANTSEEK;
  r->pos = (uint64_t)offset;
  return CURL_SEEKFUNC_OK;
}

static size_t
resp_write(char *data, size_t size, size_t nmemb, void *user)
{
  evpubp_req *r = user;
  size_t n = size * nmemb;
  if(r->resp.len < RESP_KEEP)
    evpubp_buf_add(&r->resp, data,
                   n < RESP_KEEP - r->resp.len ? n : RESP_KEEP - r->resp.len);
  return n;
}

static int
setup_easy(evpub_publisher *p, evpubp_req *r)
{
  CURL *e = r->easy;
  if(!e) {
    /* no curl_easy_reset(): it would forget the authentication state */
    e = p->eng.nidle ? p->eng.idle[--p->eng.nidle] : curl_easy_init();
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

/* ---- the queue and the engine ---- */
void
evpubp_enqueue(evpub_publisher *p, evpubp_req *r, int front)
{
  if(front) {
    r->next = p->eng.pending;
    p->eng.pending = r;
    if(!p->eng.pending_tail)
      p->eng.pending_tail = r;
  } else {
    r->next = NULL;
    if(p->eng.pending_tail)
      p->eng.pending_tail->next = r;
    else
      p->eng.pending = r;
    p->eng.pending_tail = r;
  }
  p->eng.npending++;
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

static void
part_ended(evpub_publisher *p, evpubp_req *r, int ok)
{
  evpubp_req *o = r->owner;
  if(!ok)
    o->parts_failed++;
  evpubp_req_free(r);
  if(--o->parts_left || o->open)
    return;
  evpubp_parts_done(p, o);
}

/* Every part of a graph sent in parts has ended. */
void
evpubp_parts_done(evpub_publisher *p, evpubp_req *o)
{
  char why[128];
  if(!o->parts_failed) {
    req_succeeded(p, o);
    return;
  }
  snprintf(why, sizeof(why), "%d of its %zu parts not stored (see above)",
           o->parts_failed, o->nparts);
  evpubp_req_failed(p, o, why);
}

void
evpubp_req_failed(evpub_publisher *p, evpubp_req *r, const char *why)
{
  size_t i;
  if(r->owner) {
    if(!p->eng.fatal && why)
      evpubp_log(p->world, EVPUB_LOG_ERROR, NULL, 0, 0,
                 "graph <%s>, part %zu: %s", r->big->iri, r->part + 1, why);
    part_ended(p, r, 0);
    return;
  }
  if(r->open) {
    /* the PUT of a graph still being written: it waits for its end */
    if(!p->eng.fatal && why)
      evpubp_log(p->world, EVPUB_LOG_ERROR, NULL, 0, 0,
                 "graph <%s>, part 1: %s", r->big->iri, why);
    r->put_failed = 1;
    r->parts_failed++;
    return;
  }
  if(p->eng.fatal) {
    /* one message said why (see finished()); the count is in the report */
    p->stats.failed += r->ngraphs;
    evpubp_req_free(r);
    return;
  }
  for(i = 0; i < r->ngraphs; i++)
    evpubp_log(p->world, EVPUB_LOG_ERROR, NULL, 0, 0, "graph <%s>: %s",
               r->graphs[i].iri, why);
  p->stats.failed += r->ngraphs;
  evpubp_req_free(r);
}

static void
req_succeeded(evpub_publisher *p, evpubp_req *r)
{
  size_t i;
  if(r->owner) {
    part_ended(p, r, 1);
    return;
  }
  for(i = 0; i < r->ngraphs; i++)
    evpubp_journal_add(p, &r->graphs[i]);
  p->stats.published += r->ngraphs;
  p->stats.triples += r->triples;
  evpubp_req_free(r);
}

/* Once the PUT of a graph's first part has replaced the graph: queue its
 * parts up to `upto` (not included) as requests of their own, which run
 * side by side (jobs).  A POST of triples is idempotent, so their order
 * and a retry of one do not matter.  r waits for them. */
void
evpubp_queue_parts(evpub_publisher *p, evpubp_req *r, size_t upto)
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
    evpubp_req *q = evpubp_req_new(0, r->url);
    if(!q) {
      r->parts_failed++;
      continue;
    }
    q->gsp = 1;
    q->big = r->big;
    q->owner = r;
    q->part = r->parts_made;
    q->nparts = r->nparts;
    evpubp_set_gsp_part(q);
    evpubp_enqueue(p, q, 0);
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

/* The transfer ended without any answer from the server: no connection
 * (refused, unreachable, no name, connect-timeout), no TLS session, or
 * no final status line (at most a "100 Continue") before timeout or
 * before the connection was closed or reset.  An HTTP error answer is an
 * answer. */
static int
unanswered(CURLcode res, long status)
{
  if(status >= 200)
    return 0;
  switch(res) {
  case CURLE_COULDNT_RESOLVE_PROXY:
  case CURLE_COULDNT_RESOLVE_HOST:
  case CURLE_COULDNT_CONNECT:
  case CURLE_OPERATION_TIMEDOUT:
  case CURLE_SEND_ERROR:
  case CURLE_RECV_ERROR:
  case CURLE_GOT_NOTHING:
  case CURLE_SSL_CONNECT_ERROR:
  case CURLE_PEER_FAILED_VERIFICATION: return 1;
  default: return 0;
  }
}

/* r's transfer has ended well: the next part of its graph, or done. */
static void
answered(evpub_publisher *p, evpubp_req *r)
{
  if(r->gsp && r->big && !r->owner && (r->open || r->nparts > 1)) {
    /* the PUT has replaced the graph: the other parts add to it */
    r->put_done = 1;
    evpubp_queue_parts(p, r, r->open ? r->big->ncuts : r->nparts);
    if(!r->open && !r->parts_left)
      evpubp_parts_done(p, r);
    return;
  }
  if(r->big && !r->owner && r->part + 1 < r->nparts) {
    r->attempts = 0;
    if(evpubp_next_part(p, r)) {
      evpubp_req_failed(p, r, "out of memory");
      return;
    }
    evpubp_enqueue(p, r, 1);
    return;
  }
  req_succeeded(p, r);
}

/* A random number in [0, 1), for the jitter of retry delays: the
 * engine's own generator (xorshift64*), not rand(), whose state belongs
 * to the program. */
static double
jitter(evpubp_engine *e)
{
  uint64_t x = e->jitter;
  x ^= x >> 12;
  x ^= x << 25;
  x ^= x >> 27;
  e->jitter = x;
  return (double)((x * 0x2545f4914f6cdd1dULL) >> 11) / 9007199254740992.0;
}

/* Send r again later: after the backoff delay (doubled each time,
 * capped, with jitter), or when the server's Retry-After says. */
static void
retry_later(evpub_publisher *p, evpubp_req *r, CURLcode res, const char *why)
{
  double delay =
    p->retry_wait * (double)(1u << (r->attempts < 16 ? r->attempts : 16));
  curl_off_t ra = -1;
  if(delay > MAX_BACKOFF)
    delay = MAX_BACKOFF;
  delay *= 0.5 + 0.5 * jitter(&p->eng);
  if(res == CURLE_OK &&
     curl_easy_getinfo(r->pooled, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK &&
     ra > 0)
    delay = (double)ra < MAX_RETRY_AFTER ? (double)ra : MAX_RETRY_AFTER;
  r->attempts++;
  p->stats.retries++;
  r->not_before = evpubp_now() + delay;
  evpubp_log(p->world, EVPUB_LOG_NOTE, NULL, 0, 0,
             "%s; retry %u of %ld in %.1f s", why, r->attempts, p->retries,
             delay);
  evpubp_enqueue(p, r, 1);
}

/* r is no longer running. */
static void
not_running(evpub_publisher *p, evpubp_req *r)
{
  size_t i;
  curl_multi_remove_handle(p->eng.multi, r->easy);
  for(i = 0; i < p->eng.nrunning; i++)
    if(p->eng.running[i] == r) {
      p->eng.running[i] = p->eng.running[--p->eng.nrunning];
      break;
    }
}

/* The server did not answer EVPUBP_DEAD_AFTER requests in a row: nothing
 * more is sent, and what still runs is stopped (it waits on the same
 * server).  The run says so once, at its end (publish.c). */
static void
give_up(evpub_publisher *p, const char *why)
{
  p->eng.fatal = EVPUBP_FATAL_DEAD;
  snprintf(p->eng.dead_why, sizeof(p->eng.dead_why), "%.*s",
           (int)sizeof(p->eng.dead_why) - 1, why);
  while(p->eng.nrunning) {
    evpubp_req *r = p->eng.running[p->eng.nrunning - 1];
    not_running(p, r);
    evpubp_req_failed(p, r, NULL);
  }
}

/* r's transfer has ended: its handle back to the pool, then success, a
 * retry, or a failure. */
static void
finished(evpub_publisher *p, evpubp_req *r, CURLcode res)
{
  long status = 0;
  char why[512], msg[256];
  curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
  not_running(p, r);
  if(unanswered(res, status))
    p->eng.unanswered++;
  else
    p->eng.unanswered = 0;
  if(p->eng.nidle < sizeof(p->eng.idle) / sizeof(p->eng.idle[0])) {
    /* what is read below stays readable until the handle's next use */
    p->eng.idle[p->eng.nidle++] = r->easy;
    r->easy = NULL;
    r->pooled = p->eng.idle[p->eng.nidle - 1];
  }
  if(res == CURLE_OK && status >= 200 && status < 300) {
    answered(p, r);
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
    if(!p->eng.fatal)
      evpubp_log(p->world, EVPUB_LOG_ERROR, NULL, 0, 0,
                 "%s: authentication failed (check the user, the password "
                 "or the token); nothing more is sent",
                 why);
    p->eng.fatal = EVPUBP_FATAL_AUTH;
    evpubp_req_failed(p, r, NULL);
    return;
  }
  if(p->eng.unanswered >= EVPUBP_DEAD_AFTER && !p->eng.fatal) {
    give_up(p, why);
    evpubp_req_failed(p, r, NULL);
    return;
  }
  if(transient(res, status) && r->attempts < (unsigned)p->retries)
    retry_later(p, r, res, why);
  else
    evpubp_req_failed(p, r, why);
}

/* Print a request instead of sending it (dry-run). */
static void
dry_run(evpub_publisher *p, evpubp_req *r)
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
              p->http.auth ? p->http.auth : "any", p->user);
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
    if(evpubp_next_part(p, r))
      break;
  }
  req_succeeded(p, r);
}

static int
start_one(evpub_publisher *p, evpubp_req *r)
{
  if(setup_easy(p, r) || curl_multi_add_handle(p->eng.multi, r->easy)) {
    evpubp_req_failed(p, r, "cannot set up the HTTP request");
    return -1;
  }
  p->eng.running[p->eng.nrunning++] = r;
  p->stats.requests++;
  p->stats.bytes += r->total;
  return 0;
}

/* Start the requests that may start, in order, up to jobs running.
 * While the last request got no answer, the server may be down: one
 * request at a time, in order, so that the one retried after its backoff
 * goes first and alone, and the next graphs do not each fail at once
 * (give_up() then comes after the backoff of EVPUBP_DEAD_AFTER attempts,
 * not after three graphs in a millisecond).  Returns when the first of
 * those that wait for a retry may start, or 0 if none waits. */
static double
start_ready(evpub_publisher *p)
{
  double t = evpubp_now(), next = 0;
  evpubp_req **pp = &p->eng.pending, *prev = NULL;
  size_t jobs = p->eng.unanswered ? 1 : (size_t)p->jobs;
  while(*pp && p->eng.nrunning < jobs && !p->eng.fatal) {
    evpubp_req *r = *pp;
    if(r->not_before > t) {
      if(!next || r->not_before < next)
        next = r->not_before;
      if(p->eng.unanswered)
        break;
      prev = r;
      pp = &r->next;
      continue;
    }
    *pp = r->next;
    if(p->eng.pending_tail == r)
      p->eng.pending_tail = prev;
    p->eng.npending--;
    r->next = NULL;
    start_one(p, r);
  }
  return next;
}

/* Fail every waiting request (nothing more is sent: fatal). */
static void
fail_pending(evpub_publisher *p)
{
  evpubp_req *r, *nx;
  for(r = p->eng.pending; r; r = nx) {
    nx = r->next;
    evpubp_req_failed(p, r, NULL);
  }
  p->eng.pending = p->eng.pending_tail = NULL;
  p->eng.npending = 0;
}

void
evpubp_pump(evpub_publisher *p, size_t limit, int once)
{
  for(;;) {
    int still, left, ms = 100;
    CURLMsg *msg;
    double next = start_ready(p);
    if(p->eng.fatal)
      fail_pending(p);
    if(!once && p->eng.npending + p->eng.nrunning <= limit)
      return;
    curl_multi_perform(p->eng.multi, &still);
    while((msg = curl_multi_info_read(p->eng.multi, &left)) != NULL) {
      if(msg->msg == CURLMSG_DONE) {
        evpubp_req *r;
        CURLcode res = msg->data.result;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
        finished(p, r, res);
      }
    }
    evpubp_progress(p, 0);
    if(once || p->eng.npending + p->eng.nrunning <= limit)
      return;
    if(!p->eng.nrunning && next) {
      double w = (next - evpubp_now()) * 1000;
      ms = w < 1 ? 1 : w > 1000 ? 1000 : (int)w;
    }
    curl_multi_poll(p->eng.multi, NULL, 0, ms, NULL);
  }
}

void
evpubp_submit(evpub_publisher *p, evpubp_req *r)
{
  if(p->dry_run) {
    dry_run(p, r);
    return;
  }
  if(p->eng.fatal) {
    evpubp_req_failed(p, r, NULL);
    return;
  }
  evpubp_enqueue(p, r, 0);
  evpubp_pump(p, (size_t)p->jobs * 4, 0);
}

evpub_status
evpubp_engine_start(evpub_publisher *p)
{
  p->eng.fatal = 0;
  p->eng.unanswered = 0;
  p->eng.dead_why[0] = '\0';
  p->eng.multi = curl_multi_init();
  if(!p->eng.multi)
    return EVPUB_E_NOMEM;
  curl_multi_setopt(p->eng.multi, CURLMOPT_MAX_HOST_CONNECTIONS, p->jobs);
  /* runs of two processes at once must not retry in step */
  p->eng.jitter =
    (uint64_t)time(NULL) << 20 ^ (uint64_t)getpid() ^ (uint64_t)(uintptr_t)p;
  if(!p->eng.jitter)
    p->eng.jitter = 1;
  return EVPUB_OK;
}

void
evpubp_engine_end(evpub_publisher *p)
{
  evpubp_req *r, *nx;
  for(r = p->eng.pending; r; r = nx) {
    nx = r->next;
    evpubp_req_free(r);
  }
  p->eng.pending = p->eng.pending_tail = NULL;
  p->eng.npending = 0;
  if(p->eng.multi) {
    curl_multi_cleanup(p->eng.multi);
    p->eng.multi = NULL;
  }
  while(p->eng.nidle)
    curl_easy_cleanup(p->eng.idle[--p->eng.nidle]);
}
