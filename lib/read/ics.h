/* read/ics.h - the iCalendar reader's parts (private to read/ics*.c)
 *
 * ics_lex.c   physical lines, unfolding, content lines, TEXT values
 * ics_time.c  dates, times, time zones (VTIMEZONE, zoneinfo), durations
 * ics_rule.c  RRULE: schema:Schedule, --expand's occurrences, overrides
 * ics.c       VEVENTs parsed and mapped to trees; the two-pass driver
 */
#ifndef EVPUB_READ_ICS_H
#define EVPUB_READ_ICS_H

#include <libical/ical.h>

#include "read/read.h"

#define EVPUBP_ICS_MAX_LINE ((size_t)1 << 20) /* one unfolded content line */
#define EVPUBP_ICS_MAX_PARAMS 32              /* parameters of one property */
/* The limits of the work a rule may take (doc/icalendar.md, "Limits"):
 * the candidate dates looked at to expand a series into N occurrences
 * (BASE + PER * N: a rule that gives nothing costs about what listing its
 * occurrences would), and the years and changes the rules of a
 * calendar's VTIMEZONEs may give together. */
#define EVPUBP_ICS_CANDIDATES_BASE 100000UL
#define EVPUBP_ICS_CANDIDATES_PER 1000UL
#define EVPUBP_ICS_LAST_YEAR 9999 /* occurrences are not listed after it */
#define EVPUBP_ICS_ZONE_CANDIDATES 5000000UL
#define EVPUBP_ICS_ZONE_CHANGES 100000UL
/* libical expands a zone's rules up to this year and no further */
#define EVPUBP_ICS_ZONE_LAST_YEAR 2582

/* ---- physical and logical lines ------------------------------------ */
typedef struct {
  FILE *fp;
  char buf[1 << 16];
  size_t pos, len;
  int eof, err, at_start;
  unsigned long phys; /* physical lines read */
  evpubp_buf held;    /* the physical line read ahead */
  unsigned long held_line;
  int has_held, held_long;
} evpubp_ics_lreader;

/* ---- content lines --------------------------------------------------- */
typedef struct {
  const char *name;
  size_t nlen;
  const char *val;
  size_t vlen;
} evpubp_ics_param;

typedef struct {
  const char *name;
  size_t nlen;
  evpubp_ics_param params[EVPUBP_ICS_MAX_PARAMS];
  size_t nparams;
  const char *val;
  size_t vlen;
  size_t voff; /* offset of the value in the line */
} evpubp_ics_cline;

/* ---- raw components: their content lines, kept for later -------- */
typedef struct {
  size_t off, len;    /* in the text */
  unsigned long line; /* first physical line */
  size_t firstlen;    /* bytes on that line */
} evpubp_ics_lrec;

typedef struct {
  evpubp_buf text; /* the lines, each NUL-terminated */
  evpubp_ics_lrec *recs;
  size_t nrec, cap;
  unsigned long line; /* BEGIN:VEVENT */
} evpubp_ics_raw;

/* ---- the reader's state ---------------------------------------------- */
typedef struct evpubp_ics {
  const evpubp_read_ctx *rd; /* its arena holds one VEVENT's nodes */
  int pass;                  /* 1: collect, 2: hand over */
  int rc;                    /* a callback's nonzero result, or -1: stop */
  int oom;
  evpubp_map uids;    /* UID -> its series and overrides (ics.c) */
  evpubp_map zones;   /* TZID -> icaltimezone* of a VTIMEZONE */
  evpubp_map noted;   /* kinds of skipped things already noted */
  evpubp_ics_raw cur; /* the VEVENT or VTIMEZONE being read */
  evpubp_buf tmp;
  unsigned long zone_cand, zone_changes; /* the VTIMEZONE rules so far */
} evpubp_ics;

/* ---- dates and times ---------------------------------------------- */
typedef struct {
  struct icaltimetype t; /* wall time; t.zone set when z is */
  icaltimezone *z;       /* NULL: floating, or a date */
  int utc;
  unsigned long line;
} evpubp_ics_time;

/* ---- one VEVENT, parsed -------------------------------------------- */
typedef struct {
  unsigned long line; /* BEGIN:VEVENT */
  const char *uid;    /* NUL-terminated, in the arena */
  size_t uidlen;
  unsigned long uidline;
  evpubp_node *name, *description, *url, *locname, *lat, *lon, *status;
  unsigned long locline, geoline;
  int has_start, has_end, has_dur, has_rrule, has_recurid, cancelled;
  evpubp_ics_time start, end, recurid;
  const char *tzid; /* DTSTART's TZID as written, or NULL */
  size_t tzidlen;
  long dursecs; /* DURATION, in seconds */
  unsigned long durline;
  struct icalrecurrencetype rule;
  unsigned long ruleline, rulecol;
  evpubp_node_list keywords, organizers, attendees;
  evpubp_ics_time *ex;
  size_t nex, capex;
  int bad; /* an error was reported */
} evpubp_ics_event;

