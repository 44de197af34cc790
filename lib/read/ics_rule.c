/* read/ics_rule.c - iCalendar recurrences: RRULE to schema:Schedule,
 * and the occurrences --expand lists, with their overrides
 *
 * libical reads the rule and walks its occurrences; EXDATEs and the
 * overrides' RECURRENCE-IDs are kept as sorted wall-time keys in the
 * series' zone, so that a series with many of them costs a binary search
 * per occurrence.
 */
#include <stdlib.h>
#include <string.h>

#include "read/ics.h"

#define MAX_EXPAND 10000UL /* occurrences listed per series */

static evpubp_node *
integer(evpubp_ics *c, long v, unsigned long line)
{
  char b[32];
  int k = snprintf(b, sizeof(b), "%ld", v);
  return evpubp_ics_number(c, b, (size_t)k, line);
}

void
evpubp_ics_parse_rrule(evpubp_ics *c, evpubp_ics_event *e, const char *line,
                       const evpubp_ics_lrec *r, const evpubp_ics_cline *cl)
{
  char *s = evpubp_arena_strndup(c->rd->arena, cl->val, cl->vlen);
  struct icalrecurrencetype rt;
  size_t i;
  if(!s) {
    c->oom = 1;
    return;
  }
  if(e->has_rrule) {
    evpubp_ics_note(c, "rrule2", r->line,
                    "only the first RRULE of a VEVENT is read");
    return;
  }
  icalerror_clear_errno();
  rt = icalrecurrencetype_from_string(s);
  if(rt.rscale) {
    icalmemory_free_buffer(rt.rscale);
    rt.rscale = NULL;
    evpubp_ics_note(c, "rscale", r->line,
                    "RRULE RSCALE ignored (Gregorian only)");
  }
  for(i = 0;
      i < ICAL_BY_MONTH_SIZE && rt.by_month[i] != ICAL_RECURRENCE_ARRAY_MAX;
      i++)
    if(rt.by_month[i] < 1 || rt.by_month[i] > 12)
      rt.freq = ICAL_NO_RECURRENCE; /* libical lets BYMONTH=13 pass */
  if(rt.freq == ICAL_NO_RECURRENCE || rt.interval < 1 || rt.count < 0) {
    evpubp_read_error(c->rd, r->line, evpubp_ics_col(line, r, cl->voff),
                      "invalid RRULE '%.*s'",
                      (int)(cl->vlen < 80 ? cl->vlen : 80), cl->val);
    e->bad = 1;
    return;
  }
  e->rule = rt;
  e->has_rrule = 1;
  e->ruleline = r->line;
}

static const char *const weekdays[8] = { "",        "Sunday",    "Monday",
                                         "Tuesday", "Wednesday", "Thursday",
                                         "Friday",  "Saturday" };
static const char *const wd_abbr[8] = { "",   "SU", "MO", "TU",
                                        "WE", "TH", "FR", "SA" };

/* The subEvent of an override o of series s. */
static evpubp_node *
override_node(evpubp_ics *c, const evpubp_ics_event *o,
              const evpubp_ics_event *s, long span)
{
  evpubp_node_list m = { 0 };
  char occ[40];
  struct icaltimetype rid = evpubp_ics_in_zone_of(&o->recurid, &s->start);
  const struct icaltimetype *st = o->has_start ? &o->start.t : &rid;
  long ospan =
    o->has_start && (o->has_end || o->has_dur) ? evpubp_ics_span_of(o) : span;
  evpubp_ics_compact(&rid, s->start.utc, occ, sizeof(occ));
  evpubp_ics_kv(c, &m, "id", evpubp_ics_id_node(c, s, occ, o->line), o->line);
  evpubp_ics_common_props(c, &m, o, s, st, ospan);
  return evpubp_ics_finish(c, &m, 1, o->line);
}

static int
same_wall(const struct icaltimetype *a, const struct icaltimetype *b)
{
  return a->year == b->year && a->month == b->month && a->day == b->day &&
    (a->is_date || b->is_date ||
     (a->hour == b->hour && a->minute == b->minute && a->second == b->second));
}

/* EXDATEs as sorted wall-time keys in the series' zone, so that a
 * calendar with many of them costs a binary search per occurrence. */
typedef struct {
  long long *exact; /* date-times */
  long long *day;   /* dates: the whole day is excluded */
  size_t nexact, nday;
} exset;

