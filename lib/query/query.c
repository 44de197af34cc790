/* evpub_query.c - SPARQL queries over the local store (Redland, rasqal)
 * or over an endpoint (the SPARQL 1.1 protocol), written as a table,
 * CSV, TSV, SPARQL 1.1 results JSON, or Turtle / N-Triples for graphs
 *
 * Both sources give the same result model (evpubp_result) so that one
 * set of writers serves both and their output can be compared byte for
 * byte.  Language tags are written lower-cased: they are case-insensitive
 * (BCP 47), Virtuoso and rdflib lower-case them, Redland keeps them.
 */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <redland.h>
#include <uniwidth.h>

#include "query/query.h"
#include "remote/remote.h"

struct evpub_source_s {
  evpub_world *w;
  char *store_dir, *endpoint, *server, *query_url;
  char *user, *password, *token, *auth, *netrc, *cacert;
  double timeout;
  char *url; /* the resolved query URL */
  evpubp_store *store;
};

evpub_source *
evpub_new_source(evpub_world *world)
{
  evpub_source *s = calloc(1, sizeof(*s));
  if(s) {
    s->w = world;
    s->timeout = 300;
  }
  return s;
}

void
evpub_free_source(evpub_source *s)
{
  char **f[] = { &s->store_dir, &s->endpoint, &s->server, &s->query_url,
                 &s->user,      &s->password, &s->token,  &s->auth,
                 &s->netrc,     &s->cacert,   &s->url };
  size_t i;
  if(!s)
    return;
  evpubp_store_close(s->store);
  for(i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
    if(*f[i] && (f[i] == &s->password || f[i] == &s->token))
      memset(*f[i], 0, strlen(*f[i]));
    free(*f[i]);
  }
  free(s);
}

static int
set_str(char **slot, const char *v)
{
  char *c = strdup(v);
  if(!c)
    return -1;
  free(*slot);
  *slot = c;
  return 0;
}

evpub_status
evpub_source_set(evpub_source *s, const char *name, const char *v)
{
  static const char *const servers[] = { "generic",  "virtuoso", "fuseki",
                                         "oxigraph", "graphdb",  "neptune",
                                         NULL };
  char **slot = NULL;
  if(!name || !v)
    return EVPUB_E_USAGE;
  if(!strcmp(name, "endpoint") || !strcmp(name, "query-url")) {
    if(strncmp(v, "http://", 7) && strncmp(v, "https://", 8)) {
      evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
                 "--%s '%s' is not an http:// or https:// URL", name, v);
      return EVPUB_E_USAGE;
    }
    slot = name[0] == 'e' ? &s->endpoint : &s->query_url;
  } else if(!strcmp(name, "server")) {
    size_t i;
    for(i = 0; servers[i] && strcmp(servers[i], v); i++)
      ;
    if(!servers[i]) {
      evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
                 "unknown server '%s' (use virtuoso, fuseki, oxigraph, "
                 "graphdb, neptune or generic)",
                 v);
      return EVPUB_E_USAGE;
    }
    slot = &s->server;
  } else if(!strcmp(name, "store")) {
    slot = &s->store_dir;
  } else if(!strcmp(name, "user")) {
    slot = &s->user;
  } else if(!strcmp(name, "password")) {
    slot = &s->password;
  } else if(!strcmp(name, "token")) {
    slot = &s->token;
  } else if(!strcmp(name, "auth")) {
    if(strcmp(v, "any") && strcmp(v, "basic") && strcmp(v, "digest") &&
       strcmp(v, "negotiate")) {
      evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
                 "unknown auth '%s' (use any, basic, digest or negotiate)", v);
      return EVPUB_E_USAGE;
    }
    slot = &s->auth;
  } else if(!strcmp(name, "netrc")) {
    slot = &s->netrc;
  } else if(!strcmp(name, "cacert")) {
    slot = &s->cacert;
  } else if(!strcmp(name, "timeout")) {
    char *end;
    double d = strtod(v, &end);
    if(*end || end == v || !(d > 0) || d > 1e6) {
      evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
                 "--timeout needs a positive number of seconds, not '%s'", v);
      return EVPUB_E_USAGE;
    }
    s->timeout = d;
    return EVPUB_OK;
  } else {
    return EVPUB_E_USAGE;
  }
  return set_str(slot, v) ? EVPUB_E_NOMEM : EVPUB_OK;
}

int
evpubp_source_is_remote(const evpub_source *s)
{
  return s->endpoint || s->query_url;
}

