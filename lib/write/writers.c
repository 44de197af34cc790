/* evpub_sink.c - statement sinks: N-Triples, Turtle and raptor's writers
 *
 * A new output format is one evpubp_sink_factory and one line in the
 * table at the end of this file.
 */
#include <stdlib.h>
#include <string.h>

#include "write/write.h"

#define FLUSH_AT 65536

static int
sink_flush(evpubp_sink *s)
{
  if(s->buf.failed)
    return -1;
  if(s->buf.len && fwrite(s->buf.data, 1, s->buf.len, s->out) != s->buf.len)
    return -1;
  evpubp_buf_reset(&s->buf);
  return 0;
}

static int
maybe_flush(evpubp_sink *s)
{
  return s->buf.len >= FLUSH_AT ? sink_flush(s) : (s->buf.failed ? -1 : 0);
}

static int
put_iri(evpubp_buf *b, const char *iri)
{
  evpubp_buf_addc(b, '<');
  evpubp_escape_iri(b, iri, strlen(iri));
  return evpubp_buf_addc(b, '>');
}

/* ---- N-Triples ------------------------------------------------------- */
int
evpubp_object_term(evpubp_buf *b, const evpubp_stmt *st, int sparql)
{
  if(st->okind == EVPUBP_O_IRI)
    return put_iri(b, st->o);
  evpubp_buf_addc(b, '"');
  if(sparql)
    evpubp_escape_sparql_string(b, st->o, st->olen);
  else
    evpubp_escape_nt_string(b, st->o, st->olen);
  evpubp_buf_addc(b, '"');
  if(st->lang) {
    evpubp_buf_addc(b, '@');
    evpubp_buf_adds(b, st->lang);
  } else if(st->dt) {
    evpubp_buf_add(b, "^^", 2);
    put_iri(b, st->dt);
  }
  return b->failed ? -1 : 0;
}

static int
nt_object(evpubp_buf *b, const evpubp_stmt *st)
{
  return evpubp_object_term(b, st, 0);
}

static int
nt_start(evpubp_sink *s)
{
  evpubp_buf *subj = malloc(sizeof(*subj));
  if(!subj)
    return -1;
  evpubp_buf_init(subj);
  s->priv = subj;
  return 0;
}

/* Statements about one subject come in runs: its escaped form is reused
 * (held in s->priv's buffer) while the subject string stays the same. */
static int
nt_batch(evpubp_sink *s, const evpubp_stmt *st, size_t n, int coll)
{
  (void)coll;
  evpubp_buf *subj = s->priv;
  const char *last = NULL;
  size_t i;
  for(i = 0; i < n; i++) {
    if(!last || (last != st[i].s && strcmp(last, st[i].s))) {
      evpubp_buf_reset(subj);
      put_iri(subj, st[i].s);
      evpubp_buf_addc(subj, ' ');
      if(subj->failed)
        return -1;
      last = st[i].s;
    }
    evpubp_buf_add(&s->buf, subj->data, subj->len);
    put_iri(&s->buf, st[i].p);
    evpubp_buf_addc(&s->buf, ' ');
    nt_object(&s->buf, &st[i]);
    evpubp_buf_add(&s->buf, " .\n", 3);
    if(maybe_flush(s))
      return -1;
  }
  return 0;
}

static int
nt_finish(evpubp_sink *s)
{
  return sink_flush(s);
}

static void
nt_free(evpubp_sink *s)
{
  if(s->priv) {
    evpubp_buf_free(s->priv);
    free(s->priv);
    s->priv = NULL;
  }
}

const evpubp_sink_factory evpubp_sink_ntriples = {
  "ntriples", "application/n-triples", nt_start, nt_batch, nt_finish, nt_free
};

int
evpubp_nt_statement(evpubp_buf *b, const evpubp_stmt *st)
{
  put_iri(b, st->s);
  evpubp_buf_addc(b, ' ');
  put_iri(b, st->p);
  evpubp_buf_addc(b, ' ');
  nt_object(b, st);
  return evpubp_buf_add(b, " .\n", 3);
}

