/* unit.h - a minimal unit test harness */
#ifndef UNIT_H
#define UNIT_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

static int unit_failed = 0, unit_passed = 0;

#define CHECK(cond)                                                           \
  do {                                                                        \
    if(cond)                                                                  \
      unit_passed++;                                                          \
    else {                                                                    \
      unit_failed++;                                                          \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__,        \
              #cond);                                                         \
    }                                                                         \
  } while(0)

#define CHECK_STR(got, want)                                                  \
  do {                                                                        \
    const char *g_ = (got), *w_ = (want);                                     \
    if(g_ && w_ && !strcmp(g_, w_))                                           \
      unit_passed++;                                                          \
    else {                                                                    \
      unit_failed++;                                                          \
      fprintf(stderr, "%s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, \
              g_ ? g_ : "(null)", w_ ? w_ : "(null)");                        \
    }                                                                         \
  } while(0)

/* Tables of the functions that write into an evpubp_buf (escapers, slugs):
 * a row is an input, with its length (it may hold NUL bytes), and what must
 * be written for it.  CHECK_ROWS(writer, rows) checks every row. */
typedef int (*unit_writer)(evpubp_buf *out, const char *s, size_t n);
typedef struct {
  const char *in;
  size_t len;
  const char *want;
} unit_row;
#define ROW(in, want)                                                         \
  {                                                                           \
    (in), sizeof(in) - 1, (want)                                              \
  }

/* what w writes for s[n], as a new string (to be freed) */
static inline char *
unit_write(unit_writer w, const char *s, size_t n)
{
  evpubp_buf b;
  evpubp_buf_init(&b);
  evpubp_buf_adds(&b, "");
  w(&b, s, n);
  return b.data;
}

static inline void
unit_check_rows(unit_writer w, const char *name, const unit_row *rows,
                size_t nrows)
{
  size_t i;
  for(i = 0; i < nrows; i++) {
    char *got = unit_write(w, rows[i].in, rows[i].len);
    if(got && !strcmp(got, rows[i].want))
      unit_passed++;
    else {
      unit_failed++;
      fprintf(stderr, "%s, row %zu (\"%s\"): got \"%s\", want \"%s\"\n", name,
              i + 1, rows[i].in, got ? got : "(null)", rows[i].want);
    }
    free(got);
  }
}
#define CHECK_ROWS(w, rows)                                                   \
  unit_check_rows((w), #w, (rows), sizeof(rows) / sizeof((rows)[0]))

/* Tables of predicates on a string: a row is an input and whether the
 * predicate accepts it.  CHECK_PREDICATE(predicate, rows). */
typedef int (*unit_predicate)(const char *s, size_t n);
typedef struct {
  const char *in;
  size_t len;
  int want;
} unit_predicate_row;
#define ACCEPT(in)                                                            \
  {                                                                           \
    (in), sizeof(in) - 1, 1                                                   \
  }
#define REFUSE(in)                                                            \
  {                                                                           \
    (in), sizeof(in) - 1, 0                                                   \
  }

static inline void
unit_check_predicate(unit_predicate p, const char *name,
                     const unit_predicate_row *rows, size_t nrows)
{
  size_t i;
  for(i = 0; i < nrows; i++) {
    if(!p(rows[i].in, rows[i].len) == !rows[i].want)
      unit_passed++;
    else {
      unit_failed++;
      fprintf(stderr, "%s, row %zu: \"%s\" should be %s\n", name, i + 1,
              rows[i].in, rows[i].want ? "accepted" : "refused");
    }
  }
}
#define CHECK_PREDICATE(p, rows)                                              \
  unit_check_predicate((p), #p, (rows), sizeof(rows) / sizeof((rows)[0]))

#define UNIT_DONE()                                                           \
  (printf("%d passed, %d failed\n", unit_passed, unit_failed),                \
   unit_failed ? 1 : 0)
#endif
