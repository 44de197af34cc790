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
  }
  return s;
}

/* ---- the options ---- */
static evpub_status
check_url(void *obj, const char *name, const char *v)
{
  evpub_source *s = obj;
  if(strncmp(v, "http://", 7) && strncmp(v, "https://", 8)) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
               "%s '%s' is not an http:// or https:// URL", name, v);
    return EVPUB_E_USAGE;
  }
  return EVPUB_OK;
}

static evpub_status
check_auth(void *obj, const char *name, const char *v)
{
  evpub_source *s = obj;
  (void)name;
  if(strcmp(v, "any") && strcmp(v, "basic") && strcmp(v, "digest") &&
     strcmp(v, "negotiate")) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
               "unknown auth '%s' (use any, basic, digest or negotiate)", v);
    return EVPUB_E_USAGE;
  }
  return EVPUB_OK;
}

/* server NAME: a row of the server-preset table (remote/presets.c) */
static evpub_status
set_server(void *obj, const char *name, const char *v)
{
  evpub_source *s = obj;
  const evpubp_preset *p = evpubp_preset_find(v);
  evpubp_buf names;
  size_t n;
  (void)name;
  if(p) {
    s->preset = p;
    return EVPUB_OK;
  }
  for(n = 0; evpubp_preset_at(n); n++)
    ;
  evpubp_buf_init(&names);
  evpubp_put_names(&names, evpubp_preset_at(0), n, sizeof(evpubp_preset));
  evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0, "unknown server '%s' (use %s)",
             v, names.data ? names.data : "");
  evpubp_buf_free(&names);
  return EVPUB_E_USAGE;
}

static evpub_status
set_timeout(void *obj, const char *name, const char *v)
{
  evpub_source *s = obj;
  char *end;
  double d = strtod(v, &end);
  if(*end || end == v || !(d > 0) || d > 1e6) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
               "%s needs a positive number of seconds, not '%s'", name, v);
    return EVPUB_E_USAGE;
  }
  s->timeout = d;
  return EVPUB_OK;
}

#define NO_FIELD EVPUBP_OPT_NO_FIELD
#define FIELD(f) offsetof(evpub_source, f)

static const evpubp_option options[] = {
  { "store", FIELD(store_dir), NULL, 0 },
  { "endpoint", FIELD(endpoint), check_url, 0 },
  { "query-url", FIELD(query_url), check_url, 0 },
  { "server", NO_FIELD, set_server, 0 },
  { "user", FIELD(user), NULL, 0 },
  { "password", FIELD(password), NULL, EVPUBP_OPT_SECRET },
  { "token", FIELD(token), NULL, EVPUBP_OPT_SECRET },
  { "auth", FIELD(auth), check_auth, 0 },
  { "netrc", FIELD(netrc), NULL, 0 },
  { "cacert", FIELD(cacert), NULL, 0 },
  { "timeout", NO_FIELD, set_timeout, 0 },
};

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
  return evpubp_option_set(s->w, s, options, NOPTIONS, name, v);
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
  h->auth = s->auth;
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
