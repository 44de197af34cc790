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

/* The first scalar of a value: itself, or a list's first item; NULL
 * when there is none. */
const evpubp_node *evpubp_first_scalar(const evpubp_node *v);
/* Is n the scalar s? */
int evpubp_streq(const evpubp_node *n, const char *s);
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

/* ---- readers: what they are handed, and their table ----------------- */
typedef struct evpubp_read_ctx evpubp_read_ctx;

/* What readers ask about the vocabulary, answered on the mapper's side
 * (map/schema.c), so that a reader knows only its syntax. */
typedef struct {
  /* CSV: does a column of this key hold a ';' list of values? */
  int (*multi_valued)(const char *key);
  /* YAML/JSON: keys is a mapping of a document's top-level keys that are
   * neither header keys nor collections (at its first key's position,
   * borrowed for the call); with_collections: the document has
   * collections too.  Hands keys over through ctx->cb as the document's
   * one event, or reports them.  Returns 0 or a callback's result. */
  int (*other_keys)(const evpubp_read_ctx *ctx, const evpubp_node *keys,
                    int with_collections);
} evpubp_schema;

/* What a reader is handed: one per input, borrowed for the call. */
struct evpubp_read_ctx {
  FILE *fp;                    /* the input, read from where it stands */
  const char *file;            /* its name, for notes */
  evpub_world *world;          /* for notes: what was skipped, and why */
  evpubp_arena *arena;         /* for the items' nodes; reset between them */
  const evpubp_reader_cb *cb;  /* where the trees and errors go */
  void *user;                  /* cb's */
  unsigned long *docno;        /* documents so far in the run, counted on */
  unsigned long expand;        /* iCalendar: occurrences listed as subEvents */
  const evpubp_schema *schema; /* what only the vocabulary answers */
};

/* A reader: one row of the table in read/readers.c, defined in the
 * reader's own file, as raptor's parser factories are. */
typedef struct {
  /* the name evpub_converter_add_input() takes, a one-line summary for
   * help texts, the file extensions it reads (".csv", space-separated,
   * any case) */
  evpub_choice info;
  /* Does head[len], the start of a file whose extension no reader
   * claims, look like this syntax?  NULL: never guessed. */
  int (*sniff)(const char *head, size_t len);
  /* Hand the input over through ctx->cb, document by document, item by
   * item.  Returns 0, -1 when reading stopped early on an error
   * (reported through ctx->cb->error), or a callback's nonzero result. */
  int (*read)(const evpubp_read_ctx *ctx);
} evpubp_reader;

/* The i-th reader of the table (the first reads what no other claims),
 * or NULL past the end. */
const evpubp_reader *evpubp_reader_at(size_t i);
/* The reader called name, or NULL. */
const evpubp_reader *evpubp_reader_find(const char *name);
/* The reader for the file at path: the one claiming its extension, else
 * the first whose sniff recognises the first 4 KiB of fp (when fp is not
 * NULL and can seek back; it is left where it was), else the first. */
const evpubp_reader *evpubp_reader_for_path(const char *path, FILE *fp);

/* For sniffers: the offset in head[len] of the first byte that is not
 * white space or a UTF-8 byte order mark (len when there is none). */
size_t evpubp_sniff_skip(const char *head, size_t len);

/* ---- what every reader needs ---------------------------------------- */
/* Report an error at line:col through ctx->cb->error (one line of text,
 * cut at 600 bytes). */
void evpubp_read_error(const evpubp_read_ctx *ctx, unsigned long line,
                       unsigned long col, const char *fmt, ...)
#ifdef __GNUC__
  __attribute__((format(printf, 4, 5)))
#endif
  ;

/* Report every key of mapping map that an earlier key repeats, as
 * "duplicate key 'K'" at the later one. */
void evpubp_read_duplicate_keys(const evpubp_read_ctx *ctx,
                                const evpubp_node *map);

/* ---- building trees ------------------------------------------------- */

/* A new node of kind at line:col in a, all else zero; NULL: no memory. */
evpubp_node *evpubp_new_node(evpubp_arena *a, evpubp_node_kind kind,
                             unsigned long line, unsigned long col);

/* The items of a mapping (key, value, key, ...) or a sequence being
 * built; start from { 0 }. */
typedef struct {
  evpubp_node **it;
  size_t n, cap;
  int failed; /* no memory, or a NULL pushed (no memory for that node) */
} evpubp_node_list;
void evpubp_node_list_push(evpubp_node_list *l, evpubp_node *x);
void evpubp_node_list_free(evpubp_node_list *l);
/* A new node of kind EVPUBP_N_MAP or EVPUBP_N_SEQ in a holding l's items,
 * at line:col; l is emptied.  NULL when out of memory or l->failed. */
evpubp_node *evpubp_node_list_finish(evpubp_node_list *l, evpubp_arena *a,
                                     evpubp_node_kind kind, unsigned long line,
                                     unsigned long col);

/* ---- spool of the first reading (read/spool.c) ---------------------- */
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
