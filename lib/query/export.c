/* query/export.c - every quad of the local store as N-Quads, read
 * straight from the Redland files (not through the query engine)
 */
#include <string.h>

#include <redland.h>

#include "query/query.h"

static void
put_raptor_term(evpubp_buf *b, const raptor_term *t)
{
  if(t->type == RAPTOR_TERM_TYPE_URI) {
    evpubp_put_iri(b, (const char *)raptor_uri_as_string(t->value.uri));
  } else if(t->type == RAPTOR_TERM_TYPE_BLANK) {
    evpubp_buf_adds(b, "_:");
    evpubp_buf_add(b, (const char *)t->value.blank.string,
                   t->value.blank.string_len);
  } else {
    const raptor_term_literal_value *l = &t->value.literal;
    evpubp_put_literal(
      b, (const char *)l->string, l->string_len,
      l->language && l->language_len ? (const char *)l->language : NULL,
      l->datatype ? (const char *)raptor_uri_as_string(l->datatype) : NULL, 0,
      evpubp_put_iri);
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
      st = evpubp_buf_write(&b, out);
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