const char *
evpubp_stmt_graph(const evpubp_sink *sink, const evpubp_stmt *st, size_t *len)
{
  const char *g = sink->graph;
  if(!g && (st->shared || !sink->item)) {
    const char *hash = strchr(st->s, '#');
    *len = hash ? (size_t)(hash - st->s) : strlen(st->s);
    return st->s;
  }
  if(!g)
    g = sink->item;
  *len = strlen(g);
  return g;
}

/* ---- N-Quads: N-Triples with the graph of doc/publishing.md ---------- */
static int
nq_batch(evpubp_sink *s, const evpubp_stmt *st, size_t n, int coll)
{
  size_t i;
  (void)coll;
  for(i = 0; i < n; i++) {
    size_t glen;
    const char *g = evpubp_stmt_graph(s, &st[i], &glen);
    evpubp_nt_statement(&s->buf, &st[i]);
    s->buf.len -= 2; /* " .\n" becomes " <g> .\n" */
    evpubp_buf_addc(&s->buf, '<');
    evpubp_escape_iri(&s->buf, g, glen);
    evpubp_buf_add(&s->buf, "> .\n", 4);
    if(maybe_flush(s))
      return -1;
  }
  return 0;
}

static int
nq_start(evpubp_sink *s)
{
  (void)s;
  return 0;
}

static void
nq_free(evpubp_sink *s)
{
  (void)s;
}

const evpubp_sink_factory evpubp_sink_nquads = {
  "nquads", "application/n-quads", nq_start, nq_batch, nt_finish, nq_free
};

/* ---- Turtle ------------------------------------------------------------ */
static int
pn_local_ok(const char *s)
{
  const char *p;
  if(!*s)
    return 0;
  for(p = s; *p; p++)
    if(!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
         (*p >= '0' && *p <= '9') || *p == '_'))
      return 0;
  return 1;
}

/* Write an IRI as schema:x / xsd:x when that is exact, else <...>. */
static int
ttl_iri(evpubp_buf *b, const char *iri)
{
  static const size_t sl = sizeof(EVPUBP_SCHEMA_NS) - 1;
  static const size_t xl = sizeof(EVPUBP_XSD_NS) - 1;
  if(!strncmp(iri, EVPUBP_SCHEMA_NS, sl) && pn_local_ok(iri + sl)) {
    evpubp_buf_add(b, "schema:", 7);
    return evpubp_buf_adds(b, iri + sl);
  }
  if(!strncmp(iri, EVPUBP_XSD_NS, xl) && pn_local_ok(iri + xl)) {
    evpubp_buf_add(b, "xsd:", 4);
    return evpubp_buf_adds(b, iri + xl);
  }
  return put_iri(b, iri);
}

static int
ttl_object(evpubp_buf *b, const evpubp_stmt *st)
{
  if(st->okind == EVPUBP_O_IRI)
    return ttl_iri(b, st->o);
  evpubp_buf_addc(b, '"');
  evpubp_escape_nt_string(b, st->o, st->olen);
  evpubp_buf_addc(b, '"');
  if(st->lang) {
    evpubp_buf_addc(b, '@');
    evpubp_buf_adds(b, st->lang);
  } else if(st->dt) {
    evpubp_buf_add(b, "^^", 2);
    ttl_iri(b, st->dt);
  }
  return b->failed ? -1 : 0;
}

typedef struct {
  size_t *order;  /* statement indices, grouped */
  size_t *subj;   /* subject group of each statement */
  uint64_t *hash; /* hash of each subject */
  size_t cap;
  evpubp_map groups; /* for large batches */
  int started;
} ttl_priv;

static int
ttl_start(evpubp_sink *s)
{
  ttl_priv *tp = calloc(1, sizeof(*tp));
  if(!tp)
    return -1;
  evpubp_map_init(&tp->groups);
  s->priv = tp;
  evpubp_buf_adds(&s->buf,
                  "@prefix schema: <" EVPUBP_SCHEMA_NS "> .\n"
                  "@prefix xsd: <" EVPUBP_XSD_NS "> .\n");
  return maybe_flush(s);
}

