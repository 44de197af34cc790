/* map/report.h - where the map stage's findings go
 *
 * The index and the validator do not know who counts their findings,
 * applies an error limit or logs them: they hand each one to a reporter.
 * The mapper is one; a unit test can be another.
 */
#ifndef EVPUB_MAP_REPORT_H
#define EVPUB_MAP_REPORT_H

#include "core/core.h"

typedef enum { EVPUBP_WARNING = 0, EVPUBP_ERROR = 1 } evpubp_severity;

typedef struct {
  /* A finding at file:line:col (file NULL and line 0: nowhere in
   * particular); file and text are borrowed for the call.  Returns
   * nonzero once no more findings are wanted (too many errors), so that
   * the caller stops looking. */
  int (*report)(void *user, evpubp_severity sev, const char *file,
                unsigned long line, unsigned long col, const char *text);
  void *user;
} evpubp_reporter;

/* Format a finding (at most 899 bytes are kept) and hand it to rep.
 * Returns what rep->report returns. */
int evpubp_vreport(const evpubp_reporter *rep, evpubp_severity sev,
                   const char *file, unsigned long line, unsigned long col,
                   const char *fmt, va_list ap)
#ifdef __GNUC__
  __attribute__((format(printf, 6, 0)))
#endif
  ;

/* A short, printable form of s[0..n) for messages, into out: at most 60
 * bytes, control characters as '?', cut on a UTF-8 boundary with "...".
 * Returns out. */
const char *evpubp_quote(char *out, size_t outlen, const char *s, size_t n);

#endif /* EVPUB_MAP_REPORT_H */
