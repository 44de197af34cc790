/* read/ics_time.c - iCalendar dates, times, time zones and durations
 *
 * Dates and times are checked here, more strictly than libical does;
 * libical does what it is good at: time zones (the calendar's VTIMEZONEs
 * and the system's zoneinfo) and durations.
 */
#include <stdlib.h>
#include <string.h>

#include "read/ics.h"

static int
is_digit(int c)
{
  return c >= '0' && c <= '9';
}

static int
days_in_month(int y, int m)
{
  static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  if(m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 29;
  return d[m - 1];
}

static int
digits(const char *s, int n)
{
  int v = 0, i;
  for(i = 0; i < n; i++)
    v = v * 10 + (s[i] - '0');
  return v;
}

/* Parse DATE or DATE-TIME strictly: returns 0, -1 when s does not have
 * the form of one, -2 when it names no such day or time. */
static int
parse_dt(const char *s, size_t n, struct icaltimetype *t, int *utc)
{
  size_t i;
  *t = icaltime_null_time();
  *utc = 0;
  if(n != 8 && n != 15 && n != 16)
    return -1;
  for(i = 0; i < 8; i++)
    if(!is_digit((unsigned char)s[i]))
      return -1;
  t->year = digits(s, 4);
  t->month = digits(s + 4, 2);
  t->day = digits(s + 6, 2);
  if(t->year < 1 || t->month < 1 || t->month > 12 || t->day < 1 ||
     t->day > days_in_month(t->year, t->month))
    return -2;
  if(n == 8) {
    t->is_date = 1;
    return 0;
  }
  if(s[8] != 'T')
    return -1;
  for(i = 9; i < 15; i++)
    if(!is_digit((unsigned char)s[i]))
      return -1;
  t->hour = digits(s + 9, 2);
  t->minute = digits(s + 11, 2);
  t->second = digits(s + 13, 2);
  if(t->hour > 23 || t->minute > 59 || t->second > 59)
    return -2;
  if(n == 16) {
    if(s[15] != 'Z')
      return -1;
    *utc = 1;
  }
  return 0;
}

/* libical computes a zone's changes lazily, up to the year asked for
 * plus five but never past 2582, and computes them all again from the
 * start whenever a later year is asked for: events in ever later years
 * made it expand the same zone again for each, and every question about
 * a year after 2582 expanded it all again.  So a zone is expanded once,
 * up to 2582, when it is first used ... */
static void
prime_zone(icaltimezone *z)
{
  struct icaltimetype t = icaltime_null_time();
  int dst = 0;
  t.year = EVPUBP_ICS_ZONE_LAST_YEAR;
  t.month = t.day = 1;
  (void)icaltimezone_get_utc_offset(z, &t, &dst);
}

/* ... and a time after 2582 is asked about as the same time a multiple
 * of 400 years earlier: the Gregorian calendar repeats every 400 years
 * (the same weekdays, the same leap years), so a zone's yearly rules give
 * the offset they would give then.  The years to take off t's. */
static int
years_back(const struct icaltimetype *t)
{
  int over = t->year - EVPUBP_ICS_ZONE_LAST_YEAR;
  return over > 0 ? (over + 399) / 400 * 400 : 0;
}

/* The UTC offset in zone z at wall time t. */
static int
utc_offset(icaltimezone *z, const struct icaltimetype *t0)
{
  struct icaltimetype t = *t0;
  int dst = 0;
  t.year -= years_back(t0);
  t.zone = z;
  return icaltimezone_get_utc_offset(z, &t, &dst);
}

struct icaltimetype
evpubp_ics_to_zone(struct icaltimetype t, icaltimezone *to)
{
  int back = years_back(&t);
  t.year -= back;
  t = icaltime_convert_to_zone(t, to);
  t.year += back;
  return t;
}

/* A TZID as a system zone name: only names that can be zoneinfo files. */
static icaltimezone *
system_zone(const char *name, size_t n)
{
  char b[80];
  size_t i;
  icaltimezone *z;
  if(!n || n >= sizeof(b) || name[0] == '/')
    return NULL;
  for(i = 0; i < n; i++) {
    char ch = name[i];
    if(!(evpubp_ics_name_char((unsigned char)ch) || ch == '_' || ch == '+' ||
         ch == '/'))
      return NULL;
    if(ch == '/' && i + 1 < n && name[i + 1] == '/')
      return NULL;
  }
  memcpy(b, name, n);
  b[n] = '\0';
  if(!strcmp(b, "UTC") || !strcmp(b, "Etc/UTC") || !strcmp(b, "GMT") ||
     !strcmp(b, "Z"))
    return icaltimezone_get_utc_timezone();
  z = icaltimezone_get_builtin_timezone(b);
  if(z)
    prime_zone(z); /* at once after the first time: libical keeps it */
  return z;
}

/* The zone a TZID names: the calendar's VTIMEZONE, else the system zone
 * of that name (also after a "/vendor/.../" prefix), else NULL (*refused:
 * the calendar's VTIMEZONE of that name was refused). */
static icaltimezone *
resolve_tz(evpubp_ics *c, const char *tzid, size_t n, int *refused)
{
  evpubp_map_entry *e = evpubp_map_find(&c->zones, tzid, n);
  icaltimezone *z;
  size_t i;
  /* a VTIMEZONE evpub refused (said where it stands) has c as value: a
   * TZID naming it is no error of its own */
  *refused = e && e->value == (void *)c;
  if(*refused)
    return NULL;
  if(e && e->value)
    return e->value;
  z = system_zone(tzid, n);
  if(z)
    return z;
  if(n && tzid[0] == '/') {
    for(i = 0; i < n; i++) {
      if(tzid[i] != '/')
        continue;
      z = system_zone(tzid + i + 1, n - i - 1);
      if(z)
        return z;
    }
  }
  return NULL;
}

/* The value s[n] of property cl as a date or date-time with its zone. */
int
evpubp_ics_parse_time(evpubp_ics *c, const char *line,
                      const evpubp_ics_lrec *r, const evpubp_ics_cline *cl,
                      const char *s, size_t n, evpubp_ics_time *out)
{
  const evpubp_ics_param *tz = evpubp_ics_get_param(cl, "TZID");
  const evpubp_ics_param *vt = evpubp_ics_get_param(cl, "VALUE");
  int utc, bad, refused;
  /* the column is computed when an error says it: a line of thousands of
   * EXDATEs would cost their square */
  size_t off = (size_t)(s - line);
  char q[EVPUBP_ICS_QUOTE_SIZE(80)];
  memset(out, 0, sizeof(*out));
  out->line = r->line;
  bad = parse_dt(s, n, &out->t, &utc);
  if(bad == -2) {
    evpubp_read_error(c->rd, r->line, evpubp_ics_col(line, r, off),
                      "invalid %.*s '%s' (no such date or time)",
                      (int)(cl->nlen < 40 ? cl->nlen : 40), cl->name,
                      evpubp_ics_quote(q, s, n, 60));
    return -1;
  }
  if(bad) {
    evpubp_read_error(
      c->rd, r->line, evpubp_ics_col(line, r, off),
      "invalid %.*s '%s' (expected YYYYMMDD or YYYYMMDDThhmmss "
      "with an optional Z)",
      (int)(cl->nlen < 40 ? cl->nlen : 40), cl->name,
      evpubp_ics_quote(q, s, n, 60));
    return -1;
  }
  if(vt && evpubp_ics_eqci(vt->val, vt->vlen, "DATE") && !out->t.is_date) {
    evpubp_read_error(c->rd, r->line, evpubp_ics_col(line, r, off),
                      "VALUE=DATE but '%s' is a date-time",
                      evpubp_ics_quote(q, s, n, 60));
    return -1;
  }
  if(out->t.is_date)
    return 0;
  if(utc) {
    out->utc = 1;
    out->z = icaltimezone_get_utc_timezone();
  } else if(tz) {
    out->z = resolve_tz(c, tz->val, tz->vlen, &refused);
    if(!out->z && refused)
      return -1; /* its VTIMEZONE's error was said */
    if(!out->z) {
      evpubp_read_error(
        c->rd, r->line, evpubp_ics_col(line, r, (size_t)(tz->val - line)),
        "unknown time zone '%s' (no VTIMEZONE with this TZID in "
        "the calendar and no system zone of that name)",
        evpubp_ics_quote(q, tz->val, tz->vlen, 80));
      return -1;
    }
    out->utc = out->z == icaltimezone_get_utc_timezone();
  } else {
    evpubp_ics_note(
      c, "floating", r->line,
      "floating time (no TZID, no Z) written without a UTC offset");
  }
  out->t.zone = out->z;
  return 0;
}

/* xsd:date or xsd:dateTime (with the offset in effect there) */
static void
format_tval(const struct icaltimetype *t0, const evpubp_ics_time *v, char *out,
            size_t outlen)
{
  struct icaltimetype t = *t0;
  int n;
  if(t.is_date) {
    snprintf(out, outlen, "%04d-%02d-%02d", t.year, t.month, t.day);
    return;
  }
  n = snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d", t.year, t.month,
               t.day, t.hour, t.minute, t.second);
  if(n < 0 || (size_t)n >= outlen)
    return;
  if(v->utc) {
    snprintf(out + n, outlen - (size_t)n, "Z");
  } else if(v->z) {
    int off = utc_offset(v->z, &t);
    snprintf(out + n, outlen - (size_t)n, "%c%02d:%02d", off < 0 ? '-' : '+',
             abs(off) / 3600, abs(off) % 3600 / 60);
  }
}

