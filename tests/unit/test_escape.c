/* Unit tests of the Turtle / N-Triples escaping (evpub_escape.c). */
#include <stdlib.h>

#include "core/core.h"
#include "unit.h"

static char *
esc(const char *s, size_t n)
{
  evpubp_buf b;
  evpubp_buf_init(&b);
  evpubp_buf_adds(&b, "");
  evpubp_escape_nt_string(&b, s, n);
  return b.data;
}

static char *
esc_iri(const char *s)
{
  evpubp_buf b;
  evpubp_buf_init(&b);
  evpubp_buf_adds(&b, "");
  evpubp_escape_iri(&b, s, strlen(s));
  return b.data;
}

static char *
esc_json(const char *s, size_t n, int html)
{
  evpubp_buf b;
  evpubp_buf_init(&b);
  evpubp_buf_adds(&b, "");
  evpubp_escape_json_string(&b, s, n, html);
  return b.data;
}

static char *
esc_sparql(const char *s, size_t n)
{
  evpubp_buf b;
  evpubp_buf_init(&b);
  evpubp_buf_adds(&b, "");
  evpubp_escape_sparql_string(&b, s, n);
  return b.data;
}

static char *
esc_url(const char *s)
{
  evpubp_buf b;
  evpubp_buf_init(&b);
  evpubp_buf_adds(&b, "");
  evpubp_escape_url_component(&b, s, strlen(s));
  return b.data;
}

#define SPARQL(in, want)                                                      \
  do {                                                                        \
    char *got_ = esc_sparql(in, sizeof(in) - 1);                              \
    CHECK_STR(got_, want);                                                    \
    free(got_);                                                               \
  } while(0)

#define URL(in, want)                                                         \
  do {                                                                        \
    char *got_ = esc_url(in);                                                 \
    CHECK_STR(got_, want);                                                    \
    free(got_);                                                               \
  } while(0)

#define JSON(in, html, want)                                                  \
  do {                                                                        \
    char *got_ = esc_json(in, sizeof(in) - 1, html);                          \
    CHECK_STR(got_, want);                                                    \
    free(got_);                                                               \
  } while(0)

#define ESC(in, want)                                                         \
  do {                                                                        \
    char *got_ = esc(in, sizeof(in) - 1);                                     \
    CHECK_STR(got_, want);                                                    \
    free(got_);                                                               \
  } while(0)

typedef int (*escaper)(evpubp_buf *, const char *, size_t);

/* escape s[n] with f; malloc'd */
static char *
esc_with(escaper f, const char *s, size_t n)
{
  evpubp_buf b;
  evpubp_buf_init(&b);
  evpubp_buf_adds(&b, "");
  f(&b, s, n);
  return b.data;
}

#define ESC_WITH(f, in, want)                                                 \
  do {                                                                        \
    char *got_ = esc_with(f, in, sizeof(in) - 1);                             \
    CHECK_STR(got_, want);                                                    \
    free(got_);                                                               \
  } while(0)

/* a TSV field escaped and unescaped is the field again */
static void
tsv_round_trip(const char *in, size_t n)
{
  char *e = esc_with(evpubp_escape_tsv_field, in, n);
  size_t len = evpubp_unescape_tsv_field(e);
  CHECK(len == n && !memcmp(e, in, n));
  free(e);
  e = esc_with(evpubp_escape_tsv_field, in, n);
  CHECK(!strchr(e, '\t') && !strchr(e, '\n') && strlen(e) >= n);
  free(e);
}

