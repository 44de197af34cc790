/* cmd_convert.c - evpub convert */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char convert_usage[] =
  "Usage: evpub convert [OPTIONS] INPUT...\n"
  "\n"
  "Read event descriptions and write them as schema.org RDF.\n"
  "INPUT is a .yaml, .yml or .json file, or - for standard input.\n"
  "\n"
  "Options:\n"
  "  -f, --format FORMAT  output format: turtle (default), ntriples,\n"
  "                       jsonld, html, rdfxml, nquads (with the named\n"
  "                       graphs that publish uses), or raptor:NAME for\n"
  "                       any raptor serializer\n"
  "      --jsonld-style STYLE  exact (default: the Turtle output's graph)\n"
  "                       or google (plain strings, as Google documents)\n"
  "  -o, --output FILE    write to FILE (atomically: a failed run leaves\n"
  "                       FILE as it was); default standard output\n"
  "      --base IRI       base IRI for minted IRIs, instead of the\n"
  "                       documents' own 'base:'\n"
  "      --from READER    reader: yaml, json, csv or ics (default: by\n"
  "                       the file's extension; yaml for standard input)\n"
  "      --expand N       ics: also list the first N occurrences of a\n"
  "                       recurring event as subEvents (default 0)\n"
  "      --validate[=PROFILE]  check first (schema, the default, or\n"
  "                       google) and write nothing when there is an error\n"
  "      --max-errors N   stop after N errors (default 50, 0: no limit)\n"
  "  -v, --verbose        also print notes and a summary\n"
  "  -h, --help           show this help and exit\n"
  "\n"
  "Errors are printed as 'evpub: FILE:LINE:COLUMN: message'.  Nothing is\n"
  "written when an input has errors.\n"
  "Exit status: 0 success, 1 input rejected, 2 usage error,\n"
  "3 input/output error, 4 internal error.\n";

int
cmd_convert(evpub_world *world, int argc, char **argv)
{
  static const struct option opts[] = {
    { "format", required_argument, NULL, 'f' },
    { "output", required_argument, NULL, 'o' },
    { "base", required_argument, NULL, 'b' },
    { "from", required_argument, NULL, 'F' },
    { "expand", required_argument, NULL, 'E' },
    { "max-errors", required_argument, NULL, 'm' },
    { "jsonld-style", required_argument, NULL, 'J' },
    { "validate", optional_argument, NULL, 'C' },
    { "verbose", no_argument, NULL, 'v' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  evpub_converter *conv;
  const char *output = NULL, *from = NULL;
  int c, rc;
  evpub_status st;

  conv = evpub_new_converter(world);
  if(!conv) {
    fputs("evpub: out of memory\n", stderr);
    return EXIT_INTERNAL;
  }
  argv[0] = (char *)"evpub"; /* getopt's messages name the program */
  optind = 1;
  while((c = getopt_long(argc, argv, "f:o:vh", opts, NULL)) != -1) {
    switch(c) {
    case 'f':
      st = evpub_converter_set_format(conv, optarg);
      if(st) {
        fprintf(stderr,
                "evpub: unknown format '%s' (use turtle, ntriples, "
                "jsonld, html, rdfxml, nquads or raptor:NAME)\n",
                optarg);
        evpub_free_converter(conv);
        return EXIT_USAGE;
      }
      break;
    case 'o': output = optarg; break;
    case 'C':
      if(evpub_converter_set_profile(conv, optarg ? optarg : "schema")) {
        fprintf(stderr, "evpub: unknown profile '%s' (use schema or google)\n",
                optarg);
        evpub_free_converter(conv);
        return EXIT_USAGE;
      }
      break;
    case 'J':
      if(evpub_converter_set_jsonld_style(conv, optarg)) {
        fprintf(stderr,
                "evpub: unknown JSON-LD style '%s' (use exact or "
                "google)\n",
                optarg);
        evpub_free_converter(conv);
        return EXIT_USAGE;
      }
      break;
    case 'v': evpub_cli_verbose = 1; break;
    case 'h':
      fputs(convert_usage, stdout);
      evpub_free_converter(conv);
      return EXIT_OK_;
    default:
      rc = evpub_cli_common_option(conv, c, optarg, &from);
      if(rc == 0)
        break;
      if(rc < 0) {
        fputs("evpub: try 'evpub convert --help'\n", stderr);
        rc = EXIT_USAGE;
      }
      evpub_free_converter(conv);
      return rc;
    }
  }
  rc = evpub_cli_add_inputs(conv, "convert", argc, argv, optind, from);
  if(rc) {
    evpub_free_converter(conv);
    return rc;
  }
  if(output && strcmp(output, "-"))
    st = evpub_converter_run_to_file(conv, output);
  else
    st = evpub_converter_run(conv, stdout);
  if(st == EVPUB_OK && evpub_cli_verbose)
    fprintf(stderr, "evpub: wrote %lu triples about %lu events\n",
            evpub_converter_triples(conv), evpub_converter_events(conv));
  rc = evpub_cli_exit_code(st);
  evpub_free_converter(conv);
  return rc;
}