evpubp_node *
evpubp_ics_time_node(evpubp_ics *c, const struct icaltimetype *t,
                     const evpubp_ics_time *v, unsigned long line)
{
  char b[64];
  format_tval(t, v, b, sizeof(b));
  return evpubp_ics_str(c, b, line);
}

/* The wall time of v in the zone of ref (for comparing occurrences). */
struct icaltimetype
evpubp_ics_in_zone_of(const evpubp_ics_time *v, const evpubp_ics_time *ref)
{
  struct icaltimetype t = v->t;
  if(ref->z && v->z && ref->z != v->z && !t.is_date)
    t = evpubp_ics_to_zone(t, ref->z);
  if(ref->t.is_date)
    t.is_date = 1;
  return t;
}

/* "20221102t090000" (z appended for UTC), or "20221102" */
void
evpubp_ics_compact(const struct icaltimetype *t, int utc, char *out,
                   size_t outlen)
{
  if(t->is_date)
    snprintf(out, outlen, "%04d%02d%02d", t->year, t->month, t->day);
  else
    snprintf(out, outlen, "%04d%02d%02dt%02d%02d%02d%s", t->year, t->month,
             t->day, t->hour, t->minute, t->second, utc ? "z" : "");
}

void
evpubp_ics_xsd_duration(long secs, char *out, size_t outlen)
{
  long d = secs / 86400, h = secs % 86400 / 3600, m = secs % 3600 / 60,
       s = secs % 60;
  int n = snprintf(out, outlen, "P");
  if(d)
    n += snprintf(out + n, outlen - (size_t)n, "%ldD", d);
  if(h || m || s || !d) {
    n += snprintf(out + n, outlen - (size_t)n, "T");
    if(h)
      n += snprintf(out + n, outlen - (size_t)n, "%ldH", h);
    if(m)
      n += snprintf(out + n, outlen - (size_t)n, "%ldM", m);
    if(s || (!h && !m))
      snprintf(out + n, outlen - (size_t)n, "%ldS", s);
  }
}

