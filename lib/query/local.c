/* query/local.c - queries over the local store, run by librdf/rasqal,
 * and DESCRIBE, which rasqal parses but does not answer
 *
 * rasqal writes typed literals back in its own form; every literal
 * leaves here in the form it was published with, when the store knows
 * it (evpubp_store_lexical(), doc/store.md).
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <redland.h>

#include "query/query.h"

static const char not_rasqal[] =
  "the query is not SPARQL that rasqal (the local store's engine) reads";

/* ---- what the local engine refuses ----
 * Found in the parsed query (rasqal's graph patterns and data graphs),
 * never in its text: a comment or a string may say SERVICE or FROM. */

/* The first SERVICE pattern in gp and the patterns it holds (groups,
 * OPTIONAL, UNION, GRAPH, sub-SELECTs), or NULL.  rasqal 0.9.33 does not
 * parse (NOT) EXISTS, so no pattern hides in a FILTER. */
static rasqal_graph_pattern *
find_service(rasqal_graph_pattern *gp)
{
  rasqal_graph_pattern *sub, *found = NULL;
  int i;
  if(!gp)
    return NULL;
  if(rasqal_graph_pattern_get_operator(gp) ==
     RASQAL_GRAPH_PATTERN_OPERATOR_SERVICE)
    return gp;
  for(i = 0;
      !found && (sub = rasqal_graph_pattern_get_sub_graph_pattern(gp, i)); i++)
    found = find_service(sub);
  return found;
}

/* rasqal's own messages into the world's log: errors (where the query
 * does not parse), not its notes on unused variables (as world.c does
 * with those that come through librdf). */
static void
rasqal_logger(void *user, raptor_log_message *msg)
{
  const char *text = msg->text ? msg->text : "(no message)";
  if(msg->level < RAPTOR_LOG_LEVEL_ERROR)
    return;
  if(msg->locator && msg->locator->line > 0)
    evpubp_log(user, EVPUB_LOG_ERROR, NULL, 0, 0, "rasqal: %s at line %d",
               text, msg->locator->line);
  else
    evpubp_log(user, EVPUB_LOG_ERROR, NULL, 0, 0, "rasqal: %s", text);
}

/* A new rasqal query of SPARQL, its messages in the world's log. */
static rasqal_query *
new_rasqal_query(evpub_world *w, librdf_world *rdf)
{
  rasqal_world *rw = librdf_world_get_rasqal(rdf);
  rasqal_world_set_log_handler(rw, w, rasqal_logger);
  return rasqal_new_query(rw, "sparql", NULL);
}

/* EVPUB_OK when the engine may run query over the store: no FROM or
 * FROM NAMED (rasqal answers over every graph of the store whatever
 * they say, unlike a server), and no SERVICE unless allow-service is set
 * (rasqal would fetch any URL a query names).  EVPUB_E_DATA (logged)
 * otherwise, or for a query rasqal does not read. */
static evpub_status
check_local(evpub_source *s, librdf_world *rdf, const char *query)
{
  rasqal_query *rq = new_rasqal_query(s->w, rdf);
  raptor_sequence *dgs;
  rasqal_graph_pattern *svc;
  evpub_status st = EVPUB_OK;
  if(!rq)
    return EVPUB_E_NOMEM;
  if(rasqal_query_prepare(rq, (const unsigned char *)query, NULL)) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0, "%s", not_rasqal);
    rasqal_free_query(rq);
    return EVPUB_E_DATA;
  }
  dgs = rasqal_query_get_data_graph_sequence(rq);
  if(dgs && raptor_sequence_size(dgs) > 0) {
    rasqal_data_graph *dg = raptor_sequence_get_at(dgs, 0);
    int named = dg->flags == RASQAL_DATA_GRAPH_NAMED;
    raptor_uri *u = named ? dg->name_uri : dg->uri;
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
               "FROM%s <%s>: the local store's engine does not take FROM "
               "or FROM NAMED (it would answer over every graph of the "
               "store): name graphs with GRAPH <iri> { ... } in the "
               "pattern, or ask a SPARQL server",
               named ? " NAMED" : "",
               u ? (const char *)raptor_uri_as_string(u) : "");
    st = EVPUB_E_DATA;
  }
  svc = st || s->allow_service
    ? NULL
    : find_service(rasqal_query_get_query_graph_pattern(rq));
  if(svc) {
    rasqal_literal *l = rasqal_graph_pattern_get_service(svc);
    int iri = l && l->type == RASQAL_LITERAL_URI;
    const char *name = iri ? (const char *)raptor_uri_as_string(l->value.uri)
      : l && l->type == RASQAL_LITERAL_VARIABLE
      ? (const char *)l->value.variable->name
      : "";
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
               "SERVICE %s%s%s: over the local store the query engine "
               "would fetch that URL itself, so SERVICE is refused unless "
               "the option allow-service is set",
               iri ? "<" : "?", name, iri ? ">" : "");
    st = EVPUB_E_DATA;
  }
  rasqal_free_query(rq);
  return st;
}