/* The query URL of an endpoint, by server kind. */
static evpub_status
resolve(evpub_source *s)
{
  const char *kind = s->server ? s->server : "generic", *suffix = "";
  int auth = s->user || s->token || s->netrc;
  size_t n;
  if(s->url)
    return EVPUB_OK;
  if(s->query_url)
    return set_str(&s->url, s->query_url) ? EVPUB_E_NOMEM : EVPUB_OK;
  if(!strcmp(kind, "virtuoso"))
    suffix = auth ? "/sparql-auth" : "/sparql";
  else if(!strcmp(kind, "fuseki") || !strcmp(kind, "oxigraph"))
    suffix = "/query";
  else if(!strcmp(kind, "neptune"))
    suffix = "/sparql";
  n = strlen(s->endpoint);
  while(n > 8 && s->endpoint[n - 1] == '/')
    n--;
  if(!strcmp(kind, "virtuoso") && n > 7 &&
     !strncmp(s->endpoint + n - 7, "/sparql", 7))
    n -= 7; /* the server's URL was given as .../sparql */
  s->url = malloc(n + strlen(suffix) + 1);
  if(!s->url)
    return EVPUB_E_NOMEM;
  memcpy(s->url, s->endpoint, n);
  memcpy(s->url + n, suffix, strlen(suffix) + 1);
  return EVPUB_OK;
}

evpub_status
evpubp_source_open_store(evpub_source *s, evpubp_store **store)
{
  if(!s->store) {
    evpub_status st;
    if(!s->store_dir) {
      evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
                 "no store directory and no endpoint");
      return EVPUB_E_USAGE;
    }
    st = evpubp_store_open(s->w, s->store_dir, 0, &s->store);
    if(st)
      return st;
  }
  *store = s->store;
  return EVPUB_OK;
}