void
evpubp_ics_parse_duration(evpubp_ics *c, evpubp_ics_event *e, const char *line,
                          const evpubp_ics_lrec *r, const evpubp_ics_cline *cl)
{
  struct icaldurationtype d;
  char *s = evpubp_arena_strndup(c->rd->arena, cl->val, cl->vlen);
  long secs;
  char q[EVPUBP_ICS_QUOTE_SIZE(60)];
  if(!s) {
    c->oom = 1;
    return;
  }
  d = icaldurationtype_from_string(s);
  if(icaldurationtype_is_bad_duration(d) || d.is_neg || cl->vlen > 40 ||
     d.weeks > 5000 || d.days > 36500) {
    evpubp_read_error(c->rd, r->line, evpubp_ics_col(line, r, cl->voff),
                      "invalid DURATION '%s' (expected a positive RFC 5545 "
                      "duration such as PT1H30M)",
                      evpubp_ics_quote(q, cl->val, cl->vlen, 60));
    e->bad = 1;
    return;
  }
  secs = (((long)d.weeks * 7 + (long)d.days) * 24 + (long)d.hours) * 3600 +
    (long)d.minutes * 60 + (long)d.seconds;
  if(d.hours > 1000000 || d.minutes > 60000000 || d.seconds > 2000000000U ||
     secs > 100L * 366 * 86400) {
    evpubp_read_error(c->rd, r->line, evpubp_ics_col(line, r, cl->voff),
                      "DURATION '%s' is longer than a hundred years",
                      evpubp_ics_quote(q, cl->val, cl->vlen, 60));
    e->bad = 1;
    return;
  }
  e->has_dur = 1;
  e->dursecs = secs;
  e->durline = r->line;
}

