/* query/options.c - tables of named rows: the options of the source and
 * of the network, set by name; the names of a table listed for a
 * message ("a, b or c")
 */
#include <stdlib.h>
#include <string.h>

#include "query/query.h"

static char **
field_of(void *obj, const evpubp_option *o)
{
  return (char **)(void *)((char *)obj + o->field);
}

evpub_status
evpubp_option_set(evpub_world *w, void *obj, const evpubp_option *table,
                  size_t n, const char *name, const char *value)
{
  const evpubp_option *o;
  evpub_status st;
  char *copy, **slot;
  size_t i;
  if(!name || !value)
    return EVPUB_E_USAGE;
  for(i = 0; i < n && strcmp(table[i].name, name); i++)
    ;
  if(i == n)
    return EVPUB_E_USAGE;
  o = &table[i];
  if(o->check) {
    st = o->check(obj, name, value);
    if(st || o->field == EVPUBP_OPT_NO_FIELD)
      return st;
  }
  if((o->flags & EVPUBP_OPT_NONEMPTY) && !*value) {
    evpubp_log(w, EVPUB_LOG_ERROR, NULL, 0, 0, "%s needs a value", name);
    return EVPUB_E_USAGE;
  }
  copy = strdup(value);
  if(!copy)
    return EVPUB_E_NOMEM;
  slot = field_of(obj, o);
  free(*slot);
  *slot = copy;
  return EVPUB_OK;
}

void
evpubp_option_free(void *obj, const evpubp_option *table, size_t n)
{
  size_t i;
  for(i = 0; i < n; i++) {
    char **slot;
    if(table[i].field == EVPUBP_OPT_NO_FIELD)
      continue;
    slot = field_of(obj, &table[i]);
    if(*slot && (table[i].flags & EVPUBP_OPT_SECRET))
      memset(*slot, 0, strlen(*slot));
    free(*slot);
    *slot = NULL;
  }
}

void
evpubp_put_names(evpubp_buf *b, const void *table, size_t n, size_t size)
{
  size_t i;
  for(i = 0; i < n; i++) {
    const char *name =
      *(const char *const *)(const void *)((const char *)table + i * size);
    if(i)
      evpubp_buf_adds(b, i + 1 < n ? ", " : " or ");
    evpubp_buf_adds(b, name);
  }
}
