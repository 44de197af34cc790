#!/bin/bash
# The command line: help, version, man page, exit codes, atomic output.
. "$(dirname "$0")/lib.sh"

evpub --help >"$TMP/help" 2>&1
check "--help exits 0" test $? -eq 0
check "--help names convert" grep -q "convert" "$TMP/help"
evpub convert --help >"$TMP/chelp" 2>&1
check "convert --help exits 0" test $? -eq 0
evpub validate --help >"$TMP/vhelp" 2>&1
check "validate --help exits 0" test $? -eq 0
evpub publish --help >"$TMP/phelp" 2>&1
check "publish --help exits 0" test $? -eq 0
for c in query network export; do
  evpub $c --help >"$TMP/${c}help" 2>&1
  check "$c --help exits 0" test $? -eq 0
done
check "--help names query, network and export" \
  test "$(grep -cE '^  (query|network|export) ' "$TMP/help")" -eq 3
evpub --version >"$TMP/version"
check "--version exits 0" test $? -eq 0
check "--version names evpub and the libraries" \
  grep -Eq '^evpub [0-9.]+ \(raptor [0-9.]+, librdf [0-9.]+, libcurl [0-9.]+, libyaml [0-9.]+\)$' "$TMP/version"

# every long option of --help is documented in the man page
MAN="$top_srcdir/doc/evpub.1"
for opt in $(cat "$TMP/help" "$TMP/chelp" "$TMP/vhelp" "$TMP/phelp" "$TMP/queryhelp" "$TMP/networkhelp" "$TMP/exporthelp" | grep -o -- '--[a-z][a-z-]*' | sort -u); do
  man_opt=$(printf '%s' "$opt" | sed 's/-/\\\\-/g')
  check "man page documents $opt" grep -q -- "$man_opt" "$MAN"
done
# the lists come from the library's tables: every reader, writer and
# server kind is in the help that offers it and in the man page
for kind in readers writers servers; do
  evpub --list $kind >"$TMP/list-$kind" 2>&1
  check "--list $kind exits 0 and lists something" test -s "$TMP/list-$kind"
done
check "--list without a kind: exit 2" sh -c '"$0" --list >/dev/null 2>&1; test $? -eq 2' "$EVPUB"
for name in $(cut -f1 "$TMP/list-readers"); do
  check "convert --help lists the reader $name" grep -q "^ *$name " "$TMP/chelp"
  check "man page documents the reader $name" grep -qw -- "$(printf '%s' "$name" | sed 's/-/\\\\-/g')" "$MAN"
done
for name in $(cut -f1 "$TMP/list-writers"); do
  check "convert --help lists the format $name" grep -q "^ *$name " "$TMP/chelp"
  check "man page documents the format $name" grep -qw -- "$(printf '%s' "${name%%:*}" | sed 's/-/\\\\-/g')" "$MAN"
done
for name in $(cut -f1 "$TMP/list-servers"); do
  check "publish --help lists the server $name" grep -q "^ *$name " "$TMP/phelp"
  check "query --help lists the server $name" grep -q "^ *$name " "$TMP/queryhelp"
  check "man page documents the server $name" grep -qw -- "$name" "$MAN"
done
for code in 0 1 2 3 4; do
  check "man page documents exit status $code" grep -q "^\.B $code\$" "$MAN"
done

evpub >/dev/null 2>&1; check "no command: exit 2" test $? -eq 2
evpub frobnicate >/dev/null 2>"$TMP/err"; check "unknown command: exit 2" test $? -eq 2
check "unknown command message" grep -q "^evpub: unknown command 'frobnicate'" "$TMP/err"
evpub convert >/dev/null 2>&1; check "convert without input: exit 2" test $? -eq 2
evpub convert -f nope "$EXAMPLE" >/dev/null 2>&1; check "unknown format: exit 2" test $? -eq 2
evpub convert --bogus "$EXAMPLE" >/dev/null 2>&1; check "unknown option: exit 2" test $? -eq 2
evpub convert --base relative/ "$EXAMPLE" >/dev/null 2>&1; check "relative --base: exit 2" test $? -eq 2
evpub convert "$TMP/missing.yaml" >/dev/null 2>"$TMP/err"; check "missing input: exit 3" test $? -eq 3
check "missing input message names the file" grep -q "^evpub: $TMP/missing.yaml: cannot read: No such file" "$TMP/err"
evpub convert -o "$TMP/no/such/dir/out.ttl" "$EXAMPLE" 2>/dev/null; check "unwritable output: exit 3" test $? -eq 3

