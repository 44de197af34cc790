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
int evpub_cli_exit_code(evpub_status st);
/* --base (b), --from (F), --max-errors (m): 0 done, -1 not one of them,
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
