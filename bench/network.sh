#!/bin/bash
# evpub network benchmark: the co-organizer network over the local store,
# against roqet (rasqal, the engine the local store answers SPARQL with)
# running the equivalent GROUP BY query.
#
# usage: bench/network.sh [--events N] [--roqet-events N] [--runs K]
#                         [--evpub PATH] [--save]
#
#   --events N        events in the big store (default 100000)
#   --roqet-events N  events for the roqet comparison (default 1000)
#   --runs K          timed runs of each network (default 5; the median)
#   --evpub PATH      the evpub binary (default src/evpub of this tree)
#   --save            also append the results as TSV to bench/results.tsv
#
# The input is generated (bench/gen-events.py N, seed 1) and published into
# a fresh local store (timed too, with the store's size).  `evpub network
# -f csv` (the edge list) and `-f json` are timed with /usr/bin/time (wall
# seconds, peak RSS), output to /dev/null, K runs, median reported.
# roqet gets the N-Triples of the small input (evpub convert) and
#
#   SELECT ?a ?b (COUNT(DISTINCT ?e) AS ?w) WHERE {
#     ?e schema:organizer ?a, ?b . ?a schema:name ?na . ?b schema:name ?nb
#     FILTER(STR(?a) < STR(?b)) } GROUP BY ?a ?b
#
# (role nodes have no name: the same organizers as evpub's); one run, as
# it takes tens of seconds.  Its row count must equal the number of edges
# evpub finds for the same events, else the script fails.  Needs roqet
# (rasqal-utils) and /usr/bin/time (time); the work files go under
# $TMPDIR (about 5 GB for 100000 events) and are removed at the end.
set -eu
set -o pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
events=100000 revents=1000 runs=5 save=0
EVPUB=$top/src/evpub
PY=/usr/bin/python3
[ -x "$PY" ] || PY=python3
die() { echo "network.sh: $*" >&2; exit 2; }
while [ $# -gt 0 ]; do
  case $1 in
    --events) events=${2:?}; shift 2 ;;
    --roqet-events) revents=${2:?}; shift 2 ;;
    --runs) runs=${2:?}; shift 2 ;;
    --evpub) EVPUB=${2:?}; shift 2 ;;
    --save) save=1; shift ;;
    -h|--help) sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    *) die "unknown option $1 (try --help)" ;;
  esac
done
for n in "$events" "$revents" "$runs"; do
  case $n in ''|*[!0-9]*) die "not a number: $n" ;; esac
done
command -v roqet >/dev/null || die "roqet is missing: apt-get install rasqal-utils"
[ -x /usr/bin/time ] || die "/usr/bin/time is missing: apt-get install time"
[ -x "$EVPUB" ] || die "no evpub at $EVPUB (build first)"
W=$(mktemp -d "${TMPDIR:-/tmp}/evpub-netbench.XXXXXX")
trap 'rm -rf "$W"' EXIT
log() { echo "# $*" >&2; }

# timed OUT CMD...: run CMD, its "seconds rss_mb" into OUT
timed() {
  local out=$1
  shift
  /usr/bin/time -f '%e %M' -o "$W/time" "$@"
  awk '{ printf "%s %.1f\n", $1, $2 / 1024 }' "$W/time" >"$out"
}

# median of K timed runs of CMD (stdout to /dev/null): "seconds rss_mb"
median() {
  local k
  : >"$W/runs"
  for k in $(seq 1 "$runs"); do
    timed "$W/one" sh -c '"$@" >/dev/null' sh "$@"
    cat "$W/one" >>"$W/runs"
  done
  sort -n "$W/runs" | sed -n "$(((runs + 1) / 2))p"
}

log "generating $events and $revents events"
"$PY" "$top/bench/gen-events.py" "$events" --seed 1 >"$W/big.yaml" 2>/dev/null
"$PY" "$top/bench/gen-events.py" "$revents" --seed 1 >"$W/small.yaml" 2>/dev/null
"$EVPUB" convert -f ntriples "$W/small.yaml" >"$W/small.nt"
striples=$(wc -l <"$W/small.nt")

log "publishing $events events into a new local store"
timed "$W/pub" "$EVPUB" publish -q --store "$W/big" "$W/big.yaml"
read -r pub_s pub_rss <"$W/pub"
store_mb=$(du -sm "$W/big" | cut -f1)
btriples=$("$EVPUB" query --store "$W/big" -f csv \
  'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }' | sed -n 2p | tr -d '\r')
