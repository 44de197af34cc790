/* map/index.h - the entity index: declarations, references and IRIs
 *
 * While the inputs are read the first time, the index records what the
 * items declare: entities with an id or an iri, or listed in a
 * collection ("strong"); mappings without an id that name an entity
 * ("weak"); and strings that refer to one.  evpubp_index_finish() then
 * gives every entity its IRI and resolves each distinct reference once,
 * reporting clashes and ambiguities before anything is written; the
 * writing pass only looks the results up.
 *
 * Events are not recorded one by one (a run may hold millions): their
 * IRIs and keys go into Bloom filters, and an event is recorded in full
 * only when a reference may mean it or its IRI may clash with another's.
 * When such an event may have been read before the reference, the
 * inputs are read once more (evpubp_index_needs_recheck()).
 *
 * Memory grows with the number of distinct entities and references, not
 * with the number of items.
 */
#ifndef EVPUB_MAP_INDEX_H
#define EVPUB_MAP_INDEX_H

#include "core/core.h"
#include "read/read.h"
#include "map/report.h"
#include "map/terms.h"

typedef struct evpubp_index evpubp_index;

/* What a mapping gives an entity, as far as the validator asks. */
#define EVPUBP_HAS_ADDRESS 1
#define EVPUBP_HAS_URL 2
#define EVPUBP_HAS_NAME 4

/* An entity, as evpubp_index_finish() made it; owned by the index. */
typedef struct {
  char *iri;
  int type;
  unsigned char strong;   /* declared with an id or iri, or listed */
  unsigned char implicit; /* made from a string that named nothing */
  unsigned char emitted;  /* implicit: its type and name are written
                           * (the writer's mark; the index leaves it) */
  unsigned char facts;    /* EVPUBP_HAS_*: of all its mappings */
  char *name;             /* implicit: the name as first written, */
  size_t namelen;
  char *lang; /* and the document's language there (or NULL) */
  /* whether another declaration of the same IRI is the same entity */
  char *given_id;  /* NULL when minted from the name */
  char *fold_name; /* folded first name */
  /* where it was first declared or mentioned, for messages */
  const char *file;
  unsigned long line, col;
} evpubp_entity;

/* terms and base_override (NULL: the documents' own bases) are borrowed
 * and must outlive the index.  Returns NULL when out of memory. */
evpubp_index *evpubp_new_index(evpubp_terms *terms, const char *base_override);
void evpubp_free_index(evpubp_index *ix);

/* ---- documents and IRIs ------------------------------------------------- */
/* A new document, numbered from 0 in the order of the calls.  0, or -1
 * when out of memory. */
int evpubp_index_add_doc(evpubp_index *ix);
/* Document doc's base: the absolute IRI iri[0..len), with a '/' added
 * unless it ends with '/' or '#'.  0, or -1 when out of memory. */
int evpubp_index_set_base(evpubp_index *ix, unsigned long doc, const char *iri,
                          size_t len);
/* 1 when some document has no base and no override was given (its IRIs
 * are minted under EVPUBP_DEFAULT_BASE). */
int evpubp_index_default_base(const evpubp_index *ix);
/* Append to out the IRI of the item id of collection coll in document
 * doc: base, the collection's name, '/', id percent-encoded as a path
 * segment.  0, or -1 when out of memory. */
int evpubp_index_mint(const evpubp_index *ix, evpubp_buf *out,
                      unsigned long doc, int coll, const char *id);

/* ---- the first reading -------------------------------------------------- */
/* A strong declaration. */
typedef struct {
  const evpubp_node *node; /* the mapping: position, name, alternateName,
                            * what it gives (EVPUBP_HAS_*) */
  int coll;                /* EVPUBP_C_*, not EVPUBP_C_NONE */
  int type;
  const char *id;         /* the given id, or the slug of the name */
  int given;              /* id was given */
  const evpubp_node *iri; /* the `iri` key's value, or NULL */
  unsigned long doc;
  const char *file; /* interned: must outlive the index */
} evpubp_decl;

/* Record d: on the first reading (recheck 0), every declaration;
 * on the reading again (recheck 1), events only.  0, or -1 when out of
 * memory. */
int evpubp_index_declare(evpubp_index *ix, const evpubp_decl *d, int recheck);

/* A weak mapping or a string reference.  The first one of each (weak,
 * prop, coll, fold) is kept; the others add their mapping's facts. */
typedef struct {
  int weak;         /* 1: a mapping without id; 0: a string */
  int prop;         /* the property holding it, or -1 */
  int coll;         /* EVPUBP_C_* of what it names, or EVPUBP_C_NONE */
  int type;         /* the type of a new entity made from it */
  const char *fold; /* the folded name: the key */
  size_t flen;
  const evpubp_node *name; /* the name as written (a string reference:
                            * itself, and its position) */
  const evpubp_node *node; /* weak: the mapping, and its position */
  const char *lang;        /* the document's language, or NULL */
  unsigned long doc;
  const char *file; /* interned: must outlive the index */
} evpubp_mention;

/* Record r.  0, or -1 when out of memory. */
int evpubp_index_mention(evpubp_index *ix, const evpubp_mention *r);

/* 1 when a reference may mean an event read before it, or two events
 * may mint one IRI: then the inputs must be read again, after
 * evpubp_index_start_recheck(), declaring the events again. */
int evpubp_index_needs_recheck(const evpubp_index *ix);
void evpubp_index_start_recheck(evpubp_index *ix);

/* ---- resolution --------------------------------------------------------- */
/* Give every entity its IRI and resolve every reference, reporting
 * clashes and ambiguities to rep, until it asks to stop.  0, or -1 when
 * out of memory. */
int evpubp_index_finish(evpubp_index *ix, const evpubp_reporter *rep);

/* After finish: the entity that a mention with these keys resolved to,
 * NULL when there is none (not recorded, or not resolved). */
evpubp_entity *evpubp_index_resolved(evpubp_index *ix, int weak, int prop,
                                     int coll, const char *fold, size_t flen);

/* After finish: the EVPUBP_HAS_* facts of value v of property prop
 * (a string reference or a mapping) and of the entity it names, from
 * all that entity's declarations and mentions. */
unsigned evpubp_index_facts(evpubp_index *ix, int prop, const evpubp_node *v);

#endif /* EVPUB_MAP_INDEX_H */
