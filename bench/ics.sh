#!/bin/bash
# evpub iCalendar benchmark: time and peak memory of `evpub convert -f nt`
# on a generated calendar, against the 100 MB memory bound.
#
# usage: bench/ics.sh [--events N] [--big N] [--runs K] [--evpub PATH]
#                     [--save]
#
#   --events N   VEVENTs of the calendar (default 10000; about 1% more are
#                RECURRENCE-ID overrides)
#   --big N      a second, bigger calendar to show how memory grows
#                (default 100000; 0 skips it)
#   --runs K     timed runs of each conversion (default 3; the median)
#   --evpub PATH the evpub binary (default src/evpub of this tree)
#   --save       also append the results as TSV to bench/results.tsv
#
# The calendars come from bench/gen-ics.py (seed 1): 20% recurring events
# (weekly, daily, monthly, yearly rules with COUNT, UNTIL, BYDAY, EXDATE),
# overrides before and after their series, system and VTIMEZONE zones,
# UTC, floating and all-day times, people, VALARMs and X- properties.
# Timed with /usr/bin/time (wall seconds, peak RSS); output to /dev/null.
# Triples are lines of N-Triples.  The script fails when a conversion
# fails, or when the N-event conversion needs 100 MB or more.
set -eu
set -o pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
events=10000 big=100000 runs=3 save=0
EVPUB=$top/src/evpub
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
die() { echo "ics.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --events) events=${2:?}; shift 2 ;;
    --big) big=${2:?}; shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    --evpub) EVPUB=${2:?}; shift 2 ;;
    --save) save=1; shift ;;
    -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (try --help)" ;;
  esac
done
for n in "$events" "$big" "$runs"; do
  case $n in ''|*[!0-9]*) die "not a number: $n" ;; esac
done
[ "$runs" -ge 1 ] || die "--runs must be at least 1"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing: apt-get install time"
[ -x "$EVPUB" ] || die "no evpub at $EVPUB (build first)"
W=$(mktemp -d "${TMPDIR:-/tmp}/evpub-icsbench.XXXXXX")
trap 'rm -rf "$W"' EXIT
log() { echo "# $*" >&2; }

# median of K runs of `evpub convert -f nt ARGS`: "seconds rss_mb"
median() {
  local k
  : >"$W/runs"
  for k in $(seq 1 "$runs"); do
    /usr/bin/time -f '%e %M' -o "$W/time" \
      "$EVPUB" convert -f nt --base https://bench.example/ "$@" >/dev/null ||
      die "evpub convert $* failed"
    awk '{ printf "%s %.1f\n", $1, $2 / 1024 }' "$W/time" >>"$W/runs"
  done
  sort -n "$W/runs" | sed -n "$(((runs + 1) / 2))p"
}

triples() { "$EVPUB" convert -f nt --base https://bench.example/ "$@" | wc -l; }
vevents() { grep -c '^BEGIN:VEVENT' "$1"; }
per_s() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }

log "generating $events events"
"$PY" "$top/bench/gen-ics.py" "$events" --seed 1 >"$W/cal.ics" 2>/dev/null
nv=$(vevents "$W/cal.ics")
size_mb=$(du -m "$W/cal.ics" | cut -f1)
log "converting ($runs runs each)"
read -r s1 m1 < <(median "$W/cal.ics")
t1=$(triples "$W/cal.ics")
read -r s2 m2 < <(median --expand 10 "$W/cal.ics")
t2=$(triples --expand 10 "$W/cal.ics")
rows="| evpub | ICS→NT | $nv | $t1 | $s1 | $(per_s "$nv" "$s1") | $m1 |
| evpub | ICS→NT --expand 10 | $nv | $t2 | $s2 | $(per_s "$nv" "$s2") | $m2 |"
tsv="evpub	ICS→NT	$nv	$t1	$s1	$(per_s "$nv" "$s1")	$m1
evpub	ICS→NT --expand 10	$nv	$t2	$s2	$(per_s "$nv" "$s2")	$m2"
if [ "$big" -gt 0 ]; then
  log "generating $big events"
  "$PY" "$top/bench/gen-ics.py" "$big" --seed 1 >"$W/big.ics" 2>/dev/null
  nb=$(vevents "$W/big.ics")
  read -r s3 m3 < <(runs=1 median "$W/big.ics")
  t3=$(triples "$W/big.ics")
  rows="$rows
| evpub | ICS→NT (memory growth) | $nb | $t3 | $s3 | $(per_s "$nb" "$s3") | $m3 |"
  tsv="$tsv
evpub	ICS→NT	$nb	$t3	$s3	$(per_s "$nb" "$s3")	$m3"
fi
stamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)
sys="$(uname -sr) $(uname -m), $(nproc) CPUs"

cat <<EOT
evpub iCalendar benchmark, $stamp, $sys

| tool | task | VEVENTs | triples | seconds | events/s | peak RSS MB |
|---|---|---:|---:|---:|---:|---:|
$rows

* calendar of $nv VEVENTs: $size_mb MB (bench/gen-ics.py $events --seed 1);
  median of $runs runs; memory bound: 100 MB
EOT

if [ "$save" -eq 1 ]; then
  {
    echo "# evpub iCalendar benchmark, $stamp, $sys"
    printf 'tool\ttask\tevents\ttriples\tseconds\tevents_per_s\tpeak_rss_mb\n'
    printf '%s\n' "$tsv"
  } >>"$top/bench/results.tsv"
  log "appended to bench/results.tsv"
fi
awk -v m="$m1" 'BEGIN { exit !(m < 100) }' ||
  die "peak RSS $m1 MB at $nv VEVENTs: over the 100 MB bound"
