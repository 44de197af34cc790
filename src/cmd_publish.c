/* cmd_publish.c - evpub publish */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char publish_usage[] =
  "Usage: evpub publish [--store DIR | --endpoint URL] [OPTIONS] INPUT...\n"
  "\n"
  "Read event descriptions and store them in the local store or in a\n"
  "SPARQL 1.1 server, one named graph per event and one per entity\n"
  "described where it is mentioned (see doc/publishing.md).  Publishing\n"
  "again replaces each graph, so nothing is duplicated and what was\n"
  "removed from an event is removed from the store.\n"
  "\n"
  "Where to (the local store unless a server's URL is given; a publish\n"
  "into the store is one transaction, doc/store.md):\n" CLI_STORE_HELP
    CLI_SERVER_HELP
  "      --gsp-url URL    Graph Store Protocol URL, given alone\n"
  "      --update-url URL  SPARQL Update URL, given alone\n"
  "      --graph IRI      put every triple in this one graph\n"
  "      --method METHOD  gsp (default: HTTP PUT of each graph) or update\n"
  "                       (SPARQL Update, batched, atomic per graph)\n"
  "\n"
  "Credentials (never on the command line, nor in a URL):\n" CLI_LOGIN_HELP
  "\n"
  "How:\n"
  "  -j, --jobs N         requests in flight at once (default 1)\n"
  "      --retries N      retries of a failed request (default 5), on\n"
  "                       connection errors, timeouts, 408, 429 and 5xx,\n"
  "                       with exponential backoff, honouring Retry-After;\n"
  "                       a server that does not answer 3 requests in a\n"
  "                       row (refused, or nothing within the timeouts)\n"
  "                       stops the run\n"
  "      --retry-wait S   first backoff delay in seconds (default 0.5)\n"
  "      --connect-timeout S  seconds to open a connection (default 10)\n"
  "      --gsp-chunk-triples N  gsp: a graph of more triples goes as a\n"
  "                       PUT of the first N, then POSTs of N more each,\n"
  "                       up to --jobs at once (default 200000; 0: one\n"
  "                       PUT whatever its size)\n"
  "      --batch-triples N  update: triples per request (default 4000\n"
  "                       for virtuoso, else 1000)\n"
  "      --journal FILE   record stored graphs in FILE (default under\n"
  "                       $XDG_STATE_HOME/evpub or ~/.local/state/evpub)\n"
  "      --resume         skip the graphs the journal has with the same\n"
  "                       content: continues an interrupted publish, and\n"
  "                       skips unchanged graphs\n"
  "  -n, --dry-run        print the requests instead of sending them\n"
  "  -q, --quiet          no progress line\n"
  "      --progress       a progress line even when stderr is not a\n"
  "                       terminal\n" CLI_INPUT_HELP
  "  -v, --verbose        also print retries and a summary\n"
  "  -h, --help           show this help and exit\n"
  "\n"
  "Inputs are read and checked in full before anything is sent: an input\n"
  "error sends nothing.  At the end a report says how many graphs were\n"
  "published, unchanged and failed; each failure is printed with its\n"
  "reason.\n"
  "Exit status: 0 every graph stored, 1 input rejected, 2 usage error,\n"
  "3 a graph was not stored (or a file could not be read), 4 internal\n"
  "error.\n";

enum {
  O_GSP_URL = 0x400,
  O_UPDATE_URL,
  O_GRAPH,
  O_METHOD,
  O_RETRIES,
  O_RETRY_WAIT,
  O_CONNECT_TIMEOUT,
  O_BATCH,
  O_CHUNK,
  O_JOURNAL,
  O_RESUME,
  O_PROGRESS
};

/* The options that are the publisher's options of the same name. */
static const struct {
  int c;
  const char *name; /* for evpub_publisher_set() */
  int remote;       /* names a server */
} plain[] = { { O_GSP_URL, "gsp-url", 1 },
              { O_UPDATE_URL, "update-url", 1 },
              { O_GRAPH, "graph", 0 },
              { O_METHOD, "method", 0 },
              { 'j', "jobs", 0 },
              { O_RETRIES, "retries", 0 },
              { O_RETRY_WAIT, "retry-wait", 0 },
              { O_CONNECT_TIMEOUT, "connect-timeout", 0 },
              { O_BATCH, "batch-triples", 0 },
              { O_CHUNK, "gsp-chunk-triples", 0 },
              { O_JOURNAL, "journal", 0 } };

typedef struct {
  cli *cl;
  evpub_converter *conv;
  evpub_publisher *pub;
  cli_where where;
  const char *from;
  int quiet, progress, dry;
} publish_run;

static evpub_status
publisher_set(void *pub, const char *name, const char *value)
{
  return evpub_publisher_set(pub, name, value);
}