/* ---- the query form ---- */
/* The form of the query and where its keyword starts (*at). */
static char
query_keyword(const char *q, const char **at)
{
  static const struct {
    const char *kw;
    char form;
  } forms[] = { { "SELECT", 's' },
                { "ASK", 'a' },
                { "CONSTRUCT", 'c' },
                { "DESCRIBE", 'd' } };
  size_t i;
  for(;;) {
    while(*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')
      q++;
    if(*q == '#') {
      q += strcspn(q, "\n");
      continue;
    }
    if(!strncasecmp(q, "PREFIX", 6) || !strncasecmp(q, "BASE", 4)) {
      /* up to the closing '>' of the IRI */
      const char *gt = strchr(q, '>');
      if(!gt)
        return 0;
      q = gt + 1;
      continue;
    }
    break;
  }
  for(i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
    size_t n = strlen(forms[i].kw);
    if(!strncasecmp(q, forms[i].kw, n) &&
       (q[n] == ' ' || q[n] == '\t' || q[n] == '\n' || q[n] == '\r' ||
        q[n] == '*' || q[n] == '?' || q[n] == '$' || q[n] == '{' ||
        q[n] == '(' || q[n] == '<' || !q[n])) {
      *at = q;
      return forms[i].form;
    }
  }
  return 0;
}

char
evpub_query_form(const char *q)
{
  const char *at;
  return query_keyword(q, &at);
}

/* ---- the result model ---- */
void
evpubp_result_init(evpubp_result *r)
{
  memset(r, 0, sizeof(*r));
  evpubp_arena_init(&r->arena);
}

void
evpubp_result_free(evpubp_result *r)
{
  free(r->vars);
  free(r->cells);
  evpubp_arena_free(&r->arena);
  memset(r, 0, sizeof(*r));
}

static int
add_var(evpubp_result *r, const char *name)
{
  char **nv = realloc(r->vars, (r->nvars + 1) * sizeof(*nv));
  if(!nv)
    return -1;
  r->vars = nv;
  nv[r->nvars] = evpubp_arena_strndup(&r->arena, name, strlen(name));
  if(!nv[r->nvars])
    return -1;
  r->nvars++;
  return 0;
}

/* A new row of unbound cells; NULL when out of memory. */
static evpubp_term *
add_row(evpubp_result *r)
{
  evpubp_term *row;
  if(r->nrows == r->caprows) {
    size_t cap = r->caprows ? r->caprows * 2 : 64;
    evpubp_term *nc;
    if(!r->nvars)
      cap = 1;
    nc = realloc(r->cells, cap * (r->nvars ? r->nvars : 1) * sizeof(*nc));
    if(!nc)
      return NULL;
    r->cells = nc;
    r->caprows = cap;
  }
  row = r->cells + r->nrows * r->nvars;
  memset(row, 0, r->nvars * sizeof(*row));
  r->nrows++;
  return row;
}

static int
set_term(evpubp_result *r, evpubp_term *t, char kind, const char *v, size_t n,
         const char *lang, const char *dt)
{
  t->kind = kind;
  t->value = evpubp_arena_strndup(&r->arena, v, n);
  t->len = n;
  t->lang = NULL;
  t->dt = NULL;
  if(lang && *lang) {
    size_t i, ln = strlen(lang);
    char *l = evpubp_arena_strndup(&r->arena, lang, ln);
    if(!l)
      return -1;
    for(i = 0; i < ln; i++)
      if(l[i] >= 'A' && l[i] <= 'Z')
        l[i] = (char)(l[i] - 'A' + 'a');
    t->lang = l;
  } else if(dt && *dt) {
    t->dt = evpubp_arena_strndup(&r->arena, dt, strlen(dt));
    if(!t->dt)
      return -1;
  }
  return t->value ? 0 : -1;
}

/* ---- local: Redland and rasqal ---- */
static int
node_term(evpubp_result *r, evpubp_term *t, librdf_node *n,
          evpubp_store *store)
{
  if(!n)
    return 0; /* unbound */
  if(librdf_node_is_resource(n)) {
    const char *u = (const char *)librdf_uri_as_string(librdf_node_get_uri(n));
    return set_term(r, t, 'u', u, strlen(u), NULL, NULL);
  }
  if(librdf_node_is_blank(n)) {
    const char *b = (const char *)librdf_node_get_blank_identifier(n);
    return set_term(r, t, 'b', b, strlen(b), NULL, NULL);
  }
  {
    size_t len = 0;
    const char *v =
      (const char *)librdf_node_get_literal_value_as_counted_string(n, &len);
    librdf_uri *dt = librdf_node_get_literal_value_datatype_uri(n);
    if(v && dt) {
      /* the form it was stored with, not rasqal's (evpub_store.c) */
      const char *orig = evpubp_store_lexical(
        store, (const char *)librdf_uri_as_string(dt), v, len);
      if(orig) {
        v = orig;
        len = strlen(orig);
      }
    }
    return set_term(r, t, 'l', v ? v : "", v ? len : 0,
                    librdf_node_get_literal_value_language(n),
                    dt ? (const char *)librdf_uri_as_string(dt) : NULL);
  }
}

/* DESCRIBE over the local store (rasqal parses it, but answers nothing).
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
  if(q->n == q->cap) {
    size_t nc = q->cap ? q->cap * 2 : 16;
    const char **nt = realloc(q->todo, nc * sizeof(*nt));
    if(!nt)
      return EVPUB_E_NOMEM;
    q->todo = nt;
    q->cap = nc;
  }
  q->todo[q->n++] = e->key;
  return EVPUB_OK;
}

static evpub_status
local_describe(evpub_source *s, const char *query, librdf_model *model,
               raptor_serializer *ser)
{
  librdf_world *rdf = evpubp_rdf_world(s->w);
  rasqal_world *rw = librdf_world_get_rasqal(rdf);
  rasqal_query *rq = rasqal_new_query(rw, "sparql", NULL);
  raptor_sequence *seq;
  describe_queue dq;
  evpubp_buf sel;
  size_t i, nvars = 0;
  int wildcard, k;
  evpub_status st = EVPUB_OK;
  const char *kw = NULL, *rest;

  memset(&dq, 0, sizeof(dq));
  evpubp_map_init(&dq.seen);
  evpubp_buf_init(&sel);
  if(!rq || rasqal_query_prepare(rq, (const unsigned char *)query, NULL)) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
               "the query is not SPARQL that rasqal (the local store's "
               "engine) reads");
    st = EVPUB_E_DATA;
    goto done;
  }
  seq = rasqal_query_get_describe_sequence(rq);
  wildcard = rasqal_query_get_wildcard(rq);
  query_keyword(query, &kw);
  /* the pattern, as a SELECT DISTINCT of the variables */
  evpubp_buf_add(&sel, query, (size_t)(kw - query));
  evpubp_buf_adds(&sel, "SELECT DISTINCT");
  if(wildcard)
    evpubp_buf_adds(&sel, " *");
  for(k = 0; seq && k < raptor_sequence_size(seq); k++) {
    rasqal_literal *l = raptor_sequence_get_at(seq, k);
    if(l->type == RASQAL_LITERAL_VARIABLE) {
      evpubp_buf_printf(&sel, " ?%s", l->value.variable->name);
      nvars++;
      continue;
    }
    if(l->type != RASQAL_LITERAL_URI)
      continue;
    st = queue_resource(&dq, (const char *)raptor_uri_as_string(l->value.uri));
    if(st)
      goto done;
  }
  if(wildcard || nvars) {
    librdf_query *q;
    librdf_query_results *qr;
    /* the pattern starts at WHERE or at its brace */
    rest = kw + strlen("DESCRIBE");
    while(*rest && *rest != '{' && strncasecmp(rest, "WHERE", 5))
      rest += *rest == '<'
        ? strcspn(rest, ">") + (rest[strcspn(rest, ">")] ? 1 : 0)
        : 1;
    evpubp_buf_addc(&sel, ' ');
    evpubp_buf_adds(&sel, rest);
    q = sel.failed ? NULL
                   : librdf_new_query(rdf, "sparql", NULL,
                                      (const unsigned char *)sel.data, NULL);
    qr = q ? librdf_model_query_execute(model, q) : NULL;
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
            &dq, (const char *)librdf_uri_as_string(librdf_node_get_uri(v)));
        if(v)
          librdf_free_node(v);
      }
      librdf_query_results_next(qr);
    }
    if(qr)
      librdf_free_query_results(qr);
    if(q)
      librdf_free_query(q);
  }
  /* each resource, and the nodes it owns */
  for(i = 0; i < dq.n && !st; i++) {
    const char *r = dq.todo[i];
    size_t rlen = strlen(r);
    librdf_node *subj =
      librdf_new_node_from_uri_string(rdf, (const unsigned char *)r);
    librdf_statement *pat =
      subj ? librdf_new_statement_from_nodes(rdf, subj, NULL, NULL) : NULL;
    librdf_stream *str = pat ? librdf_model_find_statements(model, pat) : NULL;
    if(!str)
      st = EVPUB_E_NOMEM;
    while(str && !st && !librdf_stream_end(str)) {
      librdf_statement *t = librdf_stream_get_object(str);
      if(raptor_serializer_serialize_statement(ser, t))
        st = EVPUB_E_IO;
      if(t->object->type == RAPTOR_TERM_TYPE_URI) {
        const char *o =
          (const char *)raptor_uri_as_string(t->object->value.uri);
        if(!strncmp(o, r, rlen) && o[rlen] == '#')
          st = queue_resource(&dq, o);
      }
      librdf_stream_next(str);
    }
    if(str)
      librdf_free_stream(str);
    if(pat)
      librdf_free_statement(pat); /* frees subj */
    else if(subj)
      librdf_free_node(subj);
  }
