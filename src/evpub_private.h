/* evpub_private.h - internals shared by the library's modules
 *
 * Cross-file internal names start with evpubp_ so that the export filter
 * (-export-symbols-regex '^evpub_') never exports them.
 */
#ifndef EVPUB_PRIVATE_H
#define EVPUB_PRIVATE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <raptor2.h>

#include "evpub.h"
#include "evpub_vocab.h"

#define EVPUBP_SCHEMA_NS "http://schema.org/"
#define EVPUBP_XSD_NS "http://www.w3.org/2001/XMLSchema#"
#define EVPUBP_RDF_TYPE "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
#define EVPUBP_DEFAULT_BASE "https://evpub.invalid/"

/* ---- growable byte buffer ------------------------------------------ */
typedef struct {
  char *data; /* always NUL-terminated when len > 0 or after init */
  size_t len;
  size_t cap;
  int failed; /* set once an allocation failed; further appends no-op */
} evpubp_buf;

void evpubp_buf_init(evpubp_buf *b);
void evpubp_buf_free(evpubp_buf *b);
void evpubp_buf_reset(evpubp_buf *b);
int evpubp_buf_reserve(evpubp_buf *b, size_t extra);
int evpubp_buf_add(evpubp_buf *b, const char *s, size_t n);
int evpubp_buf_adds(evpubp_buf *b, const char *s);
static inline int
evpubp_buf_addc(evpubp_buf *b, char c)
{
  if(b->len + 2 > b->cap && evpubp_buf_reserve(b, 1))
    return -1;
  b->data[b->len++] = c;
  b->data[b->len] = '\0';
  return 0;
}
int evpubp_buf_printf(evpubp_buf *b, const char *fmt, ...)
#ifdef __GNUC__
  __attribute__((format(printf, 2, 3)))
#endif
  ;

/* ---- arena: many small allocations freed at once ------------------- */
typedef struct evpubp_arena_block evpubp_arena_block;
typedef struct {
  evpubp_arena_block *head;
  size_t used;  /* bytes used in head */
  size_t total; /* bytes handed out, for statistics */
} evpubp_arena;

void evpubp_arena_init(evpubp_arena *a);
void *evpubp_arena_alloc(evpubp_arena *a, size_t n);
char *evpubp_arena_strndup(evpubp_arena *a, const char *s, size_t n);
/* Keep the first block, drop the rest: ready for the next item. */
void evpubp_arena_reset(evpubp_arena *a);
void evpubp_arena_free(evpubp_arena *a);

/* ---- string hash map (keys copied, values borrowed) ---------------- */
typedef struct evpubp_map_entry {
  char *key;
  size_t klen;
  uint64_t hash;
  void *value;
} evpubp_map_entry;

typedef struct {
  evpubp_map_entry *slots;
  size_t cap; /* power of two */
  size_t count;
} evpubp_map;

uint64_t evpubp_hash(const char *s, size_t n);
void evpubp_map_init(evpubp_map *m);
void evpubp_map_free(evpubp_map *m);
/* Returns the slot of key, NULL if absent. */
evpubp_map_entry *evpubp_map_find(const evpubp_map *m, const char *key,
                                  size_t klen);
/* Returns the slot (new or existing; new ones have value NULL), or NULL
 * when out of memory. */
evpubp_map_entry *evpubp_map_put(evpubp_map *m, const char *key, size_t klen);

/* ---- world ---------------------------------------------------------- */
struct evpub_world_s {
  raptor_world *raptor;
  struct librdf_world_s *rdf; /* made on first use: evpubp_rdf_world() */
  evpub_log_handler log;
  void *log_user;
};

/* The librdf world, sharing the raptor world (so that raptor statements
 * are librdf statements); made on first use.  NULL when out of memory. */
struct librdf_world_s *evpubp_rdf_world(evpub_world *w);

void evpubp_log(evpub_world *w, evpub_log_level level, const char *file,
                unsigned long line, unsigned long col, const char *fmt, ...)
