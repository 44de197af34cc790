/* store/store.h - the local store (doc/store.md)
 *
 *   store.c    generations, locks, putting graphs, the commit, reading
 *   side.c     the side files kept next to the Redland files (side.h)
 *   facts.c    the organizer facts: which statements, their records
 *   lexical.c  the lexical forms rasqal rewrites
 */
#ifndef EVPUB_STORE_H
#define EVPUB_STORE_H

#include "core/core.h"
#include "write/write.h"

/* ---- the local store (store.c) ------------------------------------ */
typedef struct evpubp_store evpubp_store;
/* Open the store in dir: for writing (created if missing; the write
 * lock is taken, or EVPUB_E_IO when another process has it) or for
 * reading (a consistent generation, while it stays open). */
evpub_status evpubp_store_open(evpub_world *w, const char *dir, int write,
                               evpubp_store **out);
/* 1 if the store holds graph iri with this content hash */
int evpubp_store_has(const evpubp_store *s, const char *iri, const char *hash);
/* Replace graph iri with the statement records (evpubp_store_record)
 * in text[len] or in fp. */
evpub_status evpubp_store_put(evpubp_store *s, const char *iri,
                              const char *hash, unsigned long triples,
                              const char *text, size_t len, FILE *fp);
/* Make every put visible at once; without it close() drops them. */
evpub_status evpubp_store_commit(evpubp_store *s);
void evpubp_store_close(evpubp_store *s);
/* Reading: the Redland model (borrowed), NULL on failure (logged). */
struct librdf_model_s *evpubp_store_model(evpubp_store *s);
/* Reading: the lexical form a literal of datatype dt was stored with,
 * when rasqal gives it back as value[len] in another form; else NULL. */
const char *evpubp_store_lexical(evpubp_store *s, const char *dt,
                                 const char *value, size_t len);
/* Append the record of one statement to b (store.c). */
void evpubp_store_record(evpubp_buf *b, const evpubp_stmt *st);

/* ---- the organizer facts (facts.c) -------------------------------- *
 * What the co-organizer network is computed from without the query
 * engine: every schema:organizer statement whose object is an IRI, and
 * every schema:roleName, schema:startDate and schema:name statement
 * whose object is a literal, of subjects that are IRIs.  Each publish
 * records them with the graphs, in the same commit. */
typedef enum {
  EVPUBP_FACT_ORGANIZER = 0, /* value: the organizer's IRI */
  EVPUBP_FACT_ROLE_NAME,     /* value: the roleName, as written */
  EVPUBP_FACT_START_DATE,    /* value: the startDate, as written */
  EVPUBP_FACT_NAME           /* value: the name (any language) */
} evpubp_fact_kind;

typedef struct {
  evpubp_fact_kind kind;
  const char *graph;   /* the named graph that holds the statement */
  const char *subject; /* an IRI, subject_len bytes */
  size_t subject_len;
  const char *value; /* value_len bytes, NUL-terminated (a literal may
                      * hold U+0000 within) */
  size_t value_len;
} evpubp_fact;

/* Called with each fact, borrowed for the call only.  A status other
 * than EVPUB_OK stops the walk and is returned. */
typedef evpub_status (*evpubp_fact_fn)(void *user, const evpubp_fact *fact);

/* Reading: every organizer fact of the store's generation to fn, in no
 * set order.  EVPUB_OK at once for an empty store; EVPUB_E_IO (logged)
 * when the facts cannot be read. */
evpub_status evpubp_store_facts(evpubp_store *s, evpubp_fact_fn fn,
                                void *user);

#endif /* EVPUB_STORE_H */