done:
  if(rq)
    rasqal_free_query(rq);
  free(dq.todo);
  evpubp_map_free(&dq.seen);
  evpubp_buf_free(&sel);
  return st;
}

static evpub_status
local_query(evpub_source *s, const char *query, evpubp_result *res,
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
  if(!rdf || !(model = evpubp_store_model(store)))
    return EVPUB_E_INTERNAL;
  if(evpub_query_form(query) == 'd') {
    res->form = 'c';
    return local_describe(s, query, model, ser);
  }
  q =
    librdf_new_query(rdf, "sparql", NULL, (const unsigned char *)query, NULL);
  if(!q) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
               "the query is not SPARQL that rasqal (the local store's "
               "engine) reads");
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
    res->form = 'a';
    res->boolean = b > 0;
    if(b < 0)
      st = EVPUB_E_INTERNAL;
  } else if(librdf_query_results_is_graph(qr)) {
    librdf_stream *str = librdf_query_results_as_stream(qr);
    res->form = 'c';
    while(str && !librdf_stream_end(str)) {
      librdf_statement *t = librdf_stream_get_object(str);
      raptor_statement fixed = *t;
      raptor_term *o = NULL;
      const char *orig = NULL;
      if(t->object->type == RAPTOR_TERM_TYPE_LITERAL &&
         t->object->value.literal.datatype)
        orig =
          evpubp_store_lexical(store,
                               (const char *)raptor_uri_as_string(
                                 t->object->value.literal.datatype),
                               (const char *)t->object->value.literal.string,
                               t->object->value.literal.string_len);
      if(orig) {
        o = raptor_new_term_from_counted_literal(
          s->w->raptor, (const unsigned char *)orig, strlen(orig),
          t->object->value.literal.datatype, NULL, 0);
        fixed.object = o ? o : t->object;
      }
      if(raptor_serializer_serialize_statement(ser, &fixed))
        st = EVPUB_E_IO;
      if(o)
        raptor_free_term(o);
      if(st)
        break;
      librdf_stream_next(str);
    }
    if(str)
      librdf_free_stream(str);
  } else {
    int i, n = librdf_query_results_get_bindings_count(qr);
    res->form = 's';
    for(i = 0; i < n && !st; i++)
      if(add_var(res, librdf_query_results_get_binding_name(qr, i)))
        st = EVPUB_E_NOMEM;
    while(!st && !librdf_query_results_finished(qr)) {
      evpubp_term *row = add_row(res);
      if(!row) {
        st = EVPUB_E_NOMEM;
        break;
      }
      for(i = 0; i < n; i++) {
        librdf_node *v = librdf_query_results_get_binding_value(qr, i);
        if(node_term(res, &row[i], v, store))
          st = EVPUB_E_NOMEM;
        if(v)
          librdf_free_node(v);
      }
      librdf_query_results_next(qr);
    }
  }
  librdf_free_query_results(qr);
  librdf_free_query(q);
  return st;
}

/* ---- remote: the SPARQL protocol ---- */
static void
source_http(const evpub_source *s, evpubp_http *h)
{
  memset(h, 0, sizeof(*h));
  h->user = s->user;
  h->password = s->password;
  h->token = s->token;
  h->auth = s->auth;
  h->netrc = s->netrc;
  h->cacert = s->cacert;
  h->virtuoso = s->server && !strcmp(s->server, "virtuoso");
  h->timeout = s->timeout;
  h->connect_timeout = 10;
}

