/* remote/presets.c - what each kind of SPARQL server is like
 *
 * One row per server kind: where its query, update and Graph Store
 * services live relative to the base URL the user gives (endpoint), and
 * what it needs.  Publishing, query, network and export all derive their
 * URLs from this table; adding a server is one row.
 */
#include <stdlib.h>
#include <string.h>

#include "remote/remote.h"

/* clang-format off */
static const evpubp_preset presets[] = {
  { { "generic", "any server; the endpoint is its query URL", "" },
    { "", "", "" }, { "", "", "" }, 0, 1000 },
  { { "virtuoso", "Virtuoso 7: /sparql, /sparql-graph-crud", "" },
    { "/sparql", "/sparql", "/sparql-graph-crud" },
    { "/sparql-auth", "/sparql-auth", "/sparql-graph-crud-auth" },
    EVPUBP_PRESET_STRIP_SPARQL | EVPUBP_PRESET_DIGEST |
      EVPUBP_PRESET_BIG_DATA, 4000 },
  { { "fuseki", "Jena Fuseki; the endpoint is a dataset", "" },
    { "/query", "/update", "/data" }, { "/query", "/update", "/data" },
    0, 1000 },
  { { "oxigraph", "Oxigraph: /query, /update, /store", "" },
    { "/query", "/update", "/store" }, { "/query", "/update", "/store" },
    0, 1000 },
  { { "graphdb", "GraphDB; the endpoint is a repository", "" },
    { "", "/statements", "/rdf-graphs/service" },
    { "", "/statements", "/rdf-graphs/service" }, 0, 1000 },
  { { "neptune", "Amazon Neptune: /sparql, /sparql/gsp/", "" },
    { "/sparql", "/sparql", "/sparql/gsp/" },
    { "/sparql", "/sparql", "/sparql/gsp/" }, 0, 1000 },
};
/* clang-format on */

#define NPRESETS (sizeof(presets) / sizeof(presets[0]))

const evpubp_preset *
evpubp_preset_at(size_t i)
{
  return i < NPRESETS ? &presets[i] : NULL;
}

const evpubp_preset *
evpubp_preset_find(const char *name)
{
  size_t i;
  if(!name)
    return &presets[0];
  for(i = 0; i < NPRESETS; i++)
    if(!strcmp(presets[i].info.name, name))
      return &presets[i];
  return NULL;
}

char *
evpubp_preset_url(const evpubp_preset *p, const char *endpoint,
                  evpubp_service svc, int auth)
{
  const char *suffix = (auth ? p->auth : p->anon)[svc];
  size_t n = strlen(endpoint), s = strlen(suffix);
  char *url;
  while(n > 8 && endpoint[n - 1] == '/')
    n--;
  if((p->flags & EVPUBP_PRESET_STRIP_SPARQL) && n > 7 &&
     !strncmp(endpoint + n - 7, "/sparql", 7))
    n -= 7; /* the server's base URL was given as .../sparql */
  url = malloc(n + s + 1);
  if(!url)
    return NULL;
  memcpy(url, endpoint, n);
  memcpy(url + n, suffix, s + 1);
  return url;
}

/* Append the names of the presets for a message, the default last:
 * "virtuoso, fuseki, oxigraph, graphdb, neptune or generic". */
static int
preset_names(evpubp_buf *b)
{
  size_t i;
  for(i = 1; i < NPRESETS; i++) {
    evpubp_buf_adds(b, presets[i].info.name);
    evpubp_buf_adds(b, i + 1 < NPRESETS ? ", " : " or ");
  }
  evpubp_buf_adds(b, presets[0].info.name);
  return b->failed ? -1 : 0;
}

evpub_status
evpubp_preset_option(evpub_world *w, void *field, const char *value)
{
  const evpubp_preset *p = evpubp_preset_find(value);
  evpubp_buf names;
  if(p) {
    *(const evpubp_preset **)field = p;
    return EVPUB_OK;
  }
  evpubp_buf_init(&names);
  preset_names(&names);
  evpubp_log(w, EVPUB_LOG_ERROR, NULL, 0, 0, "unknown server '%s' (use %s)",
             value, names.failed ? "another name" : names.data);
  evpubp_buf_free(&names);
  return EVPUB_E_USAGE;
}