/* The span of an occurrence: seconds, or days for dates.  0 if none. */
long
evpubp_ics_span_of(const evpubp_ics_event *e)
{
  if(e->has_end) {
    struct icaltimetype en = evpubp_ics_in_zone_of(&e->end, &e->start);
    struct icaltimetype st = e->start.t;
    long d;
    en.zone = st.zone = NULL;
    d = (long)(icaltime_as_timet(en) - icaltime_as_timet(st));
    if(e->start.t.is_date)
      d /= 86400;
    return d > 0 ? d : 0;
  }
  if(e->has_dur)
    return e->start.t.is_date ? e->dursecs / 86400 : e->dursecs;
  return 0;
}

/* The inclusive end of an occurrence starting at st; 0 if none. */
int
evpubp_ics_end_of(const evpubp_ics_event *e, const struct icaltimetype *st,
                  long span, struct icaltimetype *out)
{
  struct icaltimetype t = *st;
  struct icaldurationtype d = icaldurationtype_null_duration();
  if(!e->has_end && !e->has_dur)
    return 0;
  if(st->is_date) {
    /* DTEND of an all-day event is exclusive; endDate is inclusive */
    d.days = (unsigned int)(span > 1 ? span - 1 : 0);
  } else {
    d.days = (unsigned int)(span / 86400);
    d.seconds = (unsigned int)(span % 86400);
  }
  t = icaltime_add(t, d);
  t.zone = st->zone;
  *out = t;
  return 1;
}

/* ---- VTIMEZONE rules, checked before libical expands them -------- */

/* Counts the changes a zone rule gives; the second stops a walk that
 * only asks whether there is one. */
typedef struct {
  unsigned long n, stop_at;
} zcount;

static int
zone_change(void *user, const struct icaltimetype *t)
{
  zcount *z = user;
  (void)t;
  return ++z->n == z->stop_at;
}

/* The RRULEs of the STANDARD and DAYLIGHT parts of c->cur, as libical
 * parsed them (comp), before libical expands them: it walks each one
 * from its DTSTART to the year 2582 with no bound on the work (a rule of
 * FREQ=SECONDLY from 1601 never ended).  Real zones' rules are yearly;
 * evpub reads FREQ=YEARLY with BYMONTH, BYDAY and BYMONTHDAY, that give a
 * date after DTSTART, and the rules of a calendar together may take a
 * bounded walk and give a bounded number of changes (doc/icalendar.md,
 * "Limits").  Returns 0, or -1 (reported). */
