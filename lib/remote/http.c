/* remote/http.c - what every request to a SPARQL server shares: the
 * options of a libcurl handle (auth, TLS, timeouts) and one synchronous
 * SPARQL query request
 */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "remote/remote.h"

const char *const evpubp_auth_words[] = { "any", "basic", "digest",
                                          "negotiate", NULL };

static long
auth_bits(const evpubp_http *h)
{
  /* a server that takes Digest only (EVPUBP_PRESET_DIGEST): naming it
   * lets libcurl open with an empty body and the challenge, instead of
   * sending a whole body that is refused (with "any", libcurl first asks
   * without credentials) */
  int digest = (h->preset && (h->preset->flags & EVPUBP_PRESET_DIGEST));
  const char *a = h->auth ? h->auth : digest ? "digest" : "any";
  if(!strcmp(a, "basic"))
    return (long)CURLAUTH_BASIC;
  if(!strcmp(a, "digest"))
    return (long)CURLAUTH_DIGEST;
  if(!strcmp(a, "negotiate"))
    return (long)CURLAUTH_NEGOTIATE;
  return (long)CURLAUTH_ANY;
}

void
evpubp_http_setup(void *handle, const evpubp_http *h)
{
  CURL *e = handle;
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
  /* credentials never come from a URL (the URL options refuse them,
   * core/options.c): a URL is shown in messages and files */
  curl_easy_setopt(e, CURLOPT_DISALLOW_USERNAME_IN_URL, 1L);
  curl_easy_setopt(e, CURLOPT_USERAGENT, "evpub/" EVPUB_VERSION);
  curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)(h->timeout * 1000));
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
                   (long)(h->connect_timeout * 1000));
  if(h->cacert)
    curl_easy_setopt(e, CURLOPT_CAINFO, h->cacert);
  if(h->token) {
    curl_easy_setopt(e, CURLOPT_XOAUTH2_BEARER, h->token);
    curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BEARER);
  } else {
    if(h->user)
      curl_easy_setopt(e, CURLOPT_USERNAME, h->user);
    if(h->password)
      curl_easy_setopt(e, CURLOPT_PASSWORD, h->password);
    if(!h->password) {
      curl_easy_setopt(e, CURLOPT_NETRC, (long)CURL_NETRC_OPTIONAL);
      if(h->netrc)
        curl_easy_setopt(e, CURLOPT_NETRC_FILE, h->netrc);
    }
    curl_easy_setopt(e, CURLOPT_HTTPAUTH, auth_bits(h));
  }
}

typedef struct {
  evpubp_buf *body;
  char *ctype;
  size_t ctlen;
  int truncated;
} query_ctx;

static size_t
on_body(char *data, size_t size, size_t nmemb, void *user)
{
  query_ctx *q = user;
  size_t n = size * nmemb;
  return evpubp_buf_add(q->body, data, n) ? 0 : n;
}

static size_t
on_header(char *data, size_t size, size_t nmemb, void *user)
{
  query_ctx *q = user;
  size_t n = size * nmemb, k;
  static const char maxrows[] = "x-sparql-maxrows:";
  static const char ctype[] = "content-type:";
  if(n > sizeof(maxrows) - 1 &&
     !strncasecmp(data, maxrows, sizeof(maxrows) - 1))
    q->truncated = 1; /* Virtuoso cut the result at ResultSetMaxRows */
  if(n > sizeof(ctype) - 1 && !strncasecmp(data, ctype, sizeof(ctype) - 1)) {
    const char *v = data + sizeof(ctype) - 1;
    size_t len = n - (sizeof(ctype) - 1);
    while(len && (*v == ' ' || *v == '\t')) {
      v++;
      len--;
    }
    for(k = 0; k < len && k + 1 < q->ctlen; k++) {
      if(v[k] == ';' || v[k] == '\r' || v[k] == '\n' || v[k] == ' ')
        break;
      q->ctype[k] = v[k];
    }
    q->ctype[k] = '\0';
  }
  return n;
}

evpub_status
evpubp_http_query(evpub_world *w, const evpubp_http *h, const char *url,
                  const char *query, const char *accept, evpubp_buf *body,
                  char *ctype, size_t ctlen)
{
  CURL *e = curl_easy_init();
  struct curl_slist *hdrs = NULL;
  evpubp_buf form, hdr;
  query_ctx q;
  char errbuf[CURL_ERROR_SIZE] = "";
  CURLcode res;
  long status = 0;
  evpub_status st = EVPUB_OK;

  evpubp_buf_init(&form);
  evpubp_buf_init(&hdr);
  q.body = body;
  q.ctype = ctype;
  q.ctlen = ctlen;
  q.truncated = 0;
  if(ctlen)
    ctype[0] = '\0';
  evpubp_buf_adds(&form, "query=");
  evpubp_escape_url_component(&form, query, strlen(query));
  evpubp_buf_printf(&hdr, "Accept: %s", accept);
  if(!e || form.failed || hdr.failed ||
     !(hdrs = curl_slist_append(hdrs, hdr.data))) {
    st = EVPUB_E_NOMEM;
    goto done;
  }
  evpubp_http_setup(e, h);
  /* a form POST: any length, and no trap of Virtuoso's (a POST of
   * application/sparql-query is never answered there) */
  curl_easy_setopt(e, CURLOPT_URL, url);
  curl_easy_setopt(e, CURLOPT_POST, 1L);
  curl_easy_setopt(e, CURLOPT_POSTFIELDS, form.data);
  curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)form.len);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, hdrs);
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &q);
  curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
  curl_easy_setopt(e, CURLOPT_HEADERDATA, &q);
  curl_easy_setopt(e, CURLOPT_ERRORBUFFER, errbuf);
  res = curl_easy_perform(e);
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
  if(res != CURLE_OK) {
    evpubp_log(w, EVPUB_LOG_ERROR, NULL, 0, 0, "%s: %s", url,
               errbuf[0] ? errbuf : curl_easy_strerror(res));
    st = EVPUB_E_IO;
  } else if(status == 401 || status == 403 || status == 407) {
    evpubp_log(w, EVPUB_LOG_ERROR, NULL, 0, 0,
               "%s: authentication failed (HTTP %ld): check the user and "
               "password",
               url, status);
    st = EVPUB_E_IO;
  } else if(status < 200 || status > 299) {
    const char *b = body->data ? body->data : "";
    int n = (int)strcspn(b, "\r\n");
    evpubp_log(w, EVPUB_LOG_ERROR, NULL, 0, 0, "HTTP %ld from %s: %.*s",
               status, url, n > 300 ? 300 : n, b);
    st = EVPUB_E_IO;
  } else if(q.truncated) {
    evpubp_log(w, EVPUB_LOG_ERROR, NULL, 0, 0,
               "%s cut the result short (X-SPARQL-MaxRows: its "
               "ResultSetMaxRows setting): raise it, or ask with LIMIT "
               "and OFFSET",
               url);
    st = EVPUB_E_IO;
  } else if(body->failed) {
    st = EVPUB_E_NOMEM;
  }
done:
  curl_slist_free_all(hdrs);
  if(e)
    curl_easy_cleanup(e);
  evpubp_buf_free(&form);
  evpubp_buf_free(&hdr);
  return st;
}