/* n (NULL: unbound) into cell t of r. */
static int
node_term(evpubp_result *r, evpubp_term *t, librdf_node *n,
          evpubp_store *store)
{
  size_t len = 0;
  const char *v;
  librdf_uri *dt;
  if(!n)
    return 0; /* unbound */
  if(librdf_node_is_resource(n)) {
    const char *u = (const char *)librdf_uri_as_string(librdf_node_get_uri(n));
    return evpubp_result_set(r, t, EVPUBP_TERM_IRI, u, strlen(u), NULL, NULL);
  }
  if(librdf_node_is_blank(n)) {
    const char *b = (const char *)librdf_node_get_blank_identifier(n);
    return evpubp_result_set(r, t, EVPUBP_TERM_BLANK, b, strlen(b), NULL,
                             NULL);
  }
  v = (const char *)librdf_node_get_literal_value_as_counted_string(n, &len);
  dt = librdf_node_get_literal_value_datatype_uri(n);
  if(v && dt) {
    /* the form it was stored with, not rasqal's */
    const char *orig = evpubp_store_lexical(
      store, (const char *)librdf_uri_as_string(dt), v, len);
    if(orig) {
      v = orig;
      len = strlen(orig);
    }
  }
  return evpubp_result_set(r, t, EVPUBP_TERM_LITERAL, v ? v : "", v ? len : 0,
                           librdf_node_get_literal_value_language(n),
                           dt ? (const char *)librdf_uri_as_string(dt) : NULL);
}

static evpub_status
read_bindings(librdf_query_results *qr, evpubp_result *res,
              evpubp_store *store)
{
  int i, n = librdf_query_results_get_bindings_count(qr);
  evpub_status st = EVPUB_OK;
  res->form = EVPUBP_RESULT_BINDINGS;
  for(i = 0; i < n && !st; i++)
    if(evpubp_result_add_var(res,
                             librdf_query_results_get_binding_name(qr, i)))
      st = EVPUB_E_NOMEM;
  while(!st && !librdf_query_results_finished(qr)) {
    evpubp_term *row = evpubp_result_add_row(res);
    if(!row)
      return EVPUB_E_NOMEM;
    for(i = 0; i < n; i++) {
      librdf_node *v = librdf_query_results_get_binding_value(qr, i);
      if(node_term(res, &row[i], v, store))
        st = EVPUB_E_NOMEM;
      if(v)
        librdf_free_node(v);
    }
    librdf_query_results_next(qr);
  }
  return st;
}

/* Statement t to ser, its object in the form it was published with. */
static evpub_status
serialize_fixed(evpub_world *w, evpubp_store *store, librdf_statement *t,
                raptor_serializer *ser)
{
  raptor_statement fixed = *t;
  raptor_term *o = NULL;
  const raptor_term_literal_value *lit = &t->object->value.literal;
  const char *orig = NULL;
  evpub_status st = EVPUB_OK;
  if(t->object->type == RAPTOR_TERM_TYPE_LITERAL && lit->datatype)
    orig = evpubp_store_lexical(
      store, (const char *)raptor_uri_as_string(lit->datatype),
      (const char *)lit->string, lit->string_len);
  if(orig) {
    o = raptor_new_term_from_counted_literal(
      w->raptor, (const unsigned char *)orig, strlen(orig), lit->datatype,
      NULL, 0);
    fixed.object = o ? o : t->object;
  }
  if(raptor_serializer_serialize_statement(ser, &fixed))
    st = EVPUB_E_IO;
  if(o)
    raptor_free_term(o);
  return st;
}

static evpub_status
read_graph(evpub_world *w, librdf_query_results *qr, evpubp_store *store,
           raptor_serializer *ser)
{
  librdf_stream *str = librdf_query_results_as_stream(qr);
  evpub_status st = EVPUB_OK;
  while(str && !librdf_stream_end(str)) {
    st = serialize_fixed(w, store, librdf_stream_get_object(str), ser);
    if(st)
      break;
    librdf_stream_next(str);
  }
  if(str)
    librdf_free_stream(str);
  return st;
}

