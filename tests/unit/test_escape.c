/* Unit tests of the escaping (lib/core/escape.c): one table per escaper, an
 * input and what must be written for it. */
#include "core/core.h"
#include "unit.h"

/* JSON strings, plain and for inside an HTML <script> */
static int
json_plain(evpubp_buf *out, const char *s, size_t n)
{
  return evpubp_escape_json_string(out, s, n, 0);
}

static int
json_html(evpubp_buf *out, const char *s, size_t n)
{
  return evpubp_escape_json_string(out, s, n, 1);
}

/* N-Triples and Turtle strings */
static const unit_row nt_rows[] = {
  ROW("plain", "plain"),
  ROW("", ""),
  ROW("say \"hi\"", "say \\\"hi\\\""),
  ROW("back\\slash", "back\\\\slash"),
  ROW("a\\nb", "a\\\\nb"), /* backslash + n stays two chars */
  ROW("\"\"\"", "\\\"\\\"\\\""),
  ROW("l1\nl2\r\n", "l1\\nl2\\r\\n"),
  ROW("t\tb\bf\f", "t\\tb\\bf\\f"),
  ROW("\x01\x1f\x7f", "\\u0001\\u001F\\u007F"),
  ROW("nul\0x", "nul\\u0000x"),
  ROW("ls\xE2\x80\xA8ps\xE2\x80\xA9", "ls\\u2028ps\\u2029"),
  ROW("caf\xC3\xA9 \xE5\x9F\x8E \xF0\x9F\x98\x80",
      "caf\xC3\xA9 \xE5\x9F\x8E \xF0\x9F\x98\x80"),
  ROW("\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D", "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D"),
  ROW("bad\xFFutf8", "bad\xEF\xBF\xBDutf8"),
  ROW("cut\xE5\x9F", "cut\xEF\xBF\xBD\xEF\xBF\xBD"),
  ROW("\xEF\xBF\xBD", "\xEF\xBF\xBD"),
  ROW("<> { } ^ ` |", "<> { } ^ ` |"),
};

/* IRIs in N-Triples */
static const unit_row iri_rows[] = {
  ROW("http://a.example/x y<z>\"{}|^`\\",
      "http://a.example/x%20y%3Cz%3E%22%7B%7D%7C%5E%60%5C"),
  ROW("http://a.example/\xE5\x9F\x8E", "http://a.example/\xE5\x9F\x8E"),
};

static const unit_row json_rows[] = {
  ROW("plain", "plain"),
  ROW("q\"b\\s/", "q\\\"b\\\\s/"),
  ROW("l1\nl2\r\t\b\f", "l1\\nl2\\r\\t\\b\\f"),
  ROW("\x01\x1f\x7f", "\\u0001\\u001F\\u007F"),
  ROW("nul\0x", "nul\\u0000x"),
  ROW("ls\xE2\x80\xA8", "ls\\u2028"),
  ROW("\xF0\x9F\x98\x80 \xE5\x9F\x8E", "\xF0\x9F\x98\x80 \xE5\x9F\x8E"),
  ROW("</script><!--&", "</script><!--&"),
  ROW("bad\xFF", "bad\xEF\xBF\xBD"),
};

static const unit_row json_html_rows[] = {
  ROW("</script><!--&", "\\u003C/script\\u003E\\u003C!--\\u0026"),
};

/* SPARQL: as N-Triples, and no backslash-u that a server expanding
 * \u escapes before parsing could misread */
static const unit_row sparql_rows[] = {
  ROW("plain", "plain"),
  ROW("say \"hi\" 'x'", "say \\\"hi\\\" 'x'"),
  ROW("l1\nl2\r\t", "l1\\nl2\\r\\t"),
  ROW("nul\0x\x01", "nul\\u0000x\\u0001"),
  ROW("a\\u0041", "a\\\\\\u00750041"),
  ROW("a\\U0001F600", "a\\\\\\u00550001F600"),
  ROW("a\\\\u", "a\\\\\\\\\\u0075"),
  ROW("a\\x", "a\\\\x"),
  ROW("end\\", "end\\\\"),
  ROW("} } ; DROP ALL ; INSERT DATA { <x> <y> \"z",
      "} } ; DROP ALL ; INSERT DATA { <x> <y> \\\"z"),
  ROW("caf\xC3\xA9 \xF0\x9F\x98\x80", "caf\xC3\xA9 \xF0\x9F\x98\x80"),
  ROW("bad\xFF", "bad\xEF\xBF\xBD"),
};

