/* cli_options.c - the option groups several commands share: what to
 * read (convert, validate, publish) and where to go (publish, query,
 * network, export) */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

/* A whole number from lo to hi: 0, or -1. */
static int
parse_count(const char *arg, unsigned long hi, unsigned long *out)
{
  char *end;
  unsigned long n;
  if(!*arg || *arg == '-' || *arg == '+')
    return -1;
  n = strtoul(arg, &end, 10);
  if(*end || n > hi)
    return -1;
  *out = n;
  return 0;
}

int
cli_input_option(evpub_converter *conv, int c, const char *arg,
                 const char **from)
{
  char names[256];
  unsigned long n;
  switch(c) {
  case CLI_O_BASE:
    if(evpub_converter_set_base(conv, arg)) {
      cli_error("--base '%s' is not an absolute IRI", arg);
      return CLI_USAGE;
    }
    return 0;
  case CLI_O_FROM:
    *from = arg;
    for(n = 0; evpub_choice_at(EVPUB_READERS, n); n++)
      if(!strcmp(evpub_choice_at(EVPUB_READERS, n)->name, arg))
        return 0;
    cli_error("unknown reader '%s' for --from (use %s)", arg,
              cli_names(EVPUB_READERS, names, sizeof(names)));
    return CLI_USAGE;
  case CLI_O_EXPAND:
    if(parse_count(arg, 100000, &n)) {
      cli_error("--expand needs a number from 0 to 100000, not '%s'", arg);
      return CLI_USAGE;
    }
    evpub_converter_set_expand(conv, n);
    return 0;
  case CLI_O_MAX_ERRORS:
    if(parse_count(arg, (unsigned long)-1, &n)) {
      cli_error("--max-errors needs a number, not '%s'", arg);
      return CLI_USAGE;
    }
    evpub_converter_set_max_errors(conv, n);
    return 0;
  default: return -1;
  }
}

int
cli_add_inputs(evpub_converter *conv, const char *cmd, int argc, char **argv,
               int first, const char *from)
{
  int i;
  if(first >= argc) {
    cli_error("%s needs at least one INPUT", cmd);
    return cli_try_help(cmd);
  }
  for(i = first; i < argc; i++) {
    /* standard input cannot be looked at twice: YAML unless --from */
    const char *f = !strcmp(argv[i], "-") && !from ? "yaml" : from;
    evpub_status st = evpub_converter_add_input(conv, argv[i], f);
    if(st) {
      cli_error("%s", evpub_strerror(st));
      return cli_exit_code(st);
    }
  }
  return 0;
}

/* ---- where to go --------------------------------------------------- */
int
cli_where_set(cli_where *w, const char *name, const char *value)
{
  evpub_status st = w->set(w->obj, name, value);
  return st ? cli_exit_code(st) : 0; /* the library said why */
}

/* A password or token from a file, wiped once handed over. */
static int
set_secret(cli_where *w, const char *name, const char *path)
{
  char *secret = cli_read_secret(path, name);
  int rc;
  if(!secret)
    return CLI_IO;
  rc = cli_where_set(w, name, secret);
  memset(secret, 0, strlen(secret));
  free(secret);
  return rc;
}

static evpub_status
source_set(void *src, const char *name, const char *value)
{
  return evpub_source_set(src, name, value);
}

void
cli_where_source(cli_where *w, evpub_source *src)
{
  memset(w, 0, sizeof(*w));
  w->set = source_set;
  w->obj = src;
}

int
cli_where_option(cli_where *w, int c, const char *arg)
{
  static const struct {
    int c;
    const char *name; /* the library's option */
    int remote;       /* the option names a server */
  } plain[] = {
    { CLI_O_ENDPOINT, "endpoint", 1 }, { CLI_O_QUERY_URL, "query-url", 1 },
    { CLI_O_SERVER, "server", 0 },     { CLI_O_USER, "user", 0 },
    { CLI_O_AUTH, "auth", 0 },         { CLI_O_NETRC, "netrc", 0 },
    { CLI_O_CACERT, "cacert", 0 },     { CLI_O_TIMEOUT, "timeout", 0 }
  };
  size_t i;
  switch(c) {
  case CLI_O_STORE: w->store = arg; return 0;
  case CLI_O_PASSWORD:
    cli_error("a password is never taken from the command line (others "
              "can read it there): use EVPUB_PASSWORD, --password-file or "
              "~/.netrc");
    return CLI_USAGE;
  case CLI_O_PASSWORD_FILE:
    w->have_password = 1;
    return set_secret(w, "password", arg);
  case CLI_O_TOKEN_FILE: w->have_token = 1; return set_secret(w, "token", arg);
  default: break;
  }
  for(i = 0; i < sizeof(plain) / sizeof(plain[0]); i++)
    if(plain[i].c == c) {
      w->remote |= plain[i].remote;
      return cli_where_set(w, plain[i].name, arg);
    }
  return -1;
}

int
cli_where_finish(cli_where *w)
{
  const char *env;
  char *dir = NULL;
  int rc = 0;
  if(w->remote && w->store) {
    cli_error("give --store or --endpoint, not both");
    return CLI_USAGE;
  }
  if(!w->remote) {
    dir = w->store ? NULL : evpub_store_default_dir();
    if(!w->store && !dir) {
      cli_error("no store directory: give --store DIR or set EVPUB_STORE "
                "(HOME is not set)");
      return CLI_USAGE;
    }
    rc = cli_where_set(w, "store", w->store ? w->store : dir);
    evpub_free(dir);
  }
  if(!rc && !w->have_password && (env = getenv("EVPUB_PASSWORD")) && *env)
    rc = cli_where_set(w, "password", env);
  if(!rc && !w->have_token && (env = getenv("EVPUB_TOKEN")) && *env)
    rc = cli_where_set(w, "token", env);
  return rc;
}
