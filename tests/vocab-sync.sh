#!/bin/bash
# vocab-sync.sh - check that the committed schema.org term table is what
# vocab/gen-vocab.py derives from the shared schema.org release.
#
# Regenerates lib/map/vocab_data.c and vocab/{types,properties,members}.tsv
# into a temporary directory and compares them with the committed files.
# Skips (exit 77) when the schema.org files (../shared/schemaorg next to the
# source tree, or $SCHEMAORG_DIR) or /usr/bin/python3 with rdflib are absent.
set -eu

here=$(cd "$(dirname "$0")" && pwd)

# Locate the source tree: $top_srcdir, else $srcdir (the tree or its tests/
# directory), else the directory above this script.
root=
if [ -n "${top_srcdir:-}" ]; then
  root=$top_srcdir
elif [ -n "${srcdir:-}" ]; then
  if [ -f "$srcdir/vocab/gen-vocab.py" ]; then
    root=$srcdir
  elif [ -f "$srcdir/../vocab/gen-vocab.py" ]; then
    root=$srcdir/..
  fi
fi
[ -n "$root" ] || root=$here/..
root=$(cd "$root" && pwd)

gen=$root/vocab/gen-vocab.py
shared=${SCHEMAORG_DIR:-$root/../shared/schemaorg}
python=/usr/bin/python3

if [ ! -f "$gen" ]; then
  echo "vocab-sync: FAIL: $gen not found" >&2
  exit 1
fi
if [ ! -f "$shared/schemaorg-current-http.ttl" ]; then
  echo "vocab-sync: SKIP: no schema.org release at $shared"
  exit 77
fi
if [ ! -x "$python" ]; then
  echo "vocab-sync: SKIP: $python not found"
  exit 77
fi
if ! "$python" -c 'import rdflib' 2>/dev/null; then
  echo "vocab-sync: SKIP: rdflib is not importable from $python"
  exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/vocab-sync.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

"$python" "$gen" --outdir "$tmp" "$shared"

status=0
for f in lib/map/vocab_data.c lib/write/context_data.c vocab/types.tsv \
         vocab/properties.tsv vocab/members.tsv; do
  if [ ! -f "$root/$f" ]; then
    echo "vocab-sync: FAIL: $f is missing from the source tree" >&2
    status=1
  elif ! cmp -s "$tmp/$f" "$root/$f"; then
    echo "vocab-sync: FAIL: $f is out of date; run vocab/gen-vocab.py" >&2
    diff -u "$root/$f" "$tmp/$f" | head -n 20 >&2 || true
    status=1
  fi
done
[ "$status" -ne 0 ] || echo "vocab-sync: ok (term table matches $shared)"
exit "$status"
