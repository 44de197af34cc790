/* query/remote.c - queries over a SPARQL server: the SPARQL 1.1
 * protocol (a form POST, remote/http.c), answers read as SPARQL 1.1
 * results JSON (remote/json.c) or, for graphs, as N-Triples
 */
#include <string.h>

#include "query/query.h"

/* A string member of a JSON object, or NULL. */
static const evpubp_json *
jstr(const evpubp_json *obj, const char *key)
{
  const evpubp_json *v = evpubp_json_get(obj, key);
  return v && v->type == EVPUBP_J_STRING ? v : NULL;
}

static evpub_status
read_json_boolean(evpub_source *s, const evpubp_json *doc, evpubp_result *res)
{
  const evpubp_json *v = evpubp_json_get(doc, "boolean");
  res->form = EVPUBP_RESULT_BOOLEAN;
  if(v && (v->type == EVPUBP_J_TRUE || v->type == EVPUBP_J_FALSE)) {
    res->boolean = v->type == EVPUBP_J_TRUE;
    return EVPUB_OK;
  }
  evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
             "%s: the answer to ASK has no boolean", s->url);
  return EVPUB_E_IO;
}

/* One binding {"type": ..., "value": ...} (NULL: unbound) into t. */
static int
read_json_term(evpubp_result *res, evpubp_term *t, const evpubp_json *b)
{
  const evpubp_json *type = jstr(b, "type"), *value = jstr(b, "value");
  const evpubp_json *lang = jstr(b, "xml:lang"), *dt = jstr(b, "datatype");
  evpubp_term_kind kind;
  if(!type || !value)
    return 0; /* unbound */
  kind = !strcmp(type->str, "uri") ? EVPUBP_TERM_IRI
    : !strcmp(type->str, "bnode")  ? EVPUBP_TERM_BLANK
                                   : EVPUBP_TERM_LITERAL;
  if(kind != EVPUBP_TERM_LITERAL)
    lang = dt = NULL;
  return evpubp_result_set(res, t, kind, value->str, value->len,
                           lang ? lang->str : NULL, dt ? dt->str : NULL);
}

static evpub_status
read_json_bindings(const evpubp_json *doc, evpubp_result *res)
{
  const evpubp_json *v, *row, *var;
  res->form = EVPUBP_RESULT_BINDINGS;
  v = evpubp_json_get(evpubp_json_get(doc, "head"), "vars");
  for(var = v && v->type == EVPUBP_J_ARRAY ? v->child : NULL; var;
      var = var->next)
    if(var->type == EVPUBP_J_STRING && evpubp_result_add_var(res, var->str))
      return EVPUB_E_NOMEM;
  v = evpubp_json_get(evpubp_json_get(doc, "results"), "bindings");
  for(row = v && v->type == EVPUBP_J_ARRAY ? v->child : NULL; row;
      row = row->next) {
    evpubp_term *cells = evpubp_result_add_row(res);
    size_t i;
    if(!cells)
      return EVPUB_E_NOMEM;
    for(i = 0; i < res->nvars; i++)
      if(read_json_term(res, &cells[i], evpubp_json_get(row, res->vars[i])))
        return EVPUB_E_NOMEM;
  }
  return EVPUB_OK;
}

/* SPARQL 1.1 query results JSON (and Virtuoso's SPARQL 1.0 style
 * "typed-literal") into res. */
static evpub_status
read_json_results(evpub_source *s, const evpubp_buf *body,
                  evpub_query_form_kind form, evpubp_result *res)
{
  evpubp_arena a;
  const char *err = NULL;
  const evpubp_json *doc;
  evpub_status st;
  evpubp_arena_init(&a);
  doc = evpubp_json_parse(body->data ? body->data : "", body->len, &a, &err);
  if(!doc || doc->type != EVPUBP_J_OBJECT) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
               "%s: the answer is not SPARQL results JSON (%s)", s->url,
               err ? err : "not an object");
    st = EVPUB_E_IO;
  } else if(form == EVPUB_QUERY_ASK) {
    st = read_json_boolean(s, doc, res);
  } else {
    st = read_json_bindings(doc, res);
  }
  evpubp_arena_free(&a);
  return st;
}

/* ---- graphs ---- */
typedef struct {
  raptor_serializer *ser;
  int failed;
} relay;

static void
relay_statement(void *user, raptor_statement *t)
{
  relay *r = user;
  if(!r->failed && raptor_serializer_serialize_statement(r->ser, t))
    r->failed = 1;
}

/* The N-Triples of body to ser, read with the Turtle parser (a superset
 * of N-Triples; raptor 2.0.15's N-Triples parser leaks the datatype IRIs
 * of typed literals). */
static evpub_status
relay_graph(evpub_source *s, const evpubp_buf *body, const char *ctype,
            raptor_serializer *ser)
{
  raptor_parser *p = raptor_new_parser(s->w->raptor, "turtle");
  raptor_uri *base =
    raptor_new_uri(s->w->raptor, (const unsigned char *)s->url);
  relay r = { ser, 0 };
  evpub_status st = EVPUB_OK;
  if(!p || !base) {
    st = EVPUB_E_NOMEM;
  } else {
    raptor_parser_set_statement_handler(p, &r, relay_statement);
    if(raptor_parser_parse_start(p, base) ||
       raptor_parser_parse_chunk(p, (const unsigned char *)body->data,
                                 body->len, 1)) {
      evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
                 "%s: cannot read the graph it answered (%s)", s->url,
                 ctype[0] ? ctype : "no media type");
      st = EVPUB_E_IO;
    } else if(r.failed) {
      st = EVPUB_E_IO;
    }
  }
  if(base)
    raptor_free_uri(base);
  if(p)
    raptor_free_parser(p);
  return st;
}

evpub_status
evpubp_remote_query(evpub_source *s, const char *query,
                    evpub_query_form_kind form, evpubp_result *res,
                    raptor_serializer *ser)
{
  evpubp_http h;
  evpubp_buf body;
  char ctype[128];
  int graph = form == EVPUB_QUERY_CONSTRUCT || form == EVPUB_QUERY_DESCRIBE;
  evpub_status st = evpubp_source_resolve(s);
  if(st)
    return st;
  evpubp_source_http(s, &h);
  evpubp_buf_init(&body);
  st = evpubp_http_query(s->w, &h, s->url, query,
                         graph ? "application/n-triples"
                               : "application/sparql-results+json",
                         &body, ctype, sizeof(ctype));
  if(st == EVPUB_OK && graph) {
    res->form = EVPUBP_RESULT_GRAPH;
    st = relay_graph(s, &body, ctype, ser);
  } else if(st == EVPUB_OK) {
    st = read_json_results(s, &body, form, res);
  }
  evpubp_buf_free(&body);
  return st;
}
