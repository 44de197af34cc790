#!/bin/bash
# The example program built on the public API gives what the CLI gives.
. "$(dirname "$0")/lib.sh"
PROG="$top_builddir/examples/list_events"
[ -x "$PROG" ] || { echo "skip: $PROG not built"; exit 77; }

$EVPUB_VALGRIND "$PROG" -f ntriples "$EXAMPLE" >"$TMP/api.nt" 2>"$TMP/err"
check "list_events exits 0" test $? -eq 0
check "list_events reports the counts" grep -q "^list_events: 3 events, [0-9]* triples$" "$TMP/err"
evpub convert -f ntriples "$EXAMPLE" >"$TMP/cli.nt"
check "library and command write the same triples" cmp -s "$TMP/api.nt" "$TMP/cli.nt"
printf 'events:\n  - {name: X, startdate: 2022-01-01}\n' >"$TMP/bad.yaml"
$EVPUB_VALGRIND "$PROG" "$TMP/bad.yaml" >/dev/null 2>"$TMP/err"
check "list_events returns EVPUB_E_DATA (1) on bad input" test $? -eq 1
check "errors reach the log handler with a position" grep -q "bad.yaml:2:15: unknown property 'startdate'" "$TMP/err"
# the command uses only the public header
check "the CLI includes only evpub.h and its own header" \
  test -z "$(grep -h '#include "' "$top_srcdir"/src/main.c "$top_srcdir"/src/cli_common.c "$top_srcdir"/src/cmd_*.c | grep -v -e '"evpub.h"' -e '"evpub_cli.h"')"
check "evpub_cli.h includes only evpub.h" \
  test -z "$(grep '#include "' "$top_srcdir/src/evpub_cli.h" | grep -v '"evpub.h"')"
finish
