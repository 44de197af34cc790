/* map/mapperp.h - the mapper's insides, shared by its files
 *
 * mapper.c  the object, its passes, the callbacks the readers call, and
 *           where errors go
 * walk.c    the tree walk: entities, their properties and relations
 * scalar.c  scalar values: datatypes, enumerations, string references
 * emit.c    statements: collected per item, de-duplicated, handed over
 *
 * The walk runs on every pass; what it does differs by pass:
 *
 * pass 1    checks every item and records in the index what it declares
 *           and what it refers to (the only pass that reports errors)
 * recheck   records in the index the events a reference may mean
 * validate  checks every event with the validator (validate.c)
 * pass 2    writes statements; resolution is a look-up in the index
 */
#ifndef EVPUB_MAP_MAPPERP_H
#define EVPUB_MAP_MAPPERP_H

#include "map/map.h"
#include "map/index.h"
#include "map/report.h"
#include "map/terms.h"

/* What a document says about its items (its base is in the index). */
typedef struct {
  char *lang;
  evpubp_map prefixes; /* prefix -> namespace (malloc'd string) */
} evpubp_docinfo;

struct evpubp_mapper {
  evpub_world *world;
  unsigned long max_errors;
  unsigned long errors;
  unsigned long warnings;
  /* errors said, by "file:line:col:text": a CSV header cell's error
   * would otherwise come again for every row */
  evpubp_map said;
  evpubp_reporter on_error;   /* counted against max_errors */
  evpubp_reporter on_finding; /* the validator's: counted, never stop */
  int pass;
  int stopped;      /* too many errors */
  const char *file; /* interned name of the current input */
  evpubp_map files; /* interning of file names */

  evpubp_docinfo *docs;
  size_t ndocs, capdocs;
  unsigned long cur_doc;
  int late_base; /* a `base:` came after items */
  int doc_has_items;

  evpubp_terms terms;
  evpubp_index *index;
  int profile; /* validation: EVPUBP_PROFILE_* */

  /* the writing pass */
  evpubp_sink *sink;
  int only;         /* -1 all items, else a filter (evpubp_mapper_only) */
  int cur_coll;     /* collection of the item being mapped */
  int shared_depth; /* > 0 while mapping a shared mention */
  evpubp_arena out; /* strings of the current batch */
  evpubp_stmt *stmts;
  size_t nstmts, capstmts;
  evpubp_map written; /* hashes of shared statements written */
  size_t *slots;      /* drop_repeats(): a table of the batch */
  size_t capslots;
  evpubp_buf tmp; /* scratch within one call: nothing keeps it across */
  unsigned long triples;
  unsigned long events;
  unsigned long event_items; /* pass 1 */
};

static inline evpubp_docinfo *
evpubp_mapper_doc(evpubp_mapper *m)
{
  return &m->docs[m->cur_doc];
}

/* ---- mapper.c ----------------------------------------------------------- */
/* An error at a node of the current input (pass 1 only; said once per
 * place and text). */
void evpubp_mapper_err(evpubp_mapper *m, const evpubp_node *at,
                       const char *fmt, ...)
#ifdef __GNUC__
  __attribute__((format(printf, 3, 4)))
#endif
  ;

/* A value quoted for a message, into char buf[80]. */
#define EVPUBP_Q(buf, node)                                                   \
  evpubp_quote(buf, sizeof(buf), (node)->str, (node)->len)

/* ---- walk.c ------------------------------------------------------------- */
/* Map an item of collection c; *iri: its IRI (pass 2).  0, 1 to stop
 * (too many errors), or -1 when out of memory. */
int evpubp_walk_item(evpubp_mapper *m, evpubp_collection c,
                     const evpubp_node *node, const char **iri);

/* ---- scalar.c ----------------------------------------------------------- */
/* Map scalar v of property p (its IRI piri, pass 2) on subject s.
 * 0 (errors are reported), or -1 when out of memory. */
int evpubp_walk_scalar(evpubp_mapper *m, const char *s, int p,
                       const char *piri, const evpubp_node *v);

/* ---- emit.c: the current item's statements (pass 2; else no-ops) ----- */
/* A copy of s[0..n) that lives until the item is flushed. */
const char *evpubp_emit_str(evpubp_mapper *m, const char *s, size_t n);
int evpubp_emit_iri(evpubp_mapper *m, const char *s, const char *p,
                    const char *o);
int evpubp_emit_type(evpubp_mapper *m, const char *s, int type);
/* A literal: str[0..len) copied, lang (copied) or datatype dt. */
int evpubp_emit_text(evpubp_mapper *m, const char *s, const char *p,
                     const char *str, size_t len, const char *lang,
                     const char *dt);
int evpubp_emit_literal(evpubp_mapper *m, const char *s, const char *p,
                        const evpubp_node *v, const char *lang,
                        const char *dt);
/* The IRI of a node that depends on parent: parent '#' key, or with a
 * list position, parent '#' key '-' pos (after a '#', '/' instead). */
const char *evpubp_emit_dependent_iri(evpubp_mapper *m, const char *parent,
                                      const char *key, size_t pos);
/* Hand the item's statements to the sink; item: its IRI.  0, -1 when
 * out of memory, or what the sink's batch returned. */
int evpubp_emit_flush(evpubp_mapper *m, const char *item);

#endif /* EVPUB_MAP_MAPPERP_H */