# -o is atomic: a failed run leaves the old file untouched, no temp files
echo "old content" >"$TMP/out.ttl"
printf 'events:\n  - name: Bad\n    startDate: 2022-02-30\n' >"$TMP/bad.yaml"
evpub convert -o "$TMP/out.ttl" "$TMP/bad.yaml" 2>"$TMP/err"
check "bad input: exit 1" test $? -eq 1
check "bad input: error with position" grep -q "^evpub: $TMP/bad.yaml:3:16: invalid date '2022-02-30' for startDate" "$TMP/err"
check "failed run keeps the old output" grep -qx "old content" "$TMP/out.ttl"
check "failed run leaves no temporary file" test "$(ls "$TMP" | grep -c 'out.ttl.tmp')" -eq 0
evpub convert -o "$TMP/out.ttl" "$EXAMPLE"
check "successful run replaces the output" grep -q "^@prefix schema:" "$TMP/out.ttl"
check "output file is readable by others (not 0600)" test "$(stat -c %a "$TMP/out.ttl")" != 600

# convert --validate: the checks of evpub validate first, nothing written
# on an error (tests/cases/validate/ holds the findings of each rule)
V="$top_srcdir/tests/cases/validate"
evpub convert --validate -o "$TMP/v.ttl" "$V/schema-end-before-start/input.yaml" 2>"$TMP/err"
check "convert --validate refuses an event that ends before it starts" test $? -eq 1
check "convert --validate reports it with its position" grep -q "input.yaml:10:14: endDate" "$TMP/err"
check "convert --validate wrote nothing" test ! -e "$TMP/v.ttl"
evpub convert -o "$TMP/v.ttl" "$V/schema-end-before-start/input.yaml" 2>/dev/null
check "without --validate the same input converts" test $? -eq 0
evpub convert --validate=google -o "$TMP/v2.ttl" "$V/google-recommends-image/input.yaml" 2>"$TMP/err"
check "convert --validate=google: warnings do not stop it" test $? -eq 0 -a -s "$TMP/v2.ttl"
check "convert --validate=google: the warning is printed" grep -q "warning: Google recommends image" "$TMP/err"

# stdin with --from json
printf '{"name": "JSON Event", "startDate": "2022-11-02"}' |
  evpub convert --base https://j.example/ --from json -f ntriples - >"$TMP/j.nt"
check "JSON from standard input" grep -q '^<https://j.example/events/json-event> <http://schema.org/startDate> "2022-11-02"^^<http://www.w3.org/2001/XMLSchema#date> \.$' "$TMP/j.nt"

# a missing base is a warning, not an error
printf 'name: No Base\n' >"$TMP/nobase.yaml"
evpub convert -f ntriples "$TMP/nobase.yaml" >"$TMP/nb.nt" 2>"$TMP/err"
check "no base: exit 0" test $? -eq 0
check "no base: a warning says the IRIs are not your own" grep -q "^evpub: warning: no base IRI given; using https://evpub.invalid/" "$TMP/err"
check "no base: IRIs under the default" grep -q "^<https://evpub.invalid/events/no-base>" "$TMP/nb.nt"

# a full disk is an I/O error, not a silent truncation
if [ -w /dev/full ]; then
  evpub convert "$EXAMPLE" >/dev/full 2>"$TMP/err"
  check "writing to a full disk: exit 3" test $? -eq 3
  check "full disk: message" grep -q "^evpub: cannot write the output: No space left on device" "$TMP/err"
fi

# RDF/XML cannot hold control characters: refused, not silently dropped
printf 'base: https://x.example/\nname: "a\\x01b"\n' >"$TMP/ctl.yaml"
evpub convert -f rdfxml -o "$TMP/ctl.rdf" "$TMP/ctl.yaml" 2>"$TMP/err"
check "control character in RDF/XML: exit 1" test $? -eq 1
check "control character in RDF/XML: says why" grep -q "XML 1.0 cannot hold" "$TMP/err"
check "control character in RDF/XML: no output file" test ! -e "$TMP/ctl.rdf"
evpub convert -f ntriples "$TMP/ctl.yaml" >"$TMP/ctl.nt"
check "the same in N-Triples is escaped" grep -q '"a\\u0001b"' "$TMP/ctl.nt"

# the spool needs a temporary directory (not under valgrind, which needs
# one of its own)
if [ -z "$EVPUB_VALGRIND" ]; then
  TMPDIR="$TMP/none" evpub convert "$EXAMPLE" >/dev/null 2>"$TMP/err"
  check "no usable TMPDIR: exit 3" test $? -eq 3
  check "no usable TMPDIR: message" grep -q "^evpub: cannot create a temporary file" "$TMP/err"
fi

# raptor serializers by name
evpub convert -f raptor:nquads "$EXAMPLE" >"$TMP/x.nq"
check "raptor:nquads works" test "$(wc -l <"$TMP/x.nq")" -gt 100
finish
