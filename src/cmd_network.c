/* cmd_network.c - evpub network */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

static const char network_usage[] =
  "Usage: evpub network [--store DIR | --endpoint URL] [-f FORMAT]\n"
  "                     [FILTERS]\n"
  "\n"
  "The co-organizer network: organizations are nodes (with their number\n"
  "of events), two that organized one event are joined by an edge\n"
  "weighted by the number of such events.  Ranked by weighted degree,\n"
  "then degree, then events; connected components are numbered by size.\n"
  "Computed natively over the local store, with SPARQL over an endpoint\n"
  "(see doc/network.md).\n"
  "\n"
  "  -f, --format FORMAT  table (the default on a terminal), csv (the\n"
  "                       default otherwise), svg (drawn by Graphviz's\n"
  "                       dot), or one of:\n"
  "{network-formats}\n"
  "      --nodes          with -f csv: the ranking of the nodes instead\n"
  "                       of the edges\n"
  "\n"
  "Filters:\n"
  "      --role ROLE      only organizers that had this role (the\n"
  "                       roleName, exactly, e.g. co-organizer)\n"
  "      --since DATE     only events starting on or after DATE\n"
  "                       (YYYY-MM-DD)\n"
  "      --until DATE     only events starting on or before DATE\n"
  "      --ego ORG        only ORG (its IRI or its name) and its\n"
  "                       co-organizers, with the edges among them\n"
  "      --min-weight N   only edges of at least N events, and the\n"
  "                       organizations left with an edge\n"
  "\n"
  "Where to ask (the local store unless --endpoint or "
  "--query-url):\n" CLI_STORE_HELP CLI_SERVER_HELP CLI_LOGIN_HELP
  "  -v, --verbose        print the counts on standard error\n"
  "  -h, --help           show this help and exit\n"
  "\n"
  "Exit status: 0 success, 2 usage error (also: --ego names no one), 3\n"
  "the store or the server failed, 4 internal error.\n";

/* The library's format for -f format (and --nodes), or NULL (printed):
 * svg is the command's, drawn from DOT. */
static const char *
network_format(const char *format, int nodes)
{
  char names[256];
  size_t i;
  if(!format)
    format = isatty(1) ? "table" : "csv";
  if(nodes && strcmp(format, "csv")) {
    cli_error("--nodes goes with -f csv");
    return NULL;
  }
  if(nodes)
    return "csv-nodes";
  if(!strcmp(format, "svg"))
    return format;
  for(i = 0; evpub_choice_at(EVPUB_NETWORK_FORMATS, i); i++)
    if(!strcmp(evpub_choice_at(EVPUB_NETWORK_FORMATS, i)->name, format))
      return format;
  cli_error("unknown format '%s' (use %s or svg)", format,
            cli_names(EVPUB_NETWORK_FORMATS, names, sizeof(names)));
  return NULL;
}

/* Write the network: svg through Graphviz, the rest by the library. */
static int
write_network(const evpub_network *net, const char *format)
{
  char *dot = NULL;
  size_t len = 0;
  FILE *mem;
  evpub_status st;
  int rc;
  if(strcmp(format, "svg"))
    return cli_exit_code(evpub_network_write(net, format, stdout));
  mem = open_memstream(&dot, &len);
  if(!mem) {
    cli_error("out of memory");
    return CLI_INTERNAL;
  }
  st = evpub_network_write(net, "dot", mem);
  if(fclose(mem) && !st)
    st = EVPUB_E_NOMEM;
  rc = st ? cli_exit_code(st) : cli_draw_svg(dot, len);
  free(dot);
  return rc;
}

enum { O_NODES = 0x400, O_ROLE, O_SINCE, O_UNTIL, O_EGO, O_MIN_WEIGHT };

typedef struct {
  cli_where where;
  evpub_network *net;
  const char *format;
  int nodes, verbose;
} network_run;

static int
network_option(void *ctx, int c, const char *arg)
{
  /* the filters: the library's options of the same names */
  static const char *const filters[] = { "role", "since", "until", "ego",
                                         "min-weight" };
  network_run *r = ctx;
  switch(c) {
  case 'f': r->format = arg; return 0;
  case O_NODES: r->nodes = 1; return 0;
  case 'v': r->verbose = 1; return 0;
  case O_ROLE:
  case O_SINCE:
  case O_UNTIL:
  case O_EGO:
  case O_MIN_WEIGHT:
    return cli_exit_code(evpub_network_set(r->net, filters[c - O_ROLE], arg));
  default: return cli_where_option(&r->where, c, arg);
  }
}

int
cmd_network(cli *cl, int argc, char **argv)
{
  static const struct option opts[] = { CLI_WHERE_OPTIONS,
                                        CLI_ARG("format", 'f'),
                                        CLI_FLAG("nodes", O_NODES),
                                        CLI_ARG("role", O_ROLE),
                                        CLI_ARG("since", O_SINCE),
                                        CLI_ARG("until", O_UNTIL),
                                        CLI_ARG("ego", O_EGO),
                                        CLI_ARG("min-weight", O_MIN_WEIGHT),
                                        CLI_FLAG("verbose", 'v'),
                                        CLI_FLAG("help", 'h'),
                                        CLI_END };
  evpub_source *src = evpub_new_source(cl->world);
  network_run r;
  int rc = CLI_INTERNAL;

  memset(&r, 0, sizeof(r));
  cli_where_source(&r.where, src);
  r.net = evpub_new_network(cl->world);
  if(!src || !r.net)
    cli_error("out of memory");
  else
    rc = cli_options(argc, argv, "f:vh", opts, "network", network_usage,
                     network_option, &r);
  if(!rc && optind < argc) {
    cli_error("network takes no arguments ('%s')", argv[optind]);
    rc = cli_try_help("network");
  }
  if(!rc && !(r.format = network_format(r.format, r.nodes)))
    rc = CLI_USAGE;
  if(!rc)
    rc = cli_where_finish(&r.where);
  if(!rc)
    rc = cli_exit_code(evpub_network_compute(r.net, src));
  if(!rc)
    rc = write_network(r.net, r.format);
  if(!rc && r.verbose)
    fprintf(stderr, "evpub: %lu organizations, %lu edges, %lu components\n",
            evpub_network_nodes(r.net), evpub_network_edges(r.net),
            evpub_network_components(r.net));
  evpub_free_network(r.net);
  evpub_free_source(src);
  return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
}
