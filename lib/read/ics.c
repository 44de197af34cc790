/* read/ics.c - the iCalendar reader (spec section 7, doc/icalendar.md)
 *
 * The input is read twice.  The first pass collects what must be known
 * before any event is handed over: the calendar's VTIMEZONEs, the UIDs
 * that have a series, and the overriding VEVENTs (RECURRENCE-ID), kept
 * by UID.  The second pass builds one description tree per VEVENT and
 * hands it over, so memory grows with one VEVENT plus that bookkeeping,
 * not with the calendar.  A stream that cannot seek (a pipe) is copied
 * to a temporary file first.
 *
 * This file parses VEVENTs, maps them to trees and drives the two
 * passes; ics.h names the other parts (lines, times, rules).
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "read/ics.h"

#define MAX_VEVENT ((size_t)16 << 20) /* the lines of one VEVENT */
#define MAX_DEPTH 32                  /* nested components */
#define MAX_NOTED 512                 /* kinds of skipped things noted */

typedef struct {
  int series;          /* a VEVENT without RECURRENCE-ID has this UID */
  int given;           /* the overrides went with the first such VEVENT */
  evpubp_ics_raw *ovr; /* the overrides of the series */
  size_t novr, cap;
} uidinfo;

void
evpubp_ics_note(evpubp_ics *c, const char *kind, unsigned long line,
                const char *fmt, ...)
{
  char text[512];
  va_list ap;
  evpubp_map_entry *e;
  if(c->pass != 2 || c->noted.count >= MAX_NOTED)
    return;
  e = evpubp_map_put(&c->noted, kind, strlen(kind));
  if(!e || e->value)
    return;
  e->value = c;
  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  evpubp_log(c->rd->world, EVPUB_LOG_NOTE, c->rd->file, line, 0, "%s", text);
}

/* ---- nodes ------------------------------------------------------------ */
static evpubp_node *
new_node(evpubp_ics *c, evpubp_node_kind kind, unsigned long line)
{
  evpubp_node *n = evpubp_new_node(c->rd->arena, kind, line, 1);
  if(!n) {
    c->oom = 1;
    return NULL;
  }
  n->str = "";
  return n;
}

evpubp_node *
evpubp_ics_scalar(evpubp_ics *c, const char *s, size_t len, unsigned long line)
{
  evpubp_node *n = new_node(c, EVPUBP_N_SCALAR, line);
  if(!n)
    return NULL;
  n->str = evpubp_arena_strndup(c->rd->arena, s, len);
  if(!n->str) {
    c->oom = 1;
    return NULL;
  }
  n->len = len;
  return n;
}

evpubp_node *
evpubp_ics_str(evpubp_ics *c, const char *s, unsigned long line)
{
  return evpubp_ics_scalar(c, s, strlen(s), line);
}

evpubp_node *
evpubp_ics_number(evpubp_ics *c, const char *s, size_t len, unsigned long line)
{
  evpubp_node *n = evpubp_ics_scalar(c, s, len, line);
  if(n)
    n->plain = 1;
  return n;
}

evpubp_node *
evpubp_ics_finish(evpubp_ics *c, evpubp_node_list *l, int map,
                  unsigned long line)
{
  evpubp_node *n = evpubp_node_list_finish(
    l, c->rd->arena, map ? EVPUBP_N_MAP : EVPUBP_N_SEQ, line, 1);
  if(!n) {
    c->oom = 1;
    return NULL;
  }
  n->str = "";
  return n;
}

void
evpubp_ics_kv(evpubp_ics *c, evpubp_node_list *m, const char *key,
              evpubp_node *v, unsigned long line)
{
  if(!v)
    return; /* nothing to say (out of memory is in c->oom) */
  evpubp_node *k = evpubp_ics_str(c, key, line);
  if(k)
    k->plain = 1; /* as YAML writes keys */
  evpubp_node_list_push(m, k);
  evpubp_node_list_push(m, v);
}

void
evpubp_ics_kv_list(evpubp_ics *c, evpubp_node_list *m, const char *key,
                   evpubp_node_list *l, unsigned long line)
{
  if(!l->n) {
    evpubp_node_list_free(l);
    return;
  }
  if(l->n == 1 && !l->failed) {
    evpubp_ics_kv(c, m, key, l->it[0], line);
    evpubp_node_list_free(l);
    return;
  }
  evpubp_ics_kv(c, m, key, evpubp_ics_finish(c, l, 0, line), line);
}

static void
pev_free(evpubp_ics_event *e)
{
  evpubp_node_list_free(&e->keywords);
  evpubp_node_list_free(&e->organizers);
  evpubp_node_list_free(&e->attendees);
  free(e->ex);
  e->ex = NULL;
}

