/* store/lexical.c - the forms rasqal rewrites (lexical.tsv)
 *
 * rasqal, the query engine, reads typed literals into values and writes
 * them back in its own form: "1"^^xsd:boolean as "true", ".500" seconds
 * as ".5", and (0.9.33) a time-zone offset with minutes, +05:30, cut to
 * "+05:3\"".  Where its form differs from what was stored, a record
 *
 *   GRAPH TAB DATATYPE TAB RASQAL-FORM TAB STORED-FORM
 *
 * keeps both, so that query answers give back what was published
 * (evpubp_store_lexical()).  When two stored forms read the same to
 * rasqal, its own form is given.
 */
#include <stdlib.h>
#include <string.h>

#include "store/side.h"

#define NFIELDS 4

/* the value of a key whose stored forms differ */
static const char ambiguous[] = "";

void
evpubp_lexical_init(evpubp_lexical *lx)
{
  evpubp_map_init(&lx->forms);
  evpubp_arena_init(&lx->arena);
  evpubp_buf_init(&lx->key);
  lx->loaded = 0;
}

void
evpubp_lexical_free(evpubp_lexical *lx)
{
  evpubp_map_free(&lx->forms);
  evpubp_arena_free(&lx->arena);
  evpubp_buf_free(&lx->key);
}

int
evpubp_lexical_put(librdf_world *rdf, FILE *fp, evpubp_buf *line,
                   const char *graph, const raptor_term_literal_value *lit)
{
  rasqal_world *rw = librdf_world_get_rasqal(rdf);
  unsigned char *copy = malloc(lit->string_len + 1);
  raptor_uri *dt = raptor_uri_copy(lit->datatype);
  rasqal_literal *l;
  int rc = 0;
  if(!copy || !dt || !rw) {
    free(copy);
    if(dt)
      raptor_free_uri(dt);
    return -1;
  }
  if(lit->string_len) /* "" may come as NULL */
    memcpy(copy, lit->string, lit->string_len);
  copy[lit->string_len] = '\0';
  /* takes copy and dt */
  l = rasqal_new_string_literal(rw, copy, NULL, dt, NULL);
  if(!l)
    return 0;
  if(l->string_len != lit->string_len ||
     (lit->string_len && memcmp(l->string, lit->string, lit->string_len))) {
    const char *f[NFIELDS];
    size_t len[NFIELDS];
    f[0] = graph;
    f[1] = (const char *)raptor_uri_as_string(lit->datatype);
    f[2] = (const char *)l->string;
    f[3] = (const char *)lit->string;
    len[0] = strlen(f[0]);
    len[1] = strlen(f[1]);
    len[2] = l->string_len;
    len[3] = lit->string_len;
    rc = evpubp_side_put(fp, line, NFIELDS, f, len);
  }
  rasqal_free_literal(l);
  return rc;
}

/* One record into lx->forms: the key DATATYPE TAB RASQAL-FORM. */
static evpub_status
load_record(void *user, char **f, const size_t *len)
{
  evpubp_lexical *lx = user;
  evpubp_map_entry *e;
  char *orig;
  if(!len[0] || !len[1])
    return EVPUB_E_DATA;
  evpubp_buf_reset(&lx->key);
  evpubp_buf_add(&lx->key, f[1], len[1]);
  evpubp_buf_addc(&lx->key, '\t');
  evpubp_buf_add(&lx->key, f[2], len[2]);
  e = lx->key.failed ? NULL
                     : evpubp_map_put(&lx->forms, lx->key.data, lx->key.len);
  if(!e)
    return EVPUB_E_NOMEM;
  if(e->value == ambiguous)
    return EVPUB_OK;
  if(e->value) {
    if(strcmp(e->value, f[3]))
      e->value = (void *)ambiguous;
    return EVPUB_OK;
  }
  orig = evpubp_arena_strndup(&lx->arena, f[3], len[3]);
  if(!orig)
    return EVPUB_E_NOMEM;
  e->value = orig;
  return EVPUB_OK;
}

evpub_status
evpubp_lexical_load(evpubp_lexical *lx, const char *path, unsigned long *line)
{
  FILE *fp;
  evpub_status st;
  lx->loaded = 1;
  *line = 0;
  if(!path)
    return EVPUB_OK;
  fp = fopen(path, "r");
  if(!fp)
    return EVPUB_E_IO;
  st = evpubp_side_read(fp, NFIELDS, load_record, lx, line);
  fclose(fp);
  return st;
}

const char *
evpubp_lexical_find(evpubp_lexical *lx, const char *dt, const char *value,
                    size_t len)
{
  evpubp_map_entry *e;
  if(!lx->forms.count)
    return NULL;
  evpubp_buf_reset(&lx->key);
  evpubp_buf_adds(&lx->key, dt);
  evpubp_buf_addc(&lx->key, '\t');
  evpubp_buf_add(&lx->key, value, len);
  if(lx->key.failed)
    return NULL;
  e = evpubp_map_find(&lx->forms, lx->key.data, lx->key.len);
  return e && e->value != ambiguous ? e->value : NULL;
}
