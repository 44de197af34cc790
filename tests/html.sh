#!/bin/bash
# Hostile strings through JSON-LD (pyld -> N-Quads -> rapper -> compare)
# and through HTML (an HTML parser finds the scripts; no raw </script> or
# <!-- inside them; every string survives).
. "$(dirname "$0")/lib.sh"
need_rapper
need_python
"$PYTHON" -c 'import pyld' 2>/dev/null || skip "python3-pyld not installed"
GEN="$top_srcdir/tests/hostile_gen.py"
CTX="$top_srcdir/vocab/schemaorgcontext.jsonld"
"$PYTHON" "$GEN" gen "$TMP" >/dev/null

# JSON-LD, exact style: every hostile literal comes back through pyld
evpub convert -f jsonld -o "$TMP/corpus.jsonld" "$TMP/corpus.yaml"
check "hostile corpus converts to JSON-LD" test $? -eq 0
for mode in official stripped; do
  "$PYTHON" "$top_srcdir/tests/jsonld_check.py" "$CTX" $mode \
    "$TMP/corpus.jsonld" >"$TMP/corpus.$mode.nq" 2>"$TMP/err" ||
    { fail "pyld reads the hostile JSON-LD ($mode)"; head -3 "$TMP/err"; }
  "$RAPPER" -q -i nquads -o ntriples "$TMP/corpus.$mode.nq" >"$TMP/corpus.$mode.nt"
  if "$PYTHON" "$GEN" check "$TMP/corpus.json" "$TMP/corpus.$mode.nt" >"$TMP/out" 2>&1; then
    ok "every hostile literal round-trips through JSON-LD ($mode context)"
  else
    fail "hostile literals through JSON-LD ($mode context)"; head -20 "$TMP/out"
  fi
done
evpub convert -f ntriples "$TMP/corpus.yaml" |
  "$RAPPER" -q -i ntriples -o ntriples - http://x/ >"$TMP/corpus.nt"
check "JSON-LD and N-Triples of the hostile corpus are one graph" \
  "$PYTHON" "$GEN" same "$TMP/corpus.nt" "$TMP/corpus.official.nt"

# HTML: one script per event, parsed by Python's HTML parser
evpub convert -f html -o "$TMP/corpus.html" "$TMP/corpus.yaml"
check "hostile corpus converts to HTML" test $? -eq 0
"$PYTHON" - "$TMP/corpus.html" "$TMP/corpus.json" <<'PY' >"$TMP/out" 2>&1
import json, sys
from html.parser import HTMLParser

class Scripts(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=False)
        self.inside = False
        self.scripts = []
        self.outside = []
    def handle_starttag(self, tag, attrs):
        if tag == "script":
            assert dict(attrs).get("type") == "application/ld+json", attrs
            self.inside = True
            self.scripts.append("")
    def handle_endtag(self, tag):
        if tag == "script":
            self.inside = False
    def handle_data(self, data):
        if self.inside:
            self.scripts[-1] += data
        elif data.strip():
            self.outside.append(data)
    def handle_comment(self, data):
        raise AssertionError("a comment opened: " + data[:40])

html = open(sys.argv[1], encoding="utf-8").read()
p = Scripts()
p.feed(html)
p.close()
assert p.scripts, "no script element"
assert not p.outside, p.outside[:3]
strings = set()
def walk(x):
    if isinstance(x, str):
        strings.add(x)
    elif isinstance(x, list):
        for y in x: walk(y)
    elif isinstance(x, dict):
        for y in x.values(): walk(y)
for body in p.scripts:
    low = body.lower()
    assert "</script" not in low and "<!--" not in low, body[:80]
    doc = json.loads(body)
    assert doc["@context"] == "https://schema.org/"
    walk(doc)
expected = json.load(open(sys.argv[2], encoding="utf-8"))["triples"]
missing = [t[2] for t in expected if t[2] not in strings]
assert not missing, "%d values lost, e.g. %r" % (len(missing), missing[:3])
print("%d scripts, %d values checked" % (len(p.scripts), len(expected)))
PY
if [ $? -eq 0 ]; then ok "HTML: scripts parse, nothing escapes them, every value survives ($(cat "$TMP/out"))"
else fail "HTML check"; head -5 "$TMP/out"; fi

# the example's page: one script per event, Google style
evpub convert -f html "$EXAMPLE" >"$TMP/gcf.html"
check "example HTML: one script per event (3: two events and the keynote nested)" \
  test "$(grep -c '<script type="application/ld+json">' "$TMP/gcf.html")" -ge 2
check "example HTML: google-style dates" grep -q '"startDate": "2022-11-02"' "$TMP/gcf.html"
finish