/* URL components */
static const unit_row url_rows[] = {
  ROW("https://a.example/events/x?y=1&z#f",
      "https%3A%2F%2Fa.example%2Fevents%2Fx%3Fy%3D1%26z%23f"),
  ROW("AZaz09-._~", "AZaz09-._~"),
  ROW("a b+c%d/\xE5\x9F\x8E", "a%20b%2Bc%25d%2F%E5%9F%8E"),
};

/* CSV (SPARQL 1.1 CSV results, RFC 4180) */
static const unit_row csv_rows[] = {
  ROW("plain", "plain"),       ROW("", ""),
  ROW("a,b", "\"a,b\""),       ROW("say \"hi\"", "\"say \"\"hi\"\"\""),
  ROW("l1\nl2", "\"l1\nl2\""), ROW("cr\r", "\"cr\r\""),
  ROW(" lead", "\" lead\""),   ROW("\xE5\x9F\x8E", "\xE5\x9F\x8E"),
};

/* tab-separated fields (the store's side files) */
static const unit_row tsv_rows[] = {
  ROW("a\tb\nc\rd\\e", "a\\tb\\nc\\rd\\\\e"),
  ROW("plain", "plain"),
  ROW("a\0b", "a\\0b"),
};

/* Graphviz DOT strings */
static const unit_row dot_rows[] = {
  ROW("say \"hi\"", "say \\\"hi\\\""),
  ROW("back\\slash", "back\\\\slash"),
  ROW("l1\nl2", "l1\\nl2"),
  ROW("\\l \\N", "\\\\l \\\\N"),
  ROW("tab\tcr\r\x01", "tab cr  "),
  ROW("caf\xC3\xA9", "caf\xC3\xA9"),
  ROW("bad\xFF", "bad\xEF\xBF\xBD"),
  ROW("\"]; x -- y; \"", "\\\"]; x -- y; \\\""),
};

/* XML (GraphML) */
static const unit_row xml_rows[] = {
  ROW("a<b>&c\"d'e", "a&lt;b&gt;&amp;c&quot;d&apos;e"),
  ROW("t\tn\nr\r", "t&#9;n&#10;r&#13;"),
  ROW("nul\0x\x01", "nul\xEF\xBF\xBDx\xEF\xBF\xBD"),
  ROW("\xEF\xBF\xBE\xEF\xBF\xBF", "\xEF\xBF\xBD\xEF\xBF\xBD"),
  ROW("bad\xC3", "bad\xEF\xBF\xBD"),
  ROW("]]></data><x>", "]]&gt;&lt;/data&gt;&lt;x&gt;"),
  ROW("\xE5\x9F\x8E \xF0\x9F\x98\x80", "\xE5\x9F\x8E \xF0\x9F\x98\x80"),
};

/* a TSV field escaped and unescaped is the field again */
static void
tsv_round_trip(const char *in, size_t n)
{
  char *e = unit_write(evpubp_escape_tsv_field, in, n);
  size_t len = evpubp_unescape_tsv_field(e);
  CHECK(len == n && !memcmp(e, in, n));
  free(e);
  e = unit_write(evpubp_escape_tsv_field, in, n);
  CHECK(!strchr(e, '\t') && !strchr(e, '\n') && strlen(e) >= n);
  free(e);
}

int
main(void)
{
  CHECK_ROWS(evpubp_escape_nt_string, nt_rows);
  CHECK_ROWS(evpubp_escape_iri, iri_rows);
  CHECK_ROWS(json_plain, json_rows);
  CHECK_ROWS(json_html, json_html_rows);
  CHECK_ROWS(evpubp_escape_sparql_string, sparql_rows);
  CHECK_ROWS(evpubp_escape_url_component, url_rows);
  CHECK_ROWS(evpubp_escape_csv_field, csv_rows);
  CHECK_ROWS(evpubp_escape_tsv_field, tsv_rows);
  tsv_round_trip("x\\t\t\\\\n\n", 8);
  tsv_round_trip("nul\0inside", 11);
  tsv_round_trip("", 0);
  CHECK_ROWS(evpubp_escape_dot_string, dot_rows);
  CHECK_ROWS(evpubp_escape_xml, xml_rows);
  return UNIT_DONE();
}