static long long
wall_key(const struct icaltimetype *t, int day)
{
  long long k = ((long long)t->year * 100 + t->month) * 100 + t->day;
  if(day)
    return k * 1000000;
  return ((k * 100 + t->hour) * 100 + t->minute) * 100 + t->second;
}

static int
cmp_ll(const void *a, const void *b)
{
  long long x = *(const long long *)a, y = *(const long long *)b;
  return x < y ? -1 : x > y;
}

static int
exset_build(exset *x, const evpubp_ics_event *s)
{
  size_t i;
  memset(x, 0, sizeof(*x));
  if(!s->nex)
    return 0;
  x->exact = malloc(s->nex * sizeof(*x->exact));
  x->day = malloc(s->nex * sizeof(*x->day));
  if(!x->exact || !x->day)
    return -1;
  for(i = 0; i < s->nex; i++) {
    struct icaltimetype t = evpubp_ics_in_zone_of(&s->ex[i], &s->start);
    if(t.is_date)
      x->day[x->nday++] = wall_key(&t, 1);
    else
      x->exact[x->nexact++] = wall_key(&t, 0);
  }
  qsort(x->exact, x->nexact, sizeof(*x->exact), cmp_ll);
  qsort(x->day, x->nday, sizeof(*x->day), cmp_ll);
  return 0;
}

static void
exset_free(exset *x)
{
  free(x->exact);
  free(x->day);
}

/* Is occurrence t (in the series' zone) removed by an EXDATE? */
static int
excluded(const exset *x, const struct icaltimetype *t)
{
  long long k;
  if(x->nday) {
    k = wall_key(t, 1);
    if(bsearch(&k, x->day, x->nday, sizeof(k), cmp_ll))
      return 1;
  }
  if(x->nexact && !t->is_date) {
    k = wall_key(t, 0);
    if(bsearch(&k, x->exact, x->nexact, sizeof(k), cmp_ll))
      return 1;
  }
  return 0;
}

/* repeatFrequency: the rule's interval as an xsd:duration */
static void
frequency(evpubp_ics *c, evpubp_node_list *m,
          const struct icalrecurrencetype *r, unsigned long l)
{
  char b[64];
  const char *unit = "D";
  switch(r->freq) {
  case ICAL_SECONDLY_RECURRENCE: unit = "S"; break;
  case ICAL_MINUTELY_RECURRENCE: unit = "M"; break;
  case ICAL_HOURLY_RECURRENCE: unit = "H"; break;
  case ICAL_WEEKLY_RECURRENCE: unit = "W"; break;
  case ICAL_MONTHLY_RECURRENCE: unit = "M"; break;
  case ICAL_YEARLY_RECURRENCE: unit = "Y"; break;
  default: break;
  }
  snprintf(b, sizeof(b), "P%s%ld%s",
           r->freq < ICAL_DAILY_RECURRENCE ? "T" : "", (long)r->interval,
           unit);
  evpubp_ics_kv(c, m, "repeatFrequency", evpubp_ics_str(c, b, l), l);
}

