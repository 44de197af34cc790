/* evpub_cli.h - shared by the command-line tool's files */
#ifndef EVPUB_CLI_H
#define EVPUB_CLI_H

#include "evpub.h"

/* Exit codes of the evpub command (documented in doc/evpub.1). */
enum {
  EXIT_OK_ = 0,
  EXIT_DATA = 1,
  EXIT_USAGE = 2,
  EXIT_IO = 3,
  EXIT_INTERNAL = 4
};

int cmd_convert(evpub_world *world, int argc, char **argv);
int cmd_validate(evpub_world *world, int argc, char **argv);
int cmd_publish(evpub_world *world, int argc, char **argv);
int cmd_query(evpub_world *world, int argc, char **argv);
int cmd_network(evpub_world *world, int argc, char **argv);
int cmd_export(evpub_world *world, int argc, char **argv);

/* ---- where query and network ask (cmd_query.c) ---- */
enum {
  EVPUB_CLI_O_STORE = 512,
  EVPUB_CLI_O_ENDPOINT,
  EVPUB_CLI_O_QUERYURL,
  EVPUB_CLI_O_SERVER,
  EVPUB_CLI_O_USER,
  EVPUB_CLI_O_PASSWORD,
  EVPUB_CLI_O_PWFILE,
  EVPUB_CLI_O_TOKENFILE,
  EVPUB_CLI_O_AUTH,
  EVPUB_CLI_O_NETRC,
  EVPUB_CLI_O_CACERT,
  EVPUB_CLI_O_TIMEOUT
};

#define EVPUB_CLI_SOURCE_OPTIONS                                              \
  { "store", required_argument, NULL, EVPUB_CLI_O_STORE },                    \
    { "endpoint", required_argument, NULL, EVPUB_CLI_O_ENDPOINT },            \
    { "query-url", required_argument, NULL, EVPUB_CLI_O_QUERYURL },           \
    { "server", required_argument, NULL, EVPUB_CLI_O_SERVER },                \
    { "user", required_argument, NULL, EVPUB_CLI_O_USER },                    \
    { "password", required_argument, NULL, EVPUB_CLI_O_PASSWORD },            \
    { "password-file", required_argument, NULL, EVPUB_CLI_O_PWFILE },         \
    { "token-file", required_argument, NULL, EVPUB_CLI_O_TOKENFILE },         \
    { "auth", required_argument, NULL, EVPUB_CLI_O_AUTH },                    \
    { "netrc-file", required_argument, NULL, EVPUB_CLI_O_NETRC },             \
    { "cacert", required_argument, NULL, EVPUB_CLI_O_CACERT },                \
  {                                                                           \
    "timeout", required_argument, NULL, EVPUB_CLI_O_TIMEOUT                   \
  }

#define EVPUB_CLI_SOURCE_HELP                                                 \
  "\n"                                                                        \
  "Where to ask (the local store unless --endpoint or --query-url):\n"        \
  "      --store DIR      the local store: DIR, else $EVPUB_STORE, else\n"    \
  "                       $XDG_DATA_HOME/evpub/store or\n"                    \
  "                       ~/.local/share/evpub/store\n"                       \
  "      --endpoint URL   a SPARQL server's base URL\n"                       \
  "      --server KIND    virtuoso, fuseki, oxigraph, graphdb, neptune or\n"  \
  "                       generic (default): how the query URL derives\n"     \
  "                       from --endpoint\n"                                  \
  "      --query-url URL  the SPARQL query URL, given alone\n"                \
  "      --user NAME      user name; the password comes from the\n"           \
  "                       EVPUB_PASSWORD variable, --password-file or\n"      \
  "                       ~/.netrc\n"                                         \
  "      --password-file FILE  read the password from FILE's first line\n"    \
  "      --token-file FILE  bearer token from FILE (or EVPUB_TOKEN)\n"        \
  "      --auth SCHEME    any (default; digest for virtuoso), basic,\n"       \
  "                       digest or negotiate\n"                              \
  "      --netrc-file FILE  use FILE instead of ~/.netrc\n"                   \
  "      --cacert FILE    trust the CA certificates in FILE\n"                \
  "      --timeout S      seconds a request may take (default 300)\n"

typedef struct {
  const char *store;
  int remote, have_password, have_token;
} evpub_cli_source;

/* One of EVPUB_CLI_SOURCE_OPTIONS: 0 done, -1 not one of them, else an
 * exit code (the message is printed). */
int evpub_cli_source_option(evpub_source *src, int c, const char *arg,
                            evpub_cli_source *o);
/* After the options: the store default and the secrets from the
 * environment.  0 or an exit code. */
int evpub_cli_source_finish(evpub_source *src, int remote, int have_password,
                            int have_token, const char *store);
/* The local store's directory (malloc'd): store, or the default; NULL
 * with *rc 0 when remote, NULL with *rc an exit code on an error
 * (printed: both given, or no default). */
char *evpub_cli_store_dir(int remote, const char *store, int *rc);
/* The first line of path, without its newline; malloc'd, or NULL
 * (printed).  what: "password" or "token". */
char *evpub_cli_read_secret(const char *path, const char *what);
int evpub_cli_exit_code(evpub_status st);
/* --base (b), --from (F), --max-errors (m), --expand (E): 0 done, -1 not
 * one of them,
 * else an exit code (the message is printed). */
int evpub_cli_common_option(evpub_converter *conv, int c, const char *arg,
                            const char **from);
/* Add argv[first..argc) as inputs: 0, or an exit code (printed). */
int evpub_cli_add_inputs(evpub_converter *conv, const char *cmd, int argc,
                         char **argv, int first, const char *from);
extern int evpub_cli_verbose;
/* print findings as FILE:LINE:COL: error|warning: text on stdout */
extern int evpub_cli_findings;

#endif
