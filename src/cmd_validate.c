/* cmd_validate.c - evpub validate */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static const char validate_usage[] =
  "Usage: evpub validate [OPTIONS] INPUT...\n"
  "\n"
  "Check event descriptions and print each finding on standard output as\n"
  "FILE:LINE:COLUMN: error|warning: message.  Nothing is converted.\n"
  "\n"
  "Options:\n"
  "  -p, --profile PROFILE  schema (default): the format's checks, dates\n"
  "                       in order, no negative capacity, no price without\n"
  "                       a currency; google: also Google Search Central's\n"
  "                       Event rules (required name, startDate, location\n"
  "                       with an address; recommended description,\n"
  "                       endDate, eventStatus, image, offers, organizer,\n"
  "                       performer; UTC offsets; no online-only events)\n"
  "      --base IRI       base IRI, as for convert\n"
  "      --from READER    reader: yaml, json, csv or ics (default: by\n"
  "                       the file's extension; yaml for standard input)\n"
  "      --expand N       ics: also list the first N occurrences of a\n"
  "                       recurring event as subEvents (default 0)\n"
  "      --max-errors N   stop after N errors (default 50, 0: no limit)\n"
  "  -h, --help           show this help and exit\n"
  "\n"
  "Exit status: 0 no error (warnings allowed), 1 errors found, 2 usage\n"
  "error, 3 input/output error, 4 internal error.\n";

int
cmd_validate(evpub_world *world, int argc, char **argv)
{
  static const struct option opts[] = {
    { "profile", required_argument, NULL, 'p' },
    { "base", required_argument, NULL, 'b' },
    { "from", required_argument, NULL, 'F' },
    { "expand", required_argument, NULL, 'E' },
    { "max-errors", required_argument, NULL, 'm' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 }
  };
  evpub_converter *conv;
  const char *from = NULL;
  int c, rc;
  evpub_status st;

  conv = evpub_new_converter(world);
  if(!conv) {
    fputs("evpub: out of memory\n", stderr);
    return EXIT_INTERNAL;
  }
  argv[0] = (char *)"evpub";
  optind = 1;
  evpub_converter_set_profile(conv, "schema");
  while((c = getopt_long(argc, argv, "p:h", opts, NULL)) != -1) {
    switch(c) {
    case 'p':
      if(evpub_converter_set_profile(conv, optarg) ||
         !strcmp(optarg, "none")) {
        fprintf(stderr, "evpub: unknown profile '%s' (use schema or google)\n",
                optarg);
        evpub_free_converter(conv);
        return EXIT_USAGE;
      }
      break;
    case 'h':
      fputs(validate_usage, stdout);
      evpub_free_converter(conv);
      return EXIT_OK_;
    default:
      rc = evpub_cli_common_option(conv, c, optarg, &from);
      if(rc == 0)
        break;
      if(rc < 0) {
        fputs("evpub: try 'evpub validate --help'\n", stderr);
        rc = EXIT_USAGE;
      }
      evpub_free_converter(conv);
      return rc;
    }
  }
  rc = evpub_cli_add_inputs(conv, "validate", argc, argv, optind, from);
  if(rc) {
    evpub_free_converter(conv);
    return rc;
  }
  evpub_cli_findings = 1;
  st = evpub_converter_validate(conv);
  evpub_cli_findings = 0;
  rc = evpub_cli_exit_code(st);
  evpub_free_converter(conv);
  return rc;
}
