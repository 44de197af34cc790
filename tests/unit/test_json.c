/* Unit tests of the JSON reader (evpub_json.c) that reads SPARQL results
 * JSON from servers. */
#include <stdlib.h>

#include "remote/remote.h"
#include "unit.h"

static evpubp_arena arena;

static const evpubp_json *
parse(const char *s)
{
  const char *err = NULL;
  return evpubp_json_parse(s, strlen(s), &arena, &err);
}

static const char *
error_of(const char *s, size_t n)
{
  const char *err = NULL;
  evpubp_json *v = evpubp_json_parse(s, n, &arena, &err);
  return v ? NULL : err;
}

/* not JSON, each with the length given to the parser (the last one is
 * JSON cut short by that length) */
static const struct {
  const char *text;
  size_t len;
} not_json[] = {
  { "", 0 },         { "{", 1 },     { "{\"a\" 1}", 7 }, { "[1,]", 4 },
  { "\"abc", 4 },    { "\"a\\", 3 }, { "\"\\u12\"", 6 }, { "\"\\x\"", 4 },
  { "\"a\nb\"", 5 }, { "[1] x", 5 }, { "tru", 3 },       { "{\"a\":1", 6 },
  { "\"abc\"", 3 },
};

int
main(void)
{
  const evpubp_json *v, *b;
  char deep[400];
  size_t i;
  evpubp_arena_init(&arena);

  /* a SPARQL results document, Virtuoso's style included */
  v = parse("{ \"head\": { \"link\": [], \"vars\": [\"s\", \"n\"] },\n"
            "  \"results\": { \"distinct\": false, \"ordered\": true,\n"
            "    \"bindings\": [ { \"s\": { \"type\": \"uri\", \"value\": "
            "\"http://a.example/x\" }, \"n\": { \"type\": \"typed-literal\","
            " \"datatype\": \"http://www.w3.org/2001/XMLSchema#integer\","
            " \"value\": \"7\" } } ] } }");
  CHECK(v && v->type == EVPUBP_J_OBJECT);
  b = evpubp_json_get(evpubp_json_get(v, "head"), "vars");
  CHECK(b && b->type == EVPUBP_J_ARRAY && b->child &&
        !strcmp(b->child->str, "s") && b->child->next &&
        !strcmp(b->child->next->str, "n") && !b->child->next->next);
  b = evpubp_json_get(evpubp_json_get(v, "results"), "bindings");
  CHECK(b && b->child &&
        !strcmp(evpubp_json_get(evpubp_json_get(b->child, "n"), "value")->str,
                "7"));
  CHECK(evpubp_json_get(evpubp_json_get(v, "results"), "distinct")->type ==
        EVPUBP_J_FALSE);
  CHECK(!evpubp_json_get(v, "missing"));

  /* strings: every escape, surrogate pairs, lone surrogates, raw UTF-8 */
  v = parse("\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t \\u0041\\u00e9\\u5f20\"");
  CHECK_STR(v ? v->str : NULL, "q\" b\\ s/ \b\f\n\r\t A\xC3\xA9\xE5\xBC\xA0");
  v = parse("\"\\uD83D\\uDE00 \\uD83D x \\uDE00\"");
  CHECK_STR(v ? v->str : NULL, "\xF0\x9F\x98\x80 \xEF\xBF\xBD x \xEF\xBF\xBD");
  v = parse("\"nul\\u0000inside\"");
  CHECK(v && v->len == 10 && !memcmp(v->str, "nul\0inside", 10));
  v = parse("\"caf\xC3\xA9 \xF0\x9F\x98\x80\"");
  CHECK_STR(v ? v->str : NULL, "caf\xC3\xA9 \xF0\x9F\x98\x80");
  v = parse("  [1, -2.5e3, true, false, null, {}, []]  ");
  CHECK(v && v->type == EVPUBP_J_ARRAY);
  CHECK(v && v->child && !strcmp(v->child->str, "1") &&
        !strcmp(v->child->next->str, "-2.5e3") &&
        v->child->next->next->type == EVPUBP_J_TRUE);

  /* what is not JSON is refused with a reason, never read past the end */
  for(i = 0; i < sizeof(not_json) / sizeof(not_json[0]); i++)
    CHECK(error_of(not_json[i].text, not_json[i].len) != NULL);
  for(i = 0; i < sizeof(deep); i++)
    deep[i] = '[';
  CHECK(error_of(deep, sizeof(deep)) != NULL); /* too deep, no crash */

  evpubp_arena_free(&arena);
  return UNIT_DONE();
}
