/* write/raptor.c - RDF/XML and every other raptor serializer */
#include <stdlib.h>
#include <string.h>

#include "write/write.h"

typedef struct {
  raptor_serializer *ser;
  raptor_iostream *io; /* ours: freed even when the run stops early */
} raptor_priv;

static int
raptor_start(evpubp_sink *s)
{
  raptor_priv *rp = s->priv;
  raptor_uri *ns;
  rp->ser = raptor_new_serializer(s->world->raptor, s->variant);
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
raptor_batch(evpubp_sink *s, const evpubp_batch *b)
{
  const evpubp_stmt *st = b->st;
  size_t n = b->n;
  raptor_world *w = s->world->raptor;
  raptor_serializer *ser = ((raptor_priv *)s->priv)->ser;
  size_t i;
  for(i = 0; i < n; i++) {
    raptor_statement rs;
    int rc;
    if(st[i].okind == EVPUBP_O_LITERAL && is_xml_syntax(s->variant) &&
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
                 s->variant, st[i].s);
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
  if(rp->ser)
    raptor_free_serializer(rp->ser);
  if(rp->io)
    raptor_free_iostream(rp->io);
}

static int
raptor_accepts(evpub_world *w, const char *name)
{
  return raptor_world_is_serializer_name(w->raptor, name);
}

/* clang-format off */
#define RAPTOR_STEPS                                                         \
  .priv_size = sizeof(raptor_priv), .start = raptor_start,                   \
  .batch = raptor_batch, .finish = raptor_finish, .free = raptor_sink_free

const evpubp_sink_factory evpubp_writer_rdfxml = {
  .info = { "rdfxml", "RDF/XML, through raptor", ".rdf" },
  .mime = "application/rdf+xml", .variant = "rdfxml", RAPTOR_STEPS
};

const evpubp_sink_factory evpubp_writer_raptor = {
  .info = { "raptor:NAME", "any raptor serializer (rapper -h)", "" },
  .flags = EVPUBP_W_VARIANT, .accepts = raptor_accepts, RAPTOR_STEPS
};
/* clang-format on */