#ifdef __GNUC__
  __attribute__((format(printf, 6, 7)))
#endif
  ;

/* ---- HTTP (evpub_http.c) -------------------------------------------- */
typedef struct {
  const char *user, *password, *token, *auth, *netrc, *cacert;
  int virtuoso; /* digest unless auth says otherwise */
  double timeout, connect_timeout;
} evpubp_http;

/* Auth, TLS, timeouts and protocol limits on a libcurl easy handle. */
void evpubp_http_setup(void *curl_handle, const evpubp_http *h);
/* POST a SPARQL query (form-encoded) to url with this Accept header;
 * the answer into body, its media type into ctype.  Logs and returns
 * EVPUB_E_IO on a transport error, a non-2xx status or a cut result. */
evpub_status evpubp_http_query(evpub_world *w, const evpubp_http *h,
                               const char *url, const char *query,
                               const char *accept, evpubp_buf *body,
                               char *ctype, size_t ctlen);

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

/* ---- JSON (evpub_json.c) --------------------------------------------- */
enum {
  EVPUBP_J_NULL = 0,
  EVPUBP_J_TRUE,
  EVPUBP_J_FALSE,
  EVPUBP_J_NUMBER, /* str: its text */
  EVPUBP_J_STRING, /* str[len]: unescaped UTF-8 */
  EVPUBP_J_ARRAY,  /* child, then next */
  EVPUBP_J_OBJECT  /* child (with key), then next */
};

typedef struct evpubp_json evpubp_json;
struct evpubp_json {
  int type;
  const char *key; /* in an object */
  char *str;
  size_t len;
  evpubp_json *child, *next;
};

/* Parse text[len] into a tree in arena; NULL with *error on bad JSON. */
evpubp_json *evpubp_json_parse(const char *text, size_t len,
                               evpubp_arena *arena, const char **error);
/* The member key of an object, or NULL. */
const evpubp_json *evpubp_json_get(const evpubp_json *obj, const char *key);

/* ---- query results (evpub_query.c) ------------------------------- */
typedef struct {
  char kind; /* 0 unbound, 'u' IRI, 'b' blank node, 'l' literal */
  const char *value;
  size_t len;
  const char *lang; /* lower-cased, or NULL */
  const char *dt;   /* datatype IRI, or NULL */
} evpubp_term;

typedef struct {
  char form; /* 's' bindings, 'a' boolean, 'c' graph */
  int boolean;
  size_t nvars;
  char **vars;
  evpubp_term *cells; /* nrows * nvars */
  size_t nrows, caprows;
  evpubp_arena arena;
} evpubp_result;

void evpubp_result_init(evpubp_result *r);
void evpubp_result_free(evpubp_result *r);
/* format: table, csv, tsv or json */
evpub_status evpubp_result_write(const evpubp_result *r, const char *format,
                                 FILE *out);
/* Run a SELECT on the source (local or remote) into res. */
evpub_status evpubp_source_select(evpub_source *s, const char *query,
                                  evpubp_result *res);
int evpubp_source_is_remote(const evpub_source *s);
/* The local store of the source, opened for reading on first use. */
evpub_status evpubp_source_open_store(evpub_source *s, evpubp_store **store);

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

/* ---- vocabulary lookups (evpub_vocab.c) ------------------------------ */
int evpubp_vocab_type(const char *name); /* -1 if unknown */
int evpubp_vocab_prop(const char *name); /* -1 if unknown */
int evpubp_vocab_member(const char *name, int enum_type);
int evpubp_vocab_is_subtype(int type, int super);
/* Is property p allowed on type t (t or a supertype in p's domains)? */
int evpubp_vocab_prop_allowed(int p, int t);
/* Suggest the allowed property closest to name for type t, or NULL. */
const char *evpubp_vocab_suggest(const char *name, int t);
/* Suggest the class closest to name, or NULL. */
const char *evpubp_vocab_suggest_type(const char *name);
/* Case-insensitive enumeration member lookup of a shorthand. */
int evpubp_vocab_member_ci(const char *name, size_t len, int enum_type);

