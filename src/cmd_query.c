/* cmd_query.c - evpub query, and evpub export */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char query_usage[] =
  "Usage: evpub query [--store DIR | --endpoint URL] [-f FORMAT]\n"
  "                   [--allow-service] (QUERY | -q FILE)\n"
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
  "      --allow-service  over the local store, run SERVICE clauses: the\n"
  "                       query engine fetches the URLs they name\n"
  "                       (refused without it; FROM and FROM NAMED are\n"
  "                       always refused there)\n"
  "\n"
  "Where to ask (the local store unless --endpoint or "
  "--query-url):\n" CLI_STORE_HELP CLI_SERVER_HELP CLI_LOGIN_HELP
  "  -h, --help           show this help and exit\n"
  "\n"
  "Language tags are printed lower-cased (they are case-insensitive), so\n"
  "the answers of the local store and of a server compare equal.\n"
  "Exit status: 0 success, 1 the query was rejected, 2 usage error, 3 the\n"
  "store or the server failed, 4 internal error.\n";

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

typedef struct {
  cli_where where;
  const char *file, *format;
} query_run;

enum { O_ALLOW_SERVICE = 0x400 };

static int
query_option(void *ctx, int c, const char *arg)
{
  query_run *r = ctx;
  switch(c) {
  case 'q': r->file = arg; return 0;
  case 'f': r->format = arg; return 0;
  case O_ALLOW_SERVICE: return cli_where_set(&r->where, "allow-service", "1");
  default: return cli_where_option(&r->where, c, arg);
  }
}

int
cmd_query(cli *cl, int argc, char **argv)
{
  static const struct option opts[] = {
    CLI_WHERE_OPTIONS,      CLI_ARG("query-file", 'q'),
    CLI_ARG("format", 'f'), CLI_FLAG("allow-service", O_ALLOW_SERVICE),
    CLI_FLAG("help", 'h'),  CLI_END
  };
  evpub_source *src = evpub_new_source(cl->world);
  query_run r;
  char *query = NULL;
  int rc;

  memset(&r, 0, sizeof(r));
  cli_where_source(&r.where, src);
  if(!src) {
    cli_error("out of memory");
    return CLI_INTERNAL;
  }
  rc = cli_options(argc, argv, "q:f:h", opts, "query", query_usage,
                   query_option, &r);
  if(!rc)
    query = the_query(r.file, argc, argv, &rc);
  if(!rc)
    rc = cli_where_finish(&r.where);
  if(!rc) {
    if(!r.format && !isatty(1)) {
      /* off a terminal: csv for tables; graphs stay turtle */
      evpub_query_form_kind form = evpub_query_form(query);
      if(form == EVPUB_QUERY_SELECT || form == EVPUB_QUERY_ASK)
        r.format = "csv";
    }
    rc = cli_exit_code(evpub_source_query(src, query, r.format, stdout));
  }
  free(query);
  evpub_free_source(src);
  return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
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

static int
export_option(void *ctx, int c, const char *arg)
{
  return c == CLI_O_STORE ? cli_where_option(ctx, c, arg) : -1;
}

int
cmd_export(cli *cl, int argc, char **argv)
{
  static const struct option opts[] = { CLI_ARG("store", CLI_O_STORE),
                                        CLI_FLAG("help", 'h'), CLI_END };
  evpub_source *src = evpub_new_source(cl->world);
  cli_where w;
  int rc;
  cli_where_source(&w, src);
  w.have_password = w.have_token = 1; /* no server: no secrets */
  if(!src) {
    cli_error("out of memory");
    return CLI_INTERNAL;
  }
  rc = cli_options(argc, argv, "h", opts, "export", export_usage,
                   export_option, &w);
  if(!rc && optind < argc) {
    cli_error("export takes no arguments");
    rc = CLI_USAGE;
  }
  if(!rc)
    rc = cli_where_finish(&w);
  if(!rc)
    rc = cli_exit_code(evpub_source_export(src, stdout));
  evpub_free_source(src);
  return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
}
