#!/bin/bash
# The example program built on the public API gives what the CLI gives.
. "$(dirname "$0")/lib.sh"
PROG="$top_builddir/examples/list_events"
[ -x "$PROG" ] || skip "$PROG not built"

$EVPUB_VALGRIND "$PROG" -f ntriples "$EXAMPLE" >"$TMP/api.nt" 2>"$TMP/err"
check "list_events exits 0" test $? -eq 0
check "list_events reports the counts" grep -q "^list_events: 3 events, [0-9]* triples$" "$TMP/err"
evpub convert -f ntriples "$EXAMPLE" >"$TMP/cli.nt"
check "library and command write the same triples" cmp -s "$TMP/api.nt" "$TMP/cli.nt"
printf 'events:\n  - {name: X, startdate: 2022-01-01}\n' >"$TMP/bad.yaml"
$EVPUB_VALGRIND "$PROG" "$TMP/bad.yaml" >/dev/null 2>"$TMP/err"
check "list_events returns EVPUB_E_DATA (1) on bad input" test $? -eq 1
check "errors reach the log handler with a position" grep -q "bad.yaml:2:15: unknown property 'startdate'" "$TMP/err"
# the command uses only the public header and links only the public library
check "the CLI includes only evpub.h and its own header" \
  test -z "$(grep -h '#include "' "$top_srcdir"/src/*.c "$top_srcdir"/src/*.h | grep -v -e '"evpub.h"' -e '"cli.h"')"
check "cli.h includes only evpub.h" \
  test -z "$(grep '#include "' "$top_srcdir/src/cli.h" | grep -v '"evpub.h"')"
if command -v nm >/dev/null 2>&1; then
  # every function the command calls from the library is a public one
  undef=$(nm -u "$top_builddir/src/evpub" 2>/dev/null | awk '{print $2}' | grep '^evpub')
  check "the command calls only public functions (evpub_*)" \
    test -z "$(printf '%s\n' "$undef" | grep '^evpubp_')"
  check "the command takes the library's functions from libevpub" \
    test -n "$undef"
fi
finish