"$EVPUB" publish -q --store "$W/small" "$W/small.yaml"

log "evpub network, $runs runs each"
read -r big_csv_s big_csv_rss < <(median "$EVPUB" network --store "$W/big" -f csv)
read -r big_json_s big_json_rss < <(median "$EVPUB" network --store "$W/big" -f json)
read -r small_s small_rss < <(median "$EVPUB" network --store "$W/small" -f csv)
"$EVPUB" network --store "$W/big" -f csv -v >/dev/null 2>"$W/big.counts"
"$EVPUB" network --store "$W/small" -f csv >"$W/small.edges.csv"
small_edges=$(($(wc -l <"$W/small.edges.csv") - 1))
log "$(cat "$W/big.counts")"

log "roqet, the GROUP BY query over $revents events (one run)"
cat >"$W/pairs.rq" <<'EOF'
PREFIX schema: <http://schema.org/>
SELECT ?a ?b (COUNT(DISTINCT ?e) AS ?w) WHERE {
  ?e schema:organizer ?a, ?b .
  ?a schema:name ?na .
  ?b schema:name ?nb .
  FILTER(STR(?a) < STR(?b))
} GROUP BY ?a ?b
EOF
# roqet exits 2 after warnings (the unused ?na, ?nb): that is success
timed "$W/roqet" sh -c 'roqet -q -i sparql -r csv -D "$1" "$2" >"$3"
  [ $? -le 2 ]' sh "$W/small.nt" "$W/pairs.rq" "$W/roqet.csv"
read -r roqet_s roqet_rss <"$W/roqet"
roqet_rows=$(($(grep -c . "$W/roqet.csv") - 1))
[ "$roqet_rows" -eq "$small_edges" ] ||
  die "roqet found $roqet_rows pairs, evpub $small_edges edges: not the same question"

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.0f", (b > 0 ? a / b : 0) }'; }
r_small=$(ratio "$roqet_s" "$small_s")
r_big=$(ratio "$roqet_s" "$big_csv_s")
stamp=$(date -u +%Y-%m-%dT%H:%M:%SZ)
sys="$(uname -sr) $(uname -m), $(nproc) CPUs"

cat <<EOF
evpub network benchmark, $stamp, $sys

| tool | task | events | triples | seconds | peak RSS MB |
|---|---|---:|---:|---:|---:|
| evpub | publish into a new local store ($store_mb MB) | $events | $btriples | $pub_s | $pub_rss |
| evpub | network -f csv (median of $runs) | $events | $btriples | $big_csv_s | $big_csv_rss |
| evpub | network -f json (median of $runs) | $events | $btriples | $big_json_s | $big_json_rss |
| evpub | network -f csv (median of $runs) | $revents | $striples | $small_s | $small_rss |
| roqet | GROUP BY pair query, $roqet_rows pairs | $revents | $striples | $roqet_s | $roqet_rss |

* roqet at $revents events / evpub network at $revents events: ${r_small}×
* roqet at $revents events / evpub network at $events events: ${r_big}×
* $(cat "$W/big.counts" | sed 's/^evpub: //') at $events events
EOF

if [ "$save" -eq 1 ]; then
  {
    echo "# evpub network benchmark, $stamp, $sys"
    printf 'tool\ttask\tevents\ttriples\tseconds\tpeak_rss_mb\n'
    printf 'evpub\tpublish into local store (%s MB)\t%s\t%s\t%s\t%s\n' \
      "$store_mb" "$events" "$btriples" "$pub_s" "$pub_rss"
    printf 'evpub\tnetwork -f csv\t%s\t%s\t%s\t%s\n' "$events" "$btriples" \
      "$big_csv_s" "$big_csv_rss"
    printf 'evpub\tnetwork -f json\t%s\t%s\t%s\t%s\n' "$events" "$btriples" \
      "$big_json_s" "$big_json_rss"
    printf 'evpub\tnetwork -f csv\t%s\t%s\t%s\t%s\n' "$revents" "$striples" \
      "$small_s" "$small_rss"
    printf 'roqet\tGROUP BY pair query\t%s\t%s\t%s\t%s\n' "$revents" \
      "$striples" "$roqet_s" "$roqet_rss"
    printf '# ratio\troqet / evpub network, %s events\t%s×\n' "$revents" "$r_small"
    printf '# ratio\troqet at %s / evpub network at %s events\t%s×\n' \
      "$revents" "$events" "$r_big"
  } >>"$top/bench/results.tsv"
  log "appended to bench/results.tsv"
fi