/* ---- DESCRIBE (rasqal parses it, but answers nothing) ----
 * Each resource gives every triple it is the subject of, and so do the
 * nodes it owns, the IRIs "R#..." it leads to (its address, its role
 * nodes): evpub mints such fragment IRIs where others would make blank
 * nodes, so this is its Concise Bounded Description.  The resources are
 * the IRIs named, and the values of the variables named (or of all, for
 * DESCRIBE *) in the answers to the same pattern as a SELECT DISTINCT. */

/* The resources DESCRIBE walks: each IRI once, in the order met. */
typedef struct {
  evpubp_map seen;
  const char **todo;
  size_t n, cap;
} describe_queue;

static evpub_status
queue_resource(describe_queue *q, const char *iri)
{
  evpubp_map_entry *e = evpubp_map_put(&q->seen, iri, strlen(iri));
  if(!e)
    return EVPUB_E_NOMEM;
  if(e->value)
    return EVPUB_OK;
  e->value = e;
  if(evpubp_grow(&q->todo, q->n, &q->cap, sizeof(*q->todo), 16))
    return EVPUB_E_NOMEM;
  q->todo[q->n++] = e->key;
  return EVPUB_OK;
}

/* The IRIs the DESCRIBE names into dq; its pattern as a SELECT DISTINCT
 * of the variables it names into sel, *select 0 when it names none. */
static evpub_status
describe_pattern(rasqal_query *rq, const char *query, describe_queue *dq,
                 evpubp_buf *sel, int *select)
{
  raptor_sequence *seq = rasqal_query_get_describe_sequence(rq);
  int wildcard = rasqal_query_get_wildcard(rq), k;
  size_t nvars = 0;
  const char *kw = query, *rest;
  evpub_status st;
  evpubp_query_keyword(query, &kw);
  evpubp_buf_add(sel, query, (size_t)(kw - query));
  evpubp_buf_adds(sel, "SELECT DISTINCT");
  if(wildcard)
    evpubp_buf_adds(sel, " *");
  for(k = 0; seq && k < raptor_sequence_size(seq); k++) {
    rasqal_literal *l = raptor_sequence_get_at(seq, k);
    if(l->type == RASQAL_LITERAL_VARIABLE) {
      evpubp_buf_printf(sel, " ?%s", l->value.variable->name);
      nvars++;
    } else if(l->type == RASQAL_LITERAL_URI) {
      st =
        queue_resource(dq, (const char *)raptor_uri_as_string(l->value.uri));
      if(st)
        return st;
    }
  }
  *select = wildcard || nvars;
  if(!*select)
    return EVPUB_OK;
  /* the pattern starts at WHERE or at its brace */
  rest = kw + strlen("DESCRIBE");
  while(*rest && *rest != '{' && strncasecmp(rest, "WHERE", 5))
    rest += *rest == '<'
      ? strcspn(rest, ">") + (rest[strcspn(rest, ">")] ? 1 : 0)
      : 1;
  evpubp_buf_addc(sel, ' ');
  evpubp_buf_adds(sel, rest);
  return EVPUB_OK;
}

/* The IRIs the SELECT sel binds into dq. */
static evpub_status
queue_answers(evpub_source *s, librdf_model *model, const evpubp_buf *sel,
              describe_queue *dq)
{
  librdf_world *rdf = evpubp_rdf_world(s->w);
  librdf_query *q = sel->failed
    ? NULL
    : librdf_new_query(rdf, "sparql", NULL, (const unsigned char *)sel->data,
                       NULL);
  librdf_query_results *qr = q ? librdf_model_query_execute(model, q) : NULL;
  evpub_status st = EVPUB_OK;
  if(!qr) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
               "cannot find what the DESCRIBE names");
    st = EVPUB_E_DATA;
  }
  while(qr && !st && !librdf_query_results_finished(qr)) {
    int n = librdf_query_results_get_bindings_count(qr), b;
    for(b = 0; b < n && !st; b++) {
      librdf_node *v = librdf_query_results_get_binding_value(qr, b);
      if(v && librdf_node_is_resource(v))
        st = queue_resource(
          dq, (const char *)librdf_uri_as_string(librdf_node_get_uri(v)));
      if(v)
        librdf_free_node(v);
    }
    librdf_query_results_next(qr);
  }
  if(qr)
    librdf_free_query_results(qr);
  if(q)
    librdf_free_query(q);
  return st;
}