static int
same(const char *a, const char *b)
{
  return a == b || !strcmp(a, b);
}

static int
ttl_batch(evpubp_sink *s, const evpubp_stmt *st, size_t n, int coll)
{
  (void)coll;
  ttl_priv *tp = s->priv;
  evpubp_buf *b = &s->buf;
  size_t i, j, ngroups = 0, o = 0;
  if(!n)
    return 0;
  if(n > tp->cap) {
    size_t *no = realloc(tp->order, n * sizeof(size_t));
    size_t *ns;
    if(!no)
      return -1;
    tp->order = no;
    ns = realloc(tp->subj, n * sizeof(size_t));
    if(!ns)
      return -1;
    tp->subj = ns;
    {
      uint64_t *nh = realloc(tp->hash, n * sizeof(uint64_t));
      if(!nh)
        return -1;
      tp->hash = nh;
    }
    tp->cap = n;
  }
  /* subject groups in order of first appearance */
  if(n <= 256) {
    for(i = 0; i < n; i++) {
      tp->subj[i] = (size_t)-1;
      tp->hash[i] = i && st[i].s == st[i - 1].s
        ? tp->hash[i - 1]
        : evpubp_hash(st[i].s, strlen(st[i].s));
      for(j = 0; j < i; j++) {
        if(tp->hash[j] == tp->hash[i] && same(st[j].s, st[i].s)) {
          tp->subj[i] = tp->subj[j];
          break;
        }
      }
      if(tp->subj[i] == (size_t)-1)
        tp->subj[i] = ngroups++;
    }
  } else {
    for(i = 0; i < n; i++) {
      evpubp_map_entry *e =
        evpubp_map_put(&tp->groups, st[i].s, strlen(st[i].s));
      if(!e)
        return -1;
      if(!e->value)
        e->value = (void *)(uintptr_t)(++ngroups);
      tp->subj[i] = (size_t)(uintptr_t)e->value - 1;
    }
    evpubp_map_free(&tp->groups);
  }
  /* counting sort of statements by group, stable */
  {
    size_t *count = calloc(ngroups + 1, sizeof(size_t));
    if(!count)
      return -1;
    for(i = 0; i < n; i++)
      count[tp->subj[i] + 1]++;
    for(i = 1; i <= ngroups; i++)
      count[i] += count[i - 1];
    for(i = 0; i < n; i++)
      tp->order[count[tp->subj[i]]++] = i;
    free(count);
  }
  /* write each group: rdf:type first, then predicates in first-seen
   * order, objects of one predicate joined with ',' */
  while(o < n) {
    size_t start = o, end = o, k;
    const char *subject = st[tp->order[o]].s;
    int first_pred = 1;
    while(end < n && tp->subj[tp->order[end]] == tp->subj[tp->order[start]])
      end++;
    evpubp_buf_addc(b, '\n');
    put_iri(b, subject);
    for(k = start; k < end; k++) {
      const evpubp_stmt *x = &st[tp->order[k]];
      size_t m;
      int seen = 0, firstobj = 1;
      int is_type = same(x->p, EVPUBP_RDF_TYPE);
      /* types first: on the first pass over k handle rdf:type */
      if(k == start) {
        size_t t;
        for(t = start; t < end; t++) {
          const evpubp_stmt *y = &st[tp->order[t]];
          if(!same(y->p, EVPUBP_RDF_TYPE))
            continue;
          evpubp_buf_adds(b, firstobj ? " a " : ", ");
          ttl_iri(b, y->o);
          firstobj = 0;
          first_pred = 0;
        }
        firstobj = 1;
      }
      if(is_type)
        continue;
      for(m = start; m < k; m++)
        if(same(st[tp->order[m]].p, x->p)) {
          seen = 1;
          break;
        }
      if(seen)
        continue;
      evpubp_buf_adds(b, first_pred ? "\n    " : " ;\n    ");
      first_pred = 0;
      ttl_iri(b, x->p);
      for(m = k; m < end; m++) {
        const evpubp_stmt *y = &st[tp->order[m]];
        if(!same(y->p, x->p))
          continue;
        evpubp_buf_adds(b, firstobj ? " " : ", ");
        firstobj = 0;
        ttl_object(b, y);
      }
    }
    evpubp_buf_add(b, " .\n", 3);
    o = end;
    if(maybe_flush(s))
      return -1;
  }
  return 0;
}

