/* core/core.h - what every stage of the library shares: the world,
 * logging, buffers, arenas, hash maps, text and value checks, escaping.
 *
 * Cross-file internal names start with evpubp_ so that the export filter
 * (-export-symbols-regex '^evpub_') never exports them.
 */
#ifndef EVPUB_CORE_H
#define EVPUB_CORE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <raptor2.h>

#include "evpub.h"

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

/* ---- options set by name (options.c) -------------------------------- */
typedef enum {
  EVPUBP_OPT_STRING,  /* char *: a copy, of at least lo characters */
  EVPUBP_OPT_URL,     /* char *: an http:// or https:// URL */
  EVPUBP_OPT_IRI,     /* char *: an absolute IRI */
  EVPUBP_OPT_DATE,    /* char *: a date YYYY-MM-DD */
  EVPUBP_OPT_COUNT,   /* long: a whole number from lo to hi */
  EVPUBP_OPT_SECONDS, /* double: more than 0, at most a day */
  EVPUBP_OPT_BOOL,    /* int: 1, yes, true or 0, no, false */
  EVPUBP_OPT_ENUM,    /* int: the index of one of words */
  EVPUBP_OPT_CUSTOM   /* set() takes it, and says what is wrong */
} evpubp_opt_kind;

#define EVPUBP_OPT_SECRET 1u /* wiped before it is freed */

typedef struct {
  const char *name;
  evpubp_opt_kind kind;
  size_t off;               /* where it goes: offsetof the object */
  long lo, hi;              /* COUNT: bounds; STRING: least length */
  const char *const *words; /* ENUM: the values, NULL-terminated */
  const char *what;         /* STRING: what a value is, for messages */
  unsigned flags;           /* EVPUBP_OPT_SECRET */
  /* CUSTOM: parse value into the field at off, or log why not */
  evpub_status (*set)(evpub_world *w, void *field, const char *value);
} evpubp_option;

/* Set option name of obj by its table of n rows; what names the object
 * in a message ("unknown publisher option 'x'").  Returns EVPUB_OK,
 * EVPUB_E_USAGE for an unknown name or a refused value (both logged), or
 * EVPUB_E_NOMEM. */
evpub_status evpubp_option_set(evpub_world *w, void *obj,
                               const evpubp_option *table, size_t n,
                               const char *what, const char *name,
                               const char *value);
/* Free obj's string options of the table, secrets wiped first. */
void evpubp_option_free(void *obj, const evpubp_option *table, size_t n);

/* ---- small helpers (buf.c) ------------------------------------------ */
/* A new malloc'd copy of s[0..n) and a NUL, or NULL. */
char *evpubp_strndup(const char *s, size_t n);
/* A new malloc'd copy of s; NULL for NULL or when out of memory. */
char *evpubp_strdup(const char *s);
/* A 64-bit finalizer (splitmix64): every input bit reaches every output
 * bit, so that a few bits of the result serve as a hash. */
uint64_t evpubp_mix64(uint64_t x);

/* ---- growing arrays ------------------------------------------------- */
/* Room for one more item in the array *arrp (of n items of size bytes,
 * *cap allocated): doubled when full, first items to start with.
 * Returns 0, or -1 when out of memory (the array is left as it was). */
int evpubp_grow(void *arrp, size_t n, size_t *cap, size_t size, size_t first);

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

/* ---- output files (core/outfile.c) ---------------------------------- */
/* An output file being written: follows symbolic links, writes devices
 * and FIFOs through, replaces a regular file atomically keeping its mode
 * and owner (see core/outfile.c for every rule). */
typedef struct {
  evpub_world *world;
  const char *shown; /* the path as given, for messages (borrowed) */
  char *path;        /* the file written: links followed */
  char *tmp;         /* the named temporary file, or NULL */
  FILE *fp;          /* where the output goes */
  int nameless;      /* fp is an O_TMPFILE, named by _close() */
  int direct;        /* not a regular file: written through */
  int in_place;      /* the existing file overwritten in place */
} evpubp_outfile;

/* Open path for output into *of (its messages through w).  EVPUB_OK, or
 * EVPUB_E_IO / EVPUB_E_NOMEM with the reason logged; *of needs
 * evpubp_outfile_close() only after EVPUB_OK. */
evpub_status evpubp_outfile_open(evpub_world *w, const char *path,
                                 evpubp_outfile *of);
/* Finish: keep nonzero puts the output in place (flush, fsync, name or
 * rename), zero drops it (the old file stays as it was, unless written
 * in place).  Returns EVPUB_OK or EVPUB_E_IO (logged). */
evpub_status evpubp_outfile_close(evpubp_outfile *of, int keep);

/* ---- text helpers (evpub_text.c) --------------------------------------- */
/* Append the slug of s (spec section 3) to out. */
int evpubp_slug(evpubp_buf *out, const char *s, size_t n);
/* Append s with case folded and white space runs collapsed and trimmed. */
int evpubp_fold(evpubp_buf *out, const char *s, size_t n);
/* Append s percent-encoding what may not stand in an IRI path segment. */
int evpubp_iri_segment(evpubp_buf *out, const char *s, size_t n);
/* 1 if s is valid UTF-8 */
int evpubp_utf8_valid(const char *s, size_t n);
/* NULL if s is an absolute IRI (RFC 3987's IRI: scheme ':' ihier-part
 * [ '?' iquery ] [ '#' ifragment ], every character where the grammar
 * allows it, every '%' the start of %HH; http and https with '//' and a
 * host), else what is wrong, in words (static, or written into why). */
const char *evpubp_iri_problem(const char *s, size_t n, char *why,
                               size_t whysz);
/* 1 if evpubp_iri_problem() finds nothing wrong with s. */
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
/* Body of an IRIREF, without the angle brackets.  The mapper hands over
 * only IRIs that RFC 3987 allows; IRIs from elsewhere (query results,
 * a store) that hold a character an IRIREF may not hold get it
 * percent-encoded (%3E), never \u-escaped: SPARQL 1.1 (19.2) lets a
 * server expand \u escapes before it parses, so a \u003E could end the
 * IRI there. */
int evpubp_escape_iri(evpubp_buf *out, const char *s, size_t n);

/* Body of a JSON string, without the quotes; html also escapes < > &
 * so that the text is safe inside an HTML <script> element. */
int evpubp_escape_json_string(evpubp_buf *out, const char *s, size_t n,
                              int html);

/* Body of a SPARQL string literal, without the quotes: as N-Triples, and
 * a u or U after a backslash is written as an escape, so that servers
 * that expand \u escapes before parsing read the same string. */
int evpubp_escape_sparql_string(evpubp_buf *out, const char *s, size_t n);
/* Append <iri>, escaped for N-Triples, Turtle and SPARQL. */
int evpubp_put_iri(evpubp_buf *b, const char *iri);
int evpubp_put_iri_n(evpubp_buf *b, const char *iri, size_t n);
/* Append a literal: its text quoted (escaped as N-Triples, or with
 * sparql for SPARQL), then @lang or ^^ and its datatype as put_iri
 * writes it. */
int evpubp_put_literal(evpubp_buf *b, const char *s, size_t n,
                       const char *lang, const char *dt, int sparql,
                       int (*put_iri)(evpubp_buf *b, const char *iri));
/* Append s with every byte keep() refuses as %XX (upper-case hex). */
int evpubp_percent_encode(evpubp_buf *out, const char *s, size_t n,
                          int (*keep)(unsigned char c));
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
#endif /* EVPUB_CORE_H */
