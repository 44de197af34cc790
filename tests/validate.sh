#!/bin/bash
# evpub validate: one data-driven case per rule (tests/validate/NAME:
# input.yaml, profile, the expected findings on stdout, the exit status),
# and convert --validate.
. "$(dirname "$0")/lib.sh"
CASES="$top_srcdir/tests/validate"
for dir in "$CASES"/*/; do
  name=$(basename "$dir")
  profile=$(cat "$dir/profile")
  want_status=$(cat "$dir/status")
  got=$(cd "$dir" && evpub validate --profile "$profile" input.yaml 2>"$TMP/err")
  status=$?
  if [ "$status" -ne "$want_status" ]; then
    fail "$name: exit status $status, expected $want_status"; cat "$TMP/err"
  elif [ "$got" != "$(cat "$dir/expected")" ]; then
    fail "$name: findings differ"
    diff <(cat "$dir/expected") <(printf '%s\n' "$got") | head -10
  elif [ -s "$TMP/err" ]; then
    fail "$name: unexpected stderr"; cat "$TMP/err"
  else
    ok "$name"
  fi
done

# convert --validate: the same checks first, nothing written on an error
D="$CASES/schema-end-before-start"
evpub convert --validate -o "$TMP/out.ttl" "$D/input.yaml" 2>"$TMP/err"
check "convert --validate refuses an event that ends before it starts" test $? -eq 1
check "convert --validate reports it with its position" grep -q "input.yaml:10:14: endDate" "$TMP/err"
check "convert --validate wrote nothing" test ! -e "$TMP/out.ttl"
evpub convert -o "$TMP/out.ttl" "$D/input.yaml" 2>/dev/null
check "without --validate the same input converts" test $? -eq 0
evpub convert --validate=google -o "$TMP/out2.ttl" "$CASES/google-recommends-image/input.yaml" 2>"$TMP/err"
check "convert --validate=google: warnings do not stop it" test $? -eq 0 -a -s "$TMP/out2.ttl"
check "convert --validate=google: the warning is printed" grep -q "warning: Google recommends image" "$TMP/err"
evpub validate --profile nope "$D/input.yaml" >/dev/null 2>&1
check "unknown profile: exit 2" test $? -eq 2
finish