/* ---- text helpers (evpub_text.c) --------------------------------------- */
/* Append the slug of s (spec section 3) to out. */
int evpubp_slug(evpubp_buf *out, const char *s, size_t n);
/* Append s with case folded and white space runs collapsed and trimmed. */
int evpubp_fold(evpubp_buf *out, const char *s, size_t n);
/* Append s percent-encoding what may not stand in an IRI path segment. */
int evpubp_iri_segment(evpubp_buf *out, const char *s, size_t n);
/* 1 if s is valid UTF-8 */
int evpubp_utf8_valid(const char *s, size_t n);
/* 1 if s is an absolute IRI we accept (scheme ':' ..., no space,
 * no control characters, none of <>"{}|\^`). */
int evpubp_iri_absolute(const char *s, size_t n);
/* 1 if s looks like a BCP 47 language tag */
int evpubp_lang_tag(const char *s, size_t n);
/* Levenshtein distance, ASCII case-insensitive */
size_t evpubp_edit_distance(const char *a, const char *b);

/* ---- values (evpub_values.c): 1 if valid ------------------------------ */
int evpubp_is_date(const char *s, size_t n);
int evpubp_is_datetime(const char *s, size_t n);
int evpubp_is_time(const char *s, size_t n);
int evpubp_is_duration(const char *s, size_t n);
/* Returns 1 integer, 2 decimal, 3 double, 0 not a number */
int evpubp_number_kind(const char *s, size_t n);

/* ---- escaping (evpub_escape.c): one function per syntax -------------- */
/* Body of a Turtle / N-Triples STRING_LITERAL_QUOTE, without the quotes.
 * Escapes " \ and every control character and U+2028/U+2029; keeps other
 * UTF-8 as it is.  The two syntaxes share this escaping. */
int evpubp_escape_nt_string(evpubp_buf *out, const char *s, size_t n);
/* Body of an IRIREF, without the angle brackets: characters not allowed
 * in an IRIREF become \uXXXX. */
int evpubp_escape_iri(evpubp_buf *out, const char *s, size_t n);

/* Body of a JSON string, without the quotes; html also escapes < > &
 * so that the text is safe inside an HTML <script> element. */
int evpubp_escape_json_string(evpubp_buf *out, const char *s, size_t n,
                              int html);

/* Body of a SPARQL string literal, without the quotes: as N-Triples, and
 * a u or U after a backslash is written as an escape, so that servers
 * that expand \u escapes before parsing read the same string. */
int evpubp_escape_sparql_string(evpubp_buf *out, const char *s, size_t n);
/* A URL query component (RFC 3986): every byte but the unreserved
 * ALPHA DIGIT - . _ ~ becomes %XX. */
int evpubp_escape_url_component(evpubp_buf *out, const char *s, size_t n);
/* A field of SPARQL 1.1 CSV results (RFC 4180), quoted when needed. */
int evpubp_escape_csv_field(evpubp_buf *out, const char *s, size_t n);
/* A field of a tab-separated line: \\ \t \n \r escaped; the unescape
 * works in place and returns the new length. */
int evpubp_escape_tsv_field(evpubp_buf *out, const char *s, size_t n);
size_t evpubp_unescape_tsv_field(char *f);
/* Body of a Graphviz DOT quoted string. */
int evpubp_escape_dot_string(evpubp_buf *out, const char *s, size_t n);
/* XML 1.0 text or attribute value (GraphML). */
int evpubp_escape_xml(evpubp_buf *out, const char *s, size_t n);

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

/* Append the record of one statement to b (evpub_store.c). */
void evpubp_store_record(evpubp_buf *b, const evpubp_stmt *st);

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

/* evpub_convert.c: prepare the converter's inputs and write every
 * statement to sink (start and finish are called). */
evpub_status evpubp_converter_run_sink(evpub_converter *conv,
                                       evpubp_sink *sink);

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

#endif /* EVPUB_PRIVATE_H */
