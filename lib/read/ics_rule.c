/* read/ics_rule.c - iCalendar recurrences: RRULE to schema:Schedule,
 * and the occurrences --expand lists, with their overrides
 *
 * libical reads the rule; evpub walks its occurrences (below: libical's
 * own iterator has no bound on the work a rule may take).  EXDATEs and
 * the overrides' RECURRENCE-IDs are kept as sorted wall-time keys in the
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
  char q[EVPUBP_ICS_QUOTE_SIZE(80)];
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
                      "invalid RRULE '%s'",
                      evpubp_ics_quote(q, cl->val, cl->vlen, 80));
    e->bad = 1;
    return;
  }
  e->rule = rt;
  e->has_rrule = 1;
  e->ruleline = r->line;
  e->rulecol = evpubp_ics_col(line, r, cl->voff);
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

/* ---- the walk of a rule (RFC 5545 3.3.10), bounded ------------------
 *
 * libical's iterator steps a rule a second, a minute or a day at a time
 * until the BY parts match, with no bound but the year 2582: a rule that
 * never matches (FREQ=SECONDLY;BYMONTH=2;BYMONTHDAY=30) spins for hours
 * in one call.  So evpub walks rules itself, as RFC 5545 describes them
 * (and as python-dateutil does): period after period (a year, a month, a
 * week, a day, an hour, a minute, a second), the days of the period that
 * every BY part admits, times them the times of the day, BYSETPOS, then
 * COUNT and UNTIL; and it counts the candidate dates it looks at.  A day
 * that a rule finer than daily does not admit is skipped whole. */

#define DAY 86400LL

typedef struct {
  int wd, n; /* weekday (0 Monday), position (never 0) */
} nwday;

typedef struct {
  icalrecurrencetype_frequency freq;
  long long interval, start, until; /* start, until: seconds */
  long count;
  int has_until, is_date, wkst, last_year;
  long d0; /* the start's day */
  int y0, m0, md0, h0, mi0, s0;
  unsigned char month[13], mday[32], nmday[32], yday[367], nyday[367];
  unsigned char wday[7], hour[24], minute[60], second[60];
  int has_month, has_mday, has_yday, has_wday, has_hour, has_minute,
    has_second;
  short weekno[ICAL_BY_WEEKNO_SIZE];
  size_t nweekno;
  nwday nwd[ICAL_BY_DAY_SIZE];
  size_t nnwd;
  short setpos[ICAL_BY_SETPOS_SIZE];
  size_t nsetpos;
  int *times; /* DAILY and coarser: the times of a day, sorted */
  size_t ntimes;
  int mins[60], secs[60]; /* finer: the minutes, seconds an hour expands to */
  size_t nmins, nsecs;
  /* the walk */
  unsigned long cand, max_cand;
  long total; /* occurrences so far, for COUNT */
  evpubp_ics_occurrence_cb cb;
  void *user;
  /* the period's masks, by day from its first */
  long first;
  unsigned char wno[380], nwdmask[380];
} rwalk;

enum { W_GO = 0, W_END, W_STOP, W_SPENT };

/* Days since 0000-03-01 (proleptic Gregorian, as RFC 5545 counts), so
 * that every day of the years 1 to 9999 is a positive number. */
static long
days_from_civil(long y, int m, int d)
{
  long era, yoe, doy, doe;
  y -= m <= 2;
  era = y / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe;
}

static void
civil_from_days(long z, int *y, int *m, int *d)
{
  long era, doe, yoe, doy, mp, yy;
  era = z / 146097;
  doe = z - era * 146097;
  yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  yy = yoe + era * 400;
  doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  mp = (5 * doy + 2) / 153;
  *d = (int)(doy - (153 * mp + 2) / 5 + 1);
  *m = (int)(mp < 10 ? mp + 3 : mp - 9);
  *y = (int)(yy + (*m <= 2));
}

