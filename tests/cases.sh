#!/bin/bash
# Data-driven conversion tests: one directory per case under tests/cases/.
#
#   input*            the inputs (input.yaml, input.json, input-1.yaml ...),
#                     passed in name order, relative to the case directory
#   args              optional: one line of extra arguments for 'convert'
#   error             error case: line 1 the exit status, line 2 the exact
#                     first line of standard error; standard output must be
#                     empty
#   error-count       optional, error case: the number of lines of standard
#                     error that start with 'evpub: input' (all the errors of
#                     a file must be reported, not only the first)
#   expected.nt       success case: the expected graph (N-Triples, no blank
#                     nodes; compared as graphs after canonicalizing both
#                     sides with rapper and sorting)
#   warning           optional, success case: the exact first line of
#                     standard error; without it standard error must be empty
#
# evpub runs in the case directory: 'evpub convert -f ntriples ARGS INPUT...'.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
need_rapper

CASES="$top_srcdir/tests/cases"
case "$EVPUB" in
  /*) ;;
  *) EVPUB="$PWD/$EVPUB" ;;
esac

canon() {  # canon FILE OUT: canonical N-Triples of FILE into OUT
  "$RAPPER" -q -i ntriples -o ntriples "$1" > "$2.raw" || return 1
  LC_ALL=C sort -u "$2.raw" > "$2"
}

run_case() {  # run_case DIR NAME; sets rc, out, err
  local dir=$1 name=$2 f
  local -a inputs=() args=()
  for f in "$dir"/input*; do
    [ -e "$f" ] && inputs+=("${f##*/}")
  done
  if [ -f "$dir/args" ]; then
    read -r -a args < "$dir/args" || true
  fi
  out="$TMP/$name.out"
  err="$TMP/$name.err"
  ( cd "$dir" &&
    evpub convert -f ntriples ${args[@]+"${args[@]}"} \
      ${inputs[@]+"${inputs[@]}"} ) > "$out" 2> "$err"
  rc=$?
}

show() {  # show LABEL FILE: print a file, indented, for a failure report
  echo "  $1:"
  sed -n '1,20s/^/    /p' "$2"
}

check_error_case() {
  local dir=$1 name=$2 want_rc want_line got_line msg="" count got_count
  want_rc=$(sed -n 1p "$dir/error")
  want_line=$(sed -n 2p "$dir/error")
  got_line=$(sed -n 1p "$err")
  [ "$rc" = "$want_rc" ] || msg="exit status $rc, expected $want_rc"
  if [ -z "$msg" ] && [ "$got_line" != "$want_line" ]; then
    msg="wrong first line of stderr"
  fi
  if [ -z "$msg" ] && [ "$want_rc" = 1 ] && [ -s "$out" ]; then
    msg="output written although the input was rejected"
  fi
  if [ -n "$msg" ]; then
    fail "$name: $msg"
    echo "  expected: $want_line"
    echo "  got:      $got_line"
    [ -s "$out" ] && show "stdout" "$out"
    return
  fi
  ok "$name"
  if [ -f "$dir/error-count" ]; then
    count=$(cat "$dir/error-count")
    got_count=$(grep -c '^evpub: input' "$err")
    if [ "$got_count" = "$count" ]; then
      ok "$name: all $count errors reported"
    else
      fail "$name: $got_count error lines, expected $count"
      show "stderr" "$err"
    fi
  fi
}

check_success_case() {
  local dir=$1 name=$2 want_warn got_line
  if [ "$rc" != 0 ]; then
    fail "$name: exit status $rc, expected 0"
    show "stderr" "$err"
    return
  fi
  if ! canon "$dir/expected.nt" "$TMP/$name.want"; then
    fail "$name: expected.nt is not valid N-Triples"
    return
  fi
  if ! canon "$out" "$TMP/$name.got"; then
    fail "$name: evpub's output is not valid N-Triples"
    show "stdout" "$out"
    return
  fi
  if ! diff -u "$TMP/$name.want" "$TMP/$name.got" > "$TMP/$name.diff"; then
    fail "$name: graph differs (- expected, + evpub)"
    sed -n '3,60s/^/    /p' "$TMP/$name.diff"
    return
  fi
  if [ -f "$dir/warning" ]; then
    want_warn=$(sed -n 1p "$dir/warning")
    got_line=$(sed -n 1p "$err")
    if [ "$got_line" != "$want_warn" ]; then
      fail "$name: wrong warning"
      echo "  expected: $want_warn"
      echo "  got:      $got_line"
      return
    fi
  elif [ -s "$err" ]; then
    fail "$name: unexpected output on stderr"
    show "stderr" "$err"
    return
  fi
  ok "$name"
}

ncases=0
for dir in "$CASES"/*/; do
  dir=${dir%/}
  name=${dir##*/}
  [ -d "$dir" ] || continue
  ncases=$((ncases + 1))
  run_case "$dir" "$name"
  if [ -f "$dir/error" ]; then
    check_error_case "$dir" "$name"
  elif [ -f "$dir/expected.nt" ]; then
    check_success_case "$dir" "$name"
  else
    fail "$name: neither 'error' nor 'expected.nt' in the case directory"
  fi
done

# The driver checks only the first error line of each case: prove here that
# every error of a file is reported, not just the first one.
dir="$CASES/error-three-errors-one-file"
if [ -d "$dir" ]; then
  run_case "$dir" three-errors
  n=$(grep -c '^evpub: input\.yaml:' "$err")
  if [ "$rc" = 1 ] && [ "$n" = 3 ]; then
    ok "a file with 3 errors reports exactly 3 errors"
  else
    fail "a file with 3 errors reports exactly 3 errors (got $n, exit $rc)"
    show "stderr" "$err"
  fi
else
  fail "case error-three-errors-one-file is missing"
fi

[ "$ncases" -gt 0 ] || fail "no cases found in $CASES"
finish