/* ---- ics_lex.c ------------------------------------------------------ */
/* s[n] equals lit, ASCII case folded; or starts with it */
int evpubp_ics_eqci(const char *s, size_t n, const char *lit);
int evpubp_ics_prefixci(const char *s, size_t n, const char *lit);
/* A character of a property or parameter name (RFC 5545 3.1) */
int evpubp_ics_name_char(int c);
void evpubp_ics_lr_start(evpubp_ics_lreader *lr, FILE *fp);
/* One unfolded content line into cur.  *line: its first physical line;
 * *firstlen: the bytes of cur that come from that line; *toolong: it was
 * cut.  Returns 1, 0 at the end, -1 on a read or memory error. */
int evpubp_ics_logical_line(evpubp_ics_lreader *lr, evpubp_buf *cur,
                            unsigned long *line, size_t *firstlen,
                            int *toolong);
/* Split a content line (RFC 5545 3.1).  Returns NULL, or a message with
 * *erroff the offset it is about. */
const char *evpubp_ics_parse_cline(const char *s, size_t n,
                                   evpubp_ics_cline *c, size_t *erroff);
const evpubp_ics_param *evpubp_ics_get_param(const evpubp_ics_cline *c,
                                             const char *name);
/* What a message quotes of the input: at most max bytes of s[n] (not
 * cutting a UTF-8 character), the control characters (C0, DEL, C1) and
 * the bytes that are not UTF-8 written \xHH, so that a message never
 * carries a terminal escape.  out must hold 4 * max + 1 bytes; returns
 * out. */
#define EVPUBP_ICS_QUOTE_SIZE(max) (4 * (max) + 1)
const char *evpubp_ics_quote(char *out, const char *s, size_t n, size_t max);
/* Column (1-based, in characters) of offset off of a logical line. */
unsigned long evpubp_ics_col(const char *s, const evpubp_ics_lrec *r,
                             size_t off);
void evpubp_ics_raw_free(evpubp_ics_raw *r);
int evpubp_ics_raw_add(evpubp_ics_raw *r, const char *s, size_t n,
                       unsigned long line, size_t firstlen);
int evpubp_ics_raw_copy(evpubp_ics_raw *dst, const evpubp_ics_raw *src);
/* A TEXT value unescaped (RFC 5545 3.3.11), as a node. */
evpubp_node *evpubp_ics_text_node(evpubp_ics *c, const char *s, size_t n,
                                  unsigned long line);
/* A TEXT property's value: NULL when blank; a language map with a
 * LANGUAGE parameter. */
evpubp_node *evpubp_ics_text_prop(evpubp_ics *c, const evpubp_ics_cline *cl,
                                  unsigned long line);
/* fp itself when it can seek back to *start, else a temporary copy
 * (*own set; NULL when none can be made). */
FILE *evpubp_ics_seekable(FILE *fp, long *start, int *own);

/* ---- ics_time.c ----------------------------------------------------- */
/* The value s[n] of property cl (on logical line `line`, record r) as a
 * date or date-time with its zone.  Returns 0, or -1 (reported). */
int evpubp_ics_parse_time(evpubp_ics *c, const char *line,
                          const evpubp_ics_lrec *r, const evpubp_ics_cline *cl,
                          const char *s, size_t n, evpubp_ics_time *out);
/* t (a wall time of v's zone) as xsd:date or xsd:dateTime */
evpubp_node *evpubp_ics_time_node(evpubp_ics *c, const struct icaltimetype *t,
                                  const evpubp_ics_time *v,
                                  unsigned long line);
/* t (its zone set) as a wall time of zone to; a year after 2582 (where
 * libical stops computing zones) as the same year 400s earlier. */
struct icaltimetype evpubp_ics_to_zone(struct icaltimetype t,
                                       icaltimezone *to);
/* The wall time of v in the zone of ref (for comparing occurrences). */
struct icaltimetype evpubp_ics_in_zone_of(const evpubp_ics_time *v,
                                          const evpubp_ics_time *ref);
/* "20221102t090000" (z appended for UTC), or "20221102" */
void evpubp_ics_compact(const struct icaltimetype *t, int utc, char *out,
                        size_t outlen);
void evpubp_ics_xsd_duration(long secs, char *out, size_t outlen);
void evpubp_ics_parse_duration(evpubp_ics *c, evpubp_ics_event *e,
                               const char *line, const evpubp_ics_lrec *r,
                               const evpubp_ics_cline *cl);
