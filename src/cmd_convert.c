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
  "  -o, --output FILE    write to FILE (atomically: a failed run leaves\n"
  "                       FILE as it was); default standard "
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

/* -f, --jsonld-style, --validate: 0 or an exit code (printed). */
static int
convert_option(evpub_converter *conv, int c, const char *arg)
{
  char names[256];
  switch(c) {
  case 'f':
    if(!evpub_converter_set_format(conv, arg))
      return 0;
    cli_error("unknown format '%s' (use %s)", arg,
              cli_names(EVPUB_WRITERS, names, sizeof(names)));
    return CLI_USAGE;
  case 'J':
    if(!evpub_converter_set_jsonld_style(conv, arg))
      return 0;
    cli_error("unknown JSON-LD style '%s' (use exact or google)", arg);
    return CLI_USAGE;
  default: /* 'C' */
    if(!evpub_converter_set_profile(conv, arg ? arg : "schema"))
      return 0;
    cli_error("unknown profile '%s' (use schema or google)", arg);
    return CLI_USAGE;
  }
}

int
cmd_convert(cli *cl, int argc, char **argv)
{
  static const struct option opts[] = {
    { "format", required_argument, NULL, 'f' },
    { "output", required_argument, NULL, 'o' },
    { "jsonld-style", required_argument, NULL, 'J' },
    { "validate", optional_argument, NULL, 'C' },
    { "verbose", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    CLI_INPUT_OPTIONS,
    { NULL, 0, NULL, 0 }
  };
  evpub_converter *conv = evpub_new_converter(cl->world);
  const char *output = NULL, *from = NULL;
  int c, rc = 0;
  evpub_status st;

  if(!conv) {
    cli_error("out of memory");
    return CLI_INTERNAL;
  }
  optind = 1;
  while(!rc && (c = getopt_long(argc, argv, "f:o:vh", opts, NULL)) != -1) {
    switch(c) {
    case 'o': output = optarg; break;
    case 'v': cl->verbose = 1; break;
    case 'h': cli_help(stdout, convert_usage); goto done;
    case 'f':
    case 'J':
    case 'C': rc = convert_option(conv, c, optarg); break;
    default:
      rc = cli_input_option(conv, c, optarg, &from);
      if(rc < 0)
        rc = cli_try_help("convert");
      break;
    }
  }
  if(!rc)
    rc = cli_add_inputs(conv, "convert", argc, argv, optind, from);
  if(rc)
    goto done;
  if(output && strcmp(output, "-"))
    st = evpub_converter_run_to_file(conv, output);
  else
    st = evpub_converter_run(conv, stdout);
  if(st == EVPUB_OK && cl->verbose)
    fprintf(stderr, "evpub: wrote %lu triples about %lu events\n",
            evpub_converter_triples(conv), evpub_converter_events(conv));
  rc = cli_exit_code(st);
done:
  evpub_free_converter(conv);
  return rc;
}
