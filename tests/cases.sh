#!/bin/bash
# The data-driven cases: every directory under tests/cases/ that holds an
# `args` file is one case (layout: tests/cases/README.md).
#
#   tests/cases.sh               every case
#   tests/cases.sh DIR...        only these cases, or the cases under them
#
# A case runs in its own directory as `evpub $(cat args)`, standard input
# from `stdin` (a file), `stdin-pipe` (through a pipe) or /dev/null, killed
# after EVPUB_CASE_TIMEOUT seconds (default 60: a hang fails, exit 124), and
# must give:
#   status          the exit status (default 0)
#   expected.nt     standard output as a graph: both sides canonicalized
#                   with rapper, sorted, duplicates dropped, then equal
#   stdout.sorted   standard output with its lines sorted (LC_ALL=C), byte
#                   for byte
#   stdout          standard output byte for byte
#                   (none of the three: standard output must be empty)
#   stderr          standard error byte for byte, every line (none:
#                   standard error must be empty)
# and, where the case has them:
#   notes           the same command with -v added prints each of these
#                   lines on standard error exactly once
#   rdflib          the same command with -f turtle added is read by rdflib
#                   (tests/rdflib_witness.py: dates valid, every VEVENT of
#                   an .ics input an Event with its SUMMARY as name); left to
#                   the normal build in the sanitizer and valgrind builds
# Any other file of a case must be named in `args` (an input): a misspelt
# expectation is an error, not a case that checks nothing.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

CASES="$top_srcdir/tests/cases"
WITNESS="$top_srcdir/tests/rdflib_witness.py"
# The cases there are, at least: a case lost on the way (a dist-hook, a
# move) must not go unnoticed.  Raise it when adding cases.
MIN_CASES=200
CASE_TIMEOUT=${EVPUB_CASE_TIMEOUT:-60}
case "$EVPUB" in
  /*) ;;
  *) EVPUB="$PWD/$EVPUB" ;;
esac

show() {  # show LABEL FILE: the start of a file, indented
  echo "  $1:"
  sed -n '1,25s/^/    /p' "$2"
}

# run DIR OUT ERR [EXTRA...]: run the case's command with EXTRA appended;
# sets rc
run() {
  local dir=$1 o=$2 e=$3
  shift 3
  local -a args=()
  read -r -a args <"$dir/args" || true
  # a hang is killed: timeout runs the command, not the evpub function
  # (EVPUB_VALGRIND is words: the valgrind command line, or nothing)
  local -a cmd
  read -r -a cmd <<<"timeout -k 5 $CASE_TIMEOUT $EVPUB_VALGRIND"
  cmd+=("$EVPUB")
  if [ -f "$dir/stdin" ]; then
    (cd "$dir" && "${cmd[@]}" "${args[@]}" "$@" <stdin) >"$o" 2>"$e"
  elif [ -f "$dir/stdin-pipe" ]; then
    (cd "$dir" && cat stdin-pipe | "${cmd[@]}" "${args[@]}" "$@") >"$o" 2>"$e"
  else
    (cd "$dir" && "${cmd[@]}" "${args[@]}" "$@" </dev/null) >"$o" 2>"$e"
  fi
  rc=$?
  [ "$rc" != 124 ] || echo "evpub: killed after ${CASE_TIMEOUT}s" >>"$e"
}

canon() {  # canon FILE OUT: canonical N-Triples of FILE, sorted, unique
  "$RAPPER" -q -i ntriples -o ntriples "$1" >"$2.raw" || return 1
  LC_ALL=C sort -u "$2.raw" >"$2"
}

# known DIR: every file of the case is an expectation or named in args
known() {
  local dir=$1 f base words
  words=" $(cat "$dir/args") "
  for f in "$dir"/*; do
    base=${f##*/}
    case $base in
      args | status | expected.nt | stdout.sorted | stdout | stderr | \
        notes | rdflib | stdin | stdin-pipe) ;;
      *)
        case $words in
          *" $base "*) ;;
          *) echo "'$base' is neither an expectation nor named in args"
             return 1 ;;
        esac ;;
    esac
  done
  local n=0
  for f in expected.nt stdout.sorted stdout; do
    [ -f "$dir/$f" ] && n=$((n + 1))
  done
  [ "$n" -le 1 ] || { echo "more than one of expected.nt, stdout.sorted, stdout"; return 1; }
}

# differ LABEL WANT GOT FLAT: nothing when the files are equal, else say
# how they differ
differ() {
  diff -u "$2" "$3" >"$TMP/$4.diff" && return 1
  echo "$1 differs (- expected, + evpub)"
  sed -n '3,60s/^/    /p' "$TMP/$4.diff"
}

# empty WHAT LABEL FILE: nothing when FILE is empty, else say what it holds
empty() {
  [ -s "$3" ] || return 0
  echo "$1, none expected"
  show "$2" "$3"
  return 1
}