/* A string member of a JSON object, or NULL. */
static const evpubp_json *
jstr(const evpubp_json *obj, const char *key)
{
  const evpubp_json *v = evpubp_json_get(obj, key);
  return v && v->type == EVPUBP_J_STRING ? v : NULL;
}

/* SPARQL 1.1 query results JSON (and Virtuoso's SPARQL 1.0 style
 * "typed-literal") into res. */
static evpub_status
read_json_results(evpub_source *s, const evpubp_buf *body, char form,
                  evpubp_result *res)
{
  evpubp_arena a;
  const char *err = NULL;
  const evpubp_json *doc, *v, *row, *var;
  evpub_status st = EVPUB_OK;
  evpubp_arena_init(&a);
  doc = evpubp_json_parse(body->data ? body->data : "", body->len, &a, &err);
  if(!doc || doc->type != EVPUBP_J_OBJECT) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
               "%s: the answer is not SPARQL results JSON (%s)", s->url,
               err ? err : "not an object");
    evpubp_arena_free(&a);
    return EVPUB_E_IO;
  }
  if(form == 'a') {
    v = evpubp_json_get(doc, "boolean");
    res->form = 'a';
    if(v && (v->type == EVPUBP_J_TRUE || v->type == EVPUBP_J_FALSE)) {
      res->boolean = v->type == EVPUBP_J_TRUE;
    } else {
      evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
                 "%s: the answer to ASK has no boolean", s->url);
      st = EVPUB_E_IO;
    }
    evpubp_arena_free(&a);
    return st;
  }
  res->form = 's';
  v = evpubp_json_get(evpubp_json_get(doc, "head"), "vars");
  for(var = v && v->type == EVPUBP_J_ARRAY ? v->child : NULL; var && !st;
      var = var->next)
    if(var->type == EVPUBP_J_STRING && add_var(res, var->str))
      st = EVPUB_E_NOMEM;
  v = evpubp_json_get(evpubp_json_get(doc, "results"), "bindings");
  for(row = v && v->type == EVPUBP_J_ARRAY ? v->child : NULL; row && !st;
      row = row->next) {
    evpubp_term *cells = add_row(res);
    size_t i;
    if(!cells) {
      st = EVPUB_E_NOMEM;
      break;
    }
    for(i = 0; i < res->nvars && !st; i++) {
      const evpubp_json *b = evpubp_json_get(row, res->vars[i]);
      const evpubp_json *type = jstr(b, "type"), *value = jstr(b, "value");
      const evpubp_json *lang = jstr(b, "xml:lang"), *dt = jstr(b, "datatype");
      char kind;
      if(!type || !value)
        continue; /* unbound */
      kind = !strcmp(type->str, "uri") ? 'u'
        : !strcmp(type->str, "bnode")  ? 'b'
                                       : 'l';
      if(set_term(res, &cells[i], kind, value->str, value->len,
                  kind == 'l' && lang ? lang->str : NULL,
                  kind == 'l' && dt ? dt->str : NULL))
        st = EVPUB_E_NOMEM;
    }
  }
  evpubp_arena_free(&a);
  return st;
}

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

