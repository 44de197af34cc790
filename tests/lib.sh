# Sourced by the test scripts.  Environment from make check: EVPUB,
# EVPUB_VALGRIND, PYTHON, RAPPER, top_srcdir, top_builddir.
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
EXAMPLE="$top_srcdir/examples/global-cities-forum-2022.yaml"

TMP=$(mktemp -d "${TMPDIR:-/tmp}/evpub-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT

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
need_python() {
  if [ -z "$PYTHON" ]; then echo "skip: no Python with rdflib"; exit 77; fi
}
need_rapper() {
  if [ -z "$RAPPER" ]; then echo "skip: rapper (raptor2-utils) not installed"; exit 77; fi
}
finish() {
  echo "$npass passed, $nfail failed"
  [ "$nfail" -eq 0 ]
}
