/* cmd_network.c - evpub network */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
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
  "  -f, --format FORMAT  table (the ranking; the default on a terminal),\n"
  "                       csv (the edges; the default otherwise), json,\n"
  "                       dot, graphml, or svg (through Graphviz's dot)\n"
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
  "                       organizations left with an "
  "edge\n" EVPUB_CLI_SOURCE_HELP
  "  -v, --verbose        print the counts on standard error\n"
  "  -h, --help           show this help and exit\n"
  "\n"
  "Exit status: 0 success, 2 usage error (also: --ego names no one), 3\n"
  "the store or the server failed, 4 internal error.\n";

/* -f svg: the library writes DOT, Graphviz's dot (found in PATH) draws
 * it from an unnamed temporary file onto standard output. */
#define DOT_PROGRAM "dot"
static evpub_status
write_svg(const evpub_network *net)
{
  FILE *dot = tmpfile();
  evpub_status st = dot ? evpub_network_write(net, "dot", dot) : EVPUB_E_IO;
  pid_t pid;
  int status = 0;
  if(!st) {
    rewind(dot);
    fflush(stdout);
    pid = fork();
    if(pid == 0) {
      if(dup2(fileno(dot), 0) < 0)
        _exit(126);
      execlp(DOT_PROGRAM, DOT_PROGRAM, "-Tsvg", (char *)NULL);
      _exit(127);
    }
    if(pid < 0 || waitpid(pid, &status, 0) < 0) {
      st = EVPUB_E_IO;
    } else if(WIFEXITED(status) && WEXITSTATUS(status) == 127) {
      fprintf(stderr,
              "evpub: -f svg needs Graphviz's %s (Debian package "
              "graphviz); -f dot writes what it reads\n",
              DOT_PROGRAM);
      st = EVPUB_E_IO;
    } else if(!WIFEXITED(status) || WEXITSTATUS(status)) {
      fprintf(stderr, "evpub: %s -Tsvg failed\n", DOT_PROGRAM);
      st = EVPUB_E_IO;
    }
  }
  if(dot)
    fclose(dot);
  return st;
}

int
cmd_network(evpub_world *world, int argc, char **argv)
{
  enum { O_NODES = 256, O_ROLE, O_SINCE, O_UNTIL, O_EGO, O_MINW };
  static const struct option opts[] = {
    EVPUB_CLI_SOURCE_OPTIONS,
    { "format", required_argument, NULL, 'f' },
    { "nodes", no_argument, NULL, O_NODES },
    { "role", required_argument, NULL, O_ROLE },
    { "since", required_argument, NULL, O_SINCE },
    { "until", required_argument, NULL, O_UNTIL },
    { "ego", required_argument, NULL, O_EGO },
    { "min-weight", required_argument, NULL, O_MINW },
    { "verbose", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  static const char *const filters[] = { "role", "since", "until", "ego",
                                         "min-weight" };
  evpub_source *src = evpub_new_source(world);
  evpub_network *net = evpub_new_network(world);
  evpub_cli_source o;
  const char *format = NULL;
  int c, rc = 0, nodes = 0, verbose = 0;
  evpub_status st;

  memset(&o, 0, sizeof(o));
  if(!src || !net) {
    fputs("evpub: out of memory\n", stderr);
    rc = EXIT_INTERNAL;
    goto done;
  }
  argv[0] = (char *)"evpub";
  optind = 1;
  while(!rc && (c = getopt_long(argc, argv, "f:vh", opts, NULL)) != -1) {
    switch(c) {
    case 'f': format = optarg; break;
    case O_NODES: nodes = 1; break;
    case O_ROLE:
    case O_SINCE:
    case O_UNTIL:
    case O_EGO:
    case O_MINW:
      st = evpub_network_set(net, filters[c - O_ROLE], optarg);
      rc = st ? evpub_cli_exit_code(st) : 0;
      break;
    case 'v': verbose = 1; break;
    case 'h': fputs(network_usage, stdout); goto done;
    default:
      rc = evpub_cli_source_option(src, c, optarg, &o);
      if(rc < 0) {
        fputs("evpub: try 'evpub network --help'\n", stderr);
        rc = EXIT_USAGE;
      }
      break;
    }
  }
  if(rc)
    goto done;
  if(optind < argc) {
    fprintf(stderr,
            "evpub: network takes no arguments ('%s'; try 'evpub network "
            "--help')\n",
            argv[optind]);
    rc = EXIT_USAGE;
    goto done;
  }
  if(!format)
    format = isatty(1) ? "table" : "csv";
  if(strcmp(format, "table") && strcmp(format, "csv") &&
     strcmp(format, "json") && strcmp(format, "dot") &&
     strcmp(format, "graphml") && strcmp(format, "svg")) {
    fprintf(stderr,
            "evpub: unknown format '%s' (use table, csv, json, dot, graphml "
            "or svg)\n",
            format);
    rc = EXIT_USAGE;
    goto done;
  }
  if(nodes && strcmp(format, "csv")) {
    fputs("evpub: --nodes goes with -f csv\n", stderr);
    rc = EXIT_USAGE;
    goto done;
  }
  rc = evpub_cli_source_finish(src, o.remote, o.have_password, o.have_token,
                               o.store);
  if(rc)
    goto done;
  st = evpub_network_compute(net, src);
  if(!st && !strcmp(format, "svg"))
    st = write_svg(net);
  else if(!st)
    st = evpub_network_write(net, nodes ? "csv-nodes" : format, stdout);
  if(!st && verbose)
    fprintf(stderr, "evpub: %lu organizations, %lu edges, %lu components\n",
            evpub_network_nodes(net), evpub_network_edges(net),
            evpub_network_components(net));
  rc = evpub_cli_exit_code(st);
done:
  evpub_free_network(net);
  evpub_free_source(src);
  return rc;
}