static evpub_status
remote_query(evpub_source *s, const char *query, char form, evpubp_result *res,
             raptor_serializer *ser)
{
  evpubp_http h;
  evpubp_buf body;
  char ctype[128];
  evpub_status st = resolve(s);
  const char *accept = form == 'c' || form == 'd'
    ? "application/n-triples"
    : "application/sparql-results+json";
  if(st)
    return st;
  source_http(s, &h);
  evpubp_buf_init(&body);
  st = evpubp_http_query(s->w, &h, s->url, query, accept, &body, ctype,
                         sizeof(ctype));
  if(st == EVPUB_OK && (form == 'c' || form == 'd')) {
    /* N-Triples asked for, read with the Turtle parser (a superset of
     * N-Triples; raptor 2.0.15's N-Triples parser leaks the datatype
     * IRIs of typed literals) */
    raptor_parser *p = raptor_new_parser(s->w->raptor, "turtle");
    raptor_uri *base =
      raptor_new_uri(s->w->raptor, (const unsigned char *)s->url);
    relay r = { ser, 0 };
    res->form = 'c';
    if(!p || !base) {
      st = EVPUB_E_NOMEM;
    } else {
      raptor_parser_set_statement_handler(p, &r, relay_statement);
      if(raptor_parser_parse_start(p, base) ||
         raptor_parser_parse_chunk(p, (const unsigned char *)body.data,
                                   body.len, 1)) {
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
  } else if(st == EVPUB_OK) {
    st = read_json_results(s, &body, form, res);
  }
  evpubp_buf_free(&body);
  return st;
}

/* ---- the writers ---- */
static void
put_nt_term(evpubp_buf *b, const evpubp_term *t)
{
  if(t->kind == 'u') {
    evpubp_buf_addc(b, '<');
    evpubp_escape_iri(b, t->value, t->len);
    evpubp_buf_addc(b, '>');
  } else if(t->kind == 'b') {
    evpubp_buf_adds(b, "_:");
    evpubp_buf_add(b, t->value, t->len);
  } else if(t->kind == 'l') {
    evpubp_buf_addc(b, '"');
    evpubp_escape_nt_string(b, t->value, t->len);
    evpubp_buf_addc(b, '"');
    if(t->lang) {
      evpubp_buf_addc(b, '@');
      evpubp_buf_adds(b, t->lang);
    } else if(t->dt) {
      evpubp_buf_adds(b, "^^<");
      evpubp_escape_iri(b, t->dt, strlen(t->dt));
      evpubp_buf_addc(b, '>');
    }
  }
}

/* SPARQL 1.1 CSV (RFC 4180 fields, plain values, CRLF) or TSV (terms in
 * N-Triples syntax, "?" before the names in the header, LF). */
static void
write_separated(const evpubp_result *r, evpubp_buf *b, int tsv)
{
  size_t i, j;
  const char sep = tsv ? '\t' : ',', *eol = tsv ? "\n" : "\r\n";
  if(r->form == 'a') {
    evpubp_buf_adds(b, r->boolean ? "true\n" : "false\n");
    return;
  }
  for(j = 0; j < r->nvars; j++) {
    if(j)
      evpubp_buf_addc(b, sep);
    if(tsv) {
      evpubp_buf_addc(b, '?');
      evpubp_buf_adds(b, r->vars[j]);
    } else {
      evpubp_escape_csv_field(b, r->vars[j], strlen(r->vars[j]));
    }
  }
  evpubp_buf_adds(b, eol);
  for(i = 0; i < r->nrows; i++) {
    const evpubp_term *row = r->cells + i * r->nvars;
    for(j = 0; j < r->nvars; j++) {
      if(j)
        evpubp_buf_addc(b, sep);
      if(tsv || row[j].kind == 'b') {
        put_nt_term(b, &row[j]);
      } else if(row[j].kind) {
        evpubp_escape_csv_field(b, row[j].value, row[j].len);
      }
    }
    evpubp_buf_adds(b, eol);
  }
}

static void
put_json_string(evpubp_buf *b, const char *v, size_t n)
{
  evpubp_buf_addc(b, '"');
  evpubp_escape_json_string(b, v, n, 0);
  evpubp_buf_addc(b, '"');
}

static void
write_json(const evpubp_result *r, evpubp_buf *b)
{
  size_t i, j;
  if(r->form == 'a') {
    evpubp_buf_printf(b, "{\"head\": {}, \"boolean\": %s}\n",
                      r->boolean ? "true" : "false");
    return;
  }
  evpubp_buf_adds(b, "{\"head\": {\"vars\": [");
  for(j = 0; j < r->nvars; j++) {
    if(j)
      evpubp_buf_adds(b, ", ");
    put_json_string(b, r->vars[j], strlen(r->vars[j]));
  }
  evpubp_buf_adds(b, "]},\n \"results\": {\"bindings\": [");
  for(i = 0; i < r->nrows; i++) {
    const evpubp_term *row = r->cells + i * r->nvars;
    int first = 1;
    evpubp_buf_adds(b, i ? ",\n  {" : "\n  {");
    for(j = 0; j < r->nvars; j++) {
      const evpubp_term *t = &row[j];
      if(!t->kind)
        continue;
      if(!first)
        evpubp_buf_adds(b, ", ");
      first = 0;
      put_json_string(b, r->vars[j], strlen(r->vars[j]));
      evpubp_buf_adds(b, ": {\"type\": ");
      evpubp_buf_adds(b,
                      t->kind == 'u'     ? "\"uri\""
                        : t->kind == 'b' ? "\"bnode\""
                                         : "\"literal\"");
      evpubp_buf_adds(b, ", \"value\": ");
      put_json_string(b, t->value, t->len);
      if(t->lang) {
        evpubp_buf_adds(b, ", \"xml:lang\": ");
        put_json_string(b, t->lang, strlen(t->lang));
      } else if(t->dt) {
        evpubp_buf_adds(b, ", \"datatype\": ");
        put_json_string(b, t->dt, strlen(t->dt));
      }
      evpubp_buf_addc(b, '}');
    }
    evpubp_buf_addc(b, '}');
  }
  evpubp_buf_adds(b, r->nrows ? "\n ]}}\n" : "]}}\n");
}

/* How a cell looks in the table: IRIs in <>, literals as their text
 * with "@lang", control characters as escapes. */
static void
cell_text(evpubp_buf *b, const evpubp_term *t)
{
  if(t->kind == 'l') {
    evpubp_escape_nt_string(b, t->value, t->len);
    if(t->lang) {
      evpubp_buf_addc(b, '@');
      evpubp_buf_adds(b, t->lang);
    }
  } else {
    put_nt_term(b, t);
  }
}

static size_t
text_width(const char *s, size_t n)
{
  int w = u8_width((const uint8_t *)s, n, "UTF-8");
  return w < 0 ? n : (size_t)w;
}

static void
pad(evpubp_buf *b, size_t n)
{
  while(n--)
    evpubp_buf_addc(b, ' ');
}

static void
write_table(const evpubp_result *r, evpubp_buf *b)
{
  size_t i, j, *w;
  evpubp_buf cell;
  if(r->form == 'a') {
    evpubp_buf_adds(b, r->boolean ? "yes\n" : "no\n");
    return;
  }
  w = calloc(r->nvars ? r->nvars : 1, sizeof(*w));
  if(!w) {
    b->failed = 1;
    return;
  }
  evpubp_buf_init(&cell);
  for(j = 0; j < r->nvars; j++)
    w[j] = text_width(r->vars[j], strlen(r->vars[j])) + 1;
  for(i = 0; i < r->nrows; i++)
    for(j = 0; j < r->nvars; j++) {
      size_t cw;
      evpubp_buf_reset(&cell);
      cell_text(&cell, &r->cells[i * r->nvars + j]);
      cw = text_width(cell.data ? cell.data : "", cell.len);
      if(cw > w[j])
        w[j] = cw;
    }
  for(j = 0; j < r->nvars; j++) {
    evpubp_buf_addc(b, '?');
    evpubp_buf_adds(b, r->vars[j]);
    if(j + 1 < r->nvars)
      pad(b, w[j] - text_width(r->vars[j], strlen(r->vars[j])) - 1 + 2);
  }
  evpubp_buf_addc(b, '\n');
  for(j = 0; j < r->nvars; j++) {
    size_t k;
    for(k = 0; k < w[j]; k++)
      evpubp_buf_addc(b, '-');
    if(j + 1 < r->nvars)
      evpubp_buf_adds(b, "  ");
  }
  evpubp_buf_addc(b, '\n');
  for(i = 0; i < r->nrows; i++) {
    for(j = 0; j < r->nvars; j++) {
      evpubp_buf_reset(&cell);
      cell_text(&cell, &r->cells[i * r->nvars + j]);
      evpubp_buf_add(b, cell.data ? cell.data : "", cell.len);
      if(j + 1 < r->nvars)
        pad(b, w[j] - text_width(cell.data ? cell.data : "", cell.len) + 2);
    }
    evpubp_buf_addc(b, '\n');
  }
  evpubp_buf_printf(b, "(%lu row%s)\n", (unsigned long)r->nrows,
                    r->nrows == 1 ? "" : "s");
  evpubp_buf_free(&cell);
  free(w);
}

evpub_status
evpubp_result_write(const evpubp_result *r, const char *format, FILE *out)
{
  evpubp_buf b;
  evpub_status st = EVPUB_OK;
  evpubp_buf_init(&b);
  if(!strcmp(format, "csv") || !strcmp(format, "tsv"))
    write_separated(r, &b, format[0] == 't');
  else if(!strcmp(format, "json"))
    write_json(r, &b);
  else
    write_table(r, &b);
  if(b.failed)
    st = EVPUB_E_NOMEM;
  else if(b.len && fwrite(b.data, 1, b.len, out) != b.len)
    st = EVPUB_E_IO;
  evpubp_buf_free(&b);
  return st;
}

evpub_status
evpubp_source_select(evpub_source *s, const char *query, evpubp_result *res)
{
  if(evpubp_source_is_remote(s))
    return remote_query(s, query, 's', res, NULL);
  return local_query(s, query, res, NULL);
}

static int
valid_format(const char *f)
{
  static const char *const names[] = { "table",  "csv",      "tsv", "json",
                                       "turtle", "ntriples", NULL };
  size_t i;
  for(i = 0; names[i]; i++)
    if(!strcmp(f, names[i]))
      return 1;
  return 0;
}

evpub_status
evpub_source_query(evpub_source *s, const char *query, const char *format,
                   FILE *out)
{
  char form = evpub_query_form(query);
  int graph = form == 'c' || form == 'd';
  const char *f = format;
  evpubp_result res;
  raptor_serializer *ser = NULL;
  raptor_iostream *ios = NULL;
  evpub_status st;

  if(!form) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
               "not a SPARQL query: SELECT, ASK, CONSTRUCT or DESCRIBE "
               "expected after the prefixes (evpub query runs no updates)");
    return EVPUB_E_USAGE;
  }
  if(f && !valid_format(f)) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
               "unknown format '%s' (use table, csv, tsv, json, turtle or "
               "ntriples)",
               f);
    return EVPUB_E_USAGE;
  }
  if(!f || (graph && !strcmp(f, "table")))
    f = graph ? "turtle" : "table";
  if(graph != (!strcmp(f, "turtle") || !strcmp(f, "ntriples"))) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
               graph ? "a %s query gives a graph: use -f turtle or ntriples"
                     : "a %s query gives a table: use -f table, csv, tsv or "
                       "json",
               form == 'c'     ? "CONSTRUCT"
                 : form == 'd' ? "DESCRIBE"
                 : form == 'a' ? "ASK"
                               : "SELECT");
    return EVPUB_E_USAGE;
  }
  evpubp_result_init(&res);
  if(graph) {
    ser = raptor_new_serializer(s->w->raptor, f);
    ios = raptor_new_iostream_to_file_handle(s->w->raptor, out);
    if(!ser || !ios) {
      st = EVPUB_E_NOMEM;
      goto done;
    }
    if(!strcmp(f, "turtle")) {
      raptor_uri *ns =
        raptor_new_uri(s->w->raptor, (const unsigned char *)EVPUBP_SCHEMA_NS);
      raptor_uri *xsd =
        raptor_new_uri(s->w->raptor, (const unsigned char *)EVPUBP_XSD_NS);
      if(ns)
        raptor_serializer_set_namespace(ser, ns,
                                        (const unsigned char *)"schema");
      if(xsd)
        raptor_serializer_set_namespace(ser, xsd,
                                        (const unsigned char *)"xsd");
      if(ns)
        raptor_free_uri(ns);
      if(xsd)
        raptor_free_uri(xsd);
    }
    raptor_serializer_start_to_iostream(ser, NULL, ios);
  }
  st = evpubp_source_is_remote(s) ? remote_query(s, query, form, &res, ser)
                                  : local_query(s, query, &res, ser);
  if(graph && st == EVPUB_OK) {
    raptor_serializer_serialize_end(ser);
  } else if(st == EVPUB_OK) {
    st = evpubp_result_write(&res, f, out);
  }