/* ORGANIZER / ATTENDEE: a Person (an Organization for CUTYPE=GROUP) */
static void
party(evpubp_ics *c, evpubp_ics_event *e, const char *line,
      const evpubp_ics_lrec *r, const evpubp_ics_cline *cl, int attendee)
{
  const evpubp_ics_param *cn = evpubp_ics_get_param(cl, "CN");
  const evpubp_ics_param *cu = evpubp_ics_get_param(cl, "CUTYPE");
  const evpubp_ics_param *ps = evpubp_ics_get_param(cl, "PARTSTAT");
  const char *what = attendee ? "ATTENDEE" : "ORGANIZER";
  evpubp_node_list m = { 0 };
  const char *mail = NULL;
  size_t maillen = 0;
  evpubp_node *node;
  char q[EVPUBP_ICS_QUOTE_SIZE(20)];
  (void)line;
  if(cu &&
     (evpubp_ics_eqci(cu->val, cu->vlen, "ROOM") ||
      evpubp_ics_eqci(cu->val, cu->vlen, "RESOURCE"))) {
    evpubp_ics_note(c, "cutype-room", r->line,
                    "skipped %s with CUTYPE=%s (a room or resource is not a "
                    "person or organization)",
                    what, evpubp_ics_quote(q, cu->val, cu->vlen, 20));
    return;
  }
  if(attendee && ps && evpubp_ics_eqci(ps->val, ps->vlen, "DECLINED")) {
    evpubp_ics_note(c, "declined", r->line,
                    "skipped ATTENDEE with PARTSTAT=DECLINED (not attending)");
    return;
  }
  if(evpubp_ics_prefixci(cl->val, cl->vlen, "mailto:")) {
    mail = cl->val + 7;
    maillen = cl->vlen - 7;
  }
  if(!cn && !maillen) {
    evpubp_ics_note(c, attendee ? "party-a" : "party-o", r->line,
                    "skipped %s without CN and without a mailto: address",
                    what);
    return;
  }
  evpubp_ics_kv(
    c, &m, "type",
    evpubp_ics_str(c,
                   cu && evpubp_ics_eqci(cu->val, cu->vlen, "GROUP")
                     ? "Organization"
                     : "Person",
                   r->line),
    r->line);
  if(cn && cn->vlen == maillen && maillen && !memcmp(cn->val, mail, maillen))
    cn = NULL; /* Google writes the address as CN when there is no name */
  if(cn && cn->vlen)
    evpubp_ics_kv(c, &m, "name",
                  evpubp_ics_scalar(c, cn->val, cn->vlen, r->line), r->line);
  else if(maillen) {
    evpubp_buf_reset(&c->tmp);
    if(evpubp_slug(&c->tmp, mail, maillen))
      c->oom = 1;
    else
      evpubp_ics_kv(c, &m, "id",
                    evpubp_ics_scalar(c, c->tmp.data ? c->tmp.data : "",
                                      c->tmp.len, r->line),
                    r->line);
  }
  if(maillen)
    evpubp_ics_kv(c, &m, "email", evpubp_ics_scalar(c, mail, maillen, r->line),
                  r->line);
  node = evpubp_ics_finish(c, &m, 1, r->line);
  evpubp_node_list_push(attendee ? &e->attendees : &e->organizers, node);
}

static void
add_exdates(evpubp_ics *c, evpubp_ics_event *e, const char *line,
            const evpubp_ics_lrec *r, const evpubp_ics_cline *cl)
{
  size_t i = 0;
  while(i <= cl->vlen) {
    const char *s = cl->val + i;
    const char *comma = memchr(s, ',', cl->vlen - i);
    size_t n = comma ? (size_t)(comma - s) : cl->vlen - i;
    evpubp_ics_time v;
    if(n && !evpubp_ics_parse_time(c, line, r, cl, s, n, &v)) {
      if(evpubp_grow(&e->ex, e->nex, &e->capex, sizeof(*e->ex), 8)) {
        c->oom = 1;
        return;
      }
      e->ex[e->nex++] = v;
    } else if(n) {
      e->bad = 1;
      return; /* the first bad date of a line is said, not thousands */
    }
    i += n + 1;
  }
}

static void
add_categories(evpubp_ics *c, evpubp_ics_event *e, const evpubp_ics_lrec *r,
               const evpubp_ics_cline *cl)
{
  size_t i, st = 0;
  for(i = 0; i <= cl->vlen; i++) {
    if(i < cl->vlen && cl->val[i] == '\\') {
      i++;
      continue;
    }
    if(i == cl->vlen || cl->val[i] == ',') {
      if(i > st)
        evpubp_node_list_push(
          &e->keywords,
          evpubp_ics_text_node(c, cl->val + st, i - st, r->line));
      st = i + 1;
    }
  }
}

static void
parse_geo(evpubp_ics *c, evpubp_ics_event *e, const char *line,
          const evpubp_ics_lrec *r, const evpubp_ics_cline *cl)
{
  const char *semi = memchr(cl->val, ';', cl->vlen);
  size_t n1 = semi ? (size_t)(semi - cl->val) : 0;
  size_t n2 = semi ? cl->vlen - n1 - 1 : 0;
  double lat, lon;
  char b[64], q[EVPUBP_ICS_QUOTE_SIZE(60)];
  if(!semi || !n1 || !n2 || n1 >= sizeof(b) || n2 >= sizeof(b) ||
     !evpubp_number_kind(cl->val, n1) || !evpubp_number_kind(semi + 1, n2))
    goto bad;
  memcpy(b, cl->val, n1);
  b[n1] = '\0';
  lat = strtod(b, NULL);
  memcpy(b, semi + 1, n2);
  b[n2] = '\0';
  lon = strtod(b, NULL);
  if(!(lat >= -90 && lat <= 90 && lon >= -180 && lon <= 180))
    goto bad;
  e->lat = evpubp_ics_number(c, cl->val, n1, r->line);
  e->lon = evpubp_ics_number(c, semi + 1, n2, r->line);
  e->geoline = r->line;
  return;
bad:
  evpubp_read_error(
    c->rd, r->line, evpubp_ics_col(line, r, cl->voff),
    "invalid GEO '%s' (expected latitude;longitude in degrees)",
    evpubp_ics_quote(q, cl->val, cl->vlen, 60));
  e->bad = 1;
}

