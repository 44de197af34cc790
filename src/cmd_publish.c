/* cmd_publish.c - evpub publish */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* The help, around the line of --server, which lists the server kinds
 * of the library's preset table (print_help()). */
static const char publish_usage[] =
  "Usage: evpub publish [--store DIR | --endpoint URL] [OPTIONS] INPUT...\n"
  "\n"
  "Read event descriptions and store them in the local store or in a\n"
  "SPARQL 1.1 server, one named graph per event and one per entity\n"
  "described where it is mentioned (see doc/publishing.md).  Publishing\n"
  "again replaces each graph, so nothing is duplicated and what was\n"
  "removed from an event is removed from the store.\n"
  "\n"
  "Where to:\n"
  "      --store DIR      the local store (the default without\n"
  "                       --endpoint): DIR, else $EVPUB_STORE, else\n"
  "                       $XDG_DATA_HOME/evpub/store or\n"
  "                       ~/.local/share/evpub/store; a publish into it\n"
  "                       is one transaction (doc/store.md)\n"
  "      --endpoint URL   the server's base URL\n";

static const char publish_usage_rest[] =
  "      --gsp-url URL    Graph Store Protocol URL, given alone\n"
  "      --update-url URL  SPARQL Update URL, given alone\n"
  "      --query-url URL  SPARQL query URL, given alone\n"
  "      --graph IRI      put every triple in this one graph\n"
  "      --method METHOD  gsp (default: HTTP PUT of each graph) or update\n"
  "                       (SPARQL Update, batched, atomic per graph)\n"
  "\n"
  "Credentials (never on the command line):\n"
  "      --user NAME      user name; the password comes from the\n"
  "                       EVPUB_PASSWORD variable, --password-file or\n"
  "                       ~/.netrc\n"
  "      --password-file FILE  read the password from FILE's first line\n"
  "      --token-file FILE  bearer token from FILE (or EVPUB_TOKEN)\n"
  "      --auth SCHEME    any (default; digest for virtuoso), basic,\n"
  "                       digest or negotiate\n"
  "      --netrc-file FILE  use FILE instead of ~/.netrc\n"
  "      --cacert FILE    trust the CA certificates in FILE (TLS is\n"
  "                       always verified)\n"
  "\n"
  "How:\n"
  "  -j, --jobs N         requests in flight at once (default 1)\n"
  "      --retries N      retries of a failed request (default 5), on\n"
  "                       connection errors, timeouts, 408, 429 and 5xx,\n"
  "                       with exponential backoff, honouring Retry-After\n"
  "      --retry-wait S   first backoff delay in seconds (default 0.5)\n"
  "      --timeout S      seconds a request may take (default 300)\n"
  "      --connect-timeout S  seconds to connect (default 10)\n"
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
  "                       terminal\n"
  "      --base IRI       base IRI for minted IRIs\n"
  "      --from READER    reader: yaml, json, csv or ics (default: by\n"
  "                       the file's extension; yaml for standard input)\n"
  "      --expand N       ics: also list the first N occurrences of a\n"
  "                       recurring event as subEvents (default 0)\n"
  "      --max-errors N   stop after N input errors (default 50)\n"
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

#define HELP_INDENT 23 /* where the help texts of options start */
#define HELP_WIDTH 71  /* where they end, at the most */

/* "      --server KIND    " and the kinds, "a, b or c (default): ...",
 * wrapped as the help's other lines are. */
static void
print_server_help(FILE *out)
{
  char text[1024];
  const char *w = text, *def = evpub_choice_at(EVPUB_SERVERS, 0)->name;
  size_t n, i, at = 0, col;
  for(n = 1; evpub_choice_at(EVPUB_SERVERS, n); n++)
    ;
  for(i = 1; i < n && at < sizeof(text); i++)
    at += (size_t)snprintf(text + at, sizeof(text) - at, "%s%s",
                           evpub_choice_at(EVPUB_SERVERS, i)->name,
                           i + 1 < n ? ", " : " or ");
  if(at < sizeof(text))
    snprintf(text + at, sizeof(text) - at,
             "%s (default): how the URLs below derive from --endpoint", def);
  col = (size_t)fprintf(out, "      --server KIND    ");
  while(*w) {
    size_t len = strcspn(w, " ");
    if(col > HELP_INDENT && col + 1 + len > HELP_WIDTH)
      col = (size_t)fprintf(out, "\n%*s", HELP_INDENT, "") - 1;
    else if(col > HELP_INDENT)
      col += (size_t)fprintf(out, " ");
    col += fwrite(w, 1, len, out);
    w += len + strspn(w + len, " ");
  }
  fputc('\n', out);
}