/* byDay, byMonthDay, byMonth; a note for the BY parts schema.org lacks */
static void
by_parts(evpubp_ics *c, evpubp_node_list *m,
         const struct icalrecurrencetype *r, unsigned long l)
{
  evpubp_node_list days = { 0 }, mdays = { 0 }, months = { 0 };
  char b[64];
  size_t i;
  for(i = 0; i < ICAL_BY_DAY_SIZE && r->by_day[i] != ICAL_RECURRENCE_ARRAY_MAX;
      i++) {
    int wd = (int)icalrecurrencetype_day_day_of_week(r->by_day[i]);
    int pos = icalrecurrencetype_day_position(r->by_day[i]);
    if(wd < 1 || wd > 7)
      continue;
    if(!pos) {
      evpubp_node_list_push(&days, evpubp_ics_str(c, weekdays[wd], l));
    } else {
      /* schema.org's byDay also takes iCal's own BYDAY text */
      snprintf(b, sizeof(b), "%d%s", pos, wd_abbr[wd]);
      evpubp_node_list_push(&days, evpubp_ics_str(c, b, l));
    }
  }
  evpubp_ics_kv_list(c, m, "byDay", &days, l);
  for(i = 0; i < ICAL_BY_MONTHDAY_SIZE &&
      r->by_month_day[i] != ICAL_RECURRENCE_ARRAY_MAX;
      i++) {
    if(r->by_month_day[i] > 0)
      evpubp_node_list_push(&mdays, integer(c, r->by_month_day[i], l));
    else
      evpubp_ics_note(
        c, "negmonthday", l,
        "RRULE BYMONTHDAY=%d (counted from the month's end) cannot be "
        "said with schema.org byMonthDay; left out",
        (int)r->by_month_day[i]);
  }
  evpubp_ics_kv_list(c, m, "byMonthDay", &mdays, l);
  for(i = 0;
      i < ICAL_BY_MONTH_SIZE && r->by_month[i] != ICAL_RECURRENCE_ARRAY_MAX;
      i++)
    evpubp_node_list_push(&months, integer(c, r->by_month[i], l));
  evpubp_ics_kv_list(c, m, "byMonth", &months, l);
  if(r->by_set_pos[0] != ICAL_RECURRENCE_ARRAY_MAX ||
     r->by_year_day[0] != ICAL_RECURRENCE_ARRAY_MAX ||
     r->by_week_no[0] != ICAL_RECURRENCE_ARRAY_MAX ||
     r->by_hour[0] != ICAL_RECURRENCE_ARRAY_MAX ||
     r->by_minute[0] != ICAL_RECURRENCE_ARRAY_MAX ||
     r->by_second[0] != ICAL_RECURRENCE_ARRAY_MAX)
    evpubp_ics_note(
      c, "byother", l,
      "RRULE BYSETPOS/BYYEARDAY/BYWEEKNO/BYHOUR/BYMINUTE/BYSECOND "
      "cannot be said with schema.org Schedule; left out (the expand "
      "option lists the occurrences)");
}

/* startDate and endDate (the days of the first occurrence and of
 * UNTIL); startTime, endTime and scheduleTimezone when timed */
static void
schedule_times(evpubp_ics *c, evpubp_node_list *m, const evpubp_ics_event *s,
               long span, unsigned long l)
{
  const struct icalrecurrencetype *r = &s->rule;
  struct icaltimetype d = s->start.t, en;
  char b[64];
  d.is_date = 1;
  evpubp_ics_kv(c, m, "startDate", evpubp_ics_time_node(c, &d, &s->start, l),
                l);
  if(!icaltime_is_null_time(r->until)) {
    evpubp_ics_time u;
    memset(&u, 0, sizeof(u));
    u.t = r->until;
    if(icaltime_is_utc(r->until)) {
      u.z = icaltimezone_get_utc_timezone();
      u.t.zone = u.z;
      u.utc = 1;
    }
    d = evpubp_ics_in_zone_of(&u, &s->start);
    d.is_date = 1;
    evpubp_ics_kv(c, m, "endDate", evpubp_ics_time_node(c, &d, &s->start, l),
                  l);
  }
  if(s->start.t.is_date)
    return;
  snprintf(b, sizeof(b), "%02d:%02d:%02d", s->start.t.hour, s->start.t.minute,
           s->start.t.second);
  evpubp_ics_kv(c, m, "startTime", evpubp_ics_str(c, b, l), l);
  if(evpubp_ics_end_of(s, &s->start.t, span, &en)) {
    snprintf(b, sizeof(b), "%02d:%02d:%02d", en.hour, en.minute, en.second);
    evpubp_ics_kv(c, m, "endTime", evpubp_ics_str(c, b, l), l);
  }
  if(s->start.utc)
    evpubp_ics_kv(c, m, "scheduleTimezone", evpubp_ics_str(c, "UTC", l), l);
  else if(s->tzid)
    evpubp_ics_kv(c, m, "scheduleTimezone",
                  evpubp_ics_scalar(c, s->tzid, s->tzidlen, l), l);
}

/* exceptDate: the EXDATEs, and the occurrences an override cancels or
 * moves (they do not take place as scheduled) */