/* Apple's X-APPLE-STRUCTURED-LOCATION:geo:LAT,LON gives the geo when
 * there is no GEO (RFC 5870 geo URI; anything else is ignored). */
static void
apple_geo(evpubp_ics *c, evpubp_ics_event *e, const evpubp_ics_lrec *r,
          const evpubp_ics_cline *cl)
{
  const char *s = cl->val + 4, *end = cl->val + cl->vlen, *comma, *stop;
  if(e->lat)
    return;
  comma = memchr(s, ',', (size_t)(end - s));
  if(!comma)
    return;
  stop = comma + 1;
  while(stop < end && *stop != ',' && *stop != ';')
    stop++;
  if(!evpubp_number_kind(s, (size_t)(comma - s)) ||
     !evpubp_number_kind(comma + 1, (size_t)(stop - comma - 1)))
    return;
  e->lat = evpubp_ics_number(c, s, (size_t)(comma - s), r->line);
  e->lon =
    evpubp_ics_number(c, comma + 1, (size_t)(stop - comma - 1), r->line);
  e->geoline = r->line;
}

/* Properties skipped without a word: they carry no schema.org meaning. */
static int
silent_prop(const evpubp_ics_cline *cl)
{
  static const char *const names[] = { "DTSTAMP",  "CREATED", "LAST-MODIFIED",
                                       "SEQUENCE", "TRANSP",  "CLASS",
                                       "PRIORITY", NULL };
  size_t i;
  for(i = 0; names[i]; i++)
    if(evpubp_ics_eqci(cl->name, cl->nlen, names[i]))
      return 1;
  return 0;
}

static void
note_skipped_prop(evpubp_ics *c, const evpubp_ics_cline *cl,
                  unsigned long line)
{
  char kind[80];
  int n = (int)(cl->nlen < 60 ? cl->nlen : 60);
  snprintf(kind, sizeof(kind), "P:%.*s", n, cl->name);
  evpubp_ics_note(c, kind, line, "skipped iCalendar property '%.*s'", n,
                  cl->name);
}

/* DTSTART, DTEND and RECURRENCE-ID (the first of each counts).  Returns
 * 0 when cl is none of them. */
static int
time_prop(evpubp_ics *c, evpubp_ics_event *e, const char *line,
          const evpubp_ics_lrec *r, const evpubp_ics_cline *cl)
{
  evpubp_ics_time *t;
  int *has;
  if(evpubp_ics_eqci(cl->name, cl->nlen, "DTSTART")) {
    t = &e->start;
    has = &e->has_start;
  } else if(evpubp_ics_eqci(cl->name, cl->nlen, "DTEND")) {
    t = &e->end;
    has = &e->has_end;
  } else if(evpubp_ics_eqci(cl->name, cl->nlen, "RECURRENCE-ID")) {
    t = &e->recurid;
    has = &e->has_recurid;
  } else {
    return 0;
  }
  if(*has) {
    /* the first one counts */
  } else if(evpubp_ics_parse_time(c, line, r, cl, cl->val, cl->vlen, t)) {
    e->bad = 1;
  } else {
    const evpubp_ics_param *tz = evpubp_ics_get_param(cl, "TZID");
    *has = 1;
    if(t == &e->start && tz && !e->start.t.is_date) {
      e->tzid = evpubp_arena_strndup(c->rd->arena, tz->val, tz->vlen);
      e->tzidlen = tz->vlen;
    }
  }
  if(t == &e->recurid && evpubp_ics_get_param(cl, "RANGE"))
    evpubp_ics_note(c, "range", r->line,
                    "RECURRENCE-ID;RANGE=THISANDFUTURE read as an override "
                    "of one occurrence");
  return 1;
}

static void
status_prop(evpubp_ics *c, evpubp_ics_event *e, const evpubp_ics_lrec *r,
            const evpubp_ics_cline *cl)
{
  if(evpubp_ics_eqci(cl->val, cl->vlen, "CANCELLED")) {
    e->status = evpubp_ics_str(c, "cancelled", r->line);
    e->cancelled = 1;
  } else if(evpubp_ics_eqci(cl->val, cl->vlen, "CONFIRMED")) {
    e->status = evpubp_ics_str(c, "scheduled", r->line);
  } else {
    char q[EVPUBP_ICS_QUOTE_SIZE(20)];
    evpubp_ics_note(c, "status", r->line,
                    "STATUS:%s has no schema.org eventStatus; not mapped",
                    evpubp_ics_quote(q, cl->val, cl->vlen, 20));
  }
}

