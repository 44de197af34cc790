/* query/query.h - answers to SPARQL queries, from the local store or a
 * server, in one result model */
#ifndef EVPUB_QUERY_H
#define EVPUB_QUERY_H

#include "core/core.h"
#include "store/store.h"

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
#endif /* EVPUB_QUERY_H */
