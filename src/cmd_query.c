/* cmd_query.c - evpub query, and the source options it shares with
 * evpub network */
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
  "  -f, --format FORMAT  table (the default on a terminal), csv (the\n"
  "                       default otherwise; SPARQL 1.1 CSV), tsv, json\n"
  "                       (SPARQL 1.1 results JSON); turtle (the default)\n"
  "                       or ntriples for CONSTRUCT and "
  "DESCRIBE\n" EVPUB_CLI_SOURCE_HELP
  "  -h, --help           show this help and exit\n"
  "\n"
  "Language tags are printed lower-cased (they are case-insensitive), so\n"
  "the answers of the local store and of a server compare equal.\n"
  "Exit status: 0 success, 1 the query was rejected, 2 usage error, 3 the\n"
  "store or the server failed, 4 internal error.\n";

/* The whole of fp, NUL-terminated; NULL on error or when out of memory. */
static char *
slurp(FILE *fp)
{
  size_t len = 0, cap = 4096;
  char *s = malloc(cap);
  size_t n;
  while(s && (n = fread(s + len, 1, cap - len - 1, fp)) > 0) {
    len += n;
    if(cap - len < 2) {
      char *ns = realloc(s, cap * 2);
      if(!ns) {
        free(s);
        return NULL;
      }
      s = ns;
      cap *= 2;
    }
  }
  if(!s || ferror(fp)) {
    free(s);
    return NULL;
  }
  s[len] = '\0';
  return s;
}

/* Secrets from the environment, the store default: after the options. */
int
evpub_cli_source_finish(evpub_source *src, int remote, int have_password,
                        int have_token, const char *store)
{
  const char *env;
  evpub_status st = EVPUB_OK;
  int rc;
  char *dir = evpub_cli_store_dir(remote, store, &rc);
  if(rc)
    return rc;
  if(dir) {
    st = evpub_source_set(src, "store", dir);
    free(dir);
  }
  if(!st && !have_password && (env = getenv("EVPUB_PASSWORD")) && *env)
    st = evpub_source_set(src, "password", env);
  if(!st && !have_token && (env = getenv("EVPUB_TOKEN")) && *env)
    st = evpub_source_set(src, "token", env);
  return st ? evpub_cli_exit_code(st) : 0;
}

int
evpub_cli_source_option(evpub_source *src, int c, const char *arg,
                        evpub_cli_source *o)
{
  const char *name = NULL;
  char *secret;
  evpub_status st;
  switch(c) {
  case EVPUB_CLI_O_STORE: o->store = arg; return 0;
  case EVPUB_CLI_O_ENDPOINT:
    o->remote = 1;
    name = "endpoint";
    break;
  case EVPUB_CLI_O_QUERYURL:
    o->remote = 1;
    name = "query-url";
    break;
  case EVPUB_CLI_O_SERVER: name = "server"; break;
  case EVPUB_CLI_O_USER: name = "user"; break;
  case EVPUB_CLI_O_AUTH: name = "auth"; break;
  case EVPUB_CLI_O_NETRC: name = "netrc"; break;
  case EVPUB_CLI_O_CACERT: name = "cacert"; break;
  case EVPUB_CLI_O_TIMEOUT: name = "timeout"; break;
  case EVPUB_CLI_O_PASSWORD:
    fputs("evpub: a password is never taken from the command line "
          "(others can read it there): use EVPUB_PASSWORD, "
          "--password-file or ~/.netrc\n",
          stderr);
    return EXIT_USAGE;
  case EVPUB_CLI_O_PWFILE:
  case EVPUB_CLI_O_TOKENFILE:
    secret = evpub_cli_read_secret(
      arg, c == EVPUB_CLI_O_PWFILE ? "password" : "token");
    if(!secret)
      return EXIT_IO;
    st = evpub_source_set(src, c == EVPUB_CLI_O_PWFILE ? "password" : "token",
                          secret);
    memset(secret, 0, strlen(secret));
    free(secret);
    if(c == EVPUB_CLI_O_PWFILE)
      o->have_password = 1;
    else
      o->have_token = 1;
    return st ? evpub_cli_exit_code(st) : 0;
  default: return -1;
  }
  st = evpub_source_set(src, name, arg);
  return st ? evpub_cli_exit_code(st) : 0;
}