/* One property of a VEVENT into e (the first of each kind counts). */
static void
parse_prop(evpubp_ics *c, evpubp_ics_event *e, const char *line,
           const evpubp_ics_lrec *r, const evpubp_ics_cline *cl)
{
#define IS(lit) evpubp_ics_eqci(cl->name, cl->nlen, lit)
  if(time_prop(c, e, line, r, cl)) {
    /* done */
  } else if(IS("UID")) {
    if(!e->uid) {
      e->uid = evpubp_arena_strndup(c->rd->arena, cl->val, cl->vlen);
      e->uidlen = cl->vlen;
      e->uidline = r->line;
    }
  } else if(IS("SUMMARY")) {
    if(!e->name)
      e->name = evpubp_ics_text_prop(c, cl, r->line);
  } else if(IS("DESCRIPTION")) {
    if(!e->description)
      e->description = evpubp_ics_text_prop(c, cl, r->line);
  } else if(IS("URL")) {
    if(!e->url)
      e->url = evpubp_ics_scalar(c, cl->val, cl->vlen, r->line);
  } else if(IS("LOCATION")) {
    if(!e->locname) {
      e->locname = evpubp_ics_text_prop(c, cl, r->line);
      e->locline = r->line;
    }
  } else if(IS("GEO")) {
    parse_geo(c, e, line, r, cl);
  } else if(IS("X-APPLE-STRUCTURED-LOCATION") &&
            evpubp_ics_prefixci(cl->val, cl->vlen, "geo:")) {
    apple_geo(c, e, r, cl);
  } else if(IS("CATEGORIES")) {
    add_categories(c, e, r, cl);
  } else if(IS("STATUS")) {
    status_prop(c, e, r, cl);
  } else if(IS("ORGANIZER") || IS("ATTENDEE")) {
    party(c, e, line, r, cl, IS("ATTENDEE"));
  } else if(IS("DURATION")) {
    if(!e->has_dur)
      evpubp_ics_parse_duration(c, e, line, r, cl);
  } else if(IS("RRULE")) {
    evpubp_ics_parse_rrule(c, e, line, r, cl);
  } else if(IS("EXDATE")) {
    add_exdates(c, e, line, r, cl);
  } else if(!silent_prop(cl)) {
    note_skipped_prop(c, cl, r->line);
  }
#undef IS
}

/* What only the whole VEVENT shows. */
static void
check_vevent(evpubp_ics *c, evpubp_ics_event *e)
{
  if(!e->has_start && !e->bad && !(e->has_recurid)) {
    evpubp_read_error(c->rd, e->line, 1, "VEVENT without DTSTART");
    e->bad = 1;
  }
  if(e->has_end && e->has_start && e->end.t.is_date != e->start.t.is_date) {
    evpubp_read_error(c->rd, e->end.line, 1,
                      "DTEND is a %s but DTSTART is a %s (they must agree)",
                      e->end.t.is_date ? "date" : "date-time",
                      e->start.t.is_date ? "date" : "date-time");
    e->bad = 1;
  }
  if(e->has_end && e->has_start && !e->bad) {
    struct icaltimetype en = evpubp_ics_in_zone_of(&e->end, &e->start);
    struct icaltimetype st = e->start.t;
    en.zone = st.zone = NULL;
    if(icaltime_compare(en, st) < 0) {
      evpubp_read_error(c->rd, e->end.line, 1, "DTEND is before DTSTART");
      e->bad = 1;
    }
  }
  if(!e->uid && !e->name && !e->bad) {
    evpubp_read_error(c->rd, e->line, 1,
                      "VEVENT without UID and without SUMMARY");
    e->bad = 1;
  }
}

/* Parse the properties of a VEVENT into e (nodes in the arena). */
static void
parse_vevent(evpubp_ics *c, const evpubp_ics_raw *raw, evpubp_ics_event *e)
{
  size_t i;
  memset(e, 0, sizeof(*e));
  e->line = raw->line;
  for(i = 0; i < raw->nrec; i++) {
    const evpubp_ics_lrec *r = &raw->recs[i];
    const char *line = raw->text.data + r->off;
    const char *msg;
    size_t erroff = 0;
    evpubp_ics_cline cl;
    msg = evpubp_ics_parse_cline(line, r->len, &cl, &erroff);
    if(msg) {
      evpubp_read_error(c->rd, r->line, evpubp_ics_col(line, r, erroff), "%s",
                        msg);
      e->bad = 1;
    } else if(!evpubp_utf8_valid(line, r->len)) {
      evpubp_read_error(c->rd, r->line, 1,
                        "invalid UTF-8 (iCalendar text is UTF-8)");
      e->bad = 1;
    } else {
      parse_prop(c, e, line, r, &cl);
    }
  }
  check_vevent(c, e);
}

/* A list value of l's items, copied: kv_list takes the list it is
 * handed, and l stays with its event (pev_free). */
static void
kv_copy(evpubp_ics *c, evpubp_node_list *m, const char *key,
        const evpubp_node_list *l)
{
  evpubp_node_list k = { 0 };
  size_t i;
  if(!l->n)
    return;
  for(i = 0; i < l->n; i++)
    evpubp_node_list_push(&k, l->it[i]);
  evpubp_ics_kv_list(c, m, key, &k, l->it[0]->line);
}

