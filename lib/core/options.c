/* core/options.c - options set by name, from a table
 *
 * The publisher, the source and the network take their options as
 * (name, value) strings (evpub_publisher_set() and the like).  Each has a
 * table of rows saying where a value goes and what it must look like;
 * one lookup, one parser and one set of messages serve them all.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

static void *
field(void *obj, const evpubp_option *o)
{
  return (char *)obj + o->off;
}

static int
is_string(const evpubp_option *o)
{
  return o->kind == EVPUBP_OPT_STRING || o->kind == EVPUBP_OPT_URL ||
    o->kind == EVPUBP_OPT_IRI || o->kind == EVPUBP_OPT_DATE;
}

static int
is_date(const char *v)
{
  size_t i;
  if(strlen(v) != 10 || v[4] != '-' || v[7] != '-')
    return 0;
  for(i = 0; i < 10; i++)
    if(i != 4 && i != 7 && (v[i] < '0' || v[i] > '9'))
      return 0;
  return evpubp_is_date(v, 10);
}

/* The user name and password of a URL ("http://USER:PASSWORD@host/"):
 * the length of the authority's userinfo and of its user name, or 0
 * when there is none.  The userinfo ends at the authority's last '@'. */
static size_t
url_userinfo(const char *v, size_t *user_len)
{
  const char *auth = strstr(v, "://"), *end, *at = NULL, *s;
  if(!auth)
    return 0;
  auth += 3;
  end = auth + strcspn(auth, "/?#");
  for(s = auth; s < end; s++)
    if(*s == '@')
      at = s;
  if(!at)
    return 0;
  *user_len = strcspn(auth, ":@");
  if(auth + *user_len > at)
    *user_len = (size_t)(at - auth);
  return (size_t)(at - auth) + 1;
}

/* Append URL v with its password, if any, as "***": a URL is echoed in
 * messages, and they must never show a password. */
static void
put_url(evpubp_buf *b, const char *v)
{
  size_t user = 0, info = url_userinfo(v, &user);
  size_t head = info ? (size_t)(strstr(v, "://") + 3 - v) : 0;
  if(!info) {
    evpubp_buf_adds(b, v);
    return;
  }
  evpubp_buf_add(b, v, head + user);
  if(head + user + 1 < head + info) /* a password after the ':' */
    evpubp_buf_adds(b, ":***");
  evpubp_buf_adds(b, "@");
  evpubp_buf_adds(b, v + head + info);
}

/* Parse v into o's field.  1: refused, 0: set, -1: out of memory. */
static int
parse(void *obj, const evpubp_option *o, const char *v)
{
  static const char *const bools[] = { "0",   "no",   "false", "1",
                                       "yes", "true", NULL };
  void *f = field(obj, o);
  char *end, *copy;
  size_t i;
  errno = 0;
  switch(o->kind) {
  case EVPUBP_OPT_URL: {
    /* no credentials in a URL: it shows in messages, the dry run and
     * the journal, and on a command line anyone can read */
    size_t user;
    if((strncmp(v, "http://", 7) && strncmp(v, "https://", 8)) ||
       url_userinfo(v, &user))
      return 1;
    break;
  }
  case EVPUBP_OPT_IRI:
    if(!evpubp_iri_absolute(v, strlen(v)))
      return 1;
    break;
  case EVPUBP_OPT_DATE:
    if(!is_date(v))
      return 1;
    break;
  case EVPUBP_OPT_STRING:
    if(strlen(v) < (size_t)o->lo)
      return 1;
    break;
  case EVPUBP_OPT_COUNT: {
    long n = strtol(v, &end, 10);
    if(errno || end == v || *end || n < o->lo || n > o->hi)
      return 1;
    *(long *)f = n;
    return 0;
  }
  case EVPUBP_OPT_SECONDS: {
    double d = strtod(v, &end);
    if(errno || end == v || *end || !(d > 0) || d > 86400)
      return 1;
    *(double *)f = d;
    return 0;
  }
  case EVPUBP_OPT_BOOL:
  case EVPUBP_OPT_ENUM: {
    const char *const *words = o->kind == EVPUBP_OPT_BOOL ? bools : o->words;
    for(i = 0; words[i] && strcmp(words[i], v); i++)
      ;
    if(!words[i])
      return 1;
    *(int *)f = o->kind == EVPUBP_OPT_BOOL ? i >= 3 : (int)i;
    return 0;
  }
  case EVPUBP_OPT_CUSTOM: return 1; /* not reached: set() did it */
  }
  copy = strdup(v);
  if(!copy)
    return -1;
  free(*(char **)f);
  *(char **)f = copy;
  return 0;
}

