/* store/facts.c - the organizer facts of the store (store.h): which
 * statements they are, and their records in facts.tsv
 *
 * A record of facts.tsv, the one place that says so:
 *
 *   GRAPH TAB CODE TAB SUBJECT TAB VALUE
 *
 * CODE is one letter, the kind's row in the table below.  A line of
 * another shape, or of a code not in the table, is damage: the store's
 * version is its FORMAT file, so there are no lines of other versions to
 * skip, and a network computed past a damaged line would be wrong
 * without a word.
 */
#include <errno.h>
#include <string.h>

#include "store/side.h"

#define NFIELDS 4

/* The predicate of each kind, its code, and what its object must be. */
static const struct {
  evpubp_fact_kind kind;
  const char *predicate;
  char code;
  raptor_term_type object;
} kinds[] = {
  { EVPUBP_FACT_ORGANIZER, EVPUBP_SCHEMA_NS "organizer", 'o',
    RAPTOR_TERM_TYPE_URI },
  { EVPUBP_FACT_ROLE_NAME, EVPUBP_SCHEMA_NS "roleName", 'r',
    RAPTOR_TERM_TYPE_LITERAL },
  { EVPUBP_FACT_START_DATE, EVPUBP_SCHEMA_NS "startDate", 'd',
    RAPTOR_TERM_TYPE_LITERAL },
  { EVPUBP_FACT_NAME, EVPUBP_SCHEMA_NS "name", 'n', RAPTOR_TERM_TYPE_LITERAL },
};

#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

int
evpubp_facts_put(FILE *fp, evpubp_buf *line, const char *graph,
                 const raptor_statement *st)
{
  const char *p, *f[NFIELDS];
  size_t len[NFIELDS], k;
  char code[2];
  if(st->predicate->type != RAPTOR_TERM_TYPE_URI ||
     st->subject->type != RAPTOR_TERM_TYPE_URI)
    return 0;
  p = (const char *)raptor_uri_as_string(st->predicate->value.uri);
  for(k = 0; k < NKINDS && strcmp(p, kinds[k].predicate); k++)
    ;
  if(k == NKINDS || st->object->type != kinds[k].object)
    return 0;
  code[0] = kinds[k].code;
  code[1] = '\0';
  f[0] = graph;
  f[1] = code;
  f[2] = (const char *)raptor_uri_as_string(st->subject->value.uri);
  if(st->object->type == RAPTOR_TERM_TYPE_URI) {
    f[3] = (const char *)raptor_uri_as_string(st->object->value.uri);
    len[3] = strlen(f[3]);
  } else {
    f[3] = (const char *)st->object->value.literal.string;
    len[3] = st->object->value.literal.string_len;
  }
  len[0] = strlen(f[0]);
  len[1] = 1;
  len[2] = strlen(f[2]);
  return evpubp_side_put(fp, line, NFIELDS, f, len);
}

typedef struct {
  evpubp_fact_fn fn;
  void *user;
} reading;

static evpub_status
read_record(void *user, char **f, const size_t *len)
{
  reading *r = user;
  evpubp_fact fact;
  size_t k;
  if(len[1] != 1 || !len[0] || !len[2])
    return EVPUB_E_DATA;
  for(k = 0; k < NKINDS && kinds[k].code != f[1][0]; k++)
    ;
  if(k == NKINDS)
    return EVPUB_E_DATA;
  if(!r->fn)
    return EVPUB_OK;
  fact.kind = kinds[k].kind;
  fact.graph = f[0];
  fact.subject = f[2];
  fact.subject_len = len[2];
  fact.value = f[3];
  fact.value_len = len[3];
  return r->fn(r->user, &fact);
}

evpub_status
evpubp_facts_read(evpub_world *w, const char *dir, const char *path,
                  evpubp_fact_fn fn, void *user)
{
  reading r;
  evpub_status st;
  unsigned long line;
  FILE *fp = fopen(path, "r");
  if(!fp) {
    evpubp_log(w, EVPUB_LOG_ERROR, path, 0, 0, "cannot read: %s",
               strerror(errno));
    return EVPUB_E_IO;
  }
  r.fn = fn;
  r.user = user;
  st = evpubp_side_read(fp, NFIELDS, read_record, &r, &line);
  if(st == EVPUB_E_DATA) {
    evpubp_store_damaged(w, dir, path, line,
                         "this line is not a record of the organizer facts "
                         "(graph, kind, subject and value)");
    st = EVPUB_E_IO;
  } else if(st == EVPUB_E_IO) {
    evpubp_log(w, EVPUB_LOG_ERROR, path, 0, 0, "cannot read it whole");
  }
  fclose(fp);
  return st;
}
