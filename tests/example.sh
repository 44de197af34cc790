#!/bin/bash
# Acceptance 1 and 2: the Global Cities Forum 2022 example.
. "$(dirname "$0")/lib.sh"
need_rapper
need_python

evpub convert -f turtle -o "$TMP/gcf.ttl" "$EXAMPLE"
check "convert to Turtle exits 0" test $? -eq 0
evpub convert -f ntriples -o "$TMP/gcf.nt" "$EXAMPLE"
check "convert to N-Triples exits 0" test $? -eq 0

check "rapper parses the Turtle" "$RAPPER" -q -i turtle -c "$TMP/gcf.ttl"
check "rapper parses the N-Triples" "$RAPPER" -q -i ntriples -c "$TMP/gcf.nt"
"$RAPPER" -q -i turtle -o ntriples "$TMP/gcf.ttl" | LC_ALL=C sort >"$TMP/a.nt"
"$RAPPER" -q -i ntriples -o ntriples "$TMP/gcf.nt" | LC_ALL=C sort >"$TMP/b.nt"
check "Turtle and N-Triples are one graph" cmp -s "$TMP/a.nt" "$TMP/b.nt"
check "the graph is not empty" test "$(wc -l <"$TMP/a.nt")" -gt 100

# rdflib reads the Turtle (its N-Triples reader is not trusted, see
# independent-checkers notes) and agrees with rapper on the triple count
n=$("$PYTHON" -c 'import rdflib,sys; g=rdflib.Graph(); g.parse(sys.argv[1], format="turtle"); print(len(g))' "$TMP/gcf.ttl")
check "rdflib parses the Turtle: $n triples, as rapper" test "$n" -eq "$(sort -u "$TMP/a.nt" | wc -l)"

# RDF/XML through raptor is the same graph too
evpub convert -f rdfxml "$EXAMPLE" >"$TMP/gcf.rdf"
"$RAPPER" -q -i rdfxml -o ntriples "$TMP/gcf.rdf" http://base.invalid/ | LC_ALL=C sort >"$TMP/c.nt"
check "RDF/XML output is the same graph" cmp -s "$TMP/a.nt" "$TMP/c.nt"

echo "# SPARQL checks over the output (rdflib)"
if "$PYTHON" "$top_srcdir/tests/check_example.py" "$TMP/gcf.ttl" \
     "$top_srcdir/examples/queries"; then
  ok "SPARQL acceptance checks"
else
  fail "SPARQL acceptance checks"
fi

# Acceptance 1 of the CSV reader: the example as CSV says what the YAML
# example says, but for the documented list (doc/csv.md)
EX_CSV="$top_srcdir/examples/global-cities-forum-2022.csv"
evpub convert -f turtle --base https://events.example.org/ "$EX_CSV" \
  >"$TMP/csv.ttl" 2>"$TMP/csv.err"
check "the CSV example converts without messages" \
  test $? -eq 0 -a ! -s "$TMP/csv.err"
"$PYTHON" "$top_srcdir/tests/csv_example_check.py" "$TMP/gcf.ttl" \
  "$TMP/csv.ttl" >"$TMP/check.out"
check "the CSV example is the YAML example but for the documented list" \
  test $? -eq 0
sed 's/^/# /' "$TMP/check.out"
finish
