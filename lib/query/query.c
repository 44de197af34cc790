/* query/query.c - SPARQL queries over the local store (Redland, rasqal)
 * or over an endpoint (the SPARQL 1.1 protocol), written as a table,
 * CSV, TSV, SPARQL 1.1 results JSON, or Turtle / N-Triples for graphs
 *
 * Both sources give the same result model (evpubp_result, results.c) so
 * that one set of writers serves both and their output can be compared
 * byte for byte.  Graphs go straight to a raptor serializer.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "query/query.h"

/* ---- the query form ---- */
static const struct {
  const char *keyword;
  evpub_query_form_kind form;
} forms[] = { { "SELECT", EVPUB_QUERY_SELECT },
              { "ASK", EVPUB_QUERY_ASK },
              { "CONSTRUCT", EVPUB_QUERY_CONSTRUCT },
              { "DESCRIBE", EVPUB_QUERY_DESCRIBE } };

#define NFORMS (sizeof(forms) / sizeof(forms[0]))

static int
is_space(char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

evpub_query_form_kind
evpubp_query_keyword(const char *q, const char **at)
{
  size_t i;
  for(;;) {
    while(is_space(*q))
      q++;
    if(*q == '#') {
      q += strcspn(q, "\n");
      continue;
    }
    if(!strncasecmp(q, "PREFIX", 6) || !strncasecmp(q, "BASE", 4)) {
      /* up to the closing '>' of the IRI */
      const char *gt = strchr(q, '>');
      if(!gt)
        return EVPUB_QUERY_UNKNOWN;
      q = gt + 1;
      continue;
    }
    break;
  }
  for(i = 0; i < NFORMS; i++) {
    size_t n = strlen(forms[i].keyword);
    if(!strncasecmp(q, forms[i].keyword, n) &&
       (is_space(q[n]) || (q[n] && strchr("*?${(<", q[n])) || !q[n])) {
      *at = q;
      return forms[i].form;
    }
  }
  return EVPUB_QUERY_UNKNOWN;
}

evpub_query_form_kind
evpub_query_form(const char *q)
{
  const char *at;
  return q ? evpubp_query_keyword(q, &at) : EVPUB_QUERY_UNKNOWN;
}

static const char *
form_name(evpub_query_form_kind form)
{
  size_t i;
  for(i = 0; i < NFORMS; i++)
    if(forms[i].form == form)
      return forms[i].keyword;
  return "?";
}

/* ---- running ---- */
evpub_status
evpubp_source_select(evpub_source *s, const char *query, evpubp_result *res)
{
  if(evpubp_source_is_remote(s))
    return evpubp_remote_query(s, query, EVPUB_QUERY_SELECT, res, NULL);
  return evpubp_local_query(s, query, res, NULL);
}

/* The output formats: of a table (bindings, booleans) or of a graph. */
static const struct {
  evpub_choice info;
  int graph;
} formats[] = {
  { { "table", "a table for people (the default for bindings)", "" }, 0 },
  { { "csv", "SPARQL 1.1 Query Results CSV", ".csv" }, 0 },
  { { "tsv", "SPARQL 1.1 Query Results TSV", ".tsv" }, 0 },
  { { "json", "SPARQL 1.1 Query Results JSON", ".srj" }, 0 },
  { { "turtle", "Turtle, for CONSTRUCT and DESCRIBE (the default)", ".ttl" },
    1 },
  { { "ntriples", "N-Triples, for CONSTRUCT and DESCRIBE", ".nt" }, 1 }
};

#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

const evpub_choice *
evpubp_query_format_at(size_t i)
{
  return i < NFORMATS ? &formats[i].info : NULL;
}

/* The format for form: format checked against it, or the default.  NULL
 * (logged) when format is unknown or does not fit. */
static const char *
pick_format(evpub_source *s, evpub_query_form_kind form, const char *format)
{
  int graph = form == EVPUB_QUERY_CONSTRUCT || form == EVPUB_QUERY_DESCRIBE;
  size_t i;
  if(!format || (graph && !strcmp(format, "table")))
    return graph ? "turtle" : "table";
  for(i = 0; i < NFORMATS && strcmp(format, formats[i].info.name); i++)
    ;
  if(i == NFORMATS) {
    evpubp_buf names;
    evpubp_buf_init(&names);
    evpubp_put_names(&names, formats, NFORMATS, sizeof(formats[0]));
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
               "unknown format '%s' (use %s)", format,
               names.data ? names.data : "");
    evpubp_buf_free(&names);
    return NULL;
  }
  if(graph != formats[i].graph) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
               graph ? "a %s query gives a graph: use the format turtle or "
                       "ntriples"
                     : "a %s query gives a table: use the format table, "
                       "csv, tsv or json",
               form_name(form));
    return NULL;
  }
  return format;
}

