/* cmd_query.c - evpub query, and evpub export */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char query_usage[] =
  "Usage: evpub query [--store DIR | --endpoint URL] [-f FORMAT]\n"
  "                   (QUERY | -q FILE)\n"
  "\n"
  "Run a SPARQL query (SELECT, ASK, CONSTRUCT or DESCRIBE) over the local\n"
  "store or a SPARQL endpoint and print the answer.  The local store's\n"
  "engine is rasqal: no property paths, no (NOT) EXISTS; see\n"
  "examples/queries/ for queries that run on both.\n"
  "\n"
  "  -q, --query-file FILE  read the query from FILE (- for stdin)\n"
  "  -f, --format FORMAT  the answer's format (default: table on a\n"
  "                       terminal, csv otherwise; turtle for graphs):\n"
  "{query-formats}\n"
  "\n"
  "Where to ask (the local store unless --endpoint or "
  "--query-url):\n" CLI_STORE_HELP CLI_SERVER_HELP CLI_LOGIN_HELP
  "  -h, --help           show this help and exit\n"
  "\n"
  "Language tags are printed lower-cased (they are case-insensitive), so\n"
  "the answers of the local store and of a server compare equal.\n"
  "Exit status: 0 success, 1 the query was rejected, 2 usage error, 3 the\n"
  "store or the server failed, 4 internal error.\n";

static evpub_status
source_set(void *src, const char *name, const char *value)
{
  return evpub_source_set(src, name, value);
}

/* The query: from -q FILE or the one argument.  NULL with *rc set. */
static char *
the_query(const char *file, int argc, char **argv, int *rc)
{
  char *q;
  if((file != NULL) + (argc - optind) != 1) {
    cli_error(file ? "give the query as an argument or with -q FILE, not "
                     "both"
                   : "query needs one QUERY or -q FILE");
    *rc = cli_try_help("query");
    return NULL;
  }
  q = file ? cli_slurp(file, "query") : strdup(argv[optind]);
  if(!q)
    *rc = file ? CLI_IO : CLI_INTERNAL;
  return q;
}

int
cmd_query(cli *cl, int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_WHERE_OPTIONS,
    { "query-file", required_argument, NULL, 'q' },
    { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  evpub_source *src = evpub_new_source(cl->world);
  cli_where w;
  const char *file = NULL, *format = NULL;
  char *query = NULL;
  int c, rc = 0;

  memset(&w, 0, sizeof(w));
  w.set = source_set;
  w.obj = src;
  if(!src) {
    cli_error("out of memory");
    return CLI_INTERNAL;
  }
  optind = 1;
  while(!rc && (c = getopt_long(argc, argv, "q:f:h", opts, NULL)) != -1) {
    switch(c) {
    case 'q': file = optarg; break;
    case 'f': format = optarg; break;
    case 'h': cli_help(stdout, query_usage); goto done;
    default:
      rc = cli_where_option(&w, c, optarg);
      if(rc < 0)
        rc = cli_try_help("query");
      break;
    }
  }
  if(!rc)
    query = the_query(file, argc, argv, &rc);
  if(!rc)
    rc = cli_where_finish(&w);
  if(rc)
    goto done;
  if(!format && !isatty(1)) {
    /* off a terminal: csv for tables; graphs stay turtle */
    evpub_query_form_kind form = evpub_query_form(query);
    format =
      form == EVPUB_QUERY_SELECT || form == EVPUB_QUERY_ASK ? "csv" : NULL;
  }
  rc = cli_exit_code(evpub_source_query(src, query, format, stdout));
done:
  free(query);
  evpub_free_source(src);
  return rc;
}

static const char export_usage[] =
  "Usage: evpub export [--store DIR]\n"
  "\n"
  "Write every quad of the local store as N-Quads on standard output,\n"
  "read straight from its files: a backup, or what to load into a\n"
  "server.  The graphs come in no set order.\n"
  "\n" CLI_STORE_HELP "  -h, --help           show this help and exit\n"
  "\n"
  "Exit status: 0 success, 2 usage error, 3 the store cannot be read.\n";

int
cmd_export(cli *cl, int argc, char **argv)
{
  static const struct option opts[] = { { "store", required_argument, NULL,
                                          CLI_O_STORE },
                                        { "help", no_argument, NULL, 'h' },
                                        { NULL, 0, NULL, 0 } };
  evpub_source *src = evpub_new_source(cl->world);
  cli_where w;
  int c, rc = 0;
  memset(&w, 0, sizeof(w));
  w.set = source_set;
  w.obj = src;
  w.have_password = w.have_token = 1; /* no server: no secrets */
  if(!src) {
    cli_error("out of memory");
    return CLI_INTERNAL;
  }
  optind = 1;
  while(!rc && (c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    if(c == 'h') {
      cli_help(stdout, export_usage);
      goto done;
    }
    rc = c == CLI_O_STORE ? cli_where_option(&w, c, optarg)
                          : cli_try_help("export");
  }
  if(!rc && optind < argc) {
    cli_error("export takes no arguments");
    rc = CLI_USAGE;
  }
  if(!rc)
    rc = cli_where_finish(&w);
  if(!rc)
    rc = cli_exit_code(evpub_source_export(src, stdout));
done:
  evpub_free_source(src);
  return rc;
}
