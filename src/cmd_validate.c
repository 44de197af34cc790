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

typedef struct {
  evpub_converter *conv;
  const char *from;
} validate_run;

static int
validate_option(void *ctx, int c, const char *arg)
{
  validate_run *r = ctx;
  if(c != 'p')
    return cli_input_option(r->conv, c, arg, &r->from);
  if(strcmp(arg, "none") && !evpub_converter_set_profile(r->conv, arg))
    return 0;
  cli_error("unknown profile '%s' (use schema or google)", arg);
  return CLI_USAGE;
}

int
cmd_validate(cli *cl, int argc, char **argv)
{
  static const struct option opts[] = { CLI_ARG("profile", 'p'),
                                        CLI_FLAG("help", 'h'),
                                        CLI_INPUT_OPTIONS, CLI_END };
  validate_run r = { evpub_new_converter(cl->world), NULL };
  int rc;

  if(!r.conv) {
    cli_error("out of memory");
    return CLI_INTERNAL;
  }
  evpub_converter_set_profile(r.conv, "schema");
  rc = cli_options(argc, argv, "p:h", opts, "validate", validate_usage,
                   validate_option, &r);
  if(!rc)
    rc = cli_add_inputs(r.conv, "validate", argc, argv, optind, r.from);
  if(!rc) {
    /* this command's output is the findings themselves */
    evpub_world_set_log_handler(cl->world, log_findings, cl);
    rc = cli_exit_code(evpub_converter_validate(r.conv));
  }
  evpub_free_converter(r.conv);
  return rc == CLI_HELP_SHOWN ? CLI_OK : rc;
}
