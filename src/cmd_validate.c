/* cmd_validate.c - evpub validate */
#include <getopt.h>
#include <stdio.h>
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
  "                       performer; UTC offsets; no online-only "
  "events)\n" CLI_INPUT_HELP "  -h, --help           show this help and exit\n"
  "\n"
  "Exit status: 0 no error (warnings allowed), 1 errors found, 2 usage\n"
  "error, 3 input/output error, 4 internal error.\n";

/* The findings, positioned errors and warnings, go to standard output
 * as FILE:LINE:COL: error|warning: text; anything else as cli_log()
 * says it. */
static void
log_findings(void *user, const evpub_message *msg)
{
  if(msg->level == EVPUB_LOG_NOTE || !msg->file || !msg->line) {
    cli_log(user, msg);
    return;
  }
  printf("%s:%lu:%lu: %s: %s\n", msg->file, msg->line, msg->column,
         msg->level == EVPUB_LOG_ERROR ? "error" : "warning", msg->text);
}

int
cmd_validate(cli *cl, int argc, char **argv)
{
  static const struct option opts[] = { { "profile", required_argument, NULL,
                                          'p' },
                                        { "help", no_argument, NULL, 'h' },
                                        CLI_INPUT_OPTIONS,
                                        { NULL, 0, NULL, 0 } };
  evpub_converter *conv = evpub_new_converter(cl->world);
  const char *from = NULL;
  int c, rc = 0;

  if(!conv) {
    cli_error("out of memory");
    return CLI_INTERNAL;
  }
  optind = 1;
  evpub_converter_set_profile(conv, "schema");
  while(!rc && (c = getopt_long(argc, argv, "p:h", opts, NULL)) != -1) {
    switch(c) {
    case 'p':
      if(!strcmp(optarg, "none") ||
         evpub_converter_set_profile(conv, optarg)) {
        cli_error("unknown profile '%s' (use schema or google)", optarg);
        rc = CLI_USAGE;
      }
      break;
    case 'h': cli_help(stdout, validate_usage); goto done;
    default:
      rc = cli_input_option(conv, c, optarg, &from);
      if(rc < 0)
        rc = cli_try_help("validate");
      break;
    }
  }
  if(!rc)
    rc = cli_add_inputs(conv, "validate", argc, argv, optind, from);
  if(!rc) {
    evpub_world_set_log_handler(cl->world, log_findings, cl);
    rc = cli_exit_code(evpub_converter_validate(conv));
    evpub_world_set_log_handler(cl->world, cli_log, cl);
  }
done:
  evpub_free_converter(conv);
  return rc;
}
