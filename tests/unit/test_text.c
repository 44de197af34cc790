/* Unit tests of slugs, folding, IRI and language tag checks. */
#include <stdlib.h>

#include "core/core.h"
#include "unit.h"

static char *
slug(const char *s)
{
  evpubp_buf b;
  evpubp_buf_init(&b);
  evpubp_buf_adds(&b, "");
  evpubp_slug(&b, s, strlen(s));
  return b.data;
}

static char *
fold(const char *s)
{
  evpubp_buf b;
  evpubp_buf_init(&b);
  evpubp_buf_adds(&b, "");
  evpubp_fold(&b, s, strlen(s));
  return b.data;
}

static char *
seg(const char *s)
{
  evpubp_buf b;
  evpubp_buf_init(&b);
  evpubp_buf_adds(&b, "");
  evpubp_iri_segment(&b, s, strlen(s));
  return b.data;
}

#define S(fn, in, want)                                                       \
  do {                                                                        \
    char *r = fn(in);                                                         \
    CHECK_STR(r, want);                                                       \
    free(r);                                                                  \
  } while(0)

int
main(void)
{
  S(slug, "Shanghai Jiao Tong University", "shanghai-jiao-tong-university");
  S(slug, "  --Hello,   World!--  ", "hello-world");
  S(slug, "UN-Habitat", "un-habitat");
  S(slug,
    "The Development Research Center of Shanghai Municipal People's "
    "Government",
    "the-development-research-center-of-shanghai-municipal-"
    "people-s-government");
  S(slug, "Städtisches Institut Nr. 5", "städtisches-institut-nr-5");
  S(slug,
    "\xC3\x89"
    "COLE",
    "\xC3\xA9"
    "cole"); /* ÉCOLE */
  S(slug, "\xE5\x9F\x8E\xE5\xB8\x82 \xE8\xAE\xBA\xE5\x9D\x9B 2022",
    "\xE5\x9F\x8E\xE5\xB8\x82-\xE8\xAE\xBA\xE5\x9D\x9B-2022");
  S(slug, "\xCE\xA3\xCE\x9F\xCE\xA6\xCE\x99\xCE\x91", /* ΣΟΦΙΑ, simple */
    "\xCF\x83\xCE\xBF\xCF\x86\xCE\xB9\xCE\xB1");      /* σοφια */
  S(slug,
    "Stra\xC3\x9F"
    "e",
    "stra\xC3\x9F"
    "e"); /* ß stays (1:1) */
  S(slug, "!!!", "");
  S(slug,
    "a\xF0\x9F\x98\x80"
    "b",
    "a-b"); /* emoji */
  S(slug, "2022 Global Cities Forum", "2022-global-cities-forum");

  S(fold, "  Shanghai   Jiao\tTong\nUniversity ",
    "shanghai jiao tong university");
  S(fold, "SJTU", "sjtu");
  S(fold, "UN\xC2\xA0Habitat", "un habitat"); /* NBSP */

  S(seg, "gcf-2022", "gcf-2022");
  S(seg, "a b/c?d#e%f", "a%20b%2Fc%3Fd%23e%25f");
  S(seg, "\xE5\x9F\x8E", "\xE5\x9F\x8E");

  CHECK(evpubp_iri_absolute("https://a.example/", 18));
  CHECK(evpubp_iri_absolute("urn:isbn:123", 12));
  CHECK(evpubp_iri_absolute("mailto:a@b.example", 18));
  CHECK(!evpubp_iri_absolute("www.example.org", 15));
  CHECK(!evpubp_iri_absolute("/relative/path", 14));
  CHECK(!evpubp_iri_absolute("http://a b", 10));
  CHECK(!evpubp_iri_absolute("http:foo", 8));
  CHECK(!evpubp_iri_absolute("https://", 8));
  CHECK(!evpubp_iri_absolute("http://x/<y>", 12));
  CHECK(!evpubp_iri_absolute("", 0));

  CHECK(evpubp_lang_tag("en", 2));
  CHECK(evpubp_lang_tag("zh-Hans", 7));
  CHECK(evpubp_lang_tag("en-GB-oxendict", 14));
  CHECK(!evpubp_lang_tag("e", 1));
  CHECK(!evpubp_lang_tag("en_GB", 5));
  CHECK(!evpubp_lang_tag("en-", 3));
  CHECK(!evpubp_lang_tag("123", 3));

  CHECK(evpubp_edit_distance("startdate", "startDate") == 0);
  CHECK(evpubp_edit_distance("orgnizer", "organizer") == 1);
  CHECK(evpubp_utf8_valid("caf\xC3\xA9", 5));
  CHECK(!evpubp_utf8_valid("caf\xC3", 4));
  return UNIT_DONE();
}
