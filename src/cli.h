/* cli.h - what the files of the evpub command share
 *
 * The command uses only the library's public header (include/evpub.h)
 * and links only libevpub.  main.c dispatches to one cmd_*.c per
 * command; cli.c holds the exit codes, the log handler and the help
 * printer; cli_options.c the option groups several commands share.
 */
#ifndef EVPUB_CLI_H
#define EVPUB_CLI_H

#include <getopt.h>
#include <stdio.h>

#include "evpub.h"

/* Exit codes of the command (doc/evpub.1, EXIT STATUS). */
typedef enum {
  CLI_OK = 0,
  CLI_DATA = 1,    /* an input was rejected */
  CLI_USAGE = 2,   /* a bad command line */
  CLI_IO = 3,      /* a file, the store or the server failed */
  CLI_INTERNAL = 4 /* a library failed, or out of memory */
} cli_exit;

/* The command's state, made by main(); the log handler's user data. */
typedef struct {
  evpub_world *world;
  int verbose; /* -v: notes too */
} cli;

/* The commands (cmd_*.c).  argv[0] is the command's name. */
int cmd_convert(cli *c, int argc, char **argv);
int cmd_validate(cli *c, int argc, char **argv);
int cmd_publish(cli *c, int argc, char **argv);
int cmd_query(cli *c, int argc, char **argv);
int cmd_network(cli *c, int argc, char **argv);
int cmd_export(cli *c, int argc, char **argv);

/* ---- cli.c ---------------------------------------------------------- */
/* The exit code of a library status. */
int cli_exit_code(evpub_status st);
/* The log handler (user: the cli): "evpub: FILE:LINE:COL: text" on
 * standard error, "warning: " or "note: " before a warning's or a
 * note's text; notes only when verbose.  Control characters of what it
 * prints are escaped, so no input can reach the terminal as one. */
void cli_log(void *user, const evpub_message *msg);
/* "evpub: " and the message on standard error, escaped as cli_log()
 * escapes. */
void cli_error(const char *fmt, ...)
#ifdef __GNUC__
  __attribute__((format(printf, 1, 2)))
#endif
  ;
/* Say "evpub: try 'evpub CMD --help'"; returns CLI_USAGE. */
int cli_try_help(const char *cmd);
/* The names of a kind of choice for a message: "a, b or c" in buf,
 * which is returned. */
const char *cli_names(evpub_choice_kind kind, char *buf, size_t len);
/* Print a help text.  A line "{readers}", "{writers}" or "{servers}"
 * becomes one line per choice of that kind (its name and summary),
 * indented under the options' texts. */
void cli_help(FILE *out, const char *text);
/* The whole of path ("-": standard input), NUL-terminated; malloc'd,
 * or NULL with the error printed.  what names the file in the message. */
char *cli_slurp(const char *path, const char *what);
/* The first line of path, without its line end; malloc'd, or NULL with
 * the error printed.  what: "password" or "token". */
char *cli_read_secret(const char *path, const char *what);
/* Read the options of argv by getopt_long(): -h prints help (through
 * cli_help()), an unknown option says "try 'evpub CMD --help'", and any
 * other goes to take(ctx, c, optarg), which returns 0 to go on, -1 when
 * it is not its option, or an exit code to stop.  Returns 0 to go on,
 * CLI_HELP_SHOWN after -h, or an exit code; optind is then the first
 * operand. */
#define CLI_HELP_SHOWN (-1)
int cli_options(int argc, char **argv, const char *shorts,
                const struct option *opts, const char *cmd, const char *help,
                int (*take)(void *ctx, int c, const char *arg), void *ctx);

/* Option rows of getopt_long: with an argument, without one. */
#define CLI_ARG(name, c)                                                      \
  {                                                                           \
    name, required_argument, NULL, c                                          \
  }
#define CLI_FLAG(name, c)                                                     \
  {                                                                           \
    name, no_argument, NULL, c                                                \
  }
#define CLI_END                                                               \
  {                                                                           \
    NULL, 0, NULL, 0                                                          \
  }

/* Run "dot -Tsvg" (Graphviz) with dot[len] on its standard input and
 * its output on standard output.  Returns an exit code (printed). */
int cli_draw_svg(const char *dot, size_t len);

/* ---- the option groups (cli_options.c) ------------------------------ */
/* What convert, validate and publish read: --base, --from, --expand,
 * --max-errors.  Values above any short option's character. */
enum { CLI_O_BASE = 0x100, CLI_O_FROM, CLI_O_EXPAND, CLI_O_MAX_ERRORS };

/* clang-format off */
#define CLI_INPUT_OPTIONS                                                    \
  CLI_ARG("base", CLI_O_BASE), CLI_ARG("from", CLI_O_FROM),                  \
  CLI_ARG("expand", CLI_O_EXPAND), CLI_ARG("max-errors", CLI_O_MAX_ERRORS)

