/* main.c - the evpub command: global options, then one command */
#include <stdio.h>
#include <string.h>

#include "cli.h"

/* One row per command, in the order --help lists them. */
static const struct {
  const char *name;
  const char *summary;
  int (*run)(cli *c, int argc, char **argv);
} commands[] = {
  { "convert", "read event descriptions and write RDF", cmd_convert },
  { "validate",
    "check event descriptions (schema.org sanity, Google's Event rules)",
    cmd_validate },
  { "publish",
    "store event descriptions in the local store or a SPARQL 1.1 server",
    cmd_publish },
  { "query", "run a SPARQL query over the local store or a server",
    cmd_query },
  { "network",
    "the co-organizer network: who organizes events with whom (CSV, JSON, "
    "DOT, GraphML, SVG)",
    cmd_network },
  { "export", "write every quad of the local store as N-Quads", cmd_export },
};

#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

/* What --list KIND lists. */
static const struct {
  const char *name;
  evpub_choice_kind kind;
} lists[] = { { "readers", EVPUB_READERS },
              { "writers", EVPUB_WRITERS },
              { "servers", EVPUB_SERVERS } };

static void
usage(FILE *out)
{
  size_t i;
  fputs("Usage: evpub COMMAND [OPTIONS] [ARGS]\n"
        "       evpub -h|--help | -V|--version | --list KIND\n"
        "\n"
        "Publish event descriptions as schema.org linked data.\n"
        "\n"
        "Commands:\n",
        out);
  for(i = 0; i < NCOMMANDS; i++)
    fprintf(out, "  %-9s %s\n", commands[i].name, commands[i].summary);
  fputs("\n"
        "Run 'evpub COMMAND --help' for a command's options.\n"
        "  --list KIND  list the library's readers, writers or servers\n"
        "               (a name and a summary a line)\n"
        "\n"
        "Exit status: 0 success, 1 input rejected, 2 usage error,\n"
        "3 input/output error, 4 internal error.\n",
        out);
}

/* evpub --list KIND: "NAME<TAB>SUMMARY<TAB>EXTENSIONS" a line. */
static int
list(const char *what)
{
  size_t i, j;
  const evpub_choice *ch;
  for(i = 0; what && i < sizeof(lists) / sizeof(lists[0]); i++)
    if(!strcmp(lists[i].name, what))
      break;
  if(!what || i == sizeof(lists) / sizeof(lists[0])) {
    cli_error("--list needs readers, writers or servers");
    return CLI_USAGE;
  }
  for(j = 0; (ch = evpub_choice_at(lists[i].kind, j)); j++)
    printf("%s\t%s\t%s\n", ch->name, ch->summary, ch->extensions);
  return CLI_OK;
}

int
main(int argc, char **argv)
{
  cli c;
  int rc = CLI_USAGE;
  size_t i;
  const char *cmd = argc > 1 ? argv[1] : NULL;

  if(!cmd) {
    usage(stderr);
    return CLI_USAGE;
  }
  if(!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
    usage(stdout);
    return CLI_OK;
  }
  if(!strcmp(cmd, "--list"))
    return list(argc > 2 ? argv[2] : NULL);
  memset(&c, 0, sizeof(c));
  c.world = evpub_new_world();
  if(!c.world) {
    cli_error("cannot start the RDF libraries");
    return CLI_INTERNAL;
  }
  evpub_world_set_log_handler(c.world, cli_log, &c);
  if(!strcmp(cmd, "-V") || !strcmp(cmd, "--version")) {
    char v[256];
    printf("evpub %s (%s)\n", evpub_version(),
           evpub_world_versions(c.world, v, sizeof(v)));
    rc = CLI_OK;
  } else {
    for(i = 0; i < NCOMMANDS && strcmp(commands[i].name, cmd); i++)
      ;
    if(i < NCOMMANDS) {
      argv[1] = (char *)"evpub"; /* getopt's messages name the program */
      rc = commands[i].run(&c, argc - 1, argv + 1);
    } else
      cli_error("unknown command '%s' (try 'evpub --help')", cmd);
  }
  evpub_free_world(c.world);
  return rc;
}