static void
except_dates(evpubp_ics *c, evpubp_node_list *m, const evpubp_ics_event *s,
             const evpubp_ics_event *ovr, size_t novr, unsigned long l)
{
  evpubp_node_list ex = { 0 };
  size_t i;
  for(i = 0; i < s->nex; i++) {
    struct icaltimetype x = evpubp_ics_in_zone_of(&s->ex[i], &s->start);
    evpubp_node_list_push(
      &ex, evpubp_ics_time_node(c, &x, &s->start, s->ex[i].line));
  }
  for(i = 0; i < novr; i++) {
    struct icaltimetype x;
    const evpubp_ics_event *o = &ovr[i];
    int moved = 0;
    if(o->bad)
      continue;
    x = evpubp_ics_in_zone_of(&o->recurid, &s->start);
    if(o->has_start) {
      struct icaltimetype os = evpubp_ics_in_zone_of(&o->start, &s->start);
      moved = !same_wall(&os, &x);
    }
    if(o->cancelled || moved)
      evpubp_node_list_push(
        &ex, evpubp_ics_time_node(c, &x, &s->start, o->recurid.line));
  }
  evpubp_ics_kv_list(c, m, "exceptDate", &ex, l);
}

evpubp_node *
evpubp_ics_schedule_node(evpubp_ics *c, const evpubp_ics_event *s,
                         const evpubp_ics_event *ovr, size_t novr, long span)
{
  evpubp_node_list m = { 0 };
  unsigned long l = s->ruleline;
  char b[64];
  evpubp_ics_kv(c, &m, "type", evpubp_ics_str(c, "Schedule", l), l);
  frequency(c, &m, &s->rule, l);
  by_parts(c, &m, &s->rule, l);
  if(s->rule.count > 0)
    evpubp_ics_kv(c, &m, "repeatCount", integer(c, s->rule.count, l), l);
  schedule_times(c, &m, s, span, l);
  except_dates(c, &m, s, ovr, novr, l);
  if(s->has_end || s->has_dur) {
    if(s->start.t.is_date)
      evpubp_ics_xsd_duration(span * 86400, b, sizeof(b));
    else
      evpubp_ics_xsd_duration(span, b, sizeof(b));
    evpubp_ics_kv(c, &m, "duration", evpubp_ics_str(c, b, l), l);
  }
  return evpubp_ics_finish(c, &m, 1, l);
}

/* The overrides of a series, with their RECURRENCE-IDs as sorted keys
 * (wall time in the series' zone) for a binary search per occurrence. */
typedef struct {
  long long key;
  size_t i; /* the override */
} okey;

typedef struct {
  const evpubp_ics_event *ovr;
  size_t n;
  unsigned char *used;
  okey *keys; /* sorted by key */
} ovset;

static int
cmp_okey(const void *a, const void *b)
{
  const okey *x = a, *y = b;
  if(x->key != y->key)
    return x->key < y->key ? -1 : 1;
  return x->i < y->i ? -1 : x->i > y->i;
}

static int
ovset_build(ovset *o, const evpubp_ics_event *s)
{
  size_t i;
  if(!o->n)
    return 0;
  o->keys = malloc(o->n * sizeof(*o->keys));
  if(!o->keys)
    return -1;
  for(i = 0; i < o->n; i++) {
    struct icaltimetype x =
      evpubp_ics_in_zone_of(&o->ovr[i].recurid, &s->start);
    o->keys[i].key = o->ovr[i].bad ? -1 : wall_key(&x, x.is_date);
    o->keys[i].i = i;
  }
  qsort(o->keys, o->n, sizeof(*o->keys), cmp_okey);
  return 0;
}

/* The first unused override of occurrence t, or NULL. */
static const evpubp_ics_event *
ovset_find(ovset *o, const struct icaltimetype *t)
{
  long long k = wall_key(t, t->is_date);
  size_t lo = 0, hi = o->n;
  while(lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if(o->keys[mid].key < k)
      lo = mid + 1;
    else
      hi = mid;
  }
  for(; lo < o->n && o->keys[lo].key == k; lo++) {
    size_t i = o->keys[lo].i;
    if(!o->used[i]) {
      o->used[i] = 1;
      return &o->ovr[i];
    }
  }
  return NULL;
}

/* One occurrence t of series s (an override when one matches) into subs.
 * Returns 1. */
static unsigned long
occurrence(evpubp_ics *c, const evpubp_ics_event *s, ovset *ov, long span,
           const struct icaltimetype *t, evpubp_node_list *subs)
{
  evpubp_node *sub = NULL;
  char occ[40];
  const evpubp_ics_event *o = ovset_find(ov, t);
  if(o)
    sub = override_node(c, o, s, span);
  if(!sub) {
    evpubp_node_list m = { 0 };
    struct icaltimetype en;
    evpubp_ics_compact(t, s->start.utc, occ, sizeof(occ));
    evpubp_ics_kv(c, &m, "id", evpubp_ics_id_node(c, s, occ, s->ruleline),
                  s->ruleline);
    if(s->name)
      evpubp_ics_kv(c, &m, "name", s->name, s->name->line);
    evpubp_ics_kv(c, &m, "startDate",
                  evpubp_ics_time_node(c, t, &s->start, s->ruleline),
                  s->ruleline);
    if(evpubp_ics_end_of(s, t, span, &en))
      evpubp_ics_kv(c, &m, "endDate",
                    evpubp_ics_time_node(c, &en, &s->start, s->ruleline),
                    s->ruleline);
    sub = evpubp_ics_finish(c, &m, 1, s->ruleline);
  }
  evpubp_node_list_push(subs, sub);
  return 1;
}