/* The properties every event tree has (not the id, not the schedule). */
void
evpubp_ics_common_props(evpubp_ics *c, evpubp_node_list *m,
                        const evpubp_ics_event *e,
                        const evpubp_ics_event *series,
                        const struct icaltimetype *st, long span)
{
  struct icaltimetype en;
  const evpubp_node *name = e->name ? e->name : series ? series->name : NULL;
  evpubp_node_list loc = { 0 };
  if(name)
    evpubp_ics_kv(c, m, "name", (evpubp_node *)name, name->line);
  if(e->description)
    evpubp_ics_kv(c, m, "description", e->description, e->description->line);
  if(st) {
    const evpubp_ics_time *z = e->has_start ? &e->start : &series->start;
    evpubp_ics_kv(c, m, "startDate", evpubp_ics_time_node(c, st, z, z->line),
                  z->line);
    const evpubp_ics_event *src =
      e->has_end || e->has_dur || !series ? e : series;
    if(e->has_end && st == &e->start.t) {
      /* the event as written: DTEND in its own zone */
      en = e->end.t;
      if(en.is_date && span > 0)
        icaltime_adjust(&en, -1, 0, 0, 0);
      else if(en.is_date)
        en = *st;
      evpubp_ics_kv(c, m, "endDate",
                    evpubp_ics_time_node(c, &en, &e->end, e->end.line),
                    e->end.line);
    } else if(evpubp_ics_end_of(src, st, span, &en))
      evpubp_ics_kv(c, m, "endDate", evpubp_ics_time_node(c, &en, z, z->line),
                    e->has_end ? e->end.line : z->line);
  }
  if(e->has_dur) {
    char b[64];
    evpubp_ics_xsd_duration(e->dursecs, b, sizeof(b));
    evpubp_ics_kv(c, m, "duration", evpubp_ics_str(c, b, e->durline),
                  e->durline);
  }
  if(e->status)
    evpubp_ics_kv(c, m, "eventStatus", e->status, e->status->line);
  if(e->url)
    evpubp_ics_kv(c, m, "url", e->url, e->url->line);
  if(e->locname || e->lat) {
    unsigned long l = e->locname ? e->locline : e->geoline;
    if(e->locname)
      evpubp_ics_kv(c, &loc, "name", e->locname, e->locline);
    if(e->lat) {
      evpubp_node_list g = { 0 };
      evpubp_ics_kv(c, &g, "latitude", e->lat, e->geoline);
      evpubp_ics_kv(c, &g, "longitude", e->lon, e->geoline);
      evpubp_ics_kv(c, &loc, "geo", evpubp_ics_finish(c, &g, 1, e->geoline),
                    e->geoline);
    }
    evpubp_ics_kv(c, m, "location", evpubp_ics_finish(c, &loc, 1, l), l);
  }
  kv_copy(c, m, "keywords", &e->keywords);
  kv_copy(c, m, "organizer", &e->organizers);
  kv_copy(c, m, "attendee", &e->attendees);
}

/* id = slug of uid, plus "-" and the occurrence when occ. */
evpubp_node *
evpubp_ics_id_node(evpubp_ics *c, const evpubp_ics_event *e, const char *occ,
                   unsigned long line)
{
  evpubp_buf_reset(&c->tmp);
  if(e->uid && evpubp_slug(&c->tmp, e->uid, e->uidlen))
    c->oom = 1;
  if(!c->tmp.len && e->uid) {
    /* a UID of punctuation only: its hash keeps it distinct */
    evpubp_buf_printf(&c->tmp, "uid-%016llx",
                      (unsigned long long)evpubp_hash(e->uid, e->uidlen));
  }
  if(!c->tmp.len && !occ)
    return NULL; /* no UID: the mapper slugs the name */
  if(occ)
    evpubp_buf_printf(&c->tmp, "%s%s", c->tmp.len ? "-" : "", occ);
  if(c->tmp.failed) {
    c->oom = 1;
    return NULL;
  }
  return evpubp_ics_scalar(c, c->tmp.data, c->tmp.len, line);
}

/* Build and hand over the tree of a series (or a single event) e with
 * its overrides (raw, parsed here). */
static void
emit_event(evpubp_ics *c, evpubp_ics_event *e, const uidinfo *ui)
{
  evpubp_node_list m = { 0 }, subs = { 0 };
  evpubp_ics_event *ovr = NULL;
  size_t novr = ui ? ui->novr : 0, i;
  long span = evpubp_ics_span_of(e);
  evpubp_node *item;
  int rc;
  if(novr) {
    ovr = calloc(novr, sizeof(*ovr));
    if(!ovr) {
      c->oom = 1;
      return;
    }
    for(i = 0; i < novr; i++)
      parse_vevent(c, &ui->ovr[i], &ovr[i]);
  }
  if(e->bad)
    goto done;
  if(e->has_recurid) {
    char occ[40];
    evpubp_ics_compact(&e->recurid.t, e->recurid.utc, occ, sizeof(occ));
    evpubp_ics_kv(c, &m, "id", evpubp_ics_id_node(c, e, occ, e->line),
                  e->line);
  } else {
    evpubp_ics_kv(c, &m, "id", evpubp_ics_id_node(c, e, NULL, e->uidline),
                  e->uidline);
  }
  evpubp_ics_common_props(c, &m, e, NULL, &e->start.t, span);
  if(e->has_rrule)
    evpubp_ics_kv(c, &m, "eventSchedule",
                  evpubp_ics_schedule_node(c, e, ovr, novr, span),
                  e->ruleline);
  else if(novr)
    evpubp_ics_note(c, "ovr-norrule", e->line,
                    "RECURRENCE-ID overrides of an event without RRULE are "
                    "listed as its subEvents");
  evpubp_ics_subevents(c, e, ovr, novr, span, &subs);
  if(subs.n)
    evpubp_ics_kv(c, &m, "subEvent", evpubp_ics_finish(c, &subs, 0, e->line),
                  e->line);
  if(c->oom)
    goto done;
  item = evpubp_ics_finish(c, &m, 1, e->line);
  if(item) {
    rc = c->rd->cb->item(c->rd->user, EVPUBP_C_EVENTS, item);
    if(rc)
      c->rc = rc;
  }
done:
  evpubp_node_list_free(&m);
  evpubp_node_list_free(&subs);
  for(i = 0; ovr && i < novr; i++)
    pev_free(&ovr[i]);
  free(ovr);
}

/* ---- pass 1: UIDs, overrides, VTIMEZONEs ------------------------- */
static uidinfo *
uid_info(evpubp_ics *c, const char *uid, size_t n, int create)
{
  evpubp_map_entry *e;
  if(!create) {
    e = evpubp_map_find(&c->uids, uid, n);
    return e ? e->value : NULL;
  }
  e = evpubp_map_put(&c->uids, uid, n);
  if(!e)
    return NULL;
  if(!e->value)
    e->value = calloc(1, sizeof(uidinfo));
  return e->value;
}

