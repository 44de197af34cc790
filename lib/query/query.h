/* query/query.h - answers to SPARQL queries, from the local store or a
 * server, in one result model
 *
 *   source.c         the source object and its options (a table), the
 *                    store it opens, the query URL (the preset table)
 *   options.c        options set by name through a table (also the
 *                    network's), names of a table listed in messages
 *   query.c          evpub_source_query(): the form, the format, dispatch
 *   local.c          over the store: librdf/rasqal, and DESCRIBE
 *   remote.c         over a server: the SPARQL 1.1 protocol, results JSON
 *   results.c        the result model
 *   results_write.c  its writers: table, CSV, TSV, results JSON
 *   export.c         every quad of the store as N-Quads
 */
#ifndef EVPUB_QUERY_H
#define EVPUB_QUERY_H

#include "core/core.h"
#include "remote/remote.h"
#include "store/store.h"

/* ---- the source (source.c) --------------------------------------- */
struct evpub_source_s {
  evpub_world *w;
  char *store_dir, *endpoint, *query_url;
  const evpubp_preset *preset; /* the server kind (remote/presets.c) */
  char *user, *password, *token, *netrc, *cacert;
  int auth; /* an index of evpubp_auth_words, or -1 */
  double timeout;
  int allow_service; /* local SERVICE clauses may fetch their URLs */
  char *url;         /* the resolved query URL */
  evpubp_store *store;
};

/* 1 when the source is a server (an endpoint or a query URL is set). */
int evpubp_source_is_remote(const evpub_source *s);
/* The local store of the source, opened for reading on first use. */
evpub_status evpubp_source_open_store(evpub_source *s, evpubp_store **store);
/* The query URL of the endpoint (s->url), resolved once. */
evpub_status evpubp_source_resolve(evpub_source *s);
/* The HTTP settings of the source, borrowing its strings. */
void evpubp_source_http(const evpub_source *s, evpubp_http *h);

/* ---- the result model (results.c) -------------------------------- */
typedef enum {
  EVPUBP_TERM_UNBOUND = 0,
  EVPUBP_TERM_IRI,
  EVPUBP_TERM_BLANK,
  EVPUBP_TERM_LITERAL
} evpubp_term_kind;

typedef struct {
  evpubp_term_kind kind;
  const char *value;
  size_t len;
  const char *lang; /* lower-cased, or NULL */
  const char *dt;   /* datatype IRI, or NULL */
} evpubp_term;

typedef enum {
  EVPUBP_RESULT_BINDINGS = 0, /* rows of variables' values */
  EVPUBP_RESULT_BOOLEAN,      /* the answer to ASK */
  EVPUBP_RESULT_GRAPH         /* statements, handed to a serializer */
} evpubp_result_form;

typedef struct {
  evpubp_result_form form;
  int boolean;
  size_t nvars;
  char **vars;
  evpubp_term *cells; /* nrows * nvars */
  size_t nrows, caprows;
  evpubp_arena arena;
} evpubp_result;

void evpubp_result_init(evpubp_result *r);
void evpubp_result_free(evpubp_result *r);
/* Add a variable (copied); -1 when out of memory. */
int evpubp_result_add_var(evpubp_result *r, const char *name);
/* A new row of unbound cells; NULL when out of memory. */
evpubp_term *evpubp_result_add_row(evpubp_result *r);
/* Set cell t to a term (value[n], lang or dt copied; lang lower-cased);
 * -1 when out of memory. */
int evpubp_result_set(evpubp_result *r, evpubp_term *t, evpubp_term_kind kind,
                      const char *value, size_t n, const char *lang,
                      const char *dt);

/* ---- names for messages (results.c) ------------------------------- */
/* Append "a, b or c": the names of a table of n rows of size bytes, each
 * row starting with its name (a const char *). */
void evpubp_put_names(evpubp_buf *b, const void *table, size_t n, size_t size);

/* ---- writing results (results_write.c) --------------------------- */
/* format: table, csv, tsv or json */
evpub_status evpubp_result_write(const evpubp_result *r, const char *format,
                                 FILE *out);
/* "s" as a JSON string, with its quotes. */
void evpubp_put_json_string(evpubp_buf *b, const char *s, size_t n);
/* The columns s[n] takes on a terminal (UTF-8; bytes when invalid). */
size_t evpubp_text_width(const char *s, size_t n);
/* Append n spaces. */
void evpubp_put_spaces(evpubp_buf *b, size_t n);
/* Write what b holds to out: EVPUB_E_NOMEM when b failed, EVPUB_E_IO
 * when the write failed. */
evpub_status evpubp_buf_write(const evpubp_buf *b, FILE *out);

/* ---- running queries --------------------------------------------- */
/* The form of query and where its keyword starts (*at) (query.c). */
evpub_query_form_kind evpubp_query_keyword(const char *query, const char **at);
/* Run a SELECT on the source (local or remote) into res (query.c). */
evpub_status evpubp_source_select(evpub_source *s, const char *query,
                                  evpubp_result *res);
/* Over the store (local.c): bindings and booleans into res, graphs to
 * ser (NULL: graphs are not expected). */
evpub_status evpubp_local_query(evpub_source *s, const char *query,
                                evpubp_result *res, raptor_serializer *ser);
/* Over a server (remote.c): form says what to ask for. */
evpub_status evpubp_remote_query(evpub_source *s, const char *query,
                                 evpub_query_form_kind form,
                                 evpubp_result *res, raptor_serializer *ser);
/* The i-th result format (query.c), NULL past the end. */
const evpub_choice *evpubp_query_format_at(size_t i);

#endif /* EVPUB_QUERY_H */
