/* query/source.c - where questions go: the local store or a SPARQL
 * server, and the options that say which (one table), the store opened
 * on first use, the query URL from the server-preset table
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "query/query.h"

evpub_source *
evpub_new_source(evpub_world *world)
{
  evpub_source *s = calloc(1, sizeof(*s));
  if(s) {
    s->w = world;
    s->preset = evpubp_preset_find(NULL);
    s->timeout = 300;
    s->auth = -1;
  }
  return s;
}

/* ---- the options (core/options.c) ---- */
#define AT(f) offsetof(evpub_source, f)
#define STR(n, f, flags)                                                      \
  {                                                                           \
    n, EVPUBP_OPT_STRING, AT(f), 0, 0, NULL, NULL, flags, NULL                \
  }

/* clang-format off */
static const evpubp_option options[] = {
  { "store", EVPUBP_OPT_STRING, AT(store_dir), 1, 0, NULL, "a directory", 0,
    NULL },
  { "endpoint", EVPUBP_OPT_URL, AT(endpoint), 0, 0, NULL, NULL, 0, NULL },
  { "query-url", EVPUBP_OPT_URL, AT(query_url), 0, 0, NULL, NULL, 0, NULL },
  { "server", EVPUBP_OPT_CUSTOM, AT(preset), 0, 0, NULL, NULL, 0,
    evpubp_preset_option },
  STR("user", user, 0),
  STR("password", password, EVPUBP_OPT_SECRET),
  STR("token", token, EVPUBP_OPT_SECRET),
  { "auth", EVPUBP_OPT_ENUM, AT(auth), 0, 0, evpubp_auth_words, NULL, 0,
    NULL },
  STR("netrc", netrc, 0),
  STR("cacert", cacert, 0),
  { "timeout", EVPUBP_OPT_SECONDS, AT(timeout), 0, 0, NULL, NULL, 0, NULL },
  { "allow-service", EVPUBP_OPT_BOOL, AT(allow_service), 0, 0, NULL, NULL, 0,
    NULL },
};
/* clang-format on */

#define NOPTIONS (sizeof(options) / sizeof(options[0]))

void
evpub_free_source(evpub_source *s)
{
  if(!s)
    return;
  evpubp_store_close(s->store);
  evpubp_option_free(s, options, NOPTIONS);
  free(s->url);
  free(s);
}

evpub_status
evpub_source_set(evpub_source *s, const char *name, const char *v)
{
  return evpubp_option_set(s->w, s, options, NOPTIONS, "source", name, v);
}

/* ---- what the options give ---- */
int
evpubp_source_is_remote(const evpub_source *s)
{
  return s->endpoint || s->query_url;
}

evpub_status
evpubp_source_resolve(evpub_source *s)
{
  int auth = s->user || s->token || s->netrc;
  if(s->url)
    return EVPUB_OK;
  if(s->query_url)
    s->url = strdup(s->query_url);
  else
    s->url = evpubp_preset_url(s->preset, s->endpoint, EVPUBP_SVC_QUERY, auth);
  return s->url ? EVPUB_OK : EVPUB_E_NOMEM;
}

void
evpubp_source_http(const evpub_source *s, evpubp_http *h)
{
  memset(h, 0, sizeof(*h));
  h->user = s->user;
  h->password = s->password;
  h->token = s->token;
  h->auth = s->auth < 0 ? NULL : evpubp_auth_words[s->auth];
  h->netrc = s->netrc;
  h->cacert = s->cacert;
  h->preset = s->preset;
  h->timeout = s->timeout;
  h->connect_timeout = 10;
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