/* UID and RECURRENCE-ID of a raw VEVENT, cheaply. */
static void
raw_uid(const evpubp_ics_raw *raw, const char **uid, size_t *uidlen,
        int *recur)
{
  size_t i;
  *uid = NULL;
  *uidlen = 0;
  *recur = 0;
  for(i = 0; i < raw->nrec; i++) {
    const char *s = raw->text.data + raw->recs[i].off;
    size_t n = raw->recs[i].len, off;
    evpubp_ics_cline cl;
    if(evpubp_ics_parse_cline(s, n, &cl, &off))
      continue;
    if(evpubp_ics_eqci(cl.name, cl.nlen, "UID") && !*uid) {
      *uid = cl.val;
      *uidlen = cl.vlen;
    } else if(evpubp_ics_eqci(cl.name, cl.nlen, "RECURRENCE-ID")) {
      *recur = 1;
    }
  }
}

static void
collect_vevent(evpubp_ics *c)
{
  const char *uid;
  size_t n;
  int recur;
  uidinfo *ui;
  raw_uid(&c->cur, &uid, &n, &recur);
  if(!uid)
    return;
  ui = uid_info(c, uid, n, 1);
  if(!ui) {
    c->oom = 1;
    return;
  }
  if(!recur) {
    ui->series = 1;
    return;
  }
  if(evpubp_grow(&ui->ovr, ui->novr, &ui->cap, sizeof(*ui->ovr), 4)) {
    c->oom = 1;
    return;
  }
  if(evpubp_ics_raw_copy(&ui->ovr[ui->novr], &c->cur)) {
    evpubp_ics_raw_free(&ui->ovr[ui->novr]);
    c->oom = 1;
    return;
  }
  ui->novr++;
}

/* ---- the component structure, both passes ------------------------ */
typedef struct {
  char name[EVPUBP_ICS_QUOTE_SIZE(31)]; /* as messages quote it */
  unsigned long line;
} frame;

/* Where a pass is in the calendar, and the content line it is at. */
typedef struct {
  frame stack[MAX_DEPTH];
  size_t depth;
  int collecting;   /* 1 VEVENT, 2 VTIMEZONE: lines go to c->cur */
  size_t skipdepth; /* inside a skipped component when > 0 */
  int outside_reported, seen_calendar;
  int stopped;      /* a fatal error: nothing more is read */
  evpubp_buf line;  /* the content line, unfolded */
  unsigned long ln; /* its first physical line */
  size_t firstlen;  /* its bytes on that line */
} walk;

/* The component BEGIN or END names, upper case, at most 31 bytes of it,
 * quoted for messages (out: EVPUBP_ICS_QUOTE_SIZE(31) bytes). */
static void
begin_end_name(const evpubp_ics_cline *cl, char *out)
{
  char up[31];
  size_t n = cl->vlen < sizeof(up) ? cl->vlen : sizeof(up), i;
  for(i = 0; i < n; i++) {
    char ch = cl->val[i];
    up[i] = (char)(ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch);
  }
  evpubp_ics_quote(out, up, cl->vlen, n);
}

/* A fatal error (a limit of doc/icalendar.md): the pass stops reading
 * at this line.  Pass 1 stops silently; pass 2, which reads the same
 * lines, reports the errors before it in their order, then this one, and
 * the reader returns -1. */
static void fatal(evpubp_ics *c, walk *w, unsigned long line, const char *fmt,
                  ...)
#ifdef __GNUC__
  __attribute__((format(printf, 4, 5)))
#endif
  ;

static void
fatal(evpubp_ics *c, walk *w, unsigned long line, const char *fmt, ...)
{
  char text[256];
  va_list ap;
  w->stopped = 1;
  if(c->pass != 2)
    return;
  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  evpubp_read_error(c->rd, line, 1, "%s (reading stops here)", text);
  c->rc = -1;
}

/* One VEVENT of pass 2. */
static void
handle_vevent(evpubp_ics *c)
{
  const char *uid;
  size_t n;
  int recur;
  uidinfo *ui = NULL;
  evpubp_ics_event e;
  raw_uid(&c->cur, &uid, &n, &recur);
  if(uid)
    ui = uid_info(c, uid, n, 0);
  if(recur && ui && ui->series)
    return; /* an override: read with its series */
  parse_vevent(c, &c->cur, &e);
  if(recur) {
    /* an override whose series is not in the file: an event of its own */
    if(!e.bad) {
      evpubp_ics_note(
        c, "orphan", e.line,
        "RECURRENCE-ID override without its series in this file; "
        "read as an event of its own");
      if(!e.has_start) {
        e.start = e.recurid;
        e.has_start = 1;
      }
    }
    emit_event(c, &e, NULL);
  } else if(ui && ui->given) {
    /* the UID's series again (the mapper reports the IRI minted twice):
     * the overrides went with the first, and giving them to each again
     * would cost series times overrides */
    emit_event(c, &e, NULL);
  } else {
    if(ui)
      ui->given = 1;
    emit_event(c, &e, ui);
  }
  pev_free(&e);
  evpubp_arena_reset(c->rd->arena);
}

/* The line goes to the component being collected. */
static void
keep_line(evpubp_ics *c, const walk *w)
{
  if(evpubp_ics_raw_add(&c->cur, w->line.data, w->line.len, w->ln,
                        w->firstlen))
    c->oom = 1;
}

static void
start_component(evpubp_ics *c, walk *w, int collecting)
{
  w->collecting = collecting;
  c->cur.nrec = 0;
  evpubp_buf_reset(&c->cur.text);
  c->cur.line = w->ln;
}

