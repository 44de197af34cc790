/* map/validate.c - checks beyond the format: sanity and Google's rules
 *
 * Runs on each event's description tree in the validating pass, after
 * the index is built, so references are known (a place named by string
 * has an address if one of its declarations gave it one).
 *
 * Profile "schema": dates in order, no negative capacity, no price without
 * a currency (ranges, domains, enumerations and datatypes are already
 * checked by every reading).  Profile "google" adds the Event rules of
 * Google Search Central: required name, startDate, location (a Place with
 * an address); recommended description, endDate, eventStatus, image,
 * offers (price, priceCurrency, availability, validFrom, url), organizer
 * (name, url), performer; previousStartDate only when rescheduled; a
 * dateTime needs its UTC offset; an all-day event uses a date; an
 * online-only event is not eligible.
 */
#include <stdlib.h>
#include <string.h>

#include "map/validate.h"

/* Where the checks of one event look things up and report. */
typedef struct {
  evpubp_index *index;
  const evpubp_reporter *rep;
  const char *file;
} checker;

static void finding(const checker *c, const evpubp_node *at,
                    evpubp_severity sev, const char *fmt, ...)
#ifdef __GNUC__
  __attribute__((format(printf, 4, 5)))
#endif
  ;

static void
finding(const checker *c, const evpubp_node *at, evpubp_severity sev,
        const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  evpubp_vreport(c->rep, sev, c->file, at->line, at->col, fmt, ap);
  va_end(ap);
}

/* What value v of property name and the entity it names give. */
static unsigned
facts_of(const checker *c, const char *name, const evpubp_node *v)
{
  return evpubp_index_facts(c->index, evpubp_vocab_prop(name), v);
}

static size_t
count(const evpubp_node *v)
{
  if(!v || v->kind == EVPUBP_N_NULL)
    return 0;
  return v->kind == EVPUBP_N_SEQ ? v->n : 1;
}

static const evpubp_node *
item(const evpubp_node *v, size_t i)
{
  return v->kind == EVPUBP_N_SEQ ? v->items[i] : v;
}

static const char *
text(char *buf, size_t len, const evpubp_node *v)
{
  size_t n = v->len < len - 1 ? v->len : len - 1, i;
  for(i = 0; i < n; i++)
    buf[i] = (v->str[i] < 0x20 && v->str[i] >= 0) ? '?' : v->str[i];
  buf[n] = '\0';
  return buf;
}

static long
num2(const char *s)
{
  return (s[0] - '0') * 10 + (s[1] - '0');
}

/* Days from 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static long long
days_from_civil(long long y, long m, long d)
{
  long long era, yoe, doy, doe;
  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* The instant of a date or dateTime (a date is its midnight; no offset
 * is taken as UTC), in seconds.  *kind: 1 date, 2 dateTime, 0 neither;
 * *has_tz: an offset or Z was given; *midnight: the time is 00:00:00. */
static int
instant(const evpubp_node *v, long long *out, int *kind, int *has_tz,
        int *midnight)
{
  const char *s;
  size_t n, i = 0, ys;
  long long y = 0, secs;
  int neg = 0;
  *kind = 0;
  *has_tz = 0;
  *midnight = 0;
  if(!v || v->kind != EVPUBP_N_SCALAR)
    return 0;
  s = v->str;
  n = v->len;
  if(evpubp_is_date(s, n))
    *kind = 1;
  else if(evpubp_is_datetime(s, n))
    *kind = 2;
  else
    return 0;
  if(s[0] == '-') {
    neg = 1;
    i = 1;
  }
  ys = i;
  while(i < n && s[i] >= '0' && s[i] <= '9') {
    if(i - ys >= 9)
      return 0; /* a year past 999,999,999 is not compared (the seconds
                 * of up to 9 digits stay far below 2^63) */
    y = y * 10 + (s[i++] - '0');
  }
  if(neg)
    y = -y;
  secs = days_from_civil(y, num2(s + i + 1), num2(s + i + 4)) * 86400;
  i += 6;
  if(*kind == 2) {
    long h = num2(s + i + 1), mi = num2(s + i + 4), se = num2(s + i + 7);
    secs += h * 3600 + mi * 60 + se;
    *midnight = !h && !mi && !se;
    i += 9;
    while(i < n && (s[i] == '.' || (s[i] >= '0' && s[i] <= '9')))
      i++;
  }
  if(i < n) {
    *has_tz = 1;
    if(s[i] == '+' || s[i] == '-') {
      long off = num2(s + i + 1) * 3600 + num2(s + i + 4) * 60;
      secs -= s[i] == '+' ? off : -off;
    }
  }
  *out = secs;
  return 1;
}