static int
check_zone_rules(evpubp_ics *c, icalcomponent *comp)
{
  const evpubp_ics_lrec *lines[64]; /* the RRULE lines, for positions */
  size_t nlines = 0, k = 0, i;
  size_t nrules = 0;
  int depth = 0, sub = 0;
  icalcomponent *part;
  char q[EVPUBP_ICS_QUOTE_SIZE(80)];
  for(i = 0; i < c->cur.nrec; i++) {
    const evpubp_ics_lrec *r = &c->cur.recs[i];
    const char *s = c->cur.text.data + r->off;
    evpubp_ics_cline cl;
    size_t off;
    if(evpubp_ics_parse_cline(s, r->len, &cl, &off))
      continue;
    if(evpubp_ics_eqci(cl.name, cl.nlen, "BEGIN")) {
      if(!depth++)
        sub = evpubp_ics_eqci(cl.val, cl.vlen, "STANDARD") ||
          evpubp_ics_eqci(cl.val, cl.vlen, "DAYLIGHT");
    } else if(evpubp_ics_eqci(cl.name, cl.nlen, "END")) {
      depth -= depth > 0;
    } else if(depth == 1 && sub &&
              evpubp_ics_eqci(cl.name, cl.nlen, "RRULE") &&
              nlines < sizeof(lines) / sizeof(*lines)) {
      lines[nlines++] = r;
    }
  }
  /* libical's rules are the lines' when there are as many */
  for(part = icalcomponent_get_first_component(comp, ICAL_ANY_COMPONENT); part;
      part = icalcomponent_get_next_component(comp, ICAL_ANY_COMPONENT))
    if(icalcomponent_isa(part) == ICAL_XSTANDARD_COMPONENT ||
       icalcomponent_isa(part) == ICAL_XDAYLIGHT_COMPONENT)
      nrules +=
        (size_t)icalcomponent_count_properties(part, ICAL_RRULE_PROPERTY);
  if(nrules != nlines)
    nlines = 0;
  for(part = icalcomponent_get_first_component(comp, ICAL_ANY_COMPONENT); part;
      part = icalcomponent_get_next_component(comp, ICAL_ANY_COMPONENT)) {
    icalcomponent_kind kind = icalcomponent_isa(part);
    struct icaltimetype st = icaltime_null_time();
    icalproperty *p;
    if(kind != ICAL_XSTANDARD_COMPONENT && kind != ICAL_XDAYLIGHT_COMPONENT)
      continue;
    for(p = icalcomponent_get_first_property(part, ICAL_DTSTART_PROPERTY); p;
        p = icalcomponent_get_next_property(part, ICAL_DTSTART_PROPERTY))
      st = icalproperty_get_dtstart(p); /* libical takes the last one */
    for(p = icalcomponent_get_first_property(part, ICAL_RRULE_PROPERTY); p;
        p = icalcomponent_get_next_property(part, ICAL_RRULE_PROPERTY)) {
      struct icalrecurrencetype rt = icalproperty_get_rrule(p);
      const char *text = icalproperty_get_value_as_string(p);
      /* where to say it: the RRULE line, when the lines and libical agree */
      unsigned long line = c->cur.line, col = 1;
      zcount zc = { 0, 2 };
      unsigned long used, left;
      int rc;
      evpubp_ics_quote(q, text ? text : "", text ? strlen(text) : 0, 80);
      if(k < nlines) {
        /* the rule as written, where it is written */
        const char *s = c->cur.text.data + lines[k]->off;
        evpubp_ics_cline cl;
        size_t off;
        if(!evpubp_ics_parse_cline(s, lines[k]->len, &cl, &off)) {
          line = lines[k]->line;
          col = evpubp_ics_col(s, lines[k], cl.voff);
          evpubp_ics_quote(q, cl.val, cl.vlen, 80);
        }
      }
      k++;
      if(rt.freq != ICAL_YEARLY_RECURRENCE || rt.rscale ||
         rt.by_second[0] != ICAL_RECURRENCE_ARRAY_MAX ||
         rt.by_minute[0] != ICAL_RECURRENCE_ARRAY_MAX ||
         rt.by_hour[0] != ICAL_RECURRENCE_ARRAY_MAX ||
         rt.by_year_day[0] != ICAL_RECURRENCE_ARRAY_MAX ||
         rt.by_week_no[0] != ICAL_RECURRENCE_ARRAY_MAX ||
         rt.by_set_pos[0] != ICAL_RECURRENCE_ARRAY_MAX) {
        evpubp_read_error(c->rd, line, col,
                          "VTIMEZONE rule '%s' is not one a time zone has "
                          "(evpub reads FREQ=YEARLY with BYMONTH, BYDAY and "
                          "BYMONTHDAY, as real zones' rules are)",
                          q);
        return -1;
      }
      if(icaltime_is_null_time(st) || st.month < 1 || st.month > 12 ||
         st.day < 1 || st.day > 31 || st.year > EVPUBP_ICS_ZONE_LAST_YEAR)
        continue; /* libical does not expand it */
      st.is_date = 0;
      st.zone = NULL;
      if(st.year < 1)
        st.year = 1;
      if(st.day > icaltime_days_in_month(st.month, st.year))
        continue;
      /* does it give a date after DTSTART at all?  (else libical looks
       * for one up to the year 20000) */
      rt.until = icaltime_null_time();
      rt.count = 0;
      left = EVPUBP_ICS_ZONE_CANDIDATES - c->zone_cand;
      rc = evpubp_ics_walk_rule(&rt, &st, EVPUBP_ICS_ZONE_LAST_YEAR, left,
                                zone_change, &zc, &used);
      c->zone_cand += used;
      if(rc == 0 && zc.n < 2) {
        evpubp_read_error(c->rd, line, col,
                          "VTIMEZONE rule '%s' gives no date after its "
                          "DTSTART (up to %d, where libical stops)",
                          q, EVPUBP_ICS_ZONE_LAST_YEAR);
        return -1;
      }
      /* the changes it gives, to its UNTIL or COUNT */
      rt = icalproperty_get_rrule(p);
      zc.n = 0;
      zc.stop_at = 0;
      if(rc != 2) {
        left = EVPUBP_ICS_ZONE_CANDIDATES - c->zone_cand;
        rc = evpubp_ics_walk_rule(&rt, &st, EVPUBP_ICS_ZONE_LAST_YEAR, left,
                                  zone_change, &zc, &used);
        c->zone_cand += used;
        c->zone_changes += zc.n;
      }
      if(rc == 2 || c->zone_changes > EVPUBP_ICS_ZONE_CHANGES) {
        evpubp_read_error(
          c->rd, line, col,
          "the VTIMEZONE rules of this calendar %s more than %lu %s (up to "
          "%d, where libical stops expanding them)",
          rc == 2 ? "take" : "give",
          rc == 2 ? EVPUBP_ICS_ZONE_CANDIDATES : EVPUBP_ICS_ZONE_CHANGES,
          rc == 2 ? "candidate dates to walk" : "changes of offset",
          EVPUBP_ICS_ZONE_LAST_YEAR);
        return -1;
      }
    }
  }
  return 0;
}

