/* map/schema.c - what readers ask about schema.org, answered here
 *
 * Readers know only their syntax; where a syntax leaves a question that
 * only the vocabulary answers, the reader asks through the evpubp_schema
 * it is handed (read/read.h), and this file answers for the mapper.
 */
#include <string.h>

#include "map/map.h"

/* Is a CSV column of key name a ';' list?  Yes when no range of the
 * schema.org property is Text or a subtype of Text other than URL: its
 * values are entities, URLs, dates, numbers, booleans or enumeration
 * members, none of which holds a meaningful ';'.  Also a few properties
 * that take Text but whose values are references or codes. */
static int
multi_valued(const char *name)
{
  static const char *const extra[] = {
    "type",          "location", "keywords", "inLanguage", "availableLanguage",
    "knowsLanguage", NULL
  };
  int p, t_text, t_url;
  unsigned i;
  for(i = 0; extra[i]; i++)
    if(!strcmp(name, extra[i]))
      return 1;
  p = evpubp_vocab_prop(name);
  if(p < 0 || !evpubp_vocab_props[p].nranges)
    return 0;
  t_text = evpubp_vocab_type("Text");
  t_url = evpubp_vocab_type("URL");
  for(i = 0; i < evpubp_vocab_props[p].nranges; i++) {
    int rt = evpubp_vocab_props[p].ranges[i];
    if(rt != t_url && evpubp_vocab_is_subtype(rt, t_text))
      return 0;
  }
  return 1;
}

/* A document of top-level keys is one event when it has a name, id or
 * iri, or when all its keys are properties of Event. */
static int
single_event_like(const evpubp_node *keys)
{
  size_t i;
  int event = evpubp_vocab_type("Event");
  for(i = 0; i < keys->n; i++) {
    const char *k = keys->items[2 * i]->str;
    if(!strcmp(k, "name") || !strcmp(k, "id") || !strcmp(k, "iri"))
      return 1;
  }
  for(i = 0; i < keys->n; i++) {
    const char *k = keys->items[2 * i]->str;
    int p = evpubp_vocab_prop(k);
    if(strcmp(k, "type") && (p < 0 || !evpubp_vocab_prop_allowed(p, event)) &&
       !strchr(k, ':'))
      return 0;
  }
  return 1;
}

/* Beside collections, or when they do not look like an event, the keys
 * are reported: a nameless event would hide the mistyped collection. */
static int
other_keys(const evpubp_read_ctx *ctx, const evpubp_node *keys,
           int with_collections)
{
  size_t i;
  if(!with_collections && single_event_like(keys)) {
    evpubp_read_duplicate_keys(ctx, keys);
    return ctx->cb->item(ctx->user, EVPUBP_C_EVENTS, keys);
  }
  for(i = 0; i < keys->n; i++) {
    const evpubp_node *k = keys->items[2 * i];
    evpubp_read_error(ctx, k->line, k->col,
                      "unknown top-level key '%s' (expected base, lang, "
                      "prefixes, events, organizations, people, places or "
                      "works)",
                      k->str);
  }
  return 0;
}

const evpubp_schema evpubp_map_schema = { multi_valued, other_keys };