done:
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

/* ---- export: every quad of the local store, straight from Redland ---- */
static void
put_raptor_term(evpubp_buf *b, const raptor_term *t)
{
  if(t->type == RAPTOR_TERM_TYPE_URI) {
    const char *u = (const char *)raptor_uri_as_string(t->value.uri);
    evpubp_buf_addc(b, '<');
    evpubp_escape_iri(b, u, strlen(u));
    evpubp_buf_addc(b, '>');
  } else if(t->type == RAPTOR_TERM_TYPE_BLANK) {
    evpubp_buf_adds(b, "_:");
    evpubp_buf_add(b, (const char *)t->value.blank.string,
                   t->value.blank.string_len);
  } else {
    const raptor_term_literal_value *l = &t->value.literal;
    evpubp_buf_addc(b, '"');
    evpubp_escape_nt_string(b, (const char *)l->string, l->string_len);
    evpubp_buf_addc(b, '"');
    if(l->language && l->language_len) {
      evpubp_buf_addc(b, '@');
      evpubp_buf_add(b, (const char *)l->language, l->language_len);
    } else if(l->datatype) {
      const char *u = (const char *)raptor_uri_as_string(l->datatype);
      evpubp_buf_adds(b, "^^<");
      evpubp_escape_iri(b, u, strlen(u));
      evpubp_buf_addc(b, '>');
    }
  }
}