#define CLI_INPUT_HELP                                                       \
  "      --base IRI       base IRI for minted IRIs, instead of the\n"        \
  "                       documents' own 'base:'\n"                          \
  "      --from READER    the reader of every INPUT (default: by the\n"      \
  "                       file's extension, else by its first bytes;\n"      \
  "                       yaml for standard input):\n"                       \
  "{readers}\n"                                                              \
  "      --expand N       ics: also list the first N occurrences of a\n"     \
  "                       recurring event as subEvents (default 0)\n"        \
  "      --max-errors N   stop after N errors (default 50, 0: no limit)\n"
/* clang-format on */

/* One of CLI_INPUT_OPTIONS: 0 when taken, -1 when c is not one of them,
 * else an exit code (printed).  *from is set by --from. */
int cli_input_option(evpub_converter *conv, int c, const char *arg,
                     const char **from);
/* Add argv[first..argc) as inputs: 0, or an exit code (printed). */
int cli_add_inputs(evpub_converter *conv, const char *cmd, int argc,
                   char **argv, int first, const char *from);

/* Where publish, query, network and export go: the local store, or a
 * SPARQL server and how to log in. */
enum {
  CLI_O_STORE = 0x200,
  CLI_O_ENDPOINT,
  CLI_O_SERVER,
  CLI_O_QUERY_URL,
  CLI_O_USER,
  CLI_O_PASSWORD,
  CLI_O_PASSWORD_FILE,
  CLI_O_TOKEN_FILE,
  CLI_O_AUTH,
  CLI_O_NETRC,
  CLI_O_CACERT,
  CLI_O_TIMEOUT
};

/* clang-format off */
#define CLI_WHERE_OPTIONS                                                    \
  CLI_ARG("store", CLI_O_STORE), CLI_ARG("endpoint", CLI_O_ENDPOINT),        \
  CLI_ARG("server", CLI_O_SERVER), CLI_ARG("query-url", CLI_O_QUERY_URL),    \
  CLI_ARG("user", CLI_O_USER), CLI_ARG("password", CLI_O_PASSWORD),          \
  CLI_ARG("password-file", CLI_O_PASSWORD_FILE),                             \
  CLI_ARG("token-file", CLI_O_TOKEN_FILE), CLI_ARG("auth", CLI_O_AUTH),      \
  CLI_ARG("netrc-file", CLI_O_NETRC), CLI_ARG("cacert", CLI_O_CACERT),       \
  CLI_ARG("timeout", CLI_O_TIMEOUT)

#define CLI_STORE_HELP                                                       \
  "      --store DIR      the local store: DIR, else $EVPUB_STORE, else\n"   \
  "                       $XDG_DATA_HOME/evpub/store or\n"                   \
  "                       ~/.local/share/evpub/store\n"

#define CLI_SERVER_HELP                                                      \
  "      --endpoint URL   a SPARQL server's base URL\n"                      \
  "      --server KIND    the kind of server, which says how the URLs\n"     \
  "                       of its services derive from --endpoint:\n"         \
  "{servers}\n"                                                              \
  "      --query-url URL  the SPARQL query URL, given alone\n"

#define CLI_LOGIN_HELP                                                       \
  "      --user NAME      user name; the password comes from the\n"          \
  "                       EVPUB_PASSWORD variable, --password-file or\n"     \
  "                       ~/.netrc (never from the command line)\n"          \
  "      --password-file FILE  read the password from FILE's first line\n"   \
  "      --token-file FILE  bearer token from FILE (or EVPUB_TOKEN)\n"       \
  "      --auth SCHEME    any (default; digest for virtuoso), basic,\n"      \
  "                       digest or negotiate\n"                             \
  "      --netrc-file FILE  use FILE instead of ~/.netrc\n"                  \
  "      --cacert FILE    trust the CA certificates in FILE (TLS is\n"       \
  "                       always verified)\n"                                \
  "      --timeout S      seconds a request may take (default 300)\n"
/* clang-format on */

/* An option setter of the library: evpub_publisher_set() or
 * evpub_source_set() through a cast of its object. */
typedef evpub_status (*cli_set_fn)(void *obj, const char *name,
                                   const char *value);

typedef struct {
  cli_set_fn set;
  void *obj;
  const char *store;
  int remote; /* a server's URL was given */
  int have_password, have_token;
} cli_where;

/* w for a source (query, network, export): the source's options. */
void cli_where_source(cli_where *w, evpub_source *src);

/* One of CLI_WHERE_OPTIONS: 0 when taken, -1 when c is not one of them,
 * else an exit code (printed). */
int cli_where_option(cli_where *w, int c, const char *arg);
/* After the options: the store (the given one or the default, unless a
 * server was given) and the secrets from the environment.  0 or an exit
 * code (printed). */
int cli_where_finish(cli_where *w);
/* Set one option through w's setter: 0 or an exit code. */
int cli_where_set(cli_where *w, const char *name, const char *value);

#endif /* EVPUB_CLI_H */