static int
is_online(const evpubp_node *v)
{
  const evpubp_node *x = evpubp_first_scalar(v);
  if(!x)
    return 0;
  return (x->len == 6 && !strncmp(x->str, "online", 6)) ||
    strstr(x->str, "OnlineEventAttendanceMode") != NULL;
}

static int
is_virtual(const evpubp_node *loc)
{
  const evpubp_node *t;
  if(loc->kind == EVPUBP_N_SCALAR)
    return evpubp_iri_absolute(loc->str, loc->len);
  if(loc->kind != EVPUBP_N_MAP)
    return 0;
  t = evpubp_first_scalar(evpubp_node_get(loc, "type"));
  if(t)
    return !strcmp(t->str, "VirtualLocation");
  return loc->n == 1 && evpubp_node_get(loc, "url");
}

static void
sanity(const checker *c, const evpubp_node *ev)
{
  static const char *const caps[] = { "maximumAttendeeCapacity",
                                      "maximumPhysicalAttendeeCapacity",
                                      "maximumVirtualAttendeeCapacity",
                                      "remainingAttendeeCapacity", NULL };
  const evpubp_node *start =
    evpubp_first_scalar(evpubp_node_get(ev, "startDate"));
  const evpubp_node *end = evpubp_first_scalar(evpubp_node_get(ev, "endDate"));
  const evpubp_node *door =
    evpubp_first_scalar(evpubp_node_get(ev, "doorTime"));
  const evpubp_node *offers = evpubp_node_get(ev, "offers");
  long long ts, te, td;
  int ks, ke, kd, tz, mid;
  char a[80], b[80];
  size_t i;

  if(instant(start, &ts, &ks, &tz, &mid) &&
     instant(end, &te, &ke, &tz, &mid) &&
     (te < ts || (ks == 1 && ke == 1 && te < ts)))
    finding(c, end, EVPUBP_ERROR, "endDate '%s' is before startDate '%s'",
            text(a, sizeof(a), end), text(b, sizeof(b), start));
  if(instant(start, &ts, &ks, &tz, &mid) &&
     instant(door, &td, &kd, &tz, &mid) && kd == 2 && ks == 2 && td > ts)
    finding(c, door, EVPUBP_ERROR, "doorTime '%s' is after startDate '%s'",
            text(a, sizeof(a), door), text(b, sizeof(b), start));
  for(i = 0; caps[i]; i++) {
    const evpubp_node *n = evpubp_first_scalar(evpubp_node_get(ev, caps[i]));
    if(n && n->len && n->str[0] == '-' && evpubp_number_kind(n->str, n->len) &&
       strspn(n->str + 1, "0.") != n->len - 1)
      finding(c, n, EVPUBP_ERROR, "%s is negative (%s)", caps[i],
              text(a, sizeof(a), n));
  }
  for(i = 0; i < count(offers); i++) {
    const evpubp_node *o = item(offers, i), *price;
    if(o->kind != EVPUBP_N_MAP)
      continue;
    price = evpubp_first_scalar(evpubp_node_get(o, "price"));
    if(price && !evpubp_node_get(o, "priceCurrency") &&
       strspn(price->str, "0.") != price->len)
      finding(
        c, price, EVPUBP_ERROR,
        "an offer with a price needs priceCurrency (ISO 4217, e.g. EUR)");
  }
}