# check_stdout DIR FLAT: standard output as the case expects; prints why not
check_stdout() {
  local dir=$1 flat=$2
  if [ -f "$dir/expected.nt" ]; then
    [ -n "$RAPPER" ] || { echo "rapper (raptor2-utils) is not installed"; return 1; }
    canon "$dir/expected.nt" "$TMP/$flat.want" ||
      { echo "expected.nt is not valid N-Triples"; return 1; }
    canon "$out" "$TMP/$flat.got" ||
      { echo "evpub's output is not valid N-Triples"; show stdout "$out"; return 1; }
    ! differ "the graph" "$TMP/$flat.want" "$TMP/$flat.got" "$flat"
  elif [ -f "$dir/stdout.sorted" ]; then
    LC_ALL=C sort "$out" >"$out.sorted"
    ! differ "the sorted output" "$dir/stdout.sorted" "$out.sorted" "$flat"
  elif [ -f "$dir/stdout" ]; then
    ! differ "the output" "$dir/stdout" "$out" "$flat"
  else
    empty "output written" stdout "$out"
  fi
}

# check_stderr DIR FLAT: standard error as the case expects
check_stderr() {
  local dir=$1 flat=$2
  if [ -f "$dir/stderr" ]; then
    ! differ "standard error" "$dir/stderr" "$err" "$flat"
  else
    empty "messages on standard error" stderr "$err"
  fi
}

check_notes() {  # check_notes DIR NAME FLAT
  local dir=$1 name=$2 want n
  run "$dir" "$TMP/$3.v.out" "$TMP/$3.v.err" -v
  while IFS= read -r want; do
    n=$(grep -cxF -- "$want" "$TMP/$3.v.err")
    if [ "$n" = 1 ]; then
      ok "$name: note '${want#*note: }'"
    else
      fail "$name: note printed $n times with -v, expected once: $want"
      show stderr "$TMP/$3.v.err"
    fi
  done <"$dir/notes"
}

check_rdflib() {  # check_rdflib DIR NAME FLAT
  local dir=$1 name=$2 ttl=$TMP/$3.ttl
  # the witness checks what is written, the same in every build: the
  # sanitizer and valgrind builds leave it to the normal one
  [ -z "${EVPUB_INSTRUMENTED:-}" ] || return 0
  if [ -z "$PYTHON" ]; then
    if [ "${EVPUB_CI:-}" = 1 ]; then
      fail "$name: no Python with rdflib for the witness (required in CI)"
    else
      echo "# $name: rdflib witness skipped: no Python with rdflib"
    fi
    return 0
  fi
  run "$dir" "$ttl" "$ttl.err" -f turtle
  if [ "$rc" = 0 ] && "$PYTHON" "$WITNESS" "$dir" "$ttl" >"$ttl.w" 2>&1; then
    ok "$name: rdflib: names and dates valid, every VEVENT an Event"
  else
    fail "$name: rdflib witness (exit $rc)"
    show witness "$ttl.w"
    show stderr "$ttl.err"
  fi
}

# the cases: directories holding an args file, under the given ones
if [ $# -gt 0 ]; then
  roots=()
  for r in "$@"; do
    roots+=("$(cd "$r" && pwd)") || exit 2
  done
else
  roots=("$CASES")
fi
mapfile -t dirs < <(find "${roots[@]}" -name args -type f | sed 's#/args$##' |
  LC_ALL=C sort)

# a directory of files without args is a case that would not run
while IFS= read -r d; do
  fail "${d#"$CASES"/}: files but no args: not a case"
done < <(find "${roots[@]}" -type d ! -exec test -e '{}/args' ';' \
  -exec sh -c 'find "$1" -maxdepth 1 -type f ! -name README.md | grep -q .' sh '{}' ';' -print)

ncases=0
for dir in "${dirs[@]}"; do
  name=${dir#"$CASES"/}
  flat=${name//\//__}
  ncases=$((ncases + 1))
  if ! why=$(known "$dir"); then
    fail "$name: $why"
    continue
  fi
  out="$TMP/$flat.out"
  err="$TMP/$flat.err"
  run "$dir" "$out" "$err"
  want_rc=0
  [ -f "$dir/status" ] && want_rc=$(cat "$dir/status")
  if [ "$rc" != "$want_rc" ]; then
    fail "$name: exit status $rc, expected $want_rc"
    show stderr "$err"
  elif ! why=$(check_stdout "$dir" "$flat"); then
    fail "$name: $why"
  elif ! why=$(check_stderr "$dir" "$flat"); then
    fail "$name: $why"
  else
    ok "$name"
  fi
  [ -f "$dir/notes" ] && check_notes "$dir" "$name" "$flat"
  [ -f "$dir/rdflib" ] && check_rdflib "$dir" "$name" "$flat"
done

if [ $# -eq 0 ]; then
  check "at least $MIN_CASES cases ran ($ncases)" test "$ncases" -ge "$MIN_CASES"
fi
finish