/* A line that is no content line: a VEVENT's is kept, to be reported
 * with the VEVENT (pass 2 reports it then, in its order). */
static void
bad_line(evpubp_ics *c, const walk *w, const char *msg, size_t erroff)
{
  evpubp_ics_lrec r;
  r.off = 0;
  r.len = w->line.len;
  r.line = w->ln;
  r.firstlen = w->firstlen;
  if(c->pass == 2 && !(w->collecting == 1 && !w->skipdepth))
    evpubp_read_error(c->rd, w->ln, evpubp_ics_col(w->line.data, &r, erroff),
                      "%s", msg);
  else if(w->collecting == 1 && !w->skipdepth)
    keep_line(c, w); /* reported when the VEVENT is parsed */
}

static void
on_begin(evpubp_ics *c, walk *w, const evpubp_ics_cline *cl)
{
  frame *f;
  if(w->depth == MAX_DEPTH) {
    fatal(c, w, w->ln, "components nested deeper than %d levels", MAX_DEPTH);
    return;
  }
  f = &w->stack[w->depth++];
  begin_end_name(cl, f->name);
  f->line = w->ln;
  if(w->depth == 1) {
    if(strcmp(f->name, "VCALENDAR")) {
      if(c->pass == 2 && !w->outside_reported)
        evpubp_read_error(c->rd, w->ln, 1,
                          "not iCalendar: expected BEGIN:VCALENDAR, found "
                          "BEGIN:%s",
                          f->name);
      w->outside_reported = 1;
      w->skipdepth = w->depth;
    } else {
      w->seen_calendar = 1;
    }
  } else if(w->skipdepth) {
    /* inside something skipped */
  } else if(w->depth == 2 && !strcmp(f->name, "VEVENT")) {
    start_component(c, w, 1);
  } else if(w->depth == 2 && !strcmp(f->name, "VTIMEZONE")) {
    start_component(c, w, 2);
  } else if(w->collecting == 2) {
    /* STANDARD / DAYLIGHT: part of the VTIMEZONE */
    if(c->pass == 1)
      keep_line(c, w);
  } else {
    char kind[sizeof(f->name) + 2];
    snprintf(kind, sizeof(kind), "C:%s", f->name);
    evpubp_ics_note(c, kind, w->ln, "skipped iCalendar component '%s'%s",
                    f->name, w->collecting == 1 ? " inside a VEVENT" : "");
    w->skipdepth = w->depth;
  }
}

/* An END closes its BEGIN and those left open inside it (reported). */
static void
on_end(evpubp_ics *c, walk *w, const evpubp_ics_cline *cl)
{
  char name[EVPUBP_ICS_QUOTE_SIZE(31)];
  size_t k;
  begin_end_name(cl, name);
  for(k = w->depth; k > 0; k--)
    if(!strcmp(w->stack[k - 1].name, name))
      break;
  if(!k) {
    if(c->pass == 2)
      evpubp_read_error(c->rd, w->ln, 1, "END:%s without BEGIN:%s", name,
                        name);
    return;
  }
  if(k != w->depth && c->pass == 2)
    evpubp_read_error(c->rd, w->stack[w->depth - 1].line, 1,
                      "BEGIN:%s is not closed", w->stack[w->depth - 1].name);
  w->depth = k - 1;
  if(w->skipdepth > w->depth) {
    w->skipdepth = 0;
    return;
  }
  if(w->collecting == 2 && w->depth >= 2) {
    if(c->pass == 1)
      keep_line(c, w);
    return;
  }
  if(w->depth == 1 && w->collecting == 1 && k == w->depth + 1) {
    w->collecting = 0;
    if(c->pass == 1)
      collect_vevent(c);
    else
      handle_vevent(c);
  } else if(w->depth == 1 && w->collecting == 2) {
    w->collecting = 0;
    if(c->pass == 1)
      evpubp_ics_collect_vtimezone(c);
  }
  w->collecting = w->depth >= 2 ? w->collecting : 0;
}

static void
on_property(evpubp_ics *c, walk *w, const evpubp_ics_cline *cl)
{
  static const char *const calendar_props[] = { "PRODID", "VERSION",
                                                "CALSCALE", "METHOD", NULL };
  size_t i;
  if(w->skipdepth)
    return;
  if(w->collecting == 1 || (w->collecting == 2 && c->pass == 1)) {
    if(c->cur.text.len + w->line.len > MAX_VEVENT) {
      fatal(c, w, c->cur.line, "component larger than %lu bytes",
            (unsigned long)MAX_VEVENT);
      return;
    }
    keep_line(c, w);
    return;
  }
  if(w->depth != 1)
    return;
  for(i = 0; calendar_props[i]; i++)
    if(evpubp_ics_eqci(cl->name, cl->nlen, calendar_props[i]))
      return;
  note_skipped_prop(c, cl, w->ln);
}

/* The next content line into w.  Returns 1, or 0 at the end and when
 * reading failed (c->rc or c->oom set).  *toolong: it was cut. */
static int
next_line(evpubp_ics *c, evpubp_ics_lreader *lr, walk *w, int *toolong)
{
  int rc =
    evpubp_ics_logical_line(lr, &w->line, &w->ln, &w->firstlen, toolong);
  if(rc >= 0)
    return rc;
  if(lr->err) {
    /* stops: both passes */
    evpubp_read_error(c->rd, lr->phys, 0, "read error");
    c->rc = -1;
  } else {
    c->oom = 1;
  }
  return 0;
}

