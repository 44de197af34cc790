/* cmd_convert.c - evpub convert */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

static const char convert_usage[] =
  "Usage: evpub convert [OPTIONS] INPUT...\n"
  "\n"
  "Read event descriptions and write them as schema.org RDF.  INPUT is\n"
  "a file of any reader below, or - for standard input.\n"
  "\n"
  "Options:\n"
  "  -f, --format FORMAT  output format (default turtle):\n"
  "{writers}\n"
  "      --jsonld-style STYLE  exact (default: the Turtle output's graph)\n"
  "                       or google (plain strings, as Google documents)\n"
  "  -o, --output FILE    write to FILE (atomically: a failed or killed\n"
  "                       run leaves FILE as it was; keeps its mode and\n"
  "                       owner; follows symlinks; writes devices and\n"
  "                       FIFOs through); default standard "
  "output\n" CLI_INPUT_HELP
  "      --validate[=PROFILE]  check first (schema, the default, or\n"
  "                       google) and write nothing when there is an error\n"
  "  -v, --verbose        also print notes and a summary\n"
  "  -h, --help           show this help and exit\n"
  "\n"
  "Errors are printed as 'evpub: FILE:LINE:COLUMN: message'.  Nothing is\n"
  "written when an input has errors.\n"
  "Exit status: 0 success, 1 input rejected, 2 usage error,\n"
  "3 input/output error, 4 internal error.\n";

typedef struct {
  cli *cl;
  evpub_converter *conv;
  const char *output, *from;
} convert_run;

/* One option: 0, -1 when not convert's, or an exit code (printed). */
static int
convert_option(void *ctx, int c, const char *arg)
{
  convert_run *r = ctx;
  char names[256];
  switch(c) {
  case 'o': r->output = arg; return 0;
  case 'v': r->cl->verbose = 1; return 0;
  case 'f':
    if(!evpub_converter_set_format(r->conv, arg))
      return 0;
    cli_error("unknown format '%s' (use %s)", arg,
              cli_names(EVPUB_WRITERS, names, sizeof(names)));
    return CLI_USAGE;
  case 'J':
    if(!evpub_converter_set_jsonld_style(r->conv, arg))
      return 0;
    cli_error("unknown JSON-LD style '%s' (use exact or google)", arg);
    return CLI_USAGE;
  case 'C':
    if(!evpub_converter_set_profile(r->conv, arg ? arg : "schema"))
      return 0;
    cli_error("unknown profile '%s' (use schema or google)", arg);
    return CLI_USAGE;
  default: return cli_input_option(r->conv, c, arg, &r->from);
  }
}

int
cmd_convert(cli *cl, int argc, char **argv)
{
  static const struct option opts[] = { CLI_ARG("format", 'f'),
                                        CLI_ARG("output", 'o'),
                                        CLI_ARG("jsonld-style", 'J'),
                                        { "validate", optional_argument, NULL,
                                          'C' },
                                        CLI_FLAG("verbose", 'v'),
                                        CLI_FLAG("help", 'h'),
                                        CLI_INPUT_OPTIONS,
                                        CLI_END };
  convert_run r = { cl, evpub_new_converter(cl->world), NULL, NULL };
  evpub_status st;
  int rc;

  if(!r.conv) {
    cli_error("out of memory");
    return CLI_INTERNAL;
  }
  rc = cli_options(argc, argv, "f:o:vh", opts, "convert", convert_usage,
                   convert_option, &r);
  if(!rc)
    rc = cli_add_inputs(r.conv, "convert", argc, argv, optind, r.from);
  if(!rc) {
    if(r.output && strcmp(r.output, "-"))
      st = evpub_converter_run_to_file(r.conv, r.output);
    else
      st = evpub_converter_run(r.conv, stdout);
    if(st == EVPUB_OK && cl->verbose)
      fprintf(stderr, "evpub: wrote %lu triples about %lu events\n",
              evpub_converter_triples(r.conv), evpub_converter_events(r.conv));
    rc = cli_exit_code(st);
  }
  evpub_free_converter(r.conv);
  return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
}
