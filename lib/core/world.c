/* core/world.c - the context object, logging, versions */
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>
#include <redland.h>
#include <unistr.h>
#include <yaml.h>

#include "core/core.h"

const char *
evpub_strerror(evpub_status status)
{
  switch(status) {
  case EVPUB_OK: return "success";
  case EVPUB_E_DATA: return "input rejected";
  case EVPUB_E_USAGE: return "invalid argument";
  case EVPUB_E_IO: return "input/output error";
  case EVPUB_E_INTERNAL: return "internal error";
  case EVPUB_E_NOMEM: return "out of memory";
  }
  return "unknown status";
}

void
evpub_free(void *ptr)
{
  free(ptr);
}

const char *
evpub_version(void)
{
  return EVPUB_VERSION;
}

evpub_world *
evpub_new_world(void)
{
  evpub_world *w = calloc(1, sizeof(*w));
  if(!w)
    return NULL;
  /* libcurl's global state, once per world (not per request or per
   * publisher); curl counts the calls, so several worlds are fine */
  if(curl_global_init(CURL_GLOBAL_DEFAULT)) {
    free(w);
    return NULL;
  }
  w->raptor = raptor_new_world();
  if(!w->raptor || raptor_world_open(w->raptor)) {
    if(w->raptor)
      raptor_free_world(w->raptor);
    curl_global_cleanup();
    free(w);
    return NULL;
  }
  return w;
}

void
evpub_free_world(evpub_world *world)
{
  if(!world)
    return;
  if(world->rdf)
    librdf_free_world(world->rdf);
  raptor_free_world(world->raptor);
  curl_global_cleanup();
  free(world);
}

/* librdf's messages (its storages, rasqal) into the world's log. */
static int
rdf_logger(void *user, librdf_log_message *msg)
{
  evpub_world *w = user;
  const char *text = librdf_log_message_message(msg);
  librdf_log_level lv = librdf_log_message_level(msg);
  if(lv < LIBRDF_LOG_WARN ||
     (lv == LIBRDF_LOG_WARN &&
      librdf_log_message_facility(msg) == LIBRDF_FROM_QUERY))
    return 1; /* rasqal's notes on unused variables and the like */
  evpubp_log(w, lv >= LIBRDF_LOG_ERROR ? EVPUB_LOG_ERROR : EVPUB_LOG_WARNING,
             NULL, 0, 0, "librdf: %s", text ? text : "(no message)");
  return 1;
}

struct librdf_world_s *
evpubp_rdf_world(evpub_world *w)
{
  if(w->rdf)
    return w->rdf;
  w->rdf = librdf_new_world();
  if(!w->rdf)
    return NULL;
  librdf_world_set_raptor(w->rdf, w->raptor);
  librdf_world_set_logger(w->rdf, w, rdf_logger);
  librdf_world_open(w->rdf);
  return w->rdf;
}

void
evpub_world_set_log_handler(evpub_world *world, evpub_log_handler handler,
                            void *user_data)
{
  world->log = handler;
  world->log_user = user_data;
}

char *
evpub_world_versions(evpub_world *world, char *buf, size_t len)
{
  curl_version_info_data *cv = curl_version_info(CURLVERSION_NOW);
  (void)world;
  if(!len)
    return buf;
  snprintf(buf, len, "raptor %s, librdf %s, libcurl %s, libyaml %s",
           raptor_version_string, librdf_version_string,
           cv && cv->version ? cv->version : "unknown",
           yaml_get_version_string());
  return buf;
}

/* Copy s into out[cap] with what must not reach a terminal as it is
 * written as an escape: C0 controls but tab, DEL and bytes that are not
 * UTF-8 as \xHH, C1 controls and the bidirectional overrides (which
 * reorder what a terminal or an editor shows) as \uHHHH.  Truncates at a
 * character boundary. */
static const char *
clean_text(char *out, size_t cap, const char *s)
{
  size_t o = 0;
  while(*s && o + 8 < cap) {
    unsigned char c = (unsigned char)*s;
    ucs4_t u = 0;
    int len = 1;
    if(c >= 0x80) {
      len = u8_mbtouc(&u, (const uint8_t *)s, strnlen(s, 4));
      if(u == 0xFFFD && strncmp(s, "\xEF\xBF\xBD", 3))
        len = -1;
    }
    if((c < 0x20 && c != '\t') || c == 0x7f || len < 0) {
      o += (size_t)snprintf(out + o, cap - o, "\\x%02X", c);
      s++;
    } else if(c >= 0x80 &&
              ((u >= 0x80 && u <= 0x9f) || (u >= 0x202a && u <= 0x202e) ||
               (u >= 0x2066 && u <= 0x2069))) {
      o += (size_t)snprintf(out + o, cap - o, "\\u%04X", (unsigned)u);
      s += len;
    } else {
      memcpy(out + o, s, (size_t)len);
      o += (size_t)len;
      s += len;
    }
  }
  out[o] = '\0';
  return out;
}

void
evpubp_log(evpub_world *w, evpub_log_level level, const char *file,
           unsigned long line, unsigned long col, const char *fmt, ...)
{
  evpub_message m;
  char text[1024], clean[1024], where[512];
  va_list ap;
  if(!w->log)
    return;
  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  m.level = level;
  m.file = file ? clean_text(where, sizeof(where), file) : NULL;
  m.line = line;
  m.column = col;
  m.text = clean_text(clean, sizeof(clean), text);
  w->log(w->log_user, &m);
}
