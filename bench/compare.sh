#!/bin/bash
# Compare two evpub binaries on the README's benchmarks, in one run.
#
# usage: bench/compare.sh OLD NEW [--rounds K] [--events N]
#                         [--publish-events N] [--no-publish]
#
#   OLD, NEW            the two evpub binaries (say, a build of the commit
#                       before a change, in a git worktree, and this tree's)
#   --rounds K          rounds of bench/run.sh and bench/network.sh (3)
#   --events N          events for those (default 100000)
#   --publish-events N  events for bench/publish.sh (default 12500)
#   --no-publish        leave bench/publish.sh out (it needs Virtuoso)
#
# Each round runs bench/run.sh (no memory-growth run, no rdflib) and
# bench/network.sh (roqet at 200 events only) for OLD, then for NEW, then the next round
# in the other order, so that a machine that drifts (heat, other load)
# costs both the same; bench/publish.sh once each (every variant on a
# fresh Virtuoso already).  For each evpub task: the best seconds over
# the rounds and the largest peak RSS, OLD beside NEW, and NEW/OLD.  The
# peers' rows (rapper, curl, python) are left out: they do not change.
# The whole outputs are kept in $TMPDIR/evpub-compare.*/ (printed).

set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

die() { echo "compare.sh: $*" >&2; exit 1; }
[ $# -ge 2 ] || die "usage: $0 OLD NEW [--rounds K] [--events N] [--publish-events N] [--no-publish]"
old=$(readlink -f "$1")
new=$(readlink -f "$2")
shift 2
rounds=3 events=100000 pevents=12500 publish=1
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --events) events=$2; shift 2 ;;
    --publish-events) pevents=$2; shift 2 ;;
    --no-publish) publish=0; shift ;;
    *) die "unknown argument '$1'" ;;
  esac
done
[ -x "$old" ] && [ -x "$new" ] || die "OLD and NEW must be executables"

out=$(mktemp -d "${TMPDIR:-/tmp}/evpub-compare.XXXXXX")
echo "compare.sh: outputs in $out" >&2

# rows FILE LABEL: the evpub rows of a Markdown table as
# "LABEL<TAB>task<TAB>seconds<TAB>rss"
rows() {
  awk -F'|' -v label="$2" '
    /^\| *tool *\|/ { for(i = 1; i <= NF; i++) { h = $i; gsub(/^ +| +$/, "", h); col[h] = i } next }
    /^\| *evpub *\|/ && ("seconds" in col) {
      t = $col["task"]; e = $col["events"]; s = $col["seconds"]
      m = $col["peak RSS MB"]
      gsub(/^ +| +$/, "", t); gsub(/^ +| +$/, "", e)
      gsub(/^ +| +$/, "", s); gsub(/^ +| +$/, "", m)
      gsub(/ \([0-9.]+ MB\)/, "", t) # the store size is a result, not a task
      print label "\t" t ", " e " events\t" s "\t" m
    }' "$1"
}

run_one() { # NAME BINARY ROUND
  local name=$1 bin=$2 r=$3
  echo "compare.sh: round $r, $name: run.sh" >&2
  bash "$here/run.sh" --events "$events" --big 0 --rdflib-events 0 \
    --evpub "$bin" >"$out/run-$name-$r.md" 2>>"$out/log"
  rows "$out/run-$name-$r.md" "$name" >>"$out/rows.tsv"
  echo "compare.sh: round $r, $name: network.sh" >&2
  bash "$here/network.sh" --events "$events" --roqet-events 200 --runs 3 \
    --evpub "$bin" >"$out/network-$name-$r.md" 2>>"$out/log"
  rows "$out/network-$name-$r.md" "$name" >>"$out/rows.tsv"
}

: >"$out/rows.tsv"
for r in $(seq "$rounds"); do
  if [ $((r % 2)) -eq 1 ]; then
    run_one old "$old" "$r"; run_one new "$new" "$r"
  else
    run_one new "$new" "$r"; run_one old "$old" "$r"
  fi
done
if [ "$publish" = 1 ]; then
  for name in old new; do
    bin=$old; [ $name = new ] && bin=$new
    echo "compare.sh: $name: publish.sh" >&2
    bash "$here/publish.sh" --events "$pevents" --attempts 3 \
      --evpub "$bin" >"$out/publish-$name.md" 2>>"$out/log"
    rows "$out/publish-$name.md" "$name" >>"$out/rows.tsv"
  done
fi

echo "evpub compare, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(uname -srm), $(nproc) CPUs"
echo "old: $old"
echo "new: $new"
echo "rounds: $rounds (run.sh, network.sh at $events events); publish.sh at $pevents events: $publish"
echo
echo "| task | old s (best) | new s (best) | new/old | old RSS MB | new RSS MB |"
echo "|---|---:|---:|---:|---:|---:|"
awk -F'\t' '
  { k = $2; if(!(k in seen)) { seen[k] = 1; order[++n] = k }
    if(!((k, $1) in best) || $3 + 0 < best[k, $1]) best[k, $1] = $3 + 0
    if($4 + 0 > rss[k, $1]) rss[k, $1] = $4 + 0 }
  END { for(i = 1; i <= n; i++) { k = order[i]; o = best[k, "old"]; w = best[k, "new"]
          printf "| %s | %.2f | %.2f | %s | %.1f | %.1f |\n", k, o, w,
            (o > 0 ? sprintf("%.3f", w / o) : "-"), rss[k, "old"], rss[k, "new"] } }
' "$out/rows.tsv"
