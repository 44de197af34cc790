/* main.c - the evpub command: global options and subcommand dispatch */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

int evpub_cli_verbose = 0;
int evpub_cli_findings = 0;

static const char usage_text[] =
  "Usage: evpub COMMAND [OPTIONS] [ARGS]\n"
  "       evpub -h|--help | -V|--version\n"
  "\n"
  "Publish event descriptions as schema.org linked data.\n"
  "\n"
  "Commands:\n"
  "  convert   read event descriptions (YAML or JSON) and write RDF\n"
  "            (Turtle, N-Triples, JSON-LD, HTML, RDF/XML)\n"
  "  validate  check event descriptions (schema.org sanity, Google's\n"
  "            Event rules) and print the findings\n"
  "  publish   store event descriptions in the local store or in a\n"
  "            SPARQL 1.1 server (Graph Store Protocol or SPARQL Update)\n"
  "  query     run a SPARQL query over the local store or a server\n"
  "  network   the co-organizer network: who organizes events with whom\n"
  "            (CSV, JSON, DOT, GraphML, SVG)\n"
  "  export    write every quad of the local store as N-Quads\n"
  "\n"
  "Run 'evpub COMMAND --help' for a command's options.\n"
  "\n"
  "Exit status: 0 success, 1 input rejected, 2 usage error,\n"
  "3 input/output error, 4 internal error.\n";

static void
log_to_stderr(void *user, const evpub_message *msg)
{
  (void)user;
  if(msg->level == EVPUB_LOG_NOTE && !evpub_cli_verbose)
    return;
  if(evpub_cli_findings && msg->file && msg->line) {
    /* evpub validate: FILE:LINE:COL: error|warning: message, on stdout */
    printf("%s:%lu:%lu: %s: %s\n", msg->file, msg->line, msg->column,
           msg->level == EVPUB_LOG_ERROR ? "error" : "warning", msg->text);
    return;
  }
  fputs("evpub: ", stderr);
  if(msg->file) {
    if(msg->line)
      fprintf(stderr, "%s:%lu:%lu: ", msg->file, msg->line, msg->column);
    else
      fprintf(stderr, "%s: ", msg->file);
  }
  if(msg->level == EVPUB_LOG_WARNING)
    fputs("warning: ", stderr);
  else if(msg->level == EVPUB_LOG_NOTE)
    fputs("note: ", stderr);
  fprintf(stderr, "%s\n", msg->text);
}

int
evpub_cli_exit_code(evpub_status st)
{
  switch(st) {
  case EVPUB_OK: return EXIT_OK_;
  case EVPUB_E_DATA: return EXIT_DATA;
  case EVPUB_E_USAGE: return EXIT_USAGE;
  case EVPUB_E_IO: return EXIT_IO;
  case EVPUB_E_INTERNAL:
  case EVPUB_E_NOMEM: return EXIT_INTERNAL;
  }
  return EXIT_INTERNAL;
}

int
main(int argc, char **argv)
{
  evpub_world *world;
  int rc;
  const char *cmd;

  if(argc < 2) {
    fputs(usage_text, stderr);
    return EXIT_USAGE;
  }
  cmd = argv[1];
  if(!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
    fputs(usage_text, stdout);
    return EXIT_OK_;
  }
  world = evpub_new_world();
  if(!world) {
    fputs("evpub: cannot start the RDF libraries\n", stderr);
    return EXIT_INTERNAL;
  }
  evpub_world_set_log_handler(world, log_to_stderr, NULL);
  if(!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
    char v[256];
    printf("evpub %s (%s)\n", evpub_version(),
           evpub_world_versions(world, v, sizeof(v)));
    evpub_free_world(world);
    return EXIT_OK_;
  }
  if(!strcmp(cmd, "convert")) {
    rc = cmd_convert(world, argc - 1, argv + 1);
  } else if(!strcmp(cmd, "validate")) {
    rc = cmd_validate(world, argc - 1, argv + 1);
  } else if(!strcmp(cmd, "publish")) {
    rc = cmd_publish(world, argc - 1, argv + 1);
  } else if(!strcmp(cmd, "query")) {
    rc = cmd_query(world, argc - 1, argv + 1);
  } else if(!strcmp(cmd, "network")) {
    rc = cmd_network(world, argc - 1, argv + 1);
  } else if(!strcmp(cmd, "export")) {
    rc = cmd_export(world, argc - 1, argv + 1);
  } else {
    fprintf(stderr, "evpub: unknown command '%s' (try 'evpub --help')\n", cmd);
    rc = EXIT_USAGE;
  }
  evpub_free_world(world);
  return rc;
}
