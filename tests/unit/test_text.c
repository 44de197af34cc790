/* Unit tests of slugs, folding, IRI and language tag checks. */
#include "core/core.h"
#include "unit.h"

/* slugs: the path segments of minted IRIs */
static const unit_row slug_rows[] = {
  ROW("Shanghai Jiao Tong University", "shanghai-jiao-tong-university"),
  ROW("  --Hello,   World!--  ", "hello-world"),
  ROW("UN-Habitat", "un-habitat"),
  ROW("The Development Research Center of Shanghai Municipal People's "
      "Government",
      "the-development-research-center-of-shanghai-municipal-"
      "people-s-government"),
  ROW("Städtisches Institut Nr. 5", "städtisches-institut-nr-5"),
  ROW("\xC3\x89"
      "COLE",
      "\xC3\xA9"
      "cole"), /* ÉCOLE */
  ROW("\xE5\x9F\x8E\xE5\xB8\x82 \xE8\xAE\xBA\xE5\x9D\x9B 2022",
      "\xE5\x9F\x8E\xE5\xB8\x82-\xE8\xAE\xBA\xE5\x9D\x9B-2022"),
  ROW("\xCE\xA3\xCE\x9F\xCE\xA6\xCE\x99\xCE\x91",  /* ΣΟΦΙΑ, simple */
      "\xCF\x83\xCE\xBF\xCF\x86\xCE\xB9\xCE\xB1"), /* σοφια */
  ROW("Stra\xC3\x9F"
      "e",
      "stra\xC3\x9F"
      "e"), /* ß stays (1:1) */
  ROW("!!!", ""),
  ROW("a\xF0\x9F\x98\x80"
      "b",
      "a-b"), /* emoji */
  ROW("2022 Global Cities Forum", "2022-global-cities-forum"),
};

/* folding: names compared as references */
static const unit_row fold_rows[] = {
  ROW("  Shanghai   Jiao\tTong\nUniversity ", "shanghai jiao tong university"),
  ROW("SJTU", "sjtu"),
  ROW("UN\xC2\xA0Habitat" /* NBSP */, "un habitat"),
};

/* IRI path segments */
static const unit_row segment_rows[] = {
  ROW("gcf-2022", "gcf-2022"),
  ROW("a b/c?d#e%f", "a%20b%2Fc%3Fd%23e%25f"),
  ROW("\xE5\x9F\x8E", "\xE5\x9F\x8E"),
  /* no ucschar: C1, bidi override, private use, not UTF-8 */
  ROW("a\xC2\x85"
      "b\xE2\x80\xAE"
      "c",
      "a%C2%85b%E2%80%AEc"),
  ROW("\xEE\x80\x80\xFF", "%EE%80%80%FF"),
};

/* absolute IRIs, as base and as IRI values */
static const unit_predicate_row absolute_iris[] = {
  ACCEPT("https://a.example/"),
  ACCEPT("urn:isbn:123"),
  ACCEPT("mailto:a@b.example"),
  REFUSE("www.example.org"),
  REFUSE("/relative/path"),
  REFUSE("http://a b"),
  REFUSE("http:foo"),
  REFUSE("https://"),
  REFUSE("http://x/<y>"),
  REFUSE(""),
  /* RFC 3987, character by character */
  ACCEPT("https://a.example/p?q=1&r=%C3%A9#f/g?h"),
  ACCEPT("https://\xE5\x9F\x8E.example/\xE5\x9F\x8E"),
  ACCEPT("http://user@[2001:db8::1]:8080/"),
  ACCEPT("tag:a.example,2022:x"),
  ACCEPT("https://a.example/%7e"),
  REFUSE("https://a.example/#a#b"),
  REFUSE("https://a.example/%zz"),
  REFUSE("https://a.example/%4"),
  REFUSE("https://a.example/x>y"),
  REFUSE("urn:a\x1B[31m"),
  REFUSE("urn:a\x7F"),
  REFUSE("urn:a\xC2\x85"),
  REFUSE("urn:a\xEF\xBF\xBF"),
  REFUSE("urn:a\xC3"),
  REFUSE("https://a.example:8o/"),
  REFUSE("https://a[b]/"),
  REFUSE("urn:x{y}"),
  REFUSE("ex:x> \"1\" } } ; DROP ALL"),
};

/* language tags */
static const unit_predicate_row lang_tags[] = {
  ACCEPT("en"),  ACCEPT("zh-Hans"), ACCEPT("en-GB-oxendict"),
  REFUSE("e"),   REFUSE("en_GB"),   REFUSE("en-"),
  REFUSE("123"),
};

int
main(void)
{
  CHECK_ROWS(evpubp_slug, slug_rows);
  CHECK_ROWS(evpubp_fold, fold_rows);
  CHECK_ROWS(evpubp_iri_segment, segment_rows);
  CHECK_PREDICATE(evpubp_iri_absolute, absolute_iris);
  CHECK_PREDICATE(evpubp_lang_tag, lang_tags);

  CHECK(evpubp_edit_distance("startdate", "startDate") == 0);
  CHECK(evpubp_edit_distance("orgnizer", "organizer") == 1);
  CHECK(evpubp_utf8_valid("caf\xC3\xA9", 5));
  CHECK(!evpubp_utf8_valid("caf\xC3", 4));
  return UNIT_DONE();
}
