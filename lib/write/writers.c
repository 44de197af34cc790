/* write/writers.c - the table of writers, and what they share
 *
 * A new output format is one file defining an evpubp_sink_factory and
 * one row in EVPUBP_WRITERS below; --help, the error messages and
 * evpub_choices() list the writers from this table, in its order.
 */
#include <stdlib.h>
#include <string.h>

#include "write/write.h"

/* One row per writer, in the order they are listed. */
#define EVPUBP_WRITERS(X)                                                     \
  X(turtle) X(ntriples) X(nquads) X(jsonld) X(html) X(rdfxml) X(raptor)

#define DECLARE(name) extern const evpubp_sink_factory evpubp_writer_##name;
EVPUBP_WRITERS(DECLARE)
#undef DECLARE

#define ROW(name) &evpubp_writer_##name,
static const evpubp_sink_factory *const writers[] = { EVPUBP_WRITERS(ROW) };
#undef ROW

#define NWRITERS (sizeof(writers) / sizeof(writers[0]))

const evpubp_sink_factory *
evpubp_writer_at(size_t i)
{
  return i < NWRITERS ? writers[i] : NULL;
}

/* 1 if name is one of the space-separated words of list */
static int
in_list(const char *list, const char *name, size_t n)
{
  while(list && *list) {
    size_t w = strcspn(list, " ");
    if(w == n && !strncmp(list, name, n))
      return 1;
    list += w;
    list += strspn(list, " ");
  }
  return 0;
}

const evpubp_sink_factory *
evpubp_writer_find(evpub_world *w, const char *name, const char **variant)
{
  const char *colon = strchr(name, ':');
  size_t n = colon ? (size_t)(colon - name) : strlen(name), i;
  for(i = 0; i < NWRITERS; i++) {
    const evpubp_sink_factory *f = writers[i];
    /* a writer with variants is listed as "raptor:NAME" */
    size_t fn = strcspn(f->info.name, ":");
    if((fn != n || strncmp(f->info.name, name, n)) &&
       !in_list(f->aliases, name, n))
      continue;
    if(!colon != !(f->flags & EVPUBP_W_VARIANT))
      return NULL; /* "raptor" alone, or "turtle:x" */
    if(colon && !f->accepts(w, colon + 1))
      return NULL;
    *variant = colon ? colon + 1 : f->variant;
    return f;
  }
  return NULL;
}

evpubp_sink *
evpubp_new_sink(evpub_world *w, const char *format, FILE *out,
                const evpubp_sink_opts *opts)
{
  const char *variant = NULL;
  const evpubp_sink_factory *f = evpubp_writer_find(w, format, &variant);
  evpubp_sink *s;
  if(!f)
    return NULL;
  s = calloc(1, sizeof(*s));
  if(!s)
    return NULL;
  s->factory = f;
  s->world = w;
  s->out = out;
  s->variant = variant;
  if(opts)
    s->opts = *opts;
  evpubp_buf_init(&s->buf);
  if(f->priv_size && !(s->priv = calloc(1, f->priv_size))) {
    free(s);
    return NULL;
  }
  return s;
}

void
evpubp_free_sink(evpubp_sink *sink)
{
  if(!sink)
    return;
  if(sink->factory->free)
    sink->factory->free(sink);
  if(sink->factory->priv_size)
    free(sink->priv);
  evpubp_buf_free(&sink->buf);
  free(sink);
}

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

int
evpubp_sink_start(evpubp_sink *sink)
{
  return sink->factory->start ? sink->factory->start(sink) : 0;
}

/* The writer flushes its buffer itself when it wants to (the JSON-LD
 * writer holds its first object back). */
int
evpubp_sink_batch(evpubp_sink *sink, const evpubp_batch *b)
{
  return sink->factory->batch(sink, b);
}

int
evpubp_sink_finish(evpubp_sink *sink)
{
  int rc = sink->factory->finish ? sink->factory->finish(sink) : 0;
  return rc ? rc : sink_flush(sink);
}

/* ---- what the writers share ------------------------------------------ */
#define FLUSH_AT 65536

int
evpubp_sink_maybe_flush(evpubp_sink *s)
{
  return s->buf.len >= FLUSH_AT ? sink_flush(s) : (s->buf.failed ? -1 : 0);
}

int
evpubp_object_term(evpubp_buf *b, const evpubp_stmt *st, int sparql)
{
  if(st->okind == EVPUBP_O_IRI)
    return evpubp_put_iri(b, st->o);
  return evpubp_put_literal(b, st->o, st->olen, st->lang, st->dt, sparql,
                            evpubp_put_iri);
}

int
evpubp_nt_statement(evpubp_buf *b, const evpubp_stmt *st)
{
  evpubp_put_iri(b, st->s);
  evpubp_buf_addc(b, ' ');
  evpubp_put_iri(b, st->p);
  evpubp_buf_addc(b, ' ');
  evpubp_object_term(b, st, 0);
  return evpubp_buf_add(b, " .\n", 3);
}

const char *
evpubp_stmt_graph(const evpubp_sink *sink, const evpubp_batch *b,
                  const evpubp_stmt *st, size_t *len)
{
  const char *g = sink->opts.graph;
  if(!g && (st->shared || !b->item)) {
    const char *hash = strchr(st->s, '#');
    *len = hash ? (size_t)(hash - st->s) : strlen(st->s);
    return st->s;
  }
  if(!g)
    g = b->item;
  *len = strlen(g);
  return g;
}
