#!/bin/bash
# evpub benchmark: YAML -> N-Triples / Turtle throughput and peak memory,
# against rapper (raptor, same triples, NT -> NT / Turtle) and an rdflib
# peer (bench/rdflib_convert.py).
#
# usage: bench/run.sh [--events N] [--big N] [--rdflib-events N]
#                     [--evpub PATH] [--save]
#
#   --events N         events for the main runs (default 100000)
#   --big N            events for the memory-growth run (default 1000000;
#                      0 skips it)
#   --rdflib-events N  events for the rdflib runs (default 10000; 0 skips;
#                      rdflib's Turtle writer is superlinear, see README)
#   --evpub PATH       the evpub binary (default src/evpub of this tree)
#   --save             also write the results as TSV to bench/results.tsv
#
# Inputs are generated (bench/gen-events.py, seed 1) into a temporary
# directory under $TMPDIR, removed on exit.  Each run is measured with
# /usr/bin/time -f '%e %M' (wall seconds, peak RSS of the process).  Triples
# are counted as the lines of the N-Triples output.  The Markdown table goes
# to stdout, progress to stderr.

set -eu
set -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

events=100000
big=1000000
rdflib_events=10000
evpub="$root/src/evpub"
save=0

usage() {
  sed -n '/^# usage:/,/^#   --save/s/^# \{0,1\}//p' "$0"
}

die() {
  echo "run.sh: $*" >&2
  exit 1
}

need_num() {
  case "$2" in
    ''|*[!0-9]*) die "$1 needs a non-negative integer, not '$2'" ;;
  esac
}

while [ $# -gt 0 ]; do
  case "$1" in
    --events) [ $# -ge 2 ] || die "$1 needs a value"
              need_num "$1" "$2"; events=$2; shift 2 ;;
    --big) [ $# -ge 2 ] || die "$1 needs a value"
           need_num "$1" "$2"; big=$2; shift 2 ;;
    --rdflib-events) [ $# -ge 2 ] || die "$1 needs a value"
                     need_num "$1" "$2"; rdflib_events=$2; shift 2 ;;
    --evpub) [ $# -ge 2 ] || die "$1 needs a value"
             evpub=$2; shift 2 ;;
    --save) save=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done

