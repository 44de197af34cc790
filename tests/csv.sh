#!/bin/bash
# The CSV reader (spec section 6, doc/csv.md): data-driven cases under
# tests/csv/, and Acceptance 1 (the example as CSV says what the YAML says).
#
#   NAME.csv + NAME.nt   success case: 'evpub convert -f nt --base
#                        https://example.org/ NAME.csv' in tests/csv exits 0,
#                        prints nothing on stderr, and its output sorted
#                        (LC_ALL=C) is NAME.nt byte for byte
#   NAME.csv + NAME.err  error case: exit status 1, nothing on stdout, and
#                        the lines of stderr are NAME.err exactly (a bad
#                        header cell is reported once, not once per row)
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

CASES="$top_srcdir/tests/csv"
case "$EVPUB" in
  /*) ;;
  *) EVPUB="$PWD/$EVPUB" ;;
esac
BASE=https://example.org/

show() {  # show LABEL FILE
  echo "  $1:"
  sed -n '1,20s/^/    /p' "$2"
}

ncases=0
for csv in "$CASES"/*.csv; do
  name=${csv##*/}
  name=${name%.csv}
  out="$TMP/$name.out"
  err="$TMP/$name.err"
  ( cd "$CASES" && evpub convert -f nt --base "$BASE" "$name.csv" ) \
    >"$out" 2>"$err"
  rc=$?
  if [ -f "$CASES/$name.nt" ]; then
    ncases=$((ncases + 1))
    LC_ALL=C sort "$out" >"$out.sorted"
    if [ "$rc" -ne 0 ] || [ -s "$err" ]; then
      fail "$name: exit status $rc, expected 0 and no messages"
      show stderr "$err"
    elif ! cmp -s "$out.sorted" "$CASES/$name.nt"; then
      fail "$name: the triples differ from $name.nt"
      diff "$CASES/$name.nt" "$out.sorted" | sed -n '1,20s/^/    /p'
    else
      ok "$name"
    fi
  elif [ -f "$CASES/$name.err" ]; then
    ncases=$((ncases + 1))
    if [ "$rc" -ne 1 ]; then
      fail "$name: exit status $rc, expected 1"
      show stderr "$err"
    elif [ -s "$out" ]; then
      fail "$name: output written although the input was rejected"
    elif ! cmp -s "$err" "$CASES/$name.err"; then
      fail "$name: wrong messages"
      show expected "$CASES/$name.err"
      show got "$err"
    else
      ok "$name"
    fi
  fi
done
check "at least 30 data-driven cases ran ($ncases)" test "$ncases" -ge 30

# Standard input with --from csv reads the same.
evpub convert -f nt --base "$BASE" --from csv - <"$CASES/roles.csv" |
  LC_ALL=C sort >"$TMP/stdin.nt"
check "--from csv on standard input gives the same triples" \
  cmp -s "$TMP/stdin.nt" "$CASES/roles.nt"

# A CSV and a YAML file of one run share their entities (spec section 3).
cat >"$TMP/orgs.yaml" <<'YAML'
organizations:
  - id: sjtu
    name: Shanghai Jiao Tong University
YAML
( cd "$CASES" && evpub convert -f nt --base "$BASE" roles.csv "$TMP/orgs.yaml" ) \
  >"$TMP/mixed.nt" 2>"$TMP/mixed.err"
check "a CSV organizer resolves to an organization declared in YAML" \
  grep -q "^<${BASE}events/gcf> <http://schema.org/organizer> <${BASE}organizations/sjtu> \.$" \
  "$TMP/mixed.nt"

# Acceptance 1: the example as CSV against the YAML example.
if [ -n "$PYTHON" ]; then
  EX_CSV="$top_srcdir/examples/global-cities-forum-2022.csv"
  evpub convert -f turtle "$EXAMPLE" >"$TMP/yaml.ttl"
  check "the YAML example converts" test $? -eq 0
  evpub convert -f turtle --base https://events.example.org/ "$EX_CSV" \
    >"$TMP/csv.ttl" 2>"$TMP/csv.err"
  check "the CSV example converts without messages" \
    test $? -eq 0 -a ! -s "$TMP/csv.err"
  "$PYTHON" "$CASES/example_check.py" "$TMP/yaml.ttl" "$TMP/csv.ttl" \
    >"$TMP/check.out"
  check "the CSV example is the YAML example but for the documented list" \
    test $? -eq 0
  sed 's/^/# /' "$TMP/check.out"
else
  echo "# no Python with rdflib: Acceptance 1 skipped"
fi
finish
