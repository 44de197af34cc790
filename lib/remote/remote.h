/* remote/remote.h - talking to SPARQL servers: the server presets,
 * libcurl handle setup (authentication, TLS, timeouts), SPARQL query
 * requests and the JSON reader of their answers. */
#ifndef EVPUB_REMOTE_H
#define EVPUB_REMOTE_H

#include "core/core.h"

/* ---- server presets (presets.c) -------------------------------------- */
typedef enum {
  EVPUBP_SVC_QUERY = 0, /* SPARQL 1.1 Protocol, queries */
  EVPUBP_SVC_UPDATE,    /* SPARQL 1.1 Protocol, updates */
  EVPUBP_SVC_GSP,       /* Graph Store HTTP Protocol */
  EVPUBP_SVC_COUNT
} evpubp_service;

/* a URL ending in /sparql names the server's base URL */
#define EVPUBP_PRESET_STRIP_SPARQL 1u
/* Digest authentication unless asked otherwise (the server takes only
 * Digest: naming it lets libcurl open with the challenge instead of a
 * whole body that is refused) */
#define EVPUBP_PRESET_DIGEST 2u
/* SPARQL Update requests start with Virtuoso's big-data pragma */
#define EVPUBP_PRESET_BIG_DATA 4u

typedef struct {
  evpub_choice info; /* the "server" option's value, a summary */
  /* path of each service below the base URL, without and with
   * credentials */
  const char *anon[EVPUBP_SVC_COUNT];
  const char *auth[EVPUBP_SVC_COUNT];
  unsigned flags;              /* EVPUBP_PRESET_* */
  unsigned long batch_triples; /* SPARQL Update: triples per request */
} evpubp_preset;

/* The i-th preset (the first is "generic"), NULL past the end. */
const evpubp_preset *evpubp_preset_at(size_t i);
/* The preset called name (NULL: generic), or NULL when unknown. */
const evpubp_preset *evpubp_preset_find(const char *name);
/* The URL of service svc of a server whose base URL is endpoint:
 * returns new (free()), NULL when out of memory. */
char *evpubp_preset_url(const evpubp_preset *p, const char *endpoint,
                        evpubp_service svc, int auth);

/* The "server" option: *(const evpubp_preset **)field set to the preset
 * called value, or EVPUB_E_USAGE (logged, with the names there are).
 * An evpubp_option's set(). */
evpub_status evpubp_preset_option(evpub_world *w, void *field,
                                  const char *value);

/* ---- HTTP (http.c) -------------------------------------------- */
typedef struct {
  const char *user, *password, *token, *auth, *netrc, *cacert;
  /* the server's preset (NULL: generic): with EVPUBP_PRESET_DIGEST,
   * Digest authentication unless auth says otherwise */
  const evpubp_preset *preset;
  double timeout, connect_timeout;
} evpubp_http;

/* The words of the "auth" option, NULL-terminated; an option holds the
 * index of one, or -1 for none given. */
extern const char *const evpubp_auth_words[];

/* Auth, TLS, timeouts and protocol limits on a libcurl easy handle. */
void evpubp_http_setup(void *curl_handle, const evpubp_http *h);
/* POST a SPARQL query (form-encoded) to url with this Accept header;
 * the answer into body, its media type into ctype.  Logs and returns
 * EVPUB_E_IO on a transport error, a non-2xx status or a cut result. */
evpub_status evpubp_http_query(evpub_world *w, const evpubp_http *h,
                               const char *url, const char *query,
                               const char *accept, evpubp_buf *body,
                               char *ctype, size_t ctlen);
/* ---- JSON (json.c) --------------------------------------------- */
enum {
  EVPUBP_J_NULL = 0,
  EVPUBP_J_TRUE,
  EVPUBP_J_FALSE,
  EVPUBP_J_NUMBER, /* str: its text */
  EVPUBP_J_STRING, /* str[len]: unescaped UTF-8 */
  EVPUBP_J_ARRAY,  /* child, then next */
  EVPUBP_J_OBJECT  /* child (with key), then next */
};

typedef struct evpubp_json evpubp_json;
struct evpubp_json {
  int type;
  const char *key; /* in an object */
  char *str;
  size_t len;
  evpubp_json *child, *next;
};

/* Parse text[len] into a tree in arena; NULL with *error on bad JSON. */
evpubp_json *evpubp_json_parse(const char *text, size_t len,
                               evpubp_arena *arena, const char **error);
/* The member key of an object, or NULL. */
const evpubp_json *evpubp_json_get(const evpubp_json *obj, const char *key);
#endif /* EVPUB_REMOTE_H */