evpub_status
evpub_source_export(evpub_source *s, FILE *out)
{
  evpubp_store *store;
  librdf_model *model;
  librdf_iterator *ctxs;
  evpubp_buf b;
  evpub_status st;
  if(evpubp_source_is_remote(s)) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
               "export reads the local store: a server has its own dump");
    return EVPUB_E_USAGE;
  }
  st = evpubp_source_open_store(s, &store);
  if(st)
    return st;
  model = evpubp_store_model(store);
  if(!model)
    return EVPUB_E_INTERNAL;
  ctxs = librdf_model_get_contexts(model);
  evpubp_buf_init(&b);
  while(!st && ctxs && !librdf_iterator_end(ctxs)) {
    librdf_node *ctx = librdf_iterator_get_object(ctxs);
    librdf_stream *str =
      ctx ? librdf_model_context_as_stream(model, ctx) : NULL;
    while(!st && str && !librdf_stream_end(str)) {
      librdf_statement *t = librdf_stream_get_object(str);
      evpubp_buf_reset(&b);
      put_raptor_term(&b, t->subject);
      evpubp_buf_addc(&b, ' ');
      put_raptor_term(&b, t->predicate);
      evpubp_buf_addc(&b, ' ');
      put_raptor_term(&b, t->object);
      evpubp_buf_addc(&b, ' ');
      put_raptor_term(&b, ctx);
      evpubp_buf_adds(&b, " .\n");
      if(b.failed)
        st = EVPUB_E_NOMEM;
      else if(fwrite(b.data, 1, b.len, out) != b.len)
        st = EVPUB_E_IO;
      librdf_stream_next(str);
    }
    if(str)
      librdf_free_stream(str);
    librdf_iterator_next(ctxs);
  }
  if(ctxs)
    librdf_free_iterator(ctxs);
  evpubp_buf_free(&b);
  if(!st && (fflush(out) || ferror(out)))
    st = EVPUB_E_IO;
  return st;
}