static void
print_help(FILE *out)
{
  fputs(publish_usage, out);
  print_server_help(out);
  fputs(publish_usage_rest, out);
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

static int
set(evpub_publisher *pub, const char *name, const char *value)
{
  evpub_status st = evpub_publisher_set(pub, name, value);
  if(st == EVPUB_E_NOMEM) {
    fputs("evpub: out of memory\n", stderr);
    return EXIT_INTERNAL;
  }
  return st ? EXIT_USAGE : 0;
}

static int
set_secret(evpub_publisher *pub, const char *name, char *value)
{
  int rc = set(pub, name, value);
  memset(value, 0, strlen(value));
  free(value);
  return rc;
}

int
cmd_publish(evpub_world *world, int argc, char **argv)
{
  enum {
    O_ENDPOINT = 256,
    O_SERVER,
    O_GSP,
    O_UPDATE,
    O_QUERY,
    O_GRAPH,
    O_METHOD,
    O_USER,
    O_PWFILE,
    O_TOKENFILE,
    O_AUTH,
    O_NETRC,
    O_CACERT,
    O_RETRIES,
    O_RETRYWAIT,
    O_TIMEOUT,
    O_CTIMEOUT,
    O_BATCH,
    O_JOURNAL,
    O_RESUME,
    O_PROGRESS,
    O_PASSWORD,
    O_STORE,
    O_CHUNK
  };
  static const struct option opts[] = {
    { "store", required_argument, NULL, O_STORE },
    { "endpoint", required_argument, NULL, O_ENDPOINT },
    { "server", required_argument, NULL, O_SERVER },
    { "gsp-url", required_argument, NULL, O_GSP },
    { "update-url", required_argument, NULL, O_UPDATE },
    { "query-url", required_argument, NULL, O_QUERY },
    { "graph", required_argument, NULL, O_GRAPH },
    { "method", required_argument, NULL, O_METHOD },
    { "user", required_argument, NULL, O_USER },
    { "password", required_argument, NULL, O_PASSWORD },
    { "password-file", required_argument, NULL, O_PWFILE },
    { "token-file", required_argument, NULL, O_TOKENFILE },
    { "auth", required_argument, NULL, O_AUTH },
    { "netrc-file", required_argument, NULL, O_NETRC },
    { "cacert", required_argument, NULL, O_CACERT },
    { "jobs", required_argument, NULL, 'j' },
    { "retries", required_argument, NULL, O_RETRIES },
    { "retry-wait", required_argument, NULL, O_RETRYWAIT },
    { "timeout", required_argument, NULL, O_TIMEOUT },
    { "connect-timeout", required_argument, NULL, O_CTIMEOUT },
    { "batch-triples", required_argument, NULL, O_BATCH },
    { "gsp-chunk-triples", required_argument, NULL, O_CHUNK },
    { "journal", required_argument, NULL, O_JOURNAL },
    { "resume", no_argument, NULL, O_RESUME },
    { "dry-run", no_argument, NULL, 'n' },
    { "quiet", no_argument, NULL, 'q' },
    { "progress", no_argument, NULL, O_PROGRESS },
    { "base", required_argument, NULL, 'b' },
    { "from", required_argument, NULL, 'F' },
    { "expand", required_argument, NULL, 'E' },
    { "max-errors", required_argument, NULL, 'm' },
    { "verbose", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  evpub_converter *conv = evpub_new_converter(world);
  evpub_publisher *pub = evpub_new_publisher(world);
  const char *from = NULL, *env;
  char *secret;
  int c, rc = 0, quiet = 0, progress = -1, have_password = 0;
  int have_token = 0, dry = 0, remote = 0;
  const char *store = NULL;
  evpub_status st;

  if(!conv || !pub) {
    fputs("evpub: out of memory\n", stderr);
    rc = EXIT_INTERNAL;
    goto done;
  }
  argv[0] = (char *)"evpub";
  optind = 1;
  while(!rc && (c = getopt_long(argc, argv, "j:nqvh", opts, NULL)) != -1) {
    switch(c) {
    case O_STORE: store = optarg; break;
    case O_ENDPOINT:
      remote = 1;
      rc = set(pub, "endpoint", optarg);
      break;
    case O_SERVER: rc = set(pub, "server", optarg); break;
    case O_GSP:
      remote = 1;
      rc = set(pub, "gsp-url", optarg);
      break;
    case O_UPDATE:
      remote = 1;
      rc = set(pub, "update-url", optarg);
      break;
    case O_QUERY: rc = set(pub, "query-url", optarg); break;
    case O_GRAPH: rc = set(pub, "graph", optarg); break;
    case O_METHOD: rc = set(pub, "method", optarg); break;
    case O_USER: rc = set(pub, "user", optarg); break;
    case O_PASSWORD:
      fputs("evpub: a password is never taken from the command line "
            "(others can read it there): use EVPUB_PASSWORD, "
            "--password-file or ~/.netrc\n",
            stderr);
      rc = EXIT_USAGE;
      break;
    case O_PWFILE:
      secret = evpub_cli_read_secret(optarg, "password");
      rc = secret ? set_secret(pub, "password", secret) : EXIT_IO;
      have_password = 1;
      break;
    case O_TOKENFILE:
      secret = evpub_cli_read_secret(optarg, "token");
      rc = secret ? set_secret(pub, "token", secret) : EXIT_IO;
      have_token = 1;
      break;
    case O_AUTH: rc = set(pub, "auth", optarg); break;
    case O_NETRC: rc = set(pub, "netrc", optarg); break;
    case O_CACERT: rc = set(pub, "cacert", optarg); break;
    case 'j': rc = set(pub, "jobs", optarg); break;
    case O_RETRIES: rc = set(pub, "retries", optarg); break;
    case O_RETRYWAIT: rc = set(pub, "retry-wait", optarg); break;
    case O_TIMEOUT: rc = set(pub, "timeout", optarg); break;
    case O_CTIMEOUT: rc = set(pub, "connect-timeout", optarg); break;
    case O_BATCH: rc = set(pub, "batch-triples", optarg); break;
    case O_CHUNK: rc = set(pub, "gsp-chunk-triples", optarg); break;
    case O_JOURNAL: rc = set(pub, "journal", optarg); break;
    case O_RESUME: rc = set(pub, "resume", "1"); break;
    case 'n':
      dry = 1;
      rc = set(pub, "dry-run", "1");
      break;
    case 'q': quiet = 1; break;
    case O_PROGRESS: progress = 1; break;
    case 'v': evpub_cli_verbose = 1; break;
    case 'h': print_help(stdout); goto done;
    default:
      rc = evpub_cli_common_option(conv, c, optarg, &from);
      if(rc < 0) {
        fputs("evpub: try 'evpub publish --help'\n", stderr);
        rc = EXIT_USAGE;
      }
      break;
    }
  }
  if(rc)
    goto done;
  {
    char *dir = evpub_cli_store_dir(remote, store, &rc);
    if(rc)
      goto done;
    if(dir)
      rc = set(pub, "store", dir);
    free(dir);
    if(rc)
      goto done;
  }
  if(!have_password && (env = getenv("EVPUB_PASSWORD")) && *env)
    rc = set(pub, "password", env);
  if(!rc && !have_token && (env = getenv("EVPUB_TOKEN")) && *env)
    rc = set(pub, "token", env);
  if(rc)
    goto done;
  if(progress < 0)
    progress = !quiet && !dry && isatty(2);
  if(quiet)
    progress = 0;
  if(progress)
    evpub_publisher_set_progress(pub, print_progress, NULL);
  rc = evpub_cli_add_inputs(conv, "publish", argc, argv, optind, from);
  if(rc)
    goto done;
  st = evpub_publisher_run(pub, conv, stdout);
  if(st == EVPUB_E_USAGE) /* the library said what, in its own terms */
    fputs("evpub: try 'evpub publish --help'\n", stderr);
  if(st == EVPUB_OK || st == EVPUB_E_IO) {
    const evpub_publish_stats *s = evpub_publisher_stats(pub);
    if((!quiet || st != EVPUB_OK) && !remote)
      fprintf(stderr,
              "evpub: %s%lu graphs published, %lu unchanged, %lu failed; "
              "%lu triples%s\n",
              dry ? "dry run: " : "", s->published, s->unchanged, s->failed,
              s->triples,
              st == EVPUB_OK ? ""
                             : " (the store is as it was before this run)");
    else if(!quiet || st != EVPUB_OK)
      fprintf(stderr,
              "evpub: %s%lu graphs published, %lu unchanged, %lu failed; "
              "%lu triples in %lu requests (%lu retries)\n",
              dry ? "dry run: " : "", s->published, s->unchanged, s->failed,
              s->triples, s->requests, s->retries);
  }
  rc = evpub_cli_exit_code(st);
done:
  evpub_free_publisher(pub);
  evpub_free_converter(conv);
  return rc;
}