/* Read the whole stream once: pass 1 collects, pass 2 hands over. */
static void
run_pass(evpubp_ics *c, evpubp_ics_lreader *lr)
{
  walk w;
  int toolong;
  memset(&w, 0, sizeof(w));
  evpubp_buf_init(&w.line);
  while(!c->rc && !c->oom && !w.stopped && next_line(c, lr, &w, &toolong)) {
    size_t erroff;
    const char *msg;
    evpubp_ics_cline cl;
    if(toolong) {
      fatal(c, &w, w.ln, "content line longer than %lu bytes",
            (unsigned long)EVPUBP_ICS_MAX_LINE);
      break;
    }
    if(!w.line.len)
      continue; /* blank lines: not iCalendar, but harmless */
    msg = evpubp_ics_parse_cline(w.line.data, w.line.len, &cl, &erroff);
    if(!w.depth &&
       (msg ||
        (!evpubp_ics_eqci(cl.name, cl.nlen, "BEGIN") &&
         !evpubp_ics_eqci(cl.name, cl.nlen, "END")))) {
      char q[EVPUBP_ICS_QUOTE_SIZE(40)];
      if(c->pass == 2 && !w.outside_reported)
        evpubp_read_error(
          c->rd, w.ln, 1,
          "not iCalendar: expected BEGIN:VCALENDAR, found '%s'",
          evpubp_ics_quote(q, w.line.data, w.line.len, 40));
      w.outside_reported = 1;
    } else if(msg) {
      bad_line(c, &w, msg, erroff);
    } else if(evpubp_ics_eqci(cl.name, cl.nlen, "BEGIN")) {
      on_begin(c, &w, &cl);
    } else if(evpubp_ics_eqci(cl.name, cl.nlen, "END")) {
      on_end(c, &w, &cl);
    } else {
      on_property(c, &w, &cl);
    }
  }
  if(c->pass == 2 && !c->rc && !c->oom && !w.stopped && w.depth)
    evpubp_read_error(c->rd, w.stack[w.depth - 1].line, 1,
                      "BEGIN:%s is not closed", w.stack[w.depth - 1].name);
  if(c->pass == 2 && !c->rc && !c->oom && !w.stopped && !w.seen_calendar &&
     !w.outside_reported && lr->phys)
    evpubp_read_error(c->rd, 1, 1, "no BEGIN:VCALENDAR in the file");
  evpubp_buf_free(&w.line);
}

static int
read_ics(const evpubp_read_ctx *rd)
{
  evpubp_ics c;
  evpubp_ics_lreader *lr;
  FILE *in;
  long start;
  int own = 0, rc;
  size_t i;

  memset(&c, 0, sizeof(c));
  c.rd = rd;
  evpubp_map_init(&c.uids);
  evpubp_map_init(&c.zones);
  evpubp_map_init(&c.noted);
  evpubp_buf_init(&c.cur.text);
  evpubp_buf_init(&c.tmp);

  rc = rd->cb->doc_begin(rd->user, (*rd->docno)++);
  if(rc)
    goto out_maps;
  lr = malloc(sizeof(*lr));
  if(!lr) {
    evpubp_read_error(rd, 0, 0, "out of memory");
    rc = -1;
    goto out_maps;
  }
  evpubp_buf_init(&lr->held);
  in = evpubp_ics_seekable(rd->fp, &start, &own);
  if(!in) {
    evpubp_read_error(rd, 0, 0,
                      "cannot read the input twice (no temporary file)");
    rc = -1;
    goto out;
  }
  /* time zones by name come from the system's zoneinfo (tzdata) */
  icaltimezone_set_builtin_tzdata(0);
  icalerror_set_errors_are_fatal(0);

  c.pass = 1;
  evpubp_ics_lr_start(lr, in);
  run_pass(&c, lr);
  if(!c.rc && !c.oom) {
    if(fseek(in, start, SEEK_SET)) {
      evpubp_read_error(rd, 0, 0, "cannot read the input twice (seek failed)");
      c.rc = -1;
    } else {
      c.pass = 2;
      evpubp_ics_lr_start(lr, in);
      run_pass(&c, lr);
    }
  }
  if(c.oom) {
    evpubp_read_error(rd, 0, 0, "out of memory");
    c.rc = -1;
  }
  rc = c.rc;
out:
  if(own)
    fclose(in);
  evpubp_buf_free(&lr->held);
  free(lr);
out_maps:
  for(i = 0; i < c.uids.cap; i++) {
    uidinfo *ui = c.uids.slots ? c.uids.slots[i].value : NULL;
    size_t k;
    if(!c.uids.slots || !c.uids.slots[i].key || !ui)
      continue;
    for(k = 0; k < ui->novr; k++)
      evpubp_ics_raw_free(&ui->ovr[k]);
    free(ui->ovr);
    free(ui);
  }
  evpubp_ics_free_zones(&c);
  evpubp_map_free(&c.uids);
  evpubp_map_free(&c.noted);
  evpubp_ics_raw_free(&c.cur);
  evpubp_buf_free(&c.tmp);
  evpubp_arena_reset(rd->arena);
  return rc;
}

static int
ics_sniff(const char *head, size_t len)
{
  size_t i = evpubp_sniff_skip(head, len);
  return evpubp_ics_prefixci(head + i, len - i, "BEGIN:VCALENDAR");
}

const evpubp_reader evpubp_reader_ics = {
  .info = { "ics", "iCalendar, an event a VEVENT (doc/icalendar.md)", ".ics" },
  .sniff = ics_sniff,
  .read = read_ics
};