void
evpubp_ics_collect_vtimezone(evpubp_ics *c)
{
  evpubp_buf *b = &c->tmp;
  icalcomponent *comp;
  icalproperty *p;
  icaltimezone *z;
  const char *tzid;
  evpubp_map_entry *e;
  size_t i;
  evpubp_buf_reset(b);
  evpubp_buf_adds(b, "BEGIN:VTIMEZONE\r\n");
  for(i = 0; i < c->cur.nrec; i++) {
    evpubp_buf_add(b, c->cur.text.data + c->cur.recs[i].off,
                   c->cur.recs[i].len);
    evpubp_buf_adds(b, "\r\n");
  }
  evpubp_buf_adds(b, "END:VTIMEZONE\r\n");
  if(b->failed) {
    c->oom = 1;
    return;
  }
  comp = icalparser_parse_string(b->data);
  if(!comp)
    goto bad;
  if(icalcomponent_isa(comp) != ICAL_VTIMEZONE_COMPONENT) {
    icalcomponent_free(comp);
    goto bad;
  }
  p = icalcomponent_get_first_property(comp, ICAL_TZID_PROPERTY);
  tzid = p ? icalproperty_get_tzid(p) : NULL;
  if(!tzid || !*tzid ||
     (!icalcomponent_get_first_component(comp, ICAL_XSTANDARD_COMPONENT) &&
      !icalcomponent_get_first_component(comp, ICAL_XDAYLIGHT_COMPONENT))) {
    icalcomponent_free(comp);
    goto bad;
  }
  e = evpubp_map_put(&c->zones, tzid, strlen(tzid));
  if(!e) {
    icalcomponent_free(comp);
    c->oom = 1;
    return;
  }
  if(e->value) {
    icalcomponent_free(comp); /* the first definition stands */
    return;
  }
  if(check_zone_rules(c, comp)) {
    icalcomponent_free(comp);
    e->value = c; /* refused: see resolve_tz() */
    return;
  }
  z = icaltimezone_new();
  if(!z || !icaltimezone_set_component(z, comp)) {
    if(z)
      icaltimezone_free(z, 1);
    icalcomponent_free(comp);
    goto bad;
  }
  e->value = z;
  prime_zone(z);
  return;
bad:
  evpubp_read_error(
    c->rd, c->cur.line, 1,
    "invalid VTIMEZONE (libical cannot read it; it needs a TZID "
    "and STANDARD or DAYLIGHT rules)");
}

void
evpubp_ics_free_zones(evpubp_ics *c)
{
  size_t i;
  for(i = 0; i < c->zones.cap; i++)
    if(c->zones.slots && c->zones.slots[i].key && c->zones.slots[i].value &&
       c->zones.slots[i].value != (void *)c)
      icaltimezone_free(c->zones.slots[i].value, 1);
  evpubp_map_free(&c->zones);
}