/* A serializer of format f writing to out, with the schema and xsd
 * prefixes for Turtle; NULL when out of memory. */
static raptor_serializer *
new_serializer(evpub_world *w, const char *f, raptor_iostream *ios)
{
  static const struct {
    const char *prefix, *ns;
  } ns[] = { { "schema", EVPUBP_SCHEMA_NS }, { "xsd", EVPUBP_XSD_NS } };
  raptor_serializer *ser = raptor_new_serializer(w->raptor, f);
  size_t i;
  if(!ser)
    return NULL;
  for(i = 0; !strcmp(f, "turtle") && i < sizeof(ns) / sizeof(ns[0]); i++) {
    raptor_uri *u = raptor_new_uri(w->raptor, (const unsigned char *)ns[i].ns);
    if(!u)
      continue;
    raptor_serializer_set_namespace(ser, u,
                                    (const unsigned char *)ns[i].prefix);
    raptor_free_uri(u);
  }
  raptor_serializer_start_to_iostream(ser, NULL, ios);
  return ser;
}

/* Out of memory: what was read, and what to do.  Answers are held
 * whole before they are written (a table's columns need every row), so
 * it is the answer's size that matters. */
static void
say_out_of_memory(evpub_source *s, const evpubp_result *res)
{
  char rows[64] = "";
  if(res->form == EVPUBP_RESULT_BINDINGS && res->nrows)
    snprintf(rows, sizeof(rows), " after %zu rows of %zu columns", res->nrows,
             res->nvars);
  evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
             "out of memory while reading the answer to the query%s: "
             "the whole answer is held in memory; ask for fewer rows "
             "(LIMIT) or columns",
             rows);
}

evpub_status
evpub_source_query(evpub_source *s, const char *query, const char *format,
                   FILE *out)
{
  evpub_query_form_kind form = evpub_query_form(query);
  int graph = form == EVPUB_QUERY_CONSTRUCT || form == EVPUB_QUERY_DESCRIBE;
  const char *f;
  evpubp_result res;
  raptor_serializer *ser = NULL;
  raptor_iostream *ios = NULL;
  evpub_status st = EVPUB_OK;

  if(form == EVPUB_QUERY_UNKNOWN) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
               "not a SPARQL query: SELECT, ASK, CONSTRUCT or DESCRIBE "
               "expected after the prefixes (updates are not run)");
    return EVPUB_E_USAGE;
  }
  f = pick_format(s, form, format);
  if(!f)
    return EVPUB_E_USAGE;
  evpubp_result_init(&res);
  if(graph) {
    ios = raptor_new_iostream_to_file_handle(s->w->raptor, out);
    ser = ios ? new_serializer(s->w, f, ios) : NULL;
    if(!ser)
      st = EVPUB_E_NOMEM;
  }
  if(!st)
    st = evpubp_source_is_remote(s)
      ? evpubp_remote_query(s, query, form, &res, ser)
      : evpubp_local_query(s, query, &res, ser);
  if(graph && st == EVPUB_OK)
    raptor_serializer_serialize_end(ser);
  else if(st == EVPUB_OK)
    st = evpubp_result_write(&res, f, out);
  if(st == EVPUB_E_NOMEM)
    say_out_of_memory(s, &res);
  if(ser)
    raptor_free_serializer(ser);
  if(ios)
    raptor_free_iostream(ios);
  evpubp_result_free(&res);
  if(st == EVPUB_OK && (fflush(out) || ferror(out))) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0, "cannot write the output");
    st = EVPUB_E_IO;
  }
  return st;
}
