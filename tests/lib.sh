# Sourced by the test scripts.  Environment from make check: EVPUB,
# EVPUB_VALGRIND, PYTHON, RAPPER, top_srcdir, top_builddir, EVPUB_CI (1 in
# CI: a missing dependency fails instead of skipping), EVPUB_SHARED (the
# shared project directory, ../shared beside the source tree).
set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${EVPUB:=$top_builddir/src/evpub}"
: "${EVPUB_VALGRIND:=}"
if [ -z "${PYTHON:-}" ]; then
  for p in /usr/bin/python3 python3; do
    if "$p" -c 'import rdflib' >/dev/null 2>&1; then PYTHON=$p; break; fi
  done
fi
: "${PYTHON:=}"
: "${RAPPER:=$(command -v rapper || true)}"
: "${EVPUB_SHARED:=$top_srcdir/../shared}"
EXAMPLE="$top_srcdir/examples/global-cities-forum-2022.yaml"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/evpub-test.XXXXXX")
# on_exit COMMAND: run COMMAND (a shell string) when the test ends, before
# $TMP is removed (stop a server, a proxy)
EXIT_HOOKS=()
on_exit() { EXIT_HOOKS+=("$1"); }
run_exit_hooks() {
  local h
  for h in ${EXIT_HOOKS[@]+"${EXIT_HOOKS[@]}"}; do eval "$h"; done
}
trap 'run_exit_hooks; rm -rf "$TMP"' EXIT

npass=0
nfail=0

evpub() {
  $EVPUB_VALGRIND "$EVPUB" "$@"
}

ok() { npass=$((npass + 1)); echo "ok - $1"; }
fail() { nfail=$((nfail + 1)); echo "FAIL - $1"; }
check() {  # check "description" command...
  local what=$1; shift
  if "$@"; then ok "$what"; else fail "$what"; fi
}
# skip WHY: what the test needs is missing.  Exit 77 (skipped) and say why;
# in CI (EVPUB_CI=1), where .ci/run installed everything, fail instead.
skip() {
  if [ "${EVPUB_CI:-}" = 1 ]; then
    echo "FAIL - $1 (a skip is a failure in CI: EVPUB_CI=1)"
    exit 1
  fi
  echo "skip: $1"
  exit 77
}
need_python() {
  [ -n "$PYTHON" ] || skip "no Python with rdflib"
}
need_rapper() {
  [ -n "$RAPPER" ] || skip "rapper (raptor2-utils) not installed"
}
finish() {
  echo "$npass passed, $nfail failed"
  [ "$nfail" -eq 0 ]
}

# ---- publishing (tests/publish.sh, tests/store.sh) ------------------------

# publish DESCRIPTION EXPECTED-EXIT ARGS...: run evpub publish, keep its
# stderr in $TMP/err, and check the exit status
publish() {
  local what=$1 want=$2
  shift 2
  evpub publish "$@" >"$TMP/out" 2>"$TMP/err"
  local rc=$?
  check "$what (exit $want)" test "$rc" -eq "$want"
  [ "$rc" -eq "$want" ] || sed 's/^/#   /' "$TMP/err" | head -n 12
}

# quads INPUT OUT.nq [ARGS...]: what a publish of INPUT sends or stores, as
# the N-Quads of evpub convert
quads() {
  local in=$1 out=$2
  shift 2
  evpub convert -f nquads "$@" "$in" >"$out" 2>"$TMP/conv.err" ||
    { sed 's/^/#   /' "$TMP/conv.err"; fail "convert $in"; }
}

# events N SEED NAME: N generated events under https://NAME.example.org/,
# in $TMP/NAME.yaml, and their quads in $TMP/NAME.nq
events() {
  "${PYTHON:-/usr/bin/python3}" "$top_srcdir/bench/gen-events.py" "$1" \
    --seed "$2" 2>/dev/null |
    sed "s#https://bench.example.org/#https://$3.example.org/#" >"$TMP/$3.yaml"
  quads "$TMP/$3.yaml" "$TMP/$3.nq"
}

# edited_example OUT.yaml: the example with the organizer sipa taken off the
# forum's organizer list and the forum's date moved a week (an edit that
# must replace triples, not only add them)
edited_example() {
  "${PYTHON:-/usr/bin/python3}" - "$EXAMPLE" "$1" <<'EOF'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
date = "    startDate: 2022-11-02\n"
sipa = ("      - {name: School of International and Public Affairs, "
        "roleName: organizer}\n")
assert date in text and sipa in text
text = text.replace(date, "    startDate: 2022-11-09\n", 1)
text = text.replace(sipa, "", 1)
open(sys.argv[2], "w", encoding="utf-8").write(text)
EOF
}
