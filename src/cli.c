/* cli_common.c - what convert and validate share on the command line */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int
evpub_cli_common_option(evpub_converter *conv, int c, const char *arg,
                        const char **from)
{
  switch(c) {
  case 'b':
    if(evpub_converter_set_base(conv, arg)) {
      fprintf(stderr, "evpub: --base '%s' is not an absolute IRI\n", arg);
      return EXIT_USAGE;
    }
    return 0;
  case 'F':
    if(strcmp(arg, "yaml") && strcmp(arg, "json") && strcmp(arg, "csv") &&
       strcmp(arg, "ics")) {
      fprintf(stderr,
              "evpub: unknown reader '%s' for --from (use yaml, json, csv "
              "or ics)\n",
              arg);
      return EXIT_USAGE;
    }
    *from = arg;
    return 0;
  case 'E': {
    char *end;
    unsigned long n = strtoul(arg, &end, 10);
    if(*end || end == arg || arg[0] == '-' || n > 100000) {
      fprintf(stderr,
              "evpub: --expand needs a number from 0 to 100000, not '%s'\n",
              arg);
      return EXIT_USAGE;
    }
    evpub_converter_set_expand(conv, n);
    return 0;
  }
  case 'm': {
    char *end;
    unsigned long n = strtoul(arg, &end, 10);
    if(*end || end == arg) {
      fprintf(stderr, "evpub: --max-errors needs a number, not '%s'\n", arg);
      return EXIT_USAGE;
    }
    evpub_converter_set_max_errors(conv, n);
    return 0;
  }
  default: return -1;
  }
}

int
evpub_cli_add_inputs(evpub_converter *conv, const char *cmd, int argc,
                     char **argv, int first, const char *from)
{
  int i;
  if(first >= argc) {
    fprintf(stderr,
            "evpub: %s needs at least one INPUT (try 'evpub %s --help')\n",
            cmd, cmd);
    return EXIT_USAGE;
  }
  for(i = first; i < argc; i++) {
    const char *f = !strcmp(argv[i], "-") ? (from ? from : "yaml") : from;
    evpub_status st = evpub_converter_add_input(conv, argv[i], f);
    if(st) {
      fprintf(stderr, "evpub: %s\n", evpub_strerror(st));
      return evpub_cli_exit_code(st);
    }
  }
  return 0;
}

char *
evpub_cli_read_secret(const char *path, const char *what)
{
  FILE *fp = fopen(path, "r");
  char buf[4096];
  size_t n;
  char *s;
  if(!fp) {
    fprintf(stderr, "evpub: cannot read the %s file '%s'\n", what, path);
    return NULL;
  }
  if(!fgets(buf, sizeof(buf), fp))
    buf[0] = '\0';
  fclose(fp);
  n = strcspn(buf, "\r\n");
  buf[n] = '\0';
  if(!n) {
    fprintf(stderr, "evpub: the %s file '%s' is empty\n", what, path);
    return NULL;
  }
  s = strdup(buf);
  memset(buf, 0, sizeof(buf));
  return s;
}

char *
evpub_cli_store_dir(int remote, const char *store, int *rc)
{
  char *dir;
  *rc = 0;
  if(remote && store) {
    fputs("evpub: give --store or --endpoint, not both\n", stderr);
    *rc = EXIT_USAGE;
    return NULL;
  }
  if(remote)
    return NULL;
  dir = store ? strdup(store) : evpub_store_default_dir();
  if(!dir) {
    fputs("evpub: no store directory: give --store DIR or set "
          "EVPUB_STORE (HOME is not set)\n",
          stderr);
    *rc = EXIT_USAGE;
  }
  return dir;
}
