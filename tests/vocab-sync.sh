#!/bin/bash
# vocab-sync.sh - check that the committed schema.org term table is what
# vocab/gen-vocab.py derives from the shared schema.org release.
#
# Regenerates lib/map/vocab_data.c, lib/write/context_data.c and
# vocab/{types,properties,members}.tsv into a temporary directory and
# compares them with the committed files.  The release is read from
# $SCHEMAORG_DIR, by default $EVPUB_SHARED/schemaorg ($EVPUB_SHARED: the
# shared project directory, ../shared beside the source tree; make passes
# the one beside the checkout, in distcheck too).  Without it, or without
# /usr/bin/python3 and rdflib, the test is skipped, saying why, and fails
# in CI (EVPUB_CI=1), where ../shared is present.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"

gen=$top_srcdir/vocab/gen-vocab.py
shared=${SCHEMAORG_DIR:-$EVPUB_SHARED/schemaorg}
python=/usr/bin/python3

if [ ! -f "$gen" ]; then
  fail "$gen not found"
  finish
  exit 1
fi
[ -f "$shared/schemaorg-current-http.ttl" ] ||
  skip "no schema.org release at $shared (set EVPUB_SHARED or SCHEMAORG_DIR)"
[ -x "$python" ] || skip "$python not found"
"$python" -c 'import rdflib' 2>/dev/null ||
  skip "rdflib is not importable from $python"

"$python" "$gen" --outdir "$TMP" "$shared" ||
  fail "vocab/gen-vocab.py failed on $shared"

for f in lib/map/vocab_data.c lib/write/context_data.c vocab/types.tsv \
         vocab/properties.tsv vocab/members.tsv; do
  if [ ! -f "$top_srcdir/$f" ]; then
    fail "$f is missing from the source tree"
  elif ! cmp -s "$TMP/$f" "$top_srcdir/$f"; then
    fail "$f is out of date; run vocab/gen-vocab.py"
    diff -u "$top_srcdir/$f" "$TMP/$f" | head -n 20 | sed 's/^/#   /'
  else
    ok "$f matches $shared"
  fi
done
finish