int
cmd_query(evpub_world *world, int argc, char **argv)
{
  static const struct option opts[] = {
    EVPUB_CLI_SOURCE_OPTIONS,
    { "query-file", required_argument, NULL, 'q' },
    { "format", required_argument, NULL, 'f' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  evpub_source *src = evpub_new_source(world);
  evpub_cli_source o;
  const char *file = NULL, *format = NULL;
  char *query = NULL;
  int c, rc = 0;
  evpub_status st;

  memset(&o, 0, sizeof(o));
  if(!src) {
    fputs("evpub: out of memory\n", stderr);
    return EXIT_INTERNAL;
  }
  argv[0] = (char *)"evpub";
  optind = 1;
  while(!rc && (c = getopt_long(argc, argv, "q:f:h", opts, NULL)) != -1) {
    switch(c) {
    case 'q': file = optarg; break;
    case 'f': format = optarg; break;
    case 'h': fputs(query_usage, stdout); goto done;
    default:
      rc = evpub_cli_source_option(src, c, optarg, &o);
      if(rc < 0) {
        fputs("evpub: try 'evpub query --help'\n", stderr);
        rc = EXIT_USAGE;
      }
      break;
    }
  }
  if(rc)
    goto done;
  if((file != NULL) + (argc - optind) != 1) {
    fputs(file ? "evpub: give the query as an argument or with -q FILE, "
                 "not both\n"
               : "evpub: query needs one QUERY or -q FILE (try 'evpub "
                 "query --help')\n",
          stderr);
    rc = EXIT_USAGE;
    goto done;
  }
  if(file) {
    FILE *fp = strcmp(file, "-") ? fopen(file, "r") : stdin;
    if(!fp) {
      fprintf(stderr, "evpub: cannot read the query file '%s'\n", file);
      rc = EXIT_IO;
      goto done;
    }
    query = slurp(fp);
    if(fp != stdin)
      fclose(fp);
    if(!query) {
      fprintf(stderr, "evpub: cannot read the query file '%s'\n", file);
      rc = EXIT_IO;
      goto done;
    }
  } else {
    query = strdup(argv[optind]);
  }
  rc = evpub_cli_source_finish(src, o.remote, o.have_password, o.have_token,
                               o.store);
  if(rc)
    goto done;
  if(!format && !isatty(1)) {
    /* off a terminal: csv for tables; graphs stay turtle */
    evpub_query_form_kind form = evpub_query_form(query);
    format =
      form == EVPUB_QUERY_SELECT || form == EVPUB_QUERY_ASK ? "csv" : NULL;
  }
  st = evpub_source_query(src, query, format, stdout);
  rc = evpub_cli_exit_code(st);
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
  "\n"
  "      --store DIR      the store: DIR, else $EVPUB_STORE, else\n"
  "                       $XDG_DATA_HOME/evpub/store or\n"
  "                       ~/.local/share/evpub/store\n"
  "  -h, --help           show this help and exit\n"
  "\n"
  "Exit status: 0 success, 2 usage error, 3 the store cannot be read.\n";

int
cmd_export(evpub_world *world, int argc, char **argv)
{
  static const struct option opts[] = { { "store", required_argument, NULL,
                                          EVPUB_CLI_O_STORE },
                                        { "help", no_argument, NULL, 'h' },
                                        { NULL, 0, NULL, 0 } };
  evpub_source *src = evpub_new_source(world);
  const char *store = NULL;
  int c, rc = 0;
  if(!src) {
    fputs("evpub: out of memory\n", stderr);
    return EXIT_INTERNAL;
  }
  argv[0] = (char *)"evpub";
  optind = 1;
  while(!rc && (c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
    switch(c) {
    case EVPUB_CLI_O_STORE: store = optarg; break;
    case 'h': fputs(export_usage, stdout); goto done;
    default:
      fputs("evpub: try 'evpub export --help'\n", stderr);
      rc = EXIT_USAGE;
      break;
    }
  }
  if(!rc && optind < argc) {
    fputs("evpub: export takes no arguments\n", stderr);
    rc = EXIT_USAGE;
  }
  if(!rc)
    rc = evpub_cli_source_finish(src, 0, 1, 1, store);
  if(!rc)
    rc = evpub_cli_exit_code(evpub_source_export(src, stdout));
done:
  evpub_free_source(src);
  return rc;
}