static int
ttl_finish(evpubp_sink *s)
{
  return sink_flush(s);
}

static void
ttl_free(evpubp_sink *s)
{
  ttl_priv *tp = s->priv;
  if(!tp)
    return;
  free(tp->order);
  free(tp->subj);
  free(tp->hash);
  evpubp_map_free(&tp->groups);
  free(tp);
  s->priv = NULL;
}

const evpubp_sink_factory evpubp_sink_turtle = { "turtle",   "text/turtle",
                                                 ttl_start,  ttl_batch,
                                                 ttl_finish, ttl_free };

/* ---- raptor serializers (RDF/XML and the rest) ------------------------ */
typedef struct {
  raptor_serializer *ser;
  raptor_iostream *io; /* ours: freed even when the run stops early */
} raptor_priv;

static int
raptor_start(evpubp_sink *s)
{
  raptor_priv *rp = calloc(1, sizeof(*rp));
  raptor_uri *ns;
  if(!rp)
    return -1;
  s->priv = rp;
  rp->ser = raptor_new_serializer(s->world->raptor, s->raptor_name);
  rp->io = raptor_new_iostream_to_file_handle(s->world->raptor, s->out);
  if(!rp->ser || !rp->io)
    return -1;
  ns =
    raptor_new_uri(s->world->raptor, (const unsigned char *)EVPUBP_SCHEMA_NS);
  if(ns) {
    raptor_serializer_set_namespace(rp->ser, ns,
                                    (const unsigned char *)"schema");
    raptor_free_uri(ns);
  }
  return raptor_serializer_start_to_iostream(rp->ser, NULL, rp->io) ? -1 : 0;
}

static raptor_term *
rterm_iri(raptor_world *w, const char *iri)
{
  return raptor_new_term_from_uri_string(w, (const unsigned char *)iri);
}

/* XML 1.0 cannot hold C0 controls other than tab, LF and CR, nor U+FFFE
 * and U+FFFF; raptor's XML writers drop them silently.  Refuse instead. */
static int
xml_unsafe(const char *s, size_t n)
{
  size_t i;
  for(i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if(c < 0x20 && c != '\t' && c != '\n' && c != '\r')
      return 1;
    if(c == 0xEF && i + 2 < n && (unsigned char)s[i + 1] == 0xBF &&
       ((unsigned char)s[i + 2] == 0xBE || (unsigned char)s[i + 2] == 0xBF))
      return 1;
  }
  return 0;
}

static int
is_xml_syntax(const char *name)
{
  return !strncmp(name, "rdfxml", 6) || !strcmp(name, "rss-1.0") ||
    !strcmp(name, "atom");
}

static int
raptor_batch(evpubp_sink *s, const evpubp_stmt *st, size_t n, int coll)
{
  (void)coll;
  raptor_world *w = s->world->raptor;
  raptor_serializer *ser = ((raptor_priv *)s->priv)->ser;
  size_t i;
  for(i = 0; i < n; i++) {
    raptor_statement rs;
    int rc;
    if(st[i].okind == EVPUBP_O_LITERAL && is_xml_syntax(s->raptor_name) &&
       xml_unsafe(st[i].o, st[i].olen)) {
      evpubp_log(s->world, EVPUB_LOG_ERROR, NULL, 0, 0,
                 "a value of <%s> on <%s> holds a control character that "
                 "XML 1.0 cannot hold; write turtle or ntriples instead",
                 st[i].p, st[i].s);
      return 1;
    }
    raptor_statement_init(&rs, w);
    rs.subject = rterm_iri(w, st[i].s);
    rs.predicate = rterm_iri(w, st[i].p);
    if(st[i].okind == EVPUBP_O_IRI) {
      rs.object = rterm_iri(w, st[i].o);
    } else {
      raptor_uri *dt =
        st[i].dt ? raptor_new_uri(w, (const unsigned char *)st[i].dt) : NULL;
      rs.object = raptor_new_term_from_counted_literal(
        w, (const unsigned char *)st[i].o, st[i].olen, dt,
        (const unsigned char *)st[i].lang,
        st[i].lang ? (unsigned char)strlen(st[i].lang) : 0);
      if(dt)
        raptor_free_uri(dt);
    }
    if(!rs.subject || !rs.predicate || !rs.object) {
      raptor_statement_clear(&rs);
      return -1; /* out of memory */
    }
    rc = raptor_serializer_serialize_statement(ser, &rs);
    raptor_statement_clear(&rs);
    if(rc) {
      /* a refusal of the serializer's, not an I/O error */
      evpubp_log(s->world, EVPUB_LOG_ERROR, NULL, 0, 0,
                 "raptor's %s serializer refused a statement about <%s>",
                 s->raptor_name, st[i].s);
      return 1;
    }
  }
  return 0;
}