[ "$events" -gt 0 ] || die "--events must be at least 1"
case "$evpub" in
  /*) ;;
  *) evpub="$root/$evpub" ;;
esac

# --- tools -----------------------------------------------------------------
if [ ! -x /usr/bin/time ]; then
  die "/usr/bin/time is missing: install the Debian package 'time'" \
      "(apt-get install time)"
fi
[ -x "$evpub" ] || die "evpub not found or not executable: $evpub" \
                       "(build it first, or pass --evpub PATH)"
command -v rapper >/dev/null 2>&1 ||
  die "rapper is missing: install the Debian package 'raptor2-utils'"
py=/usr/bin/python3
if [ "$rdflib_events" -gt 0 ]; then
  "$py" -c 'import yaml, rdflib' 2>/dev/null ||
    die "$py cannot import yaml and rdflib:" \
        "install python3-yaml and python3-rdflib"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/evpub-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

rows="$tmp/rows.tsv"      # tool task events triples seconds rss_kb
: > "$rows"

log() {
  echo "run.sh: $*" >&2
}

# count_triples FILE: lines that hold a statement (not blank, not comment)
count_triples() {
  grep -c '^[^#[:space:]]' "$1" || true
}

# measure TOOL TASK EVENTS TRIPLES|- OUT CMD...: runs CMD > OUT under
# /usr/bin/time; TRIPLES '-' means "count the lines of OUT".
measure() {
  local tool=$1 task=$2 n=$3 triples=$4 out=$5
  shift 5
  log "$tool $task ($n events)"
  if ! /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" > "$out"; then
    die "failed: $*"
  fi
  local sec kb
  read -r sec kb < "$tmp/time"
  if [ "$triples" = - ]; then
    triples=$(count_triples "$out")
  fi
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' \
    "$tool" "$task" "$n" "$triples" "$sec" "$kb" >> "$rows"
  last_triples=$triples
}

# measure_count: like measure, but OUT is piped to wc (for the big run,
# whose output would not fit comfortably on disk); the count is of lines.
measure_count() {
  local tool=$1 task=$2 n=$3 triples=$4
  shift 4
  log "$tool $task ($n events, output counted, not kept)"
  local lines
  if ! lines=$(/usr/bin/time -f '%e %M' -o "$tmp/time" "$@" | wc -l); then
    die "failed: $*"
  fi
  local sec kb
  read -r sec kb < "$tmp/time"
  [ "$triples" = - ] && triples=$lines
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' \
    "$tool" "$task" "$n" "$triples" "$sec" "$kb" >> "$rows"
  last_triples=$triples
}

# The shared entities (organizations, people, venues) are those of the
# N-event input at every size, so the --big run measures what streaming
# promises: memory that does not grow with the number of events.
shared_args() {
  local n=$1 o p v
  o=$(( n / 20 )); [ $o -lt 200 ] && o=200; [ $o -gt 20000 ] && o=20000
  p=$(( n / 50 )); [ $p -lt 100 ] && p=100; [ $p -gt 20000 ] && p=20000
  v=$(( n / 100 )); [ $v -lt 50 ] && v=50
  echo "--orgs $o --people $p --venues $v"
}

gen() {
  log "generating $1 events"
  # shellcheck disable=SC2046
  "$py" "$here/gen-events.py" "$1" $(shared_args "$events") > "$2"
}

# --- inputs ------------------------------------------------------------------
gen "$events" "$tmp/events-$events.yaml"

# --- evpub and rapper at N ---------------------------------------------------
in="$tmp/events-$events.yaml"
measure evpub "YAML→NT" "$events" - "$tmp/evpub.nt" \
  "$evpub" convert -f ntriples "$in"
nt_triples=$last_triples
# evpub may repeat a statement (e.g. a venue's triples each time an event
# names it); the table counts lines, as wc -l does; report distinct too.
nt_distinct=$(LC_ALL=C sort -u -T "$tmp" "$tmp/evpub.nt" |
              grep -c '^[^#[:space:]]' || true)
measure evpub "YAML→TTL" "$events" "$nt_triples" "$tmp/evpub.ttl" \
  "$evpub" convert -f turtle "$in"
measure evpub "YAML→JSON-LD" "$events" "$nt_triples" "$tmp/evpub.jsonld" \
  "$evpub" convert -f jsonld "$in"
rm -f "$tmp/evpub.jsonld"
measure rapper "NT→NT" "$events" - "$tmp/rapper.nt" \
  rapper -q -i ntriples -o ntriples "$tmp/evpub.nt"
measure rapper "NT→TTL" "$events" "$nt_triples" "$tmp/rapper.ttl" \
  rapper -q -i ntriples -o turtle "$tmp/evpub.nt"
rm -f "$tmp/rapper.nt" "$tmp/rapper.ttl" "$tmp/evpub.ttl"

# --- rdflib ------------------------------------------------------------------
if [ "$rdflib_events" -gt 0 ]; then
  if [ "$rdflib_events" = "$events" ]; then
    rin="$in"
  else
    rin="$tmp/events-$rdflib_events.yaml"
    gen "$rdflib_events" "$rin"
  fi
  measure rdflib "YAML→NT" "$rdflib_events" - "$tmp/rdflib.nt" \
    "$py" "$here/rdflib_convert.py" -f nt "$rin"
  r_triples=$last_triples
  measure rdflib "YAML→TTL" "$rdflib_events" "$r_triples" "$tmp/rdflib.ttl" \
    "$py" "$here/rdflib_convert.py" -f turtle "$rin"
  measure rdflib "YAML→JSON-LD" "$rdflib_events" "$r_triples" \
    "$tmp/rdflib.jsonld" "$py" "$here/rdflib_convert.py" -f json-ld "$rin"
  rm -f "$tmp/rdflib.nt" "$tmp/rdflib.ttl" "$tmp/rdflib.jsonld"
  [ "$rin" = "$in" ] || rm -f "$rin"
fi
rm -f "$tmp/evpub.nt"

# --- evpub at the big size (memory growth) -----------------------------------
if [ "$big" -gt 0 ]; then
  bin="$tmp/events-$big.yaml"
  gen "$big" "$bin"
  measure_count evpub "YAML→NT" "$big" - "$evpub" convert -f ntriples "$bin"
  big_triples=$last_triples
  measure_count evpub "YAML→TTL" "$big" "$big_triples" \
    "$evpub" convert -f turtle "$bin"
  measure_count evpub "YAML→JSON-LD" "$big" "$big_triples" \
    "$evpub" convert -f jsonld "$bin"
  rm -f "$bin"
fi

# --- report ------------------------------------------------------------------
awk -F '\t' -v save="$save" -v tsv="$here/results.tsv" \
    -v n="$events" -v big="$big" -v rn="$rdflib_events" \
    -v distinct="$nt_distinct" \
    -v host="$(uname -srm), $(nproc) CPUs" \
    -v when="$(date -u +%Y-%m-%dT%H:%M:%SZ)" '
function rate(x, s) { return x / (s > 0.01 ? s : 0.01) }
function key(t, k, e) { return t SUBSEP k SUBSEP e }
{
  tool[NR] = $1; task[NR] = $2; ev[NR] = $3; tr[NR] = $4
  sec[NR] = $5; mb[NR] = $6 / 1024
  S[key($1, $2, $3)] = $5 + 0; M[key($1, $2, $3)] = $6 / 1024
  E[key($1, $2, $3)] = rate($3, $5); T[key($1, $2, $3)] = rate($4, $5)
  have[key($1, $2, $3)] = 1; tr_of[key($1, $2, $3)] = $4
}
function ratio(name, v, fmt) {
  nr++; rname[nr] = name; rval[nr] = sprintf(fmt, v)
}
END {
  printf "evpub benchmark, %s, %s\n\n", when, host
  print "| tool | task | events | triples | seconds | events/s | triples/s | peak RSS MB |"
  print "|---|---|---:|---:|---:|---:|---:|---:|"
  for (i = 1; i <= NR; i++)
    printf "| %s | %s | %d | %d | %.2f | %.0f | %.0f | %.1f |\n",
      tool[i], task[i], ev[i], tr[i], sec[i], rate(ev[i], sec[i]),
      rate(tr[i], sec[i]), mb[i]

  nr = 0
  if (have[key("rapper", "NT→NT", n)])
    ratio("evpub YAML→NT speed / rapper NT→NT speed (same triples)",
          S[key("rapper", "NT→NT", n)] / (S[key("evpub", "YAML→NT", n)] > 0.01 ? S[key("evpub", "YAML→NT", n)] : 0.01), "%.2f×")
  if (have[key("rapper", "NT→TTL", n)])
    ratio("evpub YAML→TTL speed / rapper NT→TTL speed (same triples)",
          S[key("rapper", "NT→TTL", n)] / (S[key("evpub", "YAML→TTL", n)] > 0.01 ? S[key("evpub", "YAML→TTL", n)] : 0.01), "%.2f×")
  if (have[key("rdflib", "YAML→NT", rn)]) {
    ratio("evpub / rdflib throughput, YAML→NT (events/s, " n " vs " rn " events)",
          E[key("evpub", "YAML→NT", n)] / E[key("rdflib", "YAML→NT", rn)], "%.1f×")
    ratio("evpub / rdflib throughput, YAML→TTL (events/s, " n " vs " rn " events)",
          E[key("evpub", "YAML→TTL", n)] / E[key("rdflib", "YAML→TTL", rn)], "%.1f×")
    ratio("evpub / rdflib throughput, YAML→JSON-LD (events/s, " n " vs " rn " events)",
          E[key("evpub", "YAML→JSON-LD", n)] / E[key("rdflib", "YAML→JSON-LD", rn)], "%.1f×")
  }
  lines = key("evpub", "YAML→NT", n)
  ratio("evpub N-Triples at " n " events: lines / distinct triples",
        sprintf("%d / %d (%+.1f%% lines)", tr_of[lines], distinct,
                100 * (tr_of[lines] / (distinct > 0 ? distinct : 1) - 1)),
        "%s")
  ratio("evpub TTL time / evpub NT time (" n " events)",
        S[key("evpub", "YAML→TTL", n)] / (S[key("evpub", "YAML→NT", n)] > 0.01 ? S[key("evpub", "YAML→NT", n)] : 0.01), "%.2f")
  if (big > 0 && have[key("evpub", "YAML→NT", big)]) {
    ratio("evpub peak RSS growth " n "→" big " events, YAML→NT",
          100 * (M[key("evpub", "YAML→NT", big)] / M[key("evpub", "YAML→NT", n)] - 1), "%+.0f%%")
    ratio("evpub peak RSS growth " n "→" big " events, YAML→TTL",
          100 * (M[key("evpub", "YAML→TTL", big)] / M[key("evpub", "YAML→TTL", n)] - 1), "%+.0f%%")
    ratio("evpub peak RSS growth " n "→" big " events, YAML→JSON-LD",
          100 * (M[key("evpub", "YAML→JSON-LD", big)] / M[key("evpub", "YAML→JSON-LD", n)] - 1), "%+.0f%%")
  }
  print ""
  for (i = 1; i <= nr; i++)
    printf "* %s: %s\n", rname[i], rval[i]

  if (save) {
    printf "# evpub benchmark, %s, %s\n", when, host > tsv
    printf "tool\ttask\tevents\ttriples\tseconds\tevents_per_s\ttriples_per_s\tpeak_rss_mb\n" > tsv
    for (i = 1; i <= NR; i++)
      printf "%s\t%s\t%d\t%d\t%.2f\t%.0f\t%.0f\t%.1f\n",
        tool[i], task[i], ev[i], tr[i], sec[i], rate(ev[i], sec[i]),
        rate(tr[i], sec[i]), mb[i] > tsv
    for (i = 1; i <= nr; i++)
      printf "# ratio\t%s\t%s\n", rname[i], rval[i] > tsv
    close(tsv)
  }
}' "$rows"

if [ "$save" = 1 ]; then
  log "wrote $here/results.tsv"
fi
