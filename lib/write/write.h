/* write/write.h - statements, and the sinks that take them
 *
 * A sink takes the statements the mapper makes, one item at a time.  The
 * writers (one file each, one row each in writers.c's table) are sinks
 * that write an RDF syntax; the publisher is a sink that sends graphs to
 * a server or the local store.  Sinks know only statements, never the
 * description format or schema.org.
 */
#ifndef EVPUB_WRITE_H
#define EVPUB_WRITE_H

#include "core/core.h"

/* ---- statements ----------------------------------------------------- */
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

/* The statements of one item (an event, or an entity of a collection),
 * as the mapper hands them over.  Everything is borrowed for the call. */
typedef struct {
  const evpubp_stmt *st;
  size_t n;
  const char *item; /* the item's IRI, or NULL */
  int event;        /* the item is an event (else a shared entity) */
} evpubp_batch;

/* ---- sinks ------------------------------------------------------------ */
typedef struct evpubp_sink evpubp_sink;

/* Flags of a writer. */
/* It nests shared entities into events: the converter hands it the
 * shared entities' items first, then the events'. */
#define EVPUBP_W_ENTITIES_FIRST 1u
/* Its name takes a variant after a colon, "raptor:NAME". */
#define EVPUBP_W_VARIANT 2u

typedef struct {
  evpub_choice info;   /* -f NAME, summary, usual file extension */
  const char *aliases; /* other names, space-separated, or NULL */
  const char *mime;    /* media type, or NULL */
  unsigned flags;      /* EVPUBP_W_* */
  const char *variant; /* the variant used when the name gives none */
  /* EVPUBP_W_VARIANT: 1 if variant is one this writer can write */
  int (*accepts)(evpub_world *w, const char *variant);
  /* bytes of sink->priv, made zeroed before start and freed after free */
  size_t priv_size;
  /* All writes go to sink->out, or to sink->buf, which is written out
   * after finish.  Each returns 0, or -1 on a write error or when out of
   * memory; batch returns 1 when the syntax cannot hold a statement
   * (logged).  Only batch is required; free is called once, also after a
   * failure, to release what priv points to. */
  int (*start)(evpubp_sink *sink);
  int (*batch)(evpubp_sink *sink, const evpubp_batch *b);
  int (*finish)(evpubp_sink *sink);
  void (*free)(evpubp_sink *sink);
} evpubp_sink_factory;

/* What the maker of a sink chooses, besides the format. */
typedef struct {
  const char *style; /* "google": JSON-LD as Google documents it */
  const char *graph; /* every statement in this graph, or NULL: the
                        graphs of doc/publishing.md */
} evpubp_sink_opts;

struct evpubp_sink {
  const evpubp_sink_factory *factory;
  evpub_world *world;
  FILE *out;
  evpubp_buf buf; /* scratch output buffer */
  void *priv;
  const char *variant; /* the writer's variant (a raptor serializer) */
  evpubp_sink_opts opts;
  unsigned long event_items;  /* event items in the inputs (before start) */
  evpub_status failed_status; /* why start or finish failed, when known */
};

/* The writer called name ("turtle", an alias, or "raptor:NAME"), with
 * *variant set to its variant (borrowed from name or the table); NULL
 * when there is none. */
const evpubp_sink_factory *evpubp_writer_find(evpub_world *w, const char *name,
                                              const char **variant);
/* The i-th writer of the table, NULL past the end. */
const evpubp_sink_factory *evpubp_writer_at(size_t i);

/* A sink writing format to out.  opts may be NULL; its strings are
 * borrowed and must outlive the sink.  Returns new (evpubp_free_sink()),
 * NULL for an unknown format or when out of memory. */
evpubp_sink *evpubp_new_sink(evpub_world *w, const char *format, FILE *out,
                             const evpubp_sink_opts *opts);
void evpubp_free_sink(evpubp_sink *sink);
/* Run the writer's steps: 0, or as the factory's functions say.  The
 * caller owns a sink it made itself (the publisher's): then priv is its
 * own and priv_size 0. */
int evpubp_sink_start(evpubp_sink *sink);
int evpubp_sink_batch(evpubp_sink *sink, const evpubp_batch *b);
int evpubp_sink_finish(evpubp_sink *sink);

/* ---- helpers the writers share (writers.c) -------------------------- */
/* Write the sink's buffer out once it holds 64 KiB or more: 0, or -1
 * on a write error. */
int evpubp_sink_maybe_flush(evpubp_sink *s);
/* The named graph of statement st of batch b (see doc/publishing.md):
 * opts.graph when set; statements about an entity described where it is
 * mentioned belong to that entity's graph (its IRI up to '#'); every
 * other statement belongs to the item's graph. */
const char *evpubp_stmt_graph(const evpubp_sink *sink, const evpubp_batch *b,
                              const evpubp_stmt *st, size_t *len);
/* Append the object of st as an N-Triples term, or (sparql) as a SPARQL
 * term, its string escaped by evpubp_escape_sparql_string(). */
int evpubp_object_term(evpubp_buf *b, const evpubp_stmt *st, int sparql);
/* Append one statement as an N-Triples line. */
int evpubp_nt_statement(evpubp_buf *b, const evpubp_stmt *st);

#endif /* EVPUB_WRITE_H */
