#!/bin/bash
# Hostile strings (quotes, backslashes, """, line breaks, control
# characters, U+2028, BOM, emoji, bidi, CJK, combining marks, 20,000
# characters, Turtle/N-Triples/SPARQL/JSON/HTML look-alikes, YAML-typed
# look-alikes, ...) in every text-bearing key must come back byte for byte
# when the Turtle and the N-Triples output are read by rapper.
# The corpus and the expected triples come from tests/hostile_gen.py.
. "$(dirname "$0")/lib.sh"
need_rapper
PY=${PYTHON:-/usr/bin/python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info[0] < 3)' 2>/dev/null; then
  skip "no Python 3 at $PY"
fi
GEN="$top_srcdir/tests/hostile_gen.py"

"$PY" "$GEN" gen "$TMP"
check "corpus generated" test -s "$TMP/corpus.yaml" -a -s "$TMP/corpus.json"

# check_literals DESCRIPTION EXPECTED.json FILE.nt
check_literals() {
  if "$PY" "$GEN" check "$2" "$3"; then ok "$1"; else fail "$1"; fi
}

# convert STEM FORMAT: $TMP/STEM.yaml -> $TMP/STEM.FORMAT; checks exit
# status 0 and an empty standard error.
convert() {
  local stem=$1 fmt=$2 ext
  case $fmt in turtle) ext=ttl ;; *) ext=nt ;; esac
  evpub convert -f "$fmt" "$TMP/$stem.yaml" >"$TMP/$stem.$ext" \
    2>"$TMP/$stem.$ext.err"
  check "$stem: convert -f $fmt exits 0" test $? -eq 0
  check "$stem: convert -f $fmt writes nothing on stderr" \
    test ! -s "$TMP/$stem.$ext.err"
  [ -s "$TMP/$stem.$ext.err" ] && head -c 2000 "$TMP/$stem.$ext.err" | sed 's/^/#   /'
  return 0
}

# reparse STEM: rapper reads STEM.ttl and STEM.nt back as N-Triples
reparse() {
  local stem=$1
  "$RAPPER" -q -i turtle -o ntriples "$TMP/$stem.ttl" \
    "https://hostile.example.org/" >"$TMP/$stem.ttl.rapper.nt" \
    2>"$TMP/$stem.ttl.rapper.err"
  check "$stem: rapper parses the Turtle" \
    test $? -eq 0 -a ! -s "$TMP/$stem.ttl.rapper.err"
  "$RAPPER" -q -i ntriples -o ntriples "$TMP/$stem.nt" \
    >"$TMP/$stem.nt.rapper.nt" 2>"$TMP/$stem.nt.rapper.err"
  check "$stem: rapper parses the N-Triples" \
    test $? -eq 0 -a ! -s "$TMP/$stem.nt.rapper.err"
  cat "$TMP/$stem.ttl.rapper.err" "$TMP/$stem.nt.rapper.err" | head -n 10 |
    sed 's/^/#   /'
  check "$stem: Turtle and N-Triples outputs hold the same graph" \
    "$PY" "$GEN" same "$TMP/$stem.ttl.rapper.nt" "$TMP/$stem.nt.rapper.nt"
  check "$stem: rapper reads as many triples as evpub wrote" \
    test "$(wc -l <"$TMP/$stem.nt.rapper.nt")" -eq "$(wc -l <"$TMP/$stem.nt")"
}

# 1. every hostile string in every text-bearing key, with fixed ids
convert corpus turtle
convert corpus ntriples
reparse corpus
check_literals "corpus: every literal round-trips through the Turtle (rapper)" \
  "$TMP/corpus.json" "$TMP/corpus.ttl.rapper.nt"
check_literals "corpus: every literal round-trips through the N-Triples (rapper)" \
  "$TMP/corpus.json" "$TMP/corpus.nt.rapper.nt"
check_literals "corpus: evpub's own N-Triples decode to every literal" \
  "$TMP/corpus.json" "$TMP/corpus.nt"

# the comparer can fail: one damaged escape must be caught
"$PY" "$GEN" corrupt "$TMP/corpus.nt.rapper.nt" "$TMP/corrupt.nt"
if "$PY" "$GEN" check "$TMP/corpus.json" "$TMP/corrupt.nt" >"$TMP/corrupt.out"; then
  fail "the comparer catches a damaged literal"
else
  check "the comparer catches a damaged literal" \
    grep -q "mismatch" "$TMP/corrupt.out"
fi

# 2. hostile names without an id: the IRI is minted from the slug
convert noid turtle
convert noid ntriples
reparse noid
check_literals "noid: minted IRIs and literals, through the Turtle (rapper)" \
  "$TMP/noid.json" "$TMP/noid.ttl.rapper.nt"
check_literals "noid: minted IRIs and literals, through the N-Triples (rapper)" \
  "$TMP/noid.json" "$TMP/noid.nt.rapper.nt"

# 3. U+0000, U+FFFE, U+FFFF: evpub writes them (as \u0000 and UTF-8), but
# rapper cuts a literal at U+0000 and drops the non-characters, so only
# evpub's own output is checked.
convert direct turtle
convert direct ntriples
check_literals "direct: U+0000/U+FFFE/U+FFFF in evpub's own N-Triples" \
  "$TMP/direct.json" "$TMP/direct.nt"
check "direct: the Turtle writes U+0000 as \\u0000" \
  grep -qF '"a\u0000b"@en' "$TMP/direct.ttl"

# U+0000 in a string reference: the new organization must get the whole
# name (and the IRI of its slug, organizations/nul-org)
convert nulref ntriples
check_literals "nulref: U+0000 in a string reference keeps the whole name" \
  "$TMP/nulref.json" "$TMP/nulref.nt"

# 4. names that give no slug: rejected cleanly
for f in "$TMP"/badname-*.yaml; do
  b=$(basename "$f" .yaml)
  name=$(sed -n 's/^  - name: //p' "$f")
  evpub convert "$f" >"$TMP/$b.out" 2>"$TMP/$b.err"
  check "$b ($name): exit 1" test $? -eq 1
  check "$b: 'cannot make an IRI' with the position" \
    grep -qF "evpub: $f:5:11: cannot make an IRI from the name" "$TMP/$b.err"
  check "$b: nothing on standard output" test ! -s "$TMP/$b.out"
done

finish
