/* write/write.h - statements and the writers (sinks) that take them */
#ifndef EVPUB_WRITE_H
#define EVPUB_WRITE_H

#include "core/core.h"

/* ---- statements and sinks ---------------------------------------------- */
typedef enum { EVPUBP_O_IRI = 0, EVPUBP_O_LITERAL } evpubp_obj_kind;

typedef struct {
  const char *s; /* subject IRI */
  const char *p; /* predicate IRI */
  evpubp_obj_kind okind;
  const char *o; /* object IRI or literal text */
  size_t olen;
  const char *lang; /* literal language or NULL */
  const char *dt;   /* literal datatype IRI or NULL */
  int shared;       /* about a shared entity: written once per run */
} evpubp_stmt;

typedef struct evpubp_sink evpubp_sink;
typedef struct {
  const char *name;
  const char *mime;
  /* All writes go to sink->out. */
  int (*start)(evpubp_sink *sink);
  /* A batch of statements; statements about one subject are kept
   * together by the sink when the syntax groups them.  Returns 0, 1 when
   * the syntax cannot hold a statement (logged), -1 on a write error. */
  int (*batch)(evpubp_sink *sink, const evpubp_stmt *st, size_t n, int coll);
  int (*finish)(evpubp_sink *sink);
  void (*free)(evpubp_sink *sink);
} evpubp_sink_factory;

struct evpubp_sink {
  const evpubp_sink_factory *factory;
  evpub_world *world;
  FILE *out;
  evpubp_buf buf; /* scratch output buffer */
  void *priv;
  const char *raptor_name;
  int jsonld_google; /* JSON-LD in the style Google documents */
  const char *item;  /* IRI of the item being written (set by the mapper) */
  const char *graph; /* N-Quads: every statement in this graph, or NULL */
  unsigned long event_items;  /* event items in the inputs (before start) */
  evpub_status failed_status; /* why start or finish failed, when known */
};

/* The named graph of a statement written for an item of collection coll
 * (see doc/publishing.md): statements about an entity described where
 * it is mentioned belong to that entity's graph (its IRI up to '#');
 * every other statement belongs to the item's graph. */
const char *evpubp_stmt_graph(const evpubp_sink *sink, const evpubp_stmt *st,
                              size_t *len);
/* Append the object of st as an N-Triples term, or (sparql) as a SPARQL
 * term, its string escaped by evpubp_escape_sparql_string(). */
int evpubp_object_term(evpubp_buf *b, const evpubp_stmt *st, int sparql);
/* Append one statement as an N-Triples line. */
int evpubp_nt_statement(evpubp_buf *b, const evpubp_stmt *st);

evpubp_sink *evpubp_new_sink(evpub_world *w, const char *format, FILE *out);
void evpubp_free_sink(evpubp_sink *sink);
int evpubp_sink_known(evpub_world *w, const char *format);

extern const evpubp_sink_factory evpubp_sink_ntriples;
extern const evpubp_sink_factory evpubp_sink_turtle;
extern const evpubp_sink_factory evpubp_sink_raptor;
extern const evpubp_sink_factory evpubp_sink_nquads;
extern const evpubp_sink_factory evpubp_sink_jsonld;
extern const evpubp_sink_factory evpubp_sink_html;
/* Terms of the official schema.org JSON-LD context (evpub_jsonld.c) */
int evpubp_jsonld_term_coerced(const char *name);
int evpubp_jsonld_term_ok(const char *name);
#endif /* EVPUB_WRITE_H */