static int
raptor_finish(evpubp_sink *s)
{
  raptor_priv *rp = s->priv;
  int rc = raptor_serializer_serialize_end(rp->ser);
  raptor_iostream_write_end(rp->io);
  fflush(s->out);
  return rc ? -1 : 0;
}

static void
raptor_sink_free(evpubp_sink *s)
{
  raptor_priv *rp = s->priv;
  if(!rp)
    return;
  if(rp->ser)
    raptor_free_serializer(rp->ser);
  if(rp->io)
    raptor_free_iostream(rp->io);
  free(rp);
  s->priv = NULL;
}

const evpubp_sink_factory evpubp_sink_raptor = {
  "raptor", NULL, raptor_start, raptor_batch, raptor_finish, raptor_sink_free
};

/* ---- the table ------------------------------------------------------ */
/* clang-format off */
static const struct {
  const char *name;
  const evpubp_sink_factory *factory;
  const char *raptor_name;
} sinks[] = {
  {"turtle", &evpubp_sink_turtle, NULL},
  {"ttl", &evpubp_sink_turtle, NULL},
  {"ntriples", &evpubp_sink_ntriples, NULL},
  {"nt", &evpubp_sink_ntriples, NULL},
  {"nquads", &evpubp_sink_nquads, NULL},
  {"nq", &evpubp_sink_nquads, NULL},
  {"jsonld", &evpubp_sink_jsonld, NULL},
  {"json-ld", &evpubp_sink_jsonld, NULL},
  {"html", &evpubp_sink_html, NULL},
  {"rdfxml", &evpubp_sink_raptor, "rdfxml"},
  {NULL, NULL, NULL}
};
/* clang-format on */

int
evpubp_sink_known(evpub_world *w, const char *format)
{
  size_t i;
  for(i = 0; sinks[i].name; i++)
    if(!strcmp(sinks[i].name, format))
      return 1;
  if(!strncmp(format, "raptor:", 7))
    return raptor_world_is_serializer_name(w->raptor, format + 7);
  return 0;
}

evpubp_sink *
evpubp_new_sink(evpub_world *w, const char *format, FILE *out)
{
  evpubp_sink *s;
  size_t i;
  const evpubp_sink_factory *f = NULL;
  const char *rname = NULL;
  for(i = 0; sinks[i].name; i++)
    if(!strcmp(sinks[i].name, format)) {
      f = sinks[i].factory;
      rname = sinks[i].raptor_name;
    }
  if(!f && !strncmp(format, "raptor:", 7) &&
     raptor_world_is_serializer_name(w->raptor, format + 7)) {
    f = &evpubp_sink_raptor;
    rname = format + 7;
  }
  if(!f)
    return NULL;
  s = calloc(1, sizeof(*s));
  if(!s)
    return NULL;
  s->factory = f;
  s->world = w;
  s->out = out;
  s->raptor_name = rname;
  evpubp_buf_init(&s->buf);
  return s;
}

void
evpubp_free_sink(evpubp_sink *sink)
{
  if(!sink)
    return;
  sink->factory->free(sink);
  evpubp_buf_free(&sink->buf);
  free(sink);
}