static int
leap(int y)
{
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
month_days(int y, int m)
{
  static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  return m == 2 && leap(y) ? 29 : d[m - 1];
}

/* 0 Monday .. 6 Sunday (0000-03-01, day 0, was a Wednesday) */
static int
weekday(long day)
{
  return (int)((day + 2) % 7);
}

/* libical's weekday (1 Sunday .. 7 Saturday) as 0 Monday .. 6 Sunday */
static int
ical_wd(int v)
{
  return (v + 5) % 7;
}

/* Does every day-level BY part admit day D?  (The period's masks are
 * those of the period that holds D.) */
static int
day_ok(const rwalk *w, long D)
{
  int y, m, d;
  civil_from_days(D, &y, &m, &d);
  if(w->has_month && !w->month[m])
    return 0;
  if(w->nweekno && !w->wno[D - w->first])
    return 0;
  /* BYDAY=MO,1TU: every Monday, and the first Tuesday */
  if((w->has_wday || w->nnwd) && !(w->has_wday && w->wday[weekday(D)]) &&
     !(w->nnwd && w->nwdmask[D - w->first]))
    return 0;
  if(w->has_mday && !w->mday[d] && !w->nmday[month_days(y, m) - d + 1])
    return 0;
  if(w->has_yday) {
    long yd = D - days_from_civil(y, 1, 1) + 1;
    long diy = 365 + leap(y);
    if(!w->yday[yd] && !w->nyday[diy - yd + 1])
      return 0;
  }
  return 1;
}

/* The nth weekdays of the days first..last (a month or a year) into the
 * period's mask. */
static void
mark_nwdays(rwalk *w, long first, long last)
{
  size_t i;
  for(i = 0; i < w->nnwd; i++) {
    long d;
    if(w->nwd[i].n > 0) {
      d = first + (w->nwd[i].n - 1) * 7L;
      d += (7 - weekday(d) + w->nwd[i].wd) % 7;
    } else {
      d = last + (w->nwd[i].n + 1) * 7L;
      d -= (weekday(d) - w->nwd[i].wd + 7) % 7;
    }
    if(d >= first && d <= last)
      w->nwdmask[d - w->first] = 1;
  }
}

static int
pmod7(int v)
{
  return ((v % 7) + 7) % 7;
}

/* BYWEEKNO of year y into the period's mask: weeks start on WKST, and
 * week 1 is the first with at least four days of the year (RFC 5545
 * 3.3.10; the computation is python-dateutil's). */
static void
mark_weeknos(rwalk *w, int y)
{
  int yearlen = 365 + leap(y), ywd = weekday(days_from_civil(y, 1, 1));
  int no1wkst, firstwkst, wyearlen, numweeks, lnumweeks = -1, has1 = 0;
  int hasm1 = 0;
  size_t k;
  int i, j;
  no1wkst = firstwkst = pmod7(7 - ywd + w->wkst);
  if(no1wkst >= 4) {
    no1wkst = 0;
    wyearlen = yearlen + pmod7(ywd - w->wkst);
  } else {
    wyearlen = yearlen - no1wkst;
  }
  numweeks = wyearlen / 7 + wyearlen % 7 / 4;
  for(k = 0; k < w->nweekno; k++) {
    int n = w->weekno[k];
    has1 |= n == 1;
    hasm1 |= n == -1;
    if(n < 0)
      n += numweeks + 1;
    if(n < 1 || n > numweeks)
      continue;
    if(n > 1) {
      i = no1wkst + (n - 1) * 7;
      if(no1wkst != firstwkst)
        i -= 7 - firstwkst;
    } else {
      i = no1wkst;
    }
    for(j = 0; j < 7 && i < yearlen + 7; j++) {
      w->wno[i++] = 1;
      if(pmod7(ywd + i) == w->wkst)
        break;
    }
  }
  if(has1) {
    /* week 1 of the next year may begin in this one */
    i = no1wkst + numweeks * 7;
    if(no1wkst != firstwkst)
      i -= 7 - firstwkst;
    for(j = 0; j < 7 && i < yearlen; j++) {
      w->wno[i++] = 1;
      if(pmod7(ywd + i) == w->wkst)
        break;
    }
  }
  if(no1wkst) {
    /* the days before week 1 belong to the last week of the year before */
    if(!hasm1) {
      int lywd = weekday(days_from_civil(y - 1, 1, 1));
      int lno1wkst = pmod7(7 - lywd + w->wkst);
      int lyearlen = 365 + leap(y - 1);
      if(lno1wkst >= 4)
        lnumweeks = 52 + (lyearlen + pmod7(lywd - w->wkst)) % 7 / 4;
      else
        lnumweeks = 52 + (yearlen - no1wkst) % 7 / 4;
    }
    for(k = 0; k < w->nweekno; k++)
      if(w->weekno[k] == lnumweeks || (hasm1 && w->weekno[k] == -1)) {
        for(i = 0; i < no1wkst; i++)
          w->wno[i] = 1;
        break;
      }
  }
}

static int
cmp_ll2(const void *a, const void *b)
{
  long long x = *(const long long *)a, y = *(const long long *)b;
  return x < y ? -1 : x > y;
}

/* One occurrence at t (seconds): before the start it is not one (and
 * the start itself was handed over first). */
static int
emit_one(rwalk *w, long long t)
{
  struct icaltimetype it = icaltime_null_time();
  long sod;
  if(t <= w->start)
    return W_GO;
  if(w->has_until && t > w->until)
    return W_END;
  if(w->count > 0 && w->total >= w->count)
    return W_END;
  w->total++;
  sod = (long)(((t % DAY) + DAY) % DAY);
  civil_from_days((long)((t - sod) / DAY), &it.year, &it.month, &it.day);
  if(w->is_date) {
    it.is_date = 1;
  } else {
    it.hour = (int)(sod / 3600);
    it.minute = (int)(sod / 60 % 60);
    it.second = (int)(sod % 60);
  }
  return w->cb(w->user, &it) ? W_STOP : W_GO;
}

/* One more candidate date looked at; W_SPENT when there is none left. */
static int
spend(rwalk *w)
{
  return ++w->cand > w->max_cand ? W_SPENT : W_GO;
}

/* The times of a period's days: DAILY and coarser, those of w->times;
 * HOURLY, hour h with the minutes and seconds it expands to; MINUTELY,
 * minute h:m with its seconds; SECONDLY, h:m:s alone. */
typedef struct {
  int h, m, s;
} tset;

static size_t
tset_count(const rwalk *w)
{
  switch(w->freq) {
  case ICAL_HOURLY_RECURRENCE: return w->nmins * w->nsecs;
  case ICAL_MINUTELY_RECURRENCE: return w->nsecs;
  case ICAL_SECONDLY_RECURRENCE: return 1;
  default: return w->ntimes;
  }
}

static int
tset_at(const rwalk *w, const tset *t, size_t i)
{
  switch(w->freq) {
  case ICAL_HOURLY_RECURRENCE:
    return t->h * 3600 + w->mins[i / w->nsecs] * 60 + w->secs[i % w->nsecs];
  case ICAL_MINUTELY_RECURRENCE: return t->h * 3600 + t->m * 60 + w->secs[i];
  case ICAL_SECONDLY_RECURRENCE: return t->h * 3600 + t->m * 60 + t->s;
  default: return w->times[i];
  }
}

/* The occurrences of one period: its admitted days times the times of
 * t, or the BYSETPOS positions of that set.  Each day and time looked at
 * is a candidate (the days before the start's are passed over whole). */
static int
emit_period(rwalk *w, const long *days, size_t ndays, const tset *t)
{
  size_t i, j, ntm = tset_count(w);
  int rc;
  if(!ndays || !ntm)
    return W_GO;
  if(w->nsetpos) {
    long long keys[ICAL_BY_SETPOS_SIZE];
    long long total = (long long)ndays * (long long)ntm;
    size_t n = 0;
    for(i = 0; i < w->nsetpos; i++) {
      long long idx =
        w->setpos[i] > 0 ? w->setpos[i] - 1 : total + w->setpos[i];
      if(idx < 0 || idx >= total)
        continue;
      keys[n++] = days[idx / (long long)ntm] * DAY +
        tset_at(w, t, (size_t)(idx % (long long)ntm));
    }
    qsort(keys, n, sizeof(*keys), cmp_ll2);
    for(i = 0; i < n; i++) {
      if(i && keys[i] == keys[i - 1])
        continue;
      rc = emit_one(w, keys[i]);
      if(rc)
        return rc;
    }
    return W_GO;
  }
  for(i = 0; i < ndays; i++) {
    if(days[i] < w->d0)
      continue;
    for(j = 0; j < ntm; j++) {
      rc = spend(w);
      if(!rc)
        rc = emit_one(w, days[i] * DAY + tset_at(w, t, j));
      if(rc)
        return rc;
    }
  }
  return W_GO;
}

/* The days first..last of a period, those admitted into days.  The
 * period is a candidate, and each day of it in a month BYMONTH admits. */
static int
period_days(rwalk *w, long first, long last, long *days, size_t *ndays)
{
  long D;
  int y, m, d;
  *ndays = 0;
  if(spend(w))
    return W_SPENT;
  for(D = first; D <= last; D++) {
    civil_from_days(D, &y, &m, &d);
    if(y > w->last_year)
      break;
    if(w->has_month && !w->month[m]) {
      D += month_days(y, m) - d; /* the rest of the month: not admitted */
      continue;
    }
    if(spend(w))
      return W_SPENT;
    if(day_ok(w, D))
      days[(*ndays)++] = D;
  }
  return W_GO;
}

/* YEARLY, MONTHLY, WEEKLY and DAILY: period after period. */
static int
walk_periods(rwalk *w)
{
  long days[372];
  size_t ndays;
  long long k;
  int rc;
  tset ts = { 0, 0, 0 };
  for(k = 0;; k++) {
    long first, last;
    int y, m, d;
    memset(w->wno, 0, sizeof(w->wno));
    memset(w->nwdmask, 0, sizeof(w->nwdmask));
    switch(w->freq) {
    case ICAL_YEARLY_RECURRENCE: {
      long long yy = w->y0 + k * w->interval;
      if(yy > w->last_year)
        return W_END;
      y = (int)yy;
      first = days_from_civil(y, 1, 1);
      last = days_from_civil(y, 12, 31);
      w->first = first;
      if(w->nweekno)
        mark_weeknos(w, y);
      if(w->nnwd && w->has_month) {
        for(m = 1; m <= 12; m++)
          if(w->month[m])
            mark_nwdays(w, days_from_civil(y, m, 1),
                        days_from_civil(y, m, month_days(y, m)));
      } else if(w->nnwd) {
        mark_nwdays(w, first, last);
      }
      break;
    }
    case ICAL_MONTHLY_RECURRENCE: {
      long long mm = (long long)w->y0 * 12 + w->m0 - 1 + k * w->interval;
      if(mm / 12 > w->last_year)
        return W_END;
      y = (int)(mm / 12);
      m = (int)(mm % 12) + 1;
      first = days_from_civil(y, m, 1);
      last = first + month_days(y, m) - 1;
      w->first = first;
      if(w->nnwd)
        mark_nwdays(w, first, last);
      break;
    }
    case ICAL_WEEKLY_RECURRENCE:
      first =
        w->d0 - pmod7(weekday(w->d0) - w->wkst) + (long)(k * 7 * w->interval);
      last = first + 6;
      w->first = first;
      break;
    default: /* DAILY */
      first = last = w->d0 + (long)(k * w->interval);
      w->first = first;
      break;
    }
    civil_from_days(first, &y, &m, &d);
    if(y > w->last_year)
      return W_END;
    rc = period_days(w, first, last, days, &ndays);
    if(!rc)
      rc = emit_period(w, days, ndays, &ts);
    if(rc)
      return rc;
  }
}

/* The first unit (hour, minute, second) at or after `at` that the rule
 * steps on. */
static long long
step_to(const rwalk *w, long long p0, long long at)
{
  long long k = (at - p0 + w->interval - 1) / w->interval;
  return p0 + (k > 0 ? k : 0) * w->interval;
}

/* HOURLY, MINUTELY, SECONDLY: unit after unit; a day, an hour or a
 * minute the rule does not admit is skipped whole. */
static int
walk_units(rwalk *w)
{
  long long per = w->freq == ICAL_HOURLY_RECURRENCE ? 3600
    : w->freq == ICAL_MINUTELY_RECURRENCE           ? 60
                                                    : 1;
  long long upd = DAY / per, p0 = w->start / per, p = p0;
  long lastday = -1;
  int dayok = 0;
  for(;;) {
    long D = (long)(p / upd);
    long long sod = (p % upd) * per;
    int h = (int)(sod / 3600), mi = (int)(sod / 60 % 60), s = (int)(sod % 60);
    tset ts;
    int rc;
    if(spend(w))
      return W_SPENT;
    if(D != lastday) {
      int y, m, d;
      civil_from_days(D, &y, &m, &d);
      if(y > w->last_year)
        return W_END;
      lastday = D;
      w->first = D;
      dayok = day_ok(w, D);
    }
    if(!dayok) {
      p = step_to(w, p0, (D + 1) * upd);
      continue;
    }
    if(w->has_hour && !w->hour[h]) {
      p = step_to(w, p0, ((long long)D * DAY + (h + 1) * 3600LL) / per);
      continue;
    }
    if(w->has_minute && !w->minute[mi] && w->freq != ICAL_HOURLY_RECURRENCE) {
      p = step_to(w, p0,
                  ((long long)D * DAY + h * 3600LL + (mi + 1) * 60LL) / per);
      continue;
    }
    if(w->has_second && !w->second[s] && w->freq == ICAL_SECONDLY_RECURRENCE) {
      p += w->interval;
      continue;
    }
    ts.h = h;
    ts.m = mi;
    ts.s = s;
    rc = emit_period(w, &D, 1, &ts);
    if(rc)
      return rc;
    p += w->interval;
  }
}

/* A BY list of libical's (ended by ICAL_RECURRENCE_ARRAY_MAX unless
 * full) into flags: positive values into pos, negative ones into neg
 * (as counted from the end); out of range values are dropped. */
static int
by_flags(const short *a, size_t size, unsigned char *pos, unsigned char *neg,
         int lo, int hi)
{
  size_t i;
  int any = 0;
  for(i = 0; i < size && a[i] != ICAL_RECURRENCE_ARRAY_MAX; i++) {
    int v = a[i];
    any = 1;
    if(v >= lo && v <= hi && (v > 0 || lo == 0))
      pos[v] = 1;
    else if(neg && v < 0 && -v <= hi)
      neg[-v] = 1;
  }
  return any;
}

/* The rule and its start as the walk needs them (the defaults of RFC
 * 5545 taken from the start).  Returns 0, or -1 when the rule cannot be
 * walked. */
static int
rwalk_init(rwalk *w, const struct icalrecurrencetype *r,
           const struct icaltimetype *st)
{
  size_t i;
  int f = r->freq;
  int finer = f == ICAL_SECONDLY_RECURRENCE || f == ICAL_MINUTELY_RECURRENCE ||
    f == ICAL_HOURLY_RECURRENCE;
  memset(w, 0, sizeof(*w));
  w->freq = r->freq;
  w->interval = r->interval > 0 ? r->interval : 1;
  w->count = r->count > 0 ? r->count : 0;
  w->is_date = st->is_date;
  w->wkst = r->week_start >= ICAL_SUNDAY_WEEKDAY &&
      r->week_start <= ICAL_SATURDAY_WEEKDAY
    ? ical_wd(r->week_start)
    : 0;
  w->y0 = st->year;
  w->m0 = st->month;
  w->md0 = st->day;
  if(!st->is_date) {
    w->h0 = st->hour;
    w->mi0 = st->minute;
    w->s0 = st->second;
  }
  w->d0 = days_from_civil(st->year, st->month, st->day);
  w->start = w->d0 * DAY + w->h0 * 3600 + w->mi0 * 60 + w->s0;
  if(!icaltime_is_null_time(r->until)) {
    long ud = days_from_civil(r->until.year, r->until.month, r->until.day);
    w->has_until = 1;
    w->until = r->until.is_date || st->is_date
      ? ud * DAY + DAY - 1 /* a date: the whole day */
      : ud * DAY + r->until.hour * 3600 + r->until.minute * 60 +
        r->until.second;
  }
  if(f < ICAL_SECONDLY_RECURRENCE || f > ICAL_YEARLY_RECURRENCE ||
     (finer && st->is_date))
    return -1;
  /* a start that is no date or time (libical's parser lets some pass) */
  if(st->year < 1 || st->year > 9999 || st->month < 1 || st->month > 12 ||
     st->day < 1 || st->day > month_days(st->year, st->month) || w->h0 < 0 ||
     w->h0 > 23 || w->mi0 < 0 || w->mi0 > 59 || w->s0 < 0 || w->s0 > 59)
    return -1;
  w->has_month =
    by_flags(r->by_month, ICAL_BY_MONTH_SIZE, w->month, NULL, 1, 12);
  w->has_mday =
    by_flags(r->by_month_day, ICAL_BY_MONTHDAY_SIZE, w->mday, w->nmday, 1, 31);
  w->has_yday =
    by_flags(r->by_year_day, ICAL_BY_YEARDAY_SIZE, w->yday, w->nyday, 1, 366);
  w->has_hour = by_flags(r->by_hour, ICAL_BY_HOUR_SIZE, w->hour, NULL, 0, 23);
  w->has_minute =
    by_flags(r->by_minute, ICAL_BY_MINUTE_SIZE, w->minute, NULL, 0, 59);
  w->has_second =
    by_flags(r->by_second, ICAL_BY_SECOND_SIZE, w->second, NULL, 0, 59);
  for(i = 0;
      i < ICAL_BY_WEEKNO_SIZE && r->by_week_no[i] != ICAL_RECURRENCE_ARRAY_MAX;
      i++)
    if(r->by_week_no[i] && abs(r->by_week_no[i]) <= 53)
      w->weekno[w->nweekno++] = r->by_week_no[i];
  for(i = 0;
      i < ICAL_BY_SETPOS_SIZE && r->by_set_pos[i] != ICAL_RECURRENCE_ARRAY_MAX;
      i++)
    if(r->by_set_pos[i])
      w->setpos[w->nsetpos++] = r->by_set_pos[i];
  for(i = 0; i < ICAL_BY_DAY_SIZE && r->by_day[i] != ICAL_RECURRENCE_ARRAY_MAX;
      i++) {
    int wd = (int)icalrecurrencetype_day_day_of_week(r->by_day[i]);
    int pos = icalrecurrencetype_day_position(r->by_day[i]);
    if(wd < ICAL_SUNDAY_WEEKDAY || wd > ICAL_SATURDAY_WEEKDAY)
      continue;
    /* a position means something in a month or a year only */
    if(!pos || (f != ICAL_MONTHLY_RECURRENCE && f != ICAL_YEARLY_RECURRENCE)) {
      w->wday[ical_wd(wd)] = 1;
      w->has_wday = 1;
    } else {
      w->nwd[w->nnwd].wd = ical_wd(wd);
      w->nwd[w->nnwd++].n = pos;
    }
  }
  /* the BY parts RFC 5545 leaves undefined for this FREQ */
  if((w->nweekno && f != ICAL_YEARLY_RECURRENCE) ||
     (w->has_yday &&
      (f == ICAL_DAILY_RECURRENCE || f == ICAL_WEEKLY_RECURRENCE ||
       f == ICAL_MONTHLY_RECURRENCE)) ||
     (w->has_mday && f == ICAL_WEEKLY_RECURRENCE))
    return -1;
  /* what the rule does not say is said by the start */
  if(!w->nweekno && !w->has_yday && !w->has_mday && !w->has_wday && !w->nnwd) {
    if(f == ICAL_YEARLY_RECURRENCE) {
      if(!w->has_month)
        w->month[w->m0] = w->has_month = 1;
      w->mday[w->md0] = w->has_mday = 1;
    } else if(f == ICAL_MONTHLY_RECURRENCE) {
      w->mday[w->md0] = w->has_mday = 1;
    } else if(f == ICAL_WEEKLY_RECURRENCE) {
      w->wday[weekday(w->d0)] = w->has_wday = 1;
    }
  }
  if(w->is_date) {
    w->has_hour = w->has_minute = w->has_second = 0; /* no times */
    return 0;
  }
  if(!w->has_hour && !finer)
    w->hour[w->h0] = 1;
  if(!w->has_minute && (!finer || f == ICAL_HOURLY_RECURRENCE))
    w->minute[w->mi0] = 1;
  if(!w->has_second && f != ICAL_SECONDLY_RECURRENCE)
    w->second[w->s0] = 1;
  return 0;
}

int
evpubp_ics_walk_rule(const struct icalrecurrencetype *rule,
                     const struct icaltimetype *start, int last_year,
                     unsigned long max_candidates, evpubp_ics_occurrence_cb cb,
                     void *user, unsigned long *used)
{
  rwalk *w = malloc(sizeof(*w));
  size_t i;
  int rc;
  *used = 0;
  if(!w)
    return -2;
  if(rwalk_init(w, rule, start)) {
    free(w);
    return -1;
  }
  w->last_year = last_year;
  w->max_cand = max_candidates;
  w->cb = cb;
  w->user = user;
  w->total = 1;
  for(i = 0; i < 60; i++) {
    if(w->minute[i])
      w->mins[w->nmins++] = (int)i;
    if(w->second[i])
      w->secs[w->nsecs++] = (int)i;
  }
  if(w->freq >= ICAL_DAILY_RECURRENCE) {
    /* the times of each day of a period: all of them, sorted */
    size_t h, m, s;
    w->times = malloc(w->is_date ? sizeof(int) : 24 * 60 * 60 * sizeof(int));
    if(!w->times) {
      free(w);
      return -2;
    }
    if(w->is_date)
      w->times[w->ntimes++] = 0;
    else
      for(h = 0; h < 24; h++)
        for(m = 0; m < 60; m++)
          for(s = 0; s < 60; s++)
            if(w->hour[h] && w->minute[m] && w->second[s])
              w->times[w->ntimes++] = (int)(h * 3600 + m * 60 + s);
  }
  /* the start is the first occurrence, whether the rule gives it or not
   * (RFC 5545 3.8.5.3); it counts in COUNT */
  if(cb(user, start))
    rc = W_STOP;
  else if(w->freq >= ICAL_DAILY_RECURRENCE)
    rc = walk_periods(w);
  else
    rc = walk_units(w);
  *used = w->cand;
  free(w->times);
  free(w);
  return rc == W_END ? 0 : rc == W_STOP ? 1 : 2;
}

/* What expand() hands the walk. */
typedef struct {
  evpubp_ics *c;
  const evpubp_ics_event *s;
  ovset *ov;
  const exset *ex;
  long span;
  unsigned long n, listed, given; /* given: by the walk, listed or not */
  evpubp_node_list *subs;
} expansion;

static int
expand_one(void *user, const struct icaltimetype *t0)
{
  expansion *x = user;
  struct icaltimetype t = *t0;
  t.zone = x->s->start.z;
  t.is_date = x->s->start.t.is_date;
  x->given++;
  if(!excluded(x->ex, &t))
    x->listed += occurrence(x->c, x->s, x->ov, x->span, &t, x->subs);
  return x->listed >= x->n || x->c->oom;
}

/* The first n occurrences (overrides applied) into subs. */
static void
expand(evpubp_ics *c, const evpubp_ics_event *s, ovset *ov, long span,
       unsigned long n, evpubp_node_list *subs)
{
  struct icalrecurrencetype rule = s->rule;
  struct icaltimetype st = s->start.t;
  exset ex;
  expansion x;
  unsigned long used;
  unsigned long budget =
    EVPUBP_ICS_CANDIDATES_BASE + EVPUBP_ICS_CANDIDATES_PER * n;
  int rc;
  if(!icaltime_is_null_time(rule.until) && icaltime_is_utc(rule.until) &&
     !s->start.utc && s->start.z) {
    /* compare UNTIL with the wall times of the series' zone */
    struct icaltimetype u = rule.until;
    u.zone = icaltimezone_get_utc_timezone();
    rule.until = evpubp_ics_to_zone(u, s->start.z);
  }
  if(s->start.t.is_date && !icaltime_is_null_time(rule.until))
    rule.until.is_date = 1;
  if(exset_build(&ex, s)) {
    exset_free(&ex);
    c->oom = 1;
    return;
  }
  memset(&x, 0, sizeof(x));
  x.c = c;
  x.s = s;
  x.ov = ov;
  x.ex = &ex;
  x.span = span;
  x.n = n;
  x.subs = subs;
  st.zone = NULL;
  rc = evpubp_ics_walk_rule(&rule, &st, EVPUBP_ICS_LAST_YEAR, budget,
                            expand_one, &x, &used);
  exset_free(&ex);
  if(rc == -2) {
    c->oom = 1;
  } else if(rc == -1) {
    evpubp_ics_note(c, "noexpand", s->ruleline,
                    "this RRULE cannot be expanded (a BY part RFC 5545 does "
                    "not define for its FREQ, or a date with a FREQ finer "
                    "than DAILY); no occurrences listed");
  } else if(rc == 2 && x.given > 1) {
    evpubp_read_error(c->rd, s->ruleline, s->rulecol,
                      "RRULE gave %lu of the %lu occurrences asked for within "
                      "%lu candidate dates (the limit for expand %lu)",
                      x.listed, n, budget, n);
  } else if(rc == 2) {
    evpubp_read_error(c->rd, s->ruleline, s->rulecol,
                      "RRULE gave no occurrence after DTSTART within %lu "
                      "candidate dates (the limit for expand %lu)",
                      budget, n);
  }
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