/* Every statement of resource r to ser; the IRIs "r#..." it leads to
 * into dq. */
static evpub_status
describe_resource(librdf_world *rdf, librdf_model *model, const char *r,
                  describe_queue *dq, raptor_serializer *ser)
{
  size_t rlen = strlen(r);
  librdf_node *subj =
    librdf_new_node_from_uri_string(rdf, (const unsigned char *)r);
  librdf_statement *pat =
    subj ? librdf_new_statement_from_nodes(rdf, subj, NULL, NULL) : NULL;
  librdf_stream *str = pat ? librdf_model_find_statements(model, pat) : NULL;
  evpub_status st = str ? EVPUB_OK : EVPUB_E_NOMEM;
  while(str && !st && !librdf_stream_end(str)) {
    librdf_statement *t = librdf_stream_get_object(str);
    if(raptor_serializer_serialize_statement(ser, t))
      st = EVPUB_E_IO;
    if(t->object->type == RAPTOR_TERM_TYPE_URI) {
      const char *o = (const char *)raptor_uri_as_string(t->object->value.uri);
      if(!strncmp(o, r, rlen) && o[rlen] == '#')
        st = queue_resource(dq, o);
    }
    librdf_stream_next(str);
  }
  if(str)
    librdf_free_stream(str);
  if(pat)
    librdf_free_statement(pat); /* frees subj */
  else if(subj)
    librdf_free_node(subj);
  return st;
}

static evpub_status
local_describe(evpub_source *s, const char *query, librdf_model *model,
               raptor_serializer *ser)
{
  librdf_world *rdf = evpubp_rdf_world(s->w);
  rasqal_query *rq = new_rasqal_query(s->w, rdf);
  describe_queue dq;
  evpubp_buf sel;
  size_t i;
  int select = 0;
  evpub_status st = EVPUB_OK;

  memset(&dq, 0, sizeof(dq));
  evpubp_map_init(&dq.seen);
  evpubp_buf_init(&sel);
  if(!rq || rasqal_query_prepare(rq, (const unsigned char *)query, NULL)) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0, "%s", not_rasqal);
    st = EVPUB_E_DATA;
  }
  if(!st)
    st = describe_pattern(rq, query, &dq, &sel, &select);
  if(!st && select)
    st = queue_answers(s, model, &sel, &dq);
  /* each resource, and the nodes it owns (the queue grows meanwhile) */
  for(i = 0; i < dq.n && !st; i++)
    st = describe_resource(rdf, model, dq.todo[i], &dq, ser);
  if(rq)
    rasqal_free_query(rq);
  free(dq.todo);
  evpubp_map_free(&dq.seen);
  evpubp_buf_free(&sel);
  return st;
}

evpub_status
evpubp_local_query(evpub_source *s, const char *query, evpubp_result *res,
                   raptor_serializer *ser)
{
  evpubp_store *store;
  librdf_model *model;
  librdf_query *q;
  librdf_query_results *qr;
  librdf_world *rdf = evpubp_rdf_world(s->w);
  evpub_status st = evpubp_source_open_store(s, &store);
  if(st)
    return st;
  if(!rdf)
    return EVPUB_E_INTERNAL;
  model = evpubp_store_model(store);
  if(!model)
    return EVPUB_E_IO; /* logged: its files cannot be opened */
  st = check_local(s, rdf, query);
  if(st)
    return st;
  if(evpub_query_form(query) == EVPUB_QUERY_DESCRIBE) {
    res->form = EVPUBP_RESULT_GRAPH;
    return local_describe(s, query, model, ser);
  }
  q =
    librdf_new_query(rdf, "sparql", NULL, (const unsigned char *)query, NULL);
  if(!q) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0, "%s", not_rasqal);
    return EVPUB_E_DATA;
  }
  qr = librdf_model_query_execute(model, q);
  if(!qr) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
               "the query failed (see the messages above)");
    librdf_free_query(q);
    return EVPUB_E_DATA;
  }
  if(librdf_query_results_is_boolean(qr)) {
    int b = librdf_query_results_get_boolean(qr);
    res->form = EVPUBP_RESULT_BOOLEAN;
    res->boolean = b > 0;
    if(b < 0)
      st = EVPUB_E_INTERNAL;
  } else if(librdf_query_results_is_graph(qr)) {
    res->form = EVPUBP_RESULT_GRAPH;
    st = read_graph(s->w, qr, store, ser);
  } else {
    st = read_bindings(qr, res, store);
  }
  librdf_free_query_results(qr);
  librdf_free_query(q);
  return st;
}
