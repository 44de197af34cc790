/* list_events.c - a small program using libevpub's public API.
 *
 * Usage: list_events [-f FORMAT] [--base IRI] INPUT...
 * Converts the inputs (as `evpub convert` does) to standard output and
 * prints a summary line on standard error.  Only evpub.h is used.
 */
#include <stdio.h>
#include <string.h>

#include <evpub.h>

static void
on_message(void *user, const evpub_message *msg)
{
  int *errors = user;
  if(msg->level == EVPUB_LOG_ERROR)
    (*errors)++;
  fprintf(stderr, "list_events: %s%s%lu:%lu: %s\n", msg->file ? msg->file : "",
          msg->file ? ":" : "", msg->line, msg->column, msg->text);
}

int
main(int argc, char **argv)
{
  evpub_world *world;
  evpub_converter *conv;
  evpub_status st = EVPUB_OK;
  int i, errors = 0;

  world = evpub_new_world(); /* returns new */
  if(!world)
    return 4;
  evpub_world_set_log_handler(world, on_message, &errors);
  conv = evpub_new_converter(world); /* returns new */
  if(!conv) {
    evpub_free_world(world);
    return 4;
  }
  for(i = 1; i < argc && st == EVPUB_OK; i++) {
    if(!strcmp(argv[i], "-f") && i + 1 < argc)
      st = evpub_converter_set_format(conv, argv[++i]);
    else if(!strcmp(argv[i], "--base") && i + 1 < argc)
      st = evpub_converter_set_base(conv, argv[++i]);
    else
      st = evpub_converter_add_input(conv, argv[i], NULL);
  }
  if(st == EVPUB_OK)
    st = evpub_converter_run(conv, stdout);
  if(st == EVPUB_OK)
    fprintf(stderr, "list_events: %lu events, %lu triples\n",
            evpub_converter_events(conv), evpub_converter_triples(conv));
  else
    fprintf(stderr, "list_events: %s (%d errors)\n", evpub_strerror(st),
            errors);
  evpub_free_converter(conv);
  evpub_free_world(world);
  return (int)st;
}