/* The progress line on standard error, rewritten in place. */
static void
print_progress(void *user, const evpub_publish_progress *p)
{
  double rate = p->elapsed > 0 ? (double)p->triples / p->elapsed : 0;
  char eta[32] = "";
  (void)user;
  if(p->events_done && p->events_total > p->events_done && !p->final) {
    double left = p->elapsed / (double)p->events_done *
      (double)(p->events_total - p->events_done);
    snprintf(eta, sizeof(eta), ", ETA %lu:%02lu", (unsigned long)left / 60,
             (unsigned long)left % 60);
  }
  fprintf(stderr,
          "\revpub: events %lu/%lu, graphs %lu sent %lu unchanged "
          "%lu failed, %lu triples, %.0f triples/s%s   ",
          p->events_done, p->events_total, p->published, p->unchanged,
          p->failed, p->triples, rate, eta);
  if(p->final)
    fputc('\n', stderr);
}

/* One option: 0, an exit code, or -1 when it is not publish's own. */
static int
publish_option(void *ctx, int c, const char *arg)
{
  publish_run *r = ctx;
  size_t i;
  int rc;
  for(i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
    if(plain[i].c == c) {
      r->where.remote |= plain[i].remote;
      return cli_where_set(&r->where, plain[i].name, arg);
    }
  switch(c) {
  case O_RESUME: return cli_where_set(&r->where, "resume", "1");
  case 'n': r->dry = 1; return cli_where_set(&r->where, "dry-run", "1");
  case 'q': r->quiet = 1; return 0;
  case O_PROGRESS: r->progress = 1; return 0;
  case 'v': r->cl->verbose = 1; return 0;
  default: break;
  }
  rc = cli_where_option(&r->where, c, arg);
  return rc != -1 ? rc : cli_input_option(r->conv, c, arg, &r->from);
}

/* The report at the end of a run. */
static void
print_report(const publish_run *r, evpub_status st)
{
  const evpub_publish_stats *s = evpub_publisher_stats(r->pub);
  if(r->quiet && st == EVPUB_OK)
    return;
  fprintf(stderr,
          "evpub: %s%lu graphs published, %lu unchanged, %lu failed; "
          "%lu triples",
          r->dry ? "dry run: " : "", s->published, s->unchanged, s->failed,
          s->triples);
  if(r->where.remote)
    fprintf(stderr, " in %lu requests (%lu retries)\n", s->requests,
            s->retries);
  else
    fputs(st == EVPUB_OK ? "\n"
                         : " (the store is as it was before this run)\n",
          stderr);
}

int
cmd_publish(cli *cl, int argc, char **argv)
{
  static const struct option opts[] = { CLI_WHERE_OPTIONS,
                                        CLI_INPUT_OPTIONS,
                                        CLI_ARG("gsp-url", O_GSP_URL),
                                        CLI_ARG("update-url", O_UPDATE_URL),
                                        CLI_ARG("graph", O_GRAPH),
                                        CLI_ARG("method", O_METHOD),
                                        CLI_ARG("jobs", 'j'),
                                        CLI_ARG("retries", O_RETRIES),
                                        CLI_ARG("retry-wait", O_RETRY_WAIT),
                                        CLI_ARG("connect-timeout",
                                                O_CONNECT_TIMEOUT),
                                        CLI_ARG("batch-triples", O_BATCH),
                                        CLI_ARG("gsp-chunk-triples", O_CHUNK),
                                        CLI_ARG("journal", O_JOURNAL),
                                        CLI_FLAG("resume", O_RESUME),
                                        CLI_FLAG("dry-run", 'n'),
                                        CLI_FLAG("quiet", 'q'),
                                        CLI_FLAG("progress", O_PROGRESS),
                                        CLI_FLAG("verbose", 'v'),
                                        CLI_FLAG("help", 'h'),
                                        CLI_END };
  publish_run r;
  int rc = CLI_INTERNAL;
  evpub_status st;

  memset(&r, 0, sizeof(r));
  r.cl = cl;
  r.conv = evpub_new_converter(cl->world);
  r.pub = evpub_new_publisher(cl->world);
  r.where.set = publisher_set;
  r.where.obj = r.pub;
  if(!r.conv || !r.pub)
    cli_error("out of memory");
  else
    rc = cli_options(argc, argv, "j:nqvh", opts, "publish", publish_usage,
                     publish_option, &r);
  if(!rc)
    rc = cli_where_finish(&r.where);
  if(!rc && !r.quiet && (r.progress || (!r.dry && isatty(2))))
    evpub_publisher_set_progress(r.pub, print_progress, NULL);
  if(!rc)
    rc = cli_add_inputs(r.conv, "publish", argc, argv, optind, r.from);
  if(!rc) {
    st = evpub_publisher_run(r.pub, r.conv, stdout);
    if(st == EVPUB_E_USAGE) /* the library said what, in its own terms */
      cli_try_help("publish");
    if(st == EVPUB_OK || st == EVPUB_E_IO)
      print_report(&r, st);
    rc = cli_exit_code(st);
  }
  evpub_free_publisher(r.pub);
  evpub_free_converter(r.conv);
  return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
}
