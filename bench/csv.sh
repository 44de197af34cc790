#!/bin/bash
# evpub CSV benchmark: the same events as CSV and as YAML, converted to
# N-Triples; the CSV throughput must be at least 80% of the YAML's.
#
# usage: bench/csv.sh [--events N] [--runs K] [--evpub PATH] [--check]
#                     [--save]
#
#   --events N   events (default 100000)
#   --runs K     timed runs of each conversion (default 3; the median)
#   --evpub PATH the evpub binary (default src/evpub of this tree)
#   --check      first check on 100 events that the two graphs agree as
#                doc/csv.md says (events' and venues' triples equal once
#                organization and person IRIs are set aside, @en dropped)
#   --save       also append the results as TSV to bench/results.tsv
#
# The inputs are generated, not timed: bench/gen-events.py N (YAML) and
# bench/gen-csv.py N (CSV), seed 1, the same events.  Each conversion
# (`evpub convert -f nt`, output to /dev/null; the CSV with
# --base https://bench.example.org/, the YAML's own base) is timed with
# /usr/bin/time (wall seconds, peak RSS).  Events/s is N / median seconds.
# Needs /usr/bin/time (time) and Python 3; the work files go under $TMPDIR
# (about 160 MB for 100000 events) and are removed at the end.
set -eu
set -o pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
events=100000 runs=3 save=0 docheck=0
EVPUB=$top/src/evpub
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
BASE=https://bench.example.org/
die() { echo "csv.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --events) events=${2:?}; shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    --evpub) EVPUB=${2:?}; shift 2 ;;
    --check) docheck=1; shift ;;
    --save) save=1; shift ;;
    -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (try --help)" ;;
  esac
done
for n in "$events" "$runs"; do
  case $n in ''|*[!0-9]*|0) die "not a positive number: $n" ;; esac
done
[ -x /usr/bin/time ] || die "/usr/bin/time is missing: apt-get install time"
[ -x "$EVPUB" ] || die "no evpub at $EVPUB (build first)"
W=$(mktemp -d "${TMPDIR:-/tmp}/evpub-csvbench.XXXXXX")
trap 'rm -rf "$W"' EXIT
log() { echo "# $*" >&2; }

if [ "$docheck" -eq 1 ]; then
  log "checking the two generators on 100 events"
  "$PY" "$top/bench/gen-events.py" 100 >"$W/c.yaml" 2>/dev/null
  "$PY" "$top/bench/gen-csv.py" 100 >"$W/c.csv" 2>/dev/null
  "$EVPUB" convert -f nt "$W/c.yaml" >"$W/cy.nt"
  "$EVPUB" convert -f nt --base "$BASE" "$W/c.csv" >"$W/cc.nt"
  # events' and venues' triples; organizations and people by name
  norm() {
    grep "^<${BASE}\(events\|places\)/" "$1" |
      sed 's/"@en \.$/" ./; s#<'"$BASE"'\(organizations\|people\)/[^>]*>#<ENTITY>#g' |
      LC_ALL=C sort
  }
  norm "$W/cy.nt" >"$W/cy.norm"
  norm "$W/cc.nt" >"$W/cc.norm"
  cmp -s "$W/cy.norm" "$W/cc.norm" ||
    die "the CSV and YAML graphs differ beyond the documented list"
  log "100 events: $(wc -l <"$W/cy.norm") event and venue triples equal;" \
    "all triples: YAML $(wc -l <"$W/cy.nt"), CSV $(wc -l <"$W/cc.nt")" \
    "(declared organizations and people)"
fi

log "generating $events events as YAML and as CSV"
"$PY" "$top/bench/gen-events.py" "$events" --seed 1 >"$W/ev.yaml" 2>/dev/null
"$PY" "$top/bench/gen-csv.py" "$events" --seed 1 >"$W/ev.csv" 2>/dev/null

# median of K timed runs: "seconds rss_mb"
median() {
  local k
  : >"$W/runs"
  for k in $(seq 1 "$runs"); do
    /usr/bin/time -f '%e %M' -o "$W/time" "$@" >/dev/null
    awk '{ printf "%s %.1f\n", $1, $2 / 1024 }' "$W/time" >>"$W/runs"
  done
  sort -n "$W/runs" | sed -n "$(((runs + 1) / 2))p"
}

log "evpub YAML→NT, $runs runs"
read -r yaml_s yaml_rss < <(median "$EVPUB" convert -f nt "$W/ev.yaml")
log "evpub CSV→NT, $runs runs"
read -r csv_s csv_rss < <(median "$EVPUB" convert -f nt --base "$BASE" "$W/ev.csv")
yaml_t=$("$EVPUB" convert -f nt "$W/ev.yaml" | wc -l)
csv_t=$("$EVPUB" convert -f nt --base "$BASE" "$W/ev.csv" | wc -l)
yaml_mb=$(du -m "$W/ev.yaml" | cut -f1)
csv_mb=$(du -m "$W/ev.csv" | cut -f1)

eps() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", (s > 0 ? n / s : 0) }'; }
yaml_eps=$(eps "$events" "$yaml_s")
csv_eps=$(eps "$events" "$csv_s")
ratio=$(awk -v a="$csv_eps" -v b="$yaml_eps" \
  'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
met=$(awk -v r="$ratio" 'BEGIN { print (r >= 0.80 ? "met" : "NOT MET") }')
stamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)
sys="$(uname -sr) $(uname -m), $(nproc) CPUs"

cat <<EOF
evpub CSV benchmark, $stamp, $sys

| tool | task | events | input MB | triples | seconds (median of $runs) | events/s | peak RSS MB |
|---|---|---:|---:|---:|---:|---:|---:|
| evpub | YAML→NT | $events | $yaml_mb | $yaml_t | $yaml_s | $yaml_eps | $yaml_rss |
| evpub | CSV→NT | $events | $csv_mb | $csv_t | $csv_s | $csv_eps | $csv_rss |

* CSV throughput / YAML throughput (events/s): ${ratio} (target >= 0.80: $met)
EOF

if [ "$save" -eq 1 ]; then
  {
    echo "# evpub CSV benchmark, $stamp, $sys"
    printf 'tool\ttask\tevents\ttriples\tseconds\tevents_per_s\tpeak_rss_mb\n'
    printf 'evpub\tYAML→NT\t%s\t%s\t%s\t%s\t%s\n' "$events" "$yaml_t" \
      "$yaml_s" "$yaml_eps" "$yaml_rss"
    printf 'evpub\tCSV→NT\t%s\t%s\t%s\t%s\t%s\n' "$events" "$csv_t" \
      "$csv_s" "$csv_eps" "$csv_rss"
    printf '# ratio\tevpub CSV→NT / YAML→NT throughput (target >= 0.80)\t%s (%s)\n' \
      "$ratio" "$met"
  } >>"$top/bench/results.tsv"
  log "appended to bench/results.tsv"
fi
