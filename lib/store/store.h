/* store/store.h - the local store (doc/store.md) */
#ifndef EVPUB_STORE_H
#define EVPUB_STORE_H

#include "core/core.h"
#include "write/write.h"

/* ---- the local store (evpub_store.c, doc/store.md) ---------------- */
typedef struct evpubp_store evpubp_store;
/* Open the store in dir: for writing (created if missing; the write
 * lock is taken, or EVPUB_E_IO when another process has it) or for
 * reading (a consistent generation, while it stays open). */
evpub_status evpubp_store_open(evpub_world *w, const char *dir, int write,
                               evpubp_store **out);
unsigned long evpubp_store_graphs(const evpubp_store *s);
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
/* Reading: facts.tsv of the generation (malloc'd), NULL when empty. */
char *evpubp_store_facts_path(const evpubp_store *s);
/* Append the record of one statement to b (store.c). */
void evpubp_store_record(evpubp_buf *b, const evpubp_stmt *st);

#endif /* EVPUB_STORE_H */