/* Append "a, b or c": the NULL-terminated words. */
static void
put_words(evpubp_buf *b, const char *const *words)
{
  size_t i;
  for(i = 0; words[i]; i++) {
    if(i)
      evpubp_buf_adds(b, words[i + 1] ? ", " : " or ");
    evpubp_buf_adds(b, words[i]);
  }
}

/* Refuse v for option o: say why.  Returns EVPUB_E_USAGE. */
static evpub_status
refuse(evpub_world *w, const evpubp_option *o, const char *v)
{
  evpubp_buf b;
  evpubp_buf_init(&b);
  switch(o->kind) {
  case EVPUBP_OPT_STRING:
    evpubp_buf_printf(&b, "%s needs %s", o->name, o->what);
    break;
  case EVPUBP_OPT_URL: {
    size_t user;
    evpubp_buf_printf(&b, "%s '", o->name);
    put_url(&b, v);
    if(url_userinfo(v, &user))
      evpubp_buf_adds(&b,
                      "': a user name or password is refused in a "
                      "URL (it would show in messages and files): "
                      "give them as the user and password options or "
                      "in a netrc file");
    else
      evpubp_buf_adds(&b, "' is not an http:// or https:// URL");
    break;
  }
  case EVPUBP_OPT_IRI:
    evpubp_buf_printf(&b, "%s '%s' is not an absolute IRI", o->name, v);
    break;
  case EVPUBP_OPT_DATE:
    evpubp_buf_printf(&b, "%s needs a date YYYY-MM-DD, not '%s'", o->name, v);
    break;
  case EVPUBP_OPT_COUNT:
    evpubp_buf_printf(&b, "%s needs a number from %ld to %ld, not '%s'",
                      o->name, o->lo, o->hi, v);
    break;
  case EVPUBP_OPT_SECONDS:
    evpubp_buf_printf(&b, "%s needs a positive number of seconds, not '%s'",
                      o->name, v);
    break;
  case EVPUBP_OPT_BOOL:
    evpubp_buf_printf(&b, "%s needs 1, yes, true, 0, no or false, not '%s'",
                      o->name, v);
    break;
  case EVPUBP_OPT_ENUM:
    evpubp_buf_printf(&b, "unknown %s '%s' (use ", o->name, v);
    put_words(&b, o->words);
    evpubp_buf_addc(&b, ')');
    break;
  case EVPUBP_OPT_CUSTOM: break;
  }
  evpubp_log(w, EVPUB_LOG_ERROR, NULL, 0, 0, "%s",
             b.failed ? "bad option value" : b.data);
  evpubp_buf_free(&b);
  return EVPUB_E_USAGE;
}

evpub_status
evpubp_option_set(evpub_world *w, void *obj, const evpubp_option *table,
                  size_t n, const char *what, const char *name,
                  const char *value)
{
  size_t i;
  int rc;
  if(!name || !value)
    return EVPUB_E_USAGE;
  for(i = 0; i < n && strcmp(table[i].name, name); i++)
    ;
  if(i == n) {
    evpubp_log(w, EVPUB_LOG_ERROR, NULL, 0, 0, "unknown %s option '%s'", what,
               name);
    return EVPUB_E_USAGE;
  }
  if(table[i].kind == EVPUBP_OPT_CUSTOM)
    return table[i].set(w, field(obj, &table[i]), value);
  rc = parse(obj, &table[i], value);
  if(rc > 0)
    return refuse(w, &table[i], value);
  return rc ? EVPUB_E_NOMEM : EVPUB_OK;
}

void
evpubp_option_free(void *obj, const evpubp_option *table, size_t n)
{
  size_t i;
  for(i = 0; i < n; i++) {
    char **s;
    if(!is_string(&table[i]))
      continue;
    s = field(obj, &table[i]);
    if(*s && (table[i].flags & EVPUBP_OPT_SECRET))
      memset(*s, 0, strlen(*s)); /* do not leave secrets about */
    free(*s);
    *s = NULL;
  }
}