/* The span of an occurrence: seconds, or days for dates.  0 if none. */
long evpubp_ics_span_of(const evpubp_ics_event *e);
/* The inclusive end of an occurrence starting at st; 0 if none. */
int evpubp_ics_end_of(const evpubp_ics_event *e, const struct icaltimetype *st,
                      long span, struct icaltimetype *out);
/* The VTIMEZONE in c->cur into c->zones (pass 1). */
void evpubp_ics_collect_vtimezone(evpubp_ics *c);
void evpubp_ics_free_zones(evpubp_ics *c);

/* ---- ics_rule.c ----------------------------------------------------- */
/* An occurrence t (a wall time without zone; a date when the series'
 * start is one) of a rule walk; nonzero stops the walk. */
typedef int (*evpubp_ics_occurrence_cb)(void *user,
                                        const struct icaltimetype *t);
/* Walk rule from start (its first occurrence, always: RFC 5545
 * 3.8.5.3), calling cb for each occurrence in order, while the year is
 * at most last_year and at most max_candidates candidate dates (a day
 * of a period, or a time of a rule finer than daily) are looked at.
 * UNTIL is compared as a wall time.  Returns 0 when the rule ended
 * (COUNT, UNTIL, last_year), 1 when cb stopped it, 2 when the candidates
 * ran out, -1 when the rule cannot be walked (a BY part RFC 5545 does not
 * define for its FREQ, a DATE start with a FREQ finer than DAILY), -2 when
 * out of memory.  *used: the candidates looked at. */
int evpubp_ics_walk_rule(const struct icalrecurrencetype *rule,
                         const struct icaltimetype *start, int last_year,
                         unsigned long max_candidates,
                         evpubp_ics_occurrence_cb cb, void *user,
                         unsigned long *used);
void evpubp_ics_parse_rrule(evpubp_ics *c, evpubp_ics_event *e,
                            const char *line, const evpubp_ics_lrec *r,
                            const evpubp_ics_cline *cl);
/* The Schedule of series s with its overrides ovr[novr]. */
evpubp_node *evpubp_ics_schedule_node(evpubp_ics *c, const evpubp_ics_event *s,
                                      const evpubp_ics_event *ovr, size_t novr,
                                      long span);
/* The subEvents of series e into subs: its first occurrences when
 * --expand asks (an override replacing its occurrence), then the
 * overrides not listed so. */
void evpubp_ics_subevents(evpubp_ics *c, const evpubp_ics_event *e,
                          const evpubp_ics_event *ovr, size_t novr, long span,
                          evpubp_node_list *subs);

/* ---- ics.c: trees --------------------------------------------------- */
/* A note, once per kind per file (and only in the second pass). */
void evpubp_ics_note(evpubp_ics *c, const char *kind, unsigned long line,
                     const char *fmt, ...)
#ifdef __GNUC__
  __attribute__((format(printf, 4, 5)))
#endif
  ;
/* Nodes in c's arena; NULL (and c->oom) when out of memory.  A number is
 * plain, as YAML writes numbers. */
evpubp_node *evpubp_ics_scalar(evpubp_ics *c, const char *s, size_t len,
                               unsigned long line);
evpubp_node *evpubp_ics_str(evpubp_ics *c, const char *s, unsigned long line);
evpubp_node *evpubp_ics_number(evpubp_ics *c, const char *s, size_t len,
                               unsigned long line);
/* The list l as a node (a mapping of key, value pairs when map). */
evpubp_node *evpubp_ics_finish(evpubp_ics *c, evpubp_node_list *l, int map,
                               unsigned long line);
/* Key and value into mapping m; nothing when v is NULL. */
void evpubp_ics_kv(evpubp_ics *c, evpubp_node_list *m, const char *key,
                   evpubp_node *v, unsigned long line);
/* A list value: the only item itself when there is one. */
void evpubp_ics_kv_list(evpubp_ics *c, evpubp_node_list *m, const char *key,
                        evpubp_node_list *l, unsigned long line);
/* The properties every event tree has (not the id, not the schedule). */
void evpubp_ics_common_props(evpubp_ics *c, evpubp_node_list *m,
                             const evpubp_ics_event *e,
                             const evpubp_ics_event *series,
                             const struct icaltimetype *st, long span);
/* id = slug of the UID, plus "-" and the occurrence when occ. */
evpubp_node *evpubp_ics_id_node(evpubp_ics *c, const evpubp_ics_event *e,
                                const char *occ, unsigned long line);

#endif /* EVPUB_READ_ICS_H */
