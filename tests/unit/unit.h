/* unit.h - a minimal unit test harness */
#ifndef UNIT_H
#define UNIT_H
#include <stdio.h>
#include <string.h>

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

#define UNIT_DONE()                                                           \
  (printf("%d passed, %d failed\n", unit_passed, unit_failed),                \
   unit_failed ? 1 : 0)
#endif
