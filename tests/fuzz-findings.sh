#!/bin/bash
# What the fuzzers found (tests/fuzz/findings/, doc/fuzzing.md), kept as
# regression cases: every reproducer goes through every output format,
# both validation profiles (and --expand for calendars), and must end
# with exit 0 or 1 (accepted or rejected with messages), never with an
# I/O error, a crash, or a sanitizer report (the sanitizer and valgrind
# builds run this too).  Then what each finding was about, precisely.
. "$(dirname "$0")/lib.sh"

FIND="$top_srcdir/tests/fuzz/findings"
# the sanitizer and valgrind builds: the formats whose writers differ
# most (evpub's own N-Triples, raptor's json) and one profile
FORMATS="nt turtle jsonld html raptor:json" PROFILES="schema google"
if [ -n "${EVPUB_INSTRUMENTED:-}" ]; then
  FORMATS="nt raptor:json" PROFILES="google"
fi
n=0
for f in "$FIND"/*.yaml "$FIND"/*.csv "$FIND"/*.ics; do
  [ -f "$f" ] || continue
  n=$((n + 1))
  name=${f##*/}
  extra=
  case "$f" in *.ics) extra="--expand 3" ;; esac
  for fmt in $FORMATS; do
    # shellcheck disable=SC2086
    evpub convert -f "$fmt" $extra "$f" >"$TMP/out" 2>"$TMP/err"
    rc=$?
    if [ "$rc" -gt 1 ]; then
      fail "$name -f $fmt: exit $rc"
      sed 's/^/#   /' "$TMP/err" | head -n 8
    else
      ok "$name -f $fmt: exit $rc"
    fi
    if [ "$fmt" = nt ] && [ "$rc" -eq 0 ]; then
      check "$name: no statement written twice" \
        test -z "$(LC_ALL=C sort "$TMP/out" | uniq -d)"
    fi
  done
  for prof in $PROFILES; do
    evpub validate --profile "$prof" "$f" >"$TMP/out" 2>&1
    rc=$?
    check "$name: validate --profile $prof exits 0 or 1 (got $rc)" \
      test "$rc" -le 1
  done
done
check "the findings were there ($n)" test "$n" -ge 8

# F1: a value given twice is one triple, and raptor's json serializer
# (which refuses a repeated statement) writes it
for f in "$FIND"/raptor-json-duplicate-*; do
  name=${f##*/}
  evpub convert -f raptor:json "$f" >"$TMP/out" 2>"$TMP/err"
  check "$name: -f raptor:json writes it (exit 0)" test $? -eq 0
  check "$name: ... no error message" \
    sh -c "! grep -q 'error' '$TMP/err'"
done
printf 'base: https://x.example/\nevents:\n  - name: E\n    attendee: [Alan, Alan]\n    keywords: [a, a, b]\n' \
  >"$TMP/twice.yaml"
evpub convert -f nt "$TMP/twice.yaml" >"$TMP/twice.nt" 2>/dev/null
check "attendee [Alan, Alan]: one attendee triple" \
  test "$(grep -c '/attendee> ' "$TMP/twice.nt")" -eq 1
check "keywords [a, a, b]: two keywords triples" \
  test "$(grep -c '/keywords> ' "$TMP/twice.nt")" -eq 2

# F2: a top-level key twice is an error at the second one
evpub convert -f nt "$FIND/yaml-duplicate-top-level-key.yaml" \
  >"$TMP/out" 2>"$TMP/err"
check "a top-level key twice: rejected (exit 1)" test $? -eq 1
check "... 'duplicate key' at the second one" \
  grep -q "yaml-duplicate-top-level-key.yaml:[0-9]*:1: duplicate key 'base'" \
  "$TMP/err"

# F3: a year of 35 digits is a valid xsd:date; validation does not
# overflow on it (UBSan would say so in the sanitizer build)
printf 'base: https://x.example/\nname: Far\nstartDate: 111111111111111111111111111111112022-11-03\nendDate: 2022-11-02\n' \
  >"$TMP/far.yaml"
evpub validate --profile schema "$TMP/far.yaml" >"$TMP/out" 2>&1
check "a 35-digit year: validate exits 0 or 1" test $? -le 1
finish
