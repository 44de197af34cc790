/* store/side.h - inside the store: the side files each generation keeps
 * next to the Redland files (doc/store.md)
 *
 *   facts.tsv    the organizer facts that `network` reads (facts.c)
 *   lexical.tsv  typed literals whose form rasqal rewrites (lexical.c)
 *
 * A side file is a line per record, its fields escaped as TSV fields
 * (evpubp_escape_tsv_field()), the first one the IRI of the graph the
 * record comes from: a publish keeps the lines of the graphs it did not
 * replace (evpubp_side_merge()) and adds those of the new graphs.  What
 * the other fields are is the business of each file's own source file.
 */
#ifndef EVPUB_STORE_SIDE_H
#define EVPUB_STORE_SIDE_H

#include <redland.h>

#include "store/store.h"

/* ---- side files (side.c) ------------------------------------------ */
/* Append a record of n fields f[i] of len[i] bytes to fp; line is
 * scratch.  -1 when out of memory or the write failed. */
int evpubp_side_put(FILE *fp, evpubp_buf *line, size_t n, const char *const *f,
                    const size_t *len);

/* Called with the n fields of a record, unescaped in place (each
 * NUL-terminated, len[i] bytes), borrowed for the call only.  A status
 * other than EVPUB_OK stops the reading. */
typedef evpub_status (*evpubp_side_fn)(void *user, char **f,
                                       const size_t *len);

#define EVPUBP_SIDE_MAX_FIELDS 8

/* Each record of fp (n fields, at most EVPUBP_SIDE_MAX_FIELDS) to fn, in
 * order.  A line that is not a record of exactly n fields, the last one
 * ended by a newline, is damage: the reading stops with EVPUB_E_DATA and
 * *line its number; so does a record fn refuses with EVPUB_E_DATA.
 * EVPUB_E_IO when reading fails (ferror(fp)), or what fn returned. */
evpub_status evpubp_side_read(FILE *fp, size_t n, evpubp_side_fn fn,
                              void *user, unsigned long *line);

/* 1 when the records of graph[len] are replaced. */
typedef int (*evpubp_side_replaced_fn)(void *user, const char *graph,
                                       size_t len);

/* The records of old (NULL: none) whose graph is not replaced, then
 * every record of fresh (from its start), to out.  -1 on an I/O error. */
int evpubp_side_merge(FILE *out, FILE *old, FILE *fresh,
                      evpubp_side_replaced_fn replaced, void *user);

/* ---- damage (store.c) --------------------------------------------- */
/* Log that the store in dir is damaged: what is wrong (fmt), in file at
 * line (NULL, 0: none), that nothing was changed and how to recover. */
void evpubp_store_damaged(evpub_world *w, const char *dir, const char *file,
                          unsigned long line, const char *fmt, ...)
#ifdef __GNUC__
  __attribute__((format(printf, 5, 6)))
#endif
  ;

/* ---- facts.tsv (facts.c) ------------------------------------------ */
/* The record of statement st of graph, if it is an organizer fact, to
 * fp.  -1 when out of memory or the write failed. */
int evpubp_facts_put(FILE *fp, evpubp_buf *line, const char *graph,
                     const raptor_statement *st);
/* The facts of path (a file of the store in dir) to fn, or only checked
 * when fn is NULL (see evpubp_store_facts()); logs, a line that does not
 * parse as the store's damage (evpubp_store_damaged()). */
evpub_status evpubp_facts_read(evpub_world *w, const char *dir,
                               const char *path, evpubp_fact_fn fn,
                               void *user);

/* ---- lexical.tsv (lexical.c) -------------------------------------- */
typedef struct {
  evpubp_map forms;   /* "DATATYPE TAB RASQAL-FORM" -> the stored form */
  evpubp_arena arena; /* the stored forms */
  evpubp_buf key;     /* scratch */
  int loaded;
} evpubp_lexical;

void evpubp_lexical_init(evpubp_lexical *lx);
void evpubp_lexical_free(evpubp_lexical *lx);
/* Writing: the record of literal lit of graph to fp, when rasqal gives
 * it back in another form.  -1 when out of memory or the write failed. */
int evpubp_lexical_put(librdf_world *rdf, FILE *fp, evpubp_buf *line,
                       const char *graph,
                       const raptor_term_literal_value *lit);
/* Reading: the records of path (NULL: none), once.  EVPUB_E_IO when it
 * cannot be read, EVPUB_E_DATA with *line the line that does not parse,
 * EVPUB_E_NOMEM; not logged. */
evpub_status evpubp_lexical_load(evpubp_lexical *lx, const char *path,
                                 unsigned long *line);
/* Reading: the form a literal of datatype dt was stored with, when
 * rasqal gives it back as value[len]; else NULL. */
const char *evpubp_lexical_find(evpubp_lexical *lx, const char *dt,
                                const char *value, size_t len);

#endif /* EVPUB_STORE_SIDE_H */