static void
google_rules(const checker *c, const evpubp_node *ev)
{
  static const char *const recommended[] = { "description", "endDate",
                                             "eventStatus", "image",
                                             "offers",      "organizer",
                                             "performer",   NULL };
  static const char *const offer_keys[] = { "price",        "priceCurrency",
                                            "availability", "validFrom",
                                            "url",          NULL };
  static const char *const dated[] = { "startDate", "endDate", "doorTime",
                                       "previousStartDate", NULL };
  const evpubp_node *loc = evpubp_node_get(ev, "location"), *v;
  const evpubp_node *status =
    evpubp_first_scalar(evpubp_node_get(ev, "eventStatus"));
  char a[80];
  size_t i, j, nvirtual = 0;
  long long t;
  int kind, tz, mid;

  if(!evpubp_node_get(ev, "name"))
    finding(c, ev, EVPUBP_ERROR, "Google requires name");
  if(!evpubp_node_get(ev, "startDate"))
    finding(c, ev, EVPUBP_ERROR, "Google requires startDate");
  if(!count(loc))
    finding(c, ev, EVPUBP_ERROR, "Google requires location");
  for(i = 0; i < count(loc); i++) {
    const evpubp_node *l = item(loc, i);
    if(is_virtual(l)) {
      nvirtual++;
      continue;
    }
    if(!(facts_of(c, "location", l) & EVPUBP_HAS_ADDRESS))
      finding(c, l, EVPUBP_ERROR,
              "Google requires the location to be a Place with an address");
  }
  if(is_online(evpubp_node_get(ev, "eventAttendanceMode")) ||
     (count(loc) && nvirtual == count(loc)))
    finding(c, ev, EVPUBP_ERROR,
            "an online-only event is not eligible for Google's event results");
  for(i = 0; recommended[i]; i++)
    if(!evpubp_node_get(ev, recommended[i]))
      finding(c, ev, EVPUBP_WARNING, "Google recommends %s", recommended[i]);
  v = evpubp_node_get(ev, "offers");
  for(i = 0; i < count(v); i++) {
    const evpubp_node *o = item(v, i);
    if(o->kind != EVPUBP_N_MAP)
      continue;
    for(j = 0; offer_keys[j]; j++)
      if(!evpubp_node_get(o, offer_keys[j]))
        finding(c, o, EVPUBP_WARNING, "Google recommends %s on each offer",
                offer_keys[j]);
  }
  v = evpubp_node_get(ev, "organizer");
  for(i = 0; i < count(v); i++) {
    const evpubp_node *o = item(v, i);
    unsigned facts = facts_of(c, "organizer", o);
    if(o->kind == EVPUBP_N_SCALAR)
      facts |= EVPUBP_HAS_NAME;
    if(!(facts & EVPUBP_HAS_NAME))
      finding(c, o, EVPUBP_WARNING,
              "Google recommends a name for each organizer");
    if(!(facts & EVPUBP_HAS_URL) &&
       !(o->kind == EVPUBP_N_SCALAR && evpubp_iri_absolute(o->str, o->len)))
      finding(c, o, EVPUBP_WARNING,
              "Google recommends a url for each organizer");
  }
  v = evpubp_first_scalar(evpubp_node_get(ev, "previousStartDate"));
  if(v && !(status && (strstr(status->str, "escheduled") != NULL)))
    finding(c, v, EVPUBP_ERROR,
            "previousStartDate is only for an event whose eventStatus is "
            "rescheduled");
  for(i = 0; dated[i]; i++) {
    const evpubp_node *d = evpubp_node_get(ev, dated[i]);
    for(j = 0; j < count(d); j++) {
      const evpubp_node *x = item(d, j);
      if(instant(x, &t, &kind, &tz, &mid) && kind == 2 && !tz)
        finding(c, x, EVPUBP_ERROR,
                "%s '%s' needs its UTC offset (e.g. +08:00 or Z)", dated[i],
                text(a, sizeof(a), x));
    }
  }
  v = evpubp_first_scalar(evpubp_node_get(ev, "startDate"));
  if(instant(v, &t, &kind, &tz, &mid) && kind == 2 && mid) {
    const evpubp_node *e = evpubp_first_scalar(evpubp_node_get(ev, "endDate"));
    int ek = 0, etz, emid = 1;
    long long et;
    if(!e || (instant(e, &et, &ek, &etz, &emid) && (ek == 1 || emid)))
      finding(c, v, EVPUBP_WARNING,
              "an all-day event should give its startDate as a date "
              "(YYYY-MM-DD), not midnight");
  }
}

void
evpubp_validate_event(evpubp_index *ix, const evpubp_reporter *rep,
                      const char *file, const evpubp_node *ev, int google)
{
  checker c;
  c.index = ix;
  c.rep = rep;
  c.file = file;
  sanity(&c, ev);
  if(google)
    google_rules(&c, ev);
}