int
main(void)
{
  char *r;
  ESC("plain", "plain");
  ESC("", "");
  ESC("say \"hi\"", "say \\\"hi\\\"");
  ESC("back\\slash", "back\\\\slash");
  ESC("a\\nb", "a\\\\nb"); /* backslash + n stays two chars */
  ESC("\"\"\"", "\\\"\\\"\\\"");
  ESC("l1\nl2\r\n", "l1\\nl2\\r\\n");
  ESC("t\tb\bf\f", "t\\tb\\bf\\f");
  ESC("\x01\x1f\x7f", "\\u0001\\u001F\\u007F");
  ESC("nul\0x", "nul\\u0000x");
  ESC("ls\xE2\x80\xA8ps\xE2\x80\xA9", "ls\\u2028ps\\u2029");
  ESC("caf\xC3\xA9 \xE5\x9F\x8E \xF0\x9F\x98\x80",
      "caf\xC3\xA9 \xE5\x9F\x8E \xF0\x9F\x98\x80");
  ESC("\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D", "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D");
  ESC("bad\xFFutf8", "bad\xEF\xBF\xBDutf8");
  ESC("cut\xE5\x9F", "cut\xEF\xBF\xBD\xEF\xBF\xBD");
  ESC("\xEF\xBF\xBD", "\xEF\xBF\xBD");
  ESC("<> { } ^ ` |", "<> { } ^ ` |");

  JSON("plain", 0, "plain");
  JSON("q\"b\\s/", 0, "q\\\"b\\\\s/");
  JSON("l1\nl2\r\t\b\f", 0, "l1\\nl2\\r\\t\\b\\f");
  JSON("\x01\x1f\x7f", 0, "\\u0001\\u001F\\u007F");
  JSON("nul\0x", 0, "nul\\u0000x");
  JSON("ls\xE2\x80\xA8", 0, "ls\\u2028");
  JSON("\xF0\x9F\x98\x80 \xE5\x9F\x8E", 0, "\xF0\x9F\x98\x80 \xE5\x9F\x8E");
  JSON("</script><!--&", 0, "</script><!--&");
  JSON("</script><!--&", 1, "\\u003C/script\\u003E\\u003C!--\\u0026");
  JSON("bad\xFF", 0, "bad\xEF\xBF\xBD");

  /* SPARQL: as N-Triples, and no backslash-u that a server expanding
   * \u escapes before parsing could misread */
  SPARQL("plain", "plain");
  SPARQL("say \"hi\" 'x'", "say \\\"hi\\\" 'x'");
  SPARQL("l1\nl2\r\t", "l1\\nl2\\r\\t");
  SPARQL("nul\0x\x01", "nul\\u0000x\\u0001");
  SPARQL("a\\u0041", "a\\\\\\u00750041");
  SPARQL("a\\U0001F600", "a\\\\\\u00550001F600");
  SPARQL("a\\\\u", "a\\\\\\\\\\u0075");
  SPARQL("a\\x", "a\\\\x");
  SPARQL("end\\", "end\\\\");
  SPARQL("} } ; DROP ALL ; INSERT DATA { <x> <y> \"z",
         "} } ; DROP ALL ; INSERT DATA { <x> <y> \\\"z");
  SPARQL("caf\xC3\xA9 \xF0\x9F\x98\x80", "caf\xC3\xA9 \xF0\x9F\x98\x80");
  SPARQL("bad\xFF", "bad\xEF\xBF\xBD");

  URL("https://a.example/events/x?y=1&z#f",
      "https%3A%2F%2Fa.example%2Fevents%2Fx%3Fy%3D1%26z%23f");
  URL("AZaz09-._~", "AZaz09-._~");
  URL("a b+c%d/\xE5\x9F\x8E", "a%20b%2Bc%25d%2F%E5%9F%8E");

  /* CSV (SPARQL 1.1 CSV results, RFC 4180) */
  ESC_WITH(evpubp_escape_csv_field, "plain", "plain");
  ESC_WITH(evpubp_escape_csv_field, "", "");
  ESC_WITH(evpubp_escape_csv_field, "a,b", "\"a,b\"");
  ESC_WITH(evpubp_escape_csv_field, "say \"hi\"", "\"say \"\"hi\"\"\"");
  ESC_WITH(evpubp_escape_csv_field, "l1\nl2", "\"l1\nl2\"");
  ESC_WITH(evpubp_escape_csv_field, "cr\r", "\"cr\r\"");
  ESC_WITH(evpubp_escape_csv_field, " lead", "\" lead\"");
  ESC_WITH(evpubp_escape_csv_field, "\xE5\x9F\x8E", "\xE5\x9F\x8E");

  /* tab-separated fields (the store's side files) */
  ESC_WITH(evpubp_escape_tsv_field, "a\tb\nc\rd\\e", "a\\tb\\nc\\rd\\\\e");
  ESC_WITH(evpubp_escape_tsv_field, "plain", "plain");
  ESC_WITH(evpubp_escape_tsv_field, "a\0b", "a\\0b");
  tsv_round_trip("x\\t\t\\\\n\n", 8);
  tsv_round_trip("nul\0inside", 11);
  tsv_round_trip("", 0);

  /* Graphviz DOT strings */
  ESC_WITH(evpubp_escape_dot_string, "say \"hi\"", "say \\\"hi\\\"");
  ESC_WITH(evpubp_escape_dot_string, "back\\slash", "back\\\\slash");
  ESC_WITH(evpubp_escape_dot_string, "l1\nl2", "l1\\nl2");
  ESC_WITH(evpubp_escape_dot_string, "\\l \\N", "\\\\l \\\\N");
  ESC_WITH(evpubp_escape_dot_string, "tab\tcr\r\x01", "tab cr  ");
  ESC_WITH(evpubp_escape_dot_string, "caf\xC3\xA9", "caf\xC3\xA9");
  ESC_WITH(evpubp_escape_dot_string, "bad\xFF", "bad\xEF\xBF\xBD");
  ESC_WITH(evpubp_escape_dot_string, "\"]; x -- y; \"", "\\\"]; x -- y; \\\"");

  /* XML (GraphML) */
  ESC_WITH(evpubp_escape_xml, "a<b>&c\"d'e", "a&lt;b&gt;&amp;c&quot;d&apos;e");
  ESC_WITH(evpubp_escape_xml, "t\tn\nr\r", "t&#9;n&#10;r&#13;");
  ESC_WITH(evpubp_escape_xml, "nul\0x\x01", "nul\xEF\xBF\xBDx\xEF\xBF\xBD");
  ESC_WITH(evpubp_escape_xml, "\xEF\xBF\xBE\xEF\xBF\xBF",
           "\xEF\xBF\xBD\xEF\xBF\xBD");
  ESC_WITH(evpubp_escape_xml, "bad\xC3", "bad\xEF\xBF\xBD");
  ESC_WITH(evpubp_escape_xml, "]]></data><x>", "]]&gt;&lt;/data&gt;&lt;x&gt;");
  ESC_WITH(evpubp_escape_xml, "\xE5\x9F\x8E \xF0\x9F\x98\x80",
           "\xE5\x9F\x8E \xF0\x9F\x98\x80");

  r = esc_iri("http://a.example/x y<z>\"{}|^`\\");
  CHECK_STR(r,
            "http://a.example/x\\u0020y\\u003Cz\\u003E\\u0022\\u007B"
            "\\u007D\\u007C\\u005E\\u0060\\u005C");
  free(r);
  r = esc_iri("http://a.example/\xE5\x9F\x8E");
  CHECK_STR(r, "http://a.example/\xE5\x9F\x8E");
  free(r);
  return UNIT_DONE();
}