/* The first n occurrences (overrides applied) into subs. */
static void
expand(evpubp_ics *c, const evpubp_ics_event *s, ovset *ov, long span,
       unsigned long n, evpubp_node_list *subs)
{
  struct icalrecurrencetype rule = s->rule;
  icalrecur_iterator *it;
  unsigned long listed = 0, steps = 0, maxsteps, total = 0;
  exset ex;
  if(!icaltime_is_null_time(rule.until) && icaltime_is_utc(rule.until) &&
     !s->start.utc && s->start.z) {
    /* compare UNTIL with the wall times of the series' zone */
    struct icaltimetype u = rule.until;
    u.zone = icaltimezone_get_utc_timezone();
    rule.until = icaltime_convert_to_zone(u, s->start.z);
  }
  if(s->start.t.is_date && !icaltime_is_null_time(rule.until))
    rule.until.is_date = 1;
  if(exset_build(&ex, s)) {
    exset_free(&ex);
    c->oom = 1;
    return;
  }
  {
    struct icaltimetype st = s->start.t;
    st.zone = NULL;
    rule.until.zone = NULL;
    it = icalrecur_iterator_new(rule, st);
  }
  if(!it) {
    exset_free(&ex);
    evpubp_ics_note(c, "noexpand", s->ruleline,
                    "this RRULE cannot be expanded by libical; no occurrences "
                    "listed");
    return;
  }
  maxsteps = n + (unsigned long)s->nex + 2;
  while(listed < n && steps < maxsteps && !c->oom) {
    struct icaltimetype t = icalrecur_iterator_next(it);
    steps++;
    if(icaltime_is_null_time(t)) {
      if(steps == 1 && !excluded(&ex, &s->start.t))
        listed += occurrence(c, s, ov, span, &s->start.t, subs);
      break;
    }
    t.zone = s->start.z;
    t.is_date = s->start.t.is_date;
    if(steps == 1 && !same_wall(&t, &s->start.t)) {
      /* RFC 5545 3.8.5.3: DTSTART is always the first occurrence, also
       * when it does not match the rule (libical skips it then) */
      total++;
      if(!excluded(&ex, &s->start.t))
        listed += occurrence(c, s, ov, span, &s->start.t, subs);
      if(listed >= n)
        break;
    }
    if(rule.count > 0 && total >= (unsigned long)rule.count)
      break;
    total++;
    if(excluded(&ex, &t))
      continue;
    listed += occurrence(c, s, ov, span, &t, subs);
  }
  icalrecur_iterator_free(it);
  exset_free(&ex);
}

void
evpubp_ics_subevents(evpubp_ics *c, const evpubp_ics_event *e,
                     const evpubp_ics_event *ovr, size_t novr, long span,
                     evpubp_node_list *subs)
{
  ovset ov;
  size_t i;
  memset(&ov, 0, sizeof(ov));
  ov.ovr = ovr;
  ov.n = novr;
  if(novr) {
    ov.used = calloc(novr, 1);
    if(!ov.used || ovset_build(&ov, e)) {
      c->oom = 1;
      goto done;
    }
  }
  if(c->rd->expand && e->has_rrule) {
    unsigned long n = c->rd->expand;
    if(n > MAX_EXPAND) {
      evpubp_ics_note(c, "expandcap", e->ruleline,
                      "expand %lu capped at %lu occurrences per series", n,
                      MAX_EXPAND);
      n = MAX_EXPAND;
    }
    expand(c, e, &ov, span, n, subs);
  }
  for(i = 0; i < novr; i++)
    if(!ov.used[i] && !ovr[i].bad)
      evpubp_node_list_push(subs, override_node(c, &ovr[i], e, span));
done:
  free(ov.used);
  free(ov.keys);
}
