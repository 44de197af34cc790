/* read/read.h - readers: syntaxes into description trees */
#ifndef EVPUB_READ_H
#define EVPUB_READ_H

#include "core/core.h"

/* ---- description tree ----------------------------------------------- */
typedef enum {
  EVPUBP_N_NULL = 0,
  EVPUBP_N_SCALAR,
  EVPUBP_N_MAP,
  EVPUBP_N_SEQ
} evpubp_node_kind;

typedef struct evpubp_node evpubp_node;
struct evpubp_node {
  evpubp_node_kind kind;
  unsigned char plain;     /* scalar written without quotes */
  unsigned long line, col; /* 1-based position of the node's start */
  const char *str;         /* scalar text (NUL-terminated, may hold NUL) */
  size_t len;
  /* SEQ: items[0..n); MAP: items[2i] key scalar, items[2i+1] value */
  evpubp_node **items;
  size_t n;
};

/* The value of key in a mapping node, or NULL. */
const evpubp_node *evpubp_node_get(const evpubp_node *map, const char *key);
/* The j-th value of a value: the scalar itself (j 0), a list's item, or
 * a mapping's (language map's) value; NULL past the end. */
const evpubp_node *evpubp_node_nth(const evpubp_node *v, size_t j);

/* Collections of a document (and the default "where" of an item). */
typedef enum {
  EVPUBP_C_EVENTS = 0,
  EVPUBP_C_ORGANIZATIONS,
  EVPUBP_C_PEOPLE,
  EVPUBP_C_PLACES,
  EVPUBP_C_WORKS,
  EVPUBP_C_COUNT,
  EVPUBP_C_NONE = EVPUBP_C_COUNT
} evpubp_collection;

extern const char *const evpubp_collection_names[EVPUBP_C_COUNT];

/* What a reader hands to the mapper. */
typedef struct {
  /* A new document starts (docno counts from 0 over the whole run). */
  int (*doc_begin)(void *user, unsigned long docno);
  /* A header key of the current document: base, lang or prefixes. */
  int (*header)(void *user, const evpubp_node *key, const evpubp_node *v);
  /* One item of a collection.  The node lives until the call returns. */
  int (*item)(void *user, evpubp_collection c, const evpubp_node *node);
  /* An error found by the reader itself (syntax, top-level shape). */
  void (*error)(void *user, unsigned long line, unsigned long col,
                const char *text);
} evpubp_reader_cb;

/* Read a YAML or JSON stream item by item.  Returns 0, or -1 when the
 * stream stopped on a syntax error (reported through cb->error), or a
 * nonzero value returned by a callback. */
int evpubp_yaml_read(FILE *fp, evpubp_arena *arena, const evpubp_reader_cb *cb,
                     void *user, unsigned long *docno);

/* What the CSV and iCalendar readers get besides the callbacks. */
typedef struct {
  evpub_world *world;   /* for notes: what was skipped, and why */
  const char *file;     /* the input's name, for those notes */
  unsigned long expand; /* iCalendar: occurrences listed as subEvents */
} evpubp_reader_opts;

/* Read a CSV file (spec section 6): one document, one event item per row.
 * Returns as evpubp_yaml_read(). (evpub_csv.c) */
int evpubp_csv_read(FILE *fp, evpubp_arena *arena, const evpubp_reader_cb *cb,
                    void *user, unsigned long *docno,
                    const evpubp_reader_opts *opts);

/* Read an iCalendar file (spec section 7): one document, one event item
 * per VEVENT (overrides folded into their series).  Returns as
 * evpubp_yaml_read(). (evpub_ics.c) */
int evpubp_ics_read(FILE *fp, evpubp_arena *arena, const evpubp_reader_cb *cb,
                    void *user, unsigned long *docno,
                    const evpubp_reader_opts *opts);

/* ---- spool of the first reading (evpub_spool.c) --------------------- */
typedef struct evpubp_spool evpubp_spool;
evpubp_spool *evpubp_new_spool(void);
void evpubp_free_spool(evpubp_spool *sp);
int evpubp_spool_file(evpubp_spool *sp, const char *name);
int evpubp_spool_doc(evpubp_spool *sp, unsigned long docno);
int evpubp_spool_header(evpubp_spool *sp, const evpubp_node *key,
                        const evpubp_node *v);
int evpubp_spool_item(evpubp_spool *sp, evpubp_collection c,
                      const evpubp_node *node);
/* Hand the recorded callbacks over again, in order.  Returns 0, -1 when
 * the spool cannot be read, or a callback's nonzero result. */
int evpubp_spool_replay(evpubp_spool *sp, evpubp_arena *arena,
                        const evpubp_reader_cb *cb, void *user,
                        void (*set_file)(void *user, const char *name));
#endif /* EVPUB_READ_H */
