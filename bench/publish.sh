#!/bin/bash
# evpub publish benchmark: YAML -> SPARQL server (Virtuoso), wall time and
# peak RSS, against peers that send the same triples:
#
#   peer A  curl: one GSP PUT of the N-Triples file into one graph
#           (curl -s --digest -T FILE .../sparql-graph-crud-auth?graph=G)
#   peer A' curl: the same file split into 200k-line requests, a PUT then
#           POSTs one after the other (what evpub --graph sends)
#   peer A'' curl: split into 100k-line requests, a PUT then POSTs two at
#           a time (what evpub --graph --jobs 2 --gsp-chunk-triples
#           100000 sends)
#   peer B  bench/insert_per_event.py: one SPARQL INSERT DATA per graph
#           (per event, organization, person, venue; evpub convert -f nq),
#           sequential, kept-alive connection, digest auth
#   evpub   publish --graph G         (one graph like peer A, streamed as a
#                                     GSP PUT and POSTs of 200k triples)
#   evpub   publish --graph G --jobs 2 --gsp-chunk-triples 100000
#   evpub   publish                   (one graph per event/entity, GSP PUTs)
#   evpub   publish --method update   (same graphs, batched SPARQL Update)
#
# usage: bench/publish.sh [--events N] [--insert-budget S] [--insert-sample K]
#                         [--stall S] [--attempts N] [--evpub PATH] [--save]
#
#   --events N         generated events (default 25000, about 955k triples)
#   --insert-budget S  peer B: if the run projects over S seconds (default
#                      600) after K event graphs, stop there and extrapolate
#                      linearly (marked in the output); 0 never stops
#   --insert-sample K  peer B: event graphs sent before that check (2500)
#   --stall S          a run during which the server uses no CPU for S
#                      seconds (default 15) is a server hang: ended, and
#                      run again on another fresh server (reported)
#   --attempts N       fresh servers tried per variant (default 6)
#   --evpub PATH       the evpub binary (default src/evpub of this tree)
#   --save             also append the results as TSV to bench/results.tsv
#
# Every variant runs against a FRESH private Virtuoso (tests/virtuoso.sh: new
# directory, loopback ports), stopped by PID and removed afterwards: the
# server's state changes its speed, and big loads after much activity can
# hang (../shared/notes/sparql-endpoints.md).  Seen here (Virtuoso
# 7.2.5.3229, Debian 12, 2 cores): one 955k-triple PUT (25,000 events) into
# a fresh server stopped for good (no CPU, always at 484,736 or 648,577
# triples stored) in most tries, from curl (29 of 34) as from evpub (7 of
# 7); 340000 buffers, MaxCheckpointRemap 250000, ThreadsPerQuery 1,
# AsyncQueueMaxThreads 1, FileExtend 20000, no checkpoints or no "Expect:"
# did not avoid it, nor did CheckpointInterval 0, TransactionAfterImage-
# Limit, log_enable or MaxDirtyBuffers (36 more tries, doc/publishing.md).
# The 478k triples of 12,500 events loaded every time, and so did the
# 955k in sequential requests of 100k or 250k triples (14 of 14): evpub
# --graph sends a big graph that way (--gsp-chunk-triples, default 200k).
# Hence the stall watchdog below: a hung attempt is ended and the variant
# run again on another fresh server (noted; only a complete run is
# measured), and a variant that hangs every time is shown as HUNG.
# The input is generated
# (bench/gen-events.py N, seed 1) and converted to N-Triples and N-Quads by
# evpub beforehand; those conversions are NOT timed, so the peers' times
# exclude them, while evpub's times include its own YAML reading and
# conversion.  Each run is measured with /usr/bin/time -f '%e %M' (wall
# seconds, peak RSS of the client process; the server is not measured),
# except peer B, whose seconds are its own sending time (first request to
# last response; reading and grouping the .nq is left out, as the
# conversion is for peer A); its RSS is the whole Python process.
# After every run a SPARQL COUNT inside the published graphs must equal the
# N-Triples line count (and, per graph, the number of graphs), else the
# script fails.  Triples/s = that count / seconds.  "vs peer" columns are
# speed ratios (peer seconds / these seconds; > 1 means faster).
#
# Skips (exit 0) when virtuoso-t is not installed.  The Markdown table goes
# to stdout, progress to stderr.

set -eu
set -o pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

events=25000
chunk=200000 # lines per request of peer A' (evpub's --gsp-chunk-triples)
chunk2=100000 # lines per request of peer A'' and evpub --jobs 2
jobs2=2       # requests at once of peer A'' and evpub --jobs 2
budget=600
sample=2500
stall=15
attempts=6
evpub="$root/src/evpub"
save=0
one_graph=http://bench.example/all
one_graph_enc=http%3A%2F%2Fbench.example%2Fall
base=https://bench.example.org/    # gen-events.py's base: every graph's prefix

usage() {
  sed -n '/^# usage:/,/^#   --save/s/^# \{0,1\}//p' "$0"
}

die() {
  echo "publish.sh: $*" >&2
  exit 1
}

log() {
  echo "publish.sh: $*" >&2
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
    --insert-budget) [ $# -ge 2 ] || die "$1 needs a value"
                     need_num "$1" "$2"; budget=$2; shift 2 ;;
    --insert-sample) [ $# -ge 2 ] || die "$1 needs a value"
                     need_num "$1" "$2"; sample=$2; shift 2 ;;
    --stall) [ $# -ge 2 ] || die "$1 needs a value"
             need_num "$1" "$2"; stall=$2; shift 2 ;;
    --attempts) [ $# -ge 2 ] || die "$1 needs a value"
                need_num "$1" "$2"; attempts=$2; shift 2 ;;
    --evpub) [ $# -ge 2 ] || die "$1 needs a value"
             evpub=$2; shift 2 ;;
    --save) save=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; die "unknown argument '$1'" ;;
  esac
done

[ "$events" -gt 0 ] || die "--events must be at least 1"
[ "$sample" -gt 0 ] || die "--insert-sample must be at least 1"
[ "$stall" -gt 0 ] || die "--stall must be at least 1"
[ "$attempts" -gt 0 ] || die "--attempts must be at least 1"
case "$evpub" in
  /*) ;;
  *) evpub="$root/$evpub" ;;
esac

# --- tools -----------------------------------------------------------------
if ! command -v virtuoso-t >/dev/null 2>&1 && [ -z "${VIRTUOSO_T:-}" ]; then
  echo "publish.sh: skipped: virtuoso-t is not installed (Debian package" \
       "virtuoso-opensource-7-bin)"
  exit 0
fi
if [ ! -x /usr/bin/time ]; then
  die "/usr/bin/time is missing: install the Debian package 'time'" \
      "(apt-get install time)"
fi
[ -x "$evpub" ] || die "evpub not found or not executable: $evpub" \
                       "(build it first, or pass --evpub PATH)"
command -v curl >/dev/null 2>&1 || die "curl is missing (Debian package 'curl')"
py=/usr/bin/python3
[ -x "$py" ] || die "$py is missing"

export PYTHON=$py          # tests/virtuoso.sh picks free ports with it
# shellcheck source=../tests/virtuoso.sh disable=SC1091
. "$root/tests/virtuoso.sh"
[ -n "$VIRTUOSO_T" ] || { echo "publish.sh: skipped: no virtuoso-t"; exit 0; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/evpub-pubbench.XXXXXX")
# On any exit: stop the server we started (by PID, virtuoso_stop), remove
# the temporary directory (inputs, databases, journals).
# (virtuoso_stop ends with 'wait PID', whose status is the server's:
# never let that stop the script or the cleanup.)
trap 'set +e; virtuoso_stop; rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

rows="$tmp/rows.tsv"      # tool task events triples seconds rss_kb
notes="$tmp/notes.txt"    # footnotes for the report
: > "$rows"
: > "$notes"

# Run a copy of evpub taken now: a rebuild of the tree while the benchmark
# runs (minutes) must not change the binary under test half-way.
mkdir "$tmp/bin"
cp "$evpub" "$tmp/bin/evpub" || die "cannot copy $evpub"
evpub_id="$(sha256sum "$evpub" | cut -c1-12), $(date -u -r "$evpub" +%Y-%m-%dT%H:%M:%SZ)"
evpub="$tmp/bin/evpub"
log "evpub binary sha256 $evpub_id"

# count_triples FILE: lines that hold a statement (not blank, not comment)
count_triples() {
  grep -c '^[^#[:space:]]' "$1" || true
}

# --- inputs (not timed) ------------------------------------------------------
yaml="$tmp/events.yaml"
nt="$tmp/events.nt"
nq="$tmp/events.nq"
log "generating $events events"
"$py" "$here/gen-events.py" "$events" > "$yaml" 2>/dev/null ||
  die "gen-events.py failed"
log "converting to N-Triples and N-Quads (not timed)"
"$evpub" convert -f nt "$yaml" > "$nt" || die "evpub convert -f nt failed"
"$evpub" convert -f nq "$yaml" > "$nq" || die "evpub convert -f nq failed"
triples=$(count_triples "$nt")
nq_lines=$(count_triples "$nq")
[ "$triples" = "$nq_lines" ] ||
  die "N-Triples ($triples) and N-Quads ($nq_lines) differ in statements"
# The graphs are the last term of each quad (an IRI, so no spaces in it).
graphs=$(awk '{ print $(NF-1) }' "$nq" | LC_ALL=C sort -u | wc -l)
graphs=$((graphs + 0))
log "$triples triples in $graphs graphs"

# --- server and checks --------------------------------------------------------
server_n=0
fresh_server() {
  server_n=$((server_n + 1))
  virtuoso_start "$tmp/virtuoso-$server_n" >&2 ||
    die "Virtuoso did not start"
  log "fresh Virtuoso (pid $VIRT_PID) at $VIRT_URL"
}

# stop_server: stop it by PID and drop its database (about 0.5 GB per 1M
# triples), so the next variant starts from nothing.
stop_server() {
  virtuoso_stop || true
  rm -rf "$tmp/virtuoso-$server_n"
}

# sparql_csv QUERY: GET the query (never POST sparql-query: Virtuoso hangs),
# CSV results without the header line.
sparql_csv() {
  curl -sS --fail --max-time 60 -G -H 'Accept: text/csv' \
    --data-urlencode "query=$1" "$VIRT_URL/sparql" | sed 1d | tr -d '"\r'
}

# count_store WHAT: "TRIPLES,GRAPHS" inside the published graphs only (the
# default graph also holds ~2,500 system triples).  WHAT is "one" (the
# graph $one_graph) or "per-graph" (every graph under $base).
count_store() {
  local q
  if [ "$1" = one ]; then
    q="SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?g) AS ?graphs)
       WHERE { GRAPH ?g { ?s ?p ?o } FILTER(?g = <$one_graph>) }"
  else
    q="SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?g) AS ?graphs)
       WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), \"$base\")) }"
  fi
  sparql_csv "$q"
}

# verify WHAT EXPECT_TRIPLES EXPECT_GRAPHS: the store must hold exactly that.
verify() {
  local want=$2 want_g=$3 got n g
  got=$(count_store "$1") || die "count query failed"
  n=${got%%,*}
  g=${got#*,}
  log "store holds $n triples in $g graph(s) (expected $want in $want_g)"
  if [ "$n" != "$want" ] || [ "$g" != "$want_g" ]; then
    die "VERIFY FAILED for $last_name: store has $n triples in $g graph(s)," \
        "expected $want in $want_g"
  fi
  echo "* $last_name: store verified, $n triples in $g graph(s)" >> "$notes"
}

# server_ticks: CPU time (user + system, clock ticks) the server has used.
# Empty where /proc is not there (then no stall detection).
server_ticks() {
  local f
  [ -r "/proc/$VIRT_PID/stat" ] || return 0
  # the name field "(virtuoso-t)" has no spaces: plain splitting works
  read -r -a f < "/proc/$VIRT_PID/stat" || return 0
  echo $(( f[13] + f[14] ))
}

# watched CMD...: run CMD under /usr/bin/time (stdout to $tmp/out.log,
# stderr to $tmp/err.log) and watch the server.  Virtuoso can hang for good
# in the middle of a big load (no CPU, "Locks are held for a long time" in
# its log; see the notes): when the server uses less than 0.1 s of CPU in
# $stall seconds while CMD runs, that is taken as a hang, CMD is ended (by
# PID) and wstat is "stall".  Otherwise wstat is "ok" or "fail".
watched() {
  local cpid kids t0 t1 quiet=0
  /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" \
    > "$tmp/out.log" 2> "$tmp/err.log" &
  cpid=$!
  t0=$(server_ticks)
  while kill -0 "$cpid" 2>/dev/null; do
    sleep 1
    t1=$(server_ticks)
    if [ -z "$t0" ] || [ -z "$t1" ]; then
      continue
    fi
    if [ $((t1 - t0)) -lt 10 ]; then
      quiet=$((quiet + 1))
    else
      quiet=0
      t0=$t1
    fi
    if [ "$quiet" -ge "$stall" ]; then
      # end CMD (time's child) and time itself, by PID
      kids=$(ps -o pid= --ppid "$cpid" 2>/dev/null || true)
      # shellcheck disable=SC2086
      [ -z "$kids" ] || kill -TERM $kids 2>/dev/null || true
      kill -TERM "$cpid" 2>/dev/null || true
      wait "$cpid" 2>/dev/null || true
      wstat=stall
      return 0
    fi
  done
  if wait "$cpid"; then
    wstat=ok
  else
    wstat=fail
  fi
}

# fail_report: what a failed run left, then stop.
fail_report() {
  # time's file says "Command exited with non-zero status N" or
  # "Command terminated by signal N" (then "seconds rss")
  sed 's/^/  time: /' "$tmp/time" >&2
  tail -20 "$tmp/out.log" | sed 's/^/  stdout: /' >&2
  tail -20 "$tmp/err.log" | sed 's/^/  stderr: /' >&2
  tail -5 "$tmp/virtuoso-$server_n/virtuoso.log" 2>/dev/null |
    sed 's/^/  virtuoso.log: /' >&2
  die "failed: $last_name"
}

# attempt VARIANT WHAT: run the function VARIANT (which sets cur_tool,
# cur_task and last_name, runs one command through watched and, when wstat
# is ok, checks and records it) on a fresh server; on a server hang, again
# on another fresh server, up to $attempts times.  Hangs are logged and
# listed in the notes; a variant that hangs every time gets a "hung" row
# (the other variants still run) and the script exits 1 at the end.
# WHAT ("one" or "per-graph") says where to count what a hung run stored.
hung_any=0
attempt() {
  local fn=$1 a=1 got
  while :; do
    fresh_server
    "$fn"
    case "$wstat" in
      ok) stop_server; return 0 ;;
      fail) fail_report ;;
    esac
    got=$(count_store "$2" 2>/dev/null || echo "?,?")
    log "HANG: $last_name, attempt $a: the server used no CPU for" \
        "${stall}s (store then held ${got%%,*} triples); Virtuoso log:"
    tail -3 "$tmp/virtuoso-$server_n/virtuoso.log" 2>/dev/null |
      sed 's/^/  /' >&2
    echo "* $last_name: attempt $a stalled (no server CPU for ${stall}s," \
         "${got%%,*} triples stored), ended" \
         >> "$notes"
    stop_server
    a=$((a + 1))
    if [ "$a" -gt "$attempts" ]; then
      log "FAILED: $last_name: the server hung in all $attempts attempts"
      echo "* $last_name: HUNG in all $attempts attempts, not measured" \
           >> "$notes"
      record "$cur_tool" "$cur_task" hung 0
      hung_any=1
      return 0
    fi
  done
}

# record TOOL TASK SECONDS RSS_KB: one result row.
record() {
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' \
    "$1" "$2" "$events" "$triples" "$3" "$4" >> "$rows"
}

# --- 1. peer A: curl, one GSP PUT of the N-Triples ---------------------------
# curl -T FILE sends Content-Length (never chunked, which Virtuoso drops).
peer_a() {
  local task="GSP PUT NT, 1 graph (peer A)" code sec kb
  cur_tool=curl cur_task=$task
  last_name="curl $task"
  log "$last_name ($events events)"
  watched curl -s --digest -u dba:dba --max-time 1800 -T "$nt" \
    -o "$tmp/curl.body" -w '%{http_code}\n' \
    "$VIRT_URL/sparql-graph-crud-auth?graph=$one_graph_enc"
  [ "$wstat" = ok ] || return 0
  code=$(tail -1 "$tmp/out.log")
  case "$code" in
    200|201|204) ;;
    *) cat "$tmp/curl.body" >&2; die "peer A: HTTP $code" ;;
  esac
  verify one "$triples" 1
  read -r sec kb < "$tmp/time"
  record curl "$task" "$sec" "$kb"
}

# --- 2. peer B: one INSERT DATA per graph ----------------------------------
# peer A': the same N-Triples as peer A, uploaded by curl the only way this
# server completes it: split beforehand (not timed) into files of the
# lines evpub puts in one request, then a PUT of the first and POSTs of
# the others, one after the other, in one timed shell.
peer_a2() {
  local task="GSP PUT + POSTs of ${chunk} lines, 1 graph (peer A')" code
  local sec kb
  cur_tool=curl cur_task=$task
  last_name="curl $task"
  log "$last_name ($events events)"
  rm -f "$tmp"/part.*
  split -l "$chunk" -d -a 4 "$nt" "$tmp/part."
  watched sh -c 'url=$1; shift; m=PUT
    for f in "$@"; do
      curl -s --digest -u dba:dba --max-time 1800 -X $m -T "$f" \
        -o /dev/null -w "%{http_code}\n" "$url" || exit 1
      m=POST
    done' sh "$VIRT_URL/sparql-graph-crud-auth?graph=$one_graph_enc" \
    "$tmp"/part.*
  [ "$wstat" = ok ] || return 0
  for code in $(grep -E '^[0-9]{3}$' "$tmp/out.log"); do
    case "$code" in
      200|201|204) ;;
      *) die "peer A': HTTP $code" ;;
    esac
  done
  verify one "$triples" 1
  read -r sec kb < "$tmp/time"
  record curl "$task" "$sec" "$kb"
}

# peer A'': the same, as evpub sends it with --jobs 2 --gsp-chunk-triples
# 100000: files of ${chunk2} lines, the PUT of the first, then POSTs of the
# others ${jobs2} at a time (xargs -P).  curl --retry: two POSTs into one
# graph at once can meet a Virtuoso deadlock (HTTP 500, SR172), which evpub
# retries too.
peer_a3() {
  local task="GSP PUT + POSTs of ${chunk2} lines, ${jobs2} at a time, 1 graph (peer A'')"
  local code sec kb
  cur_tool=curl cur_task=$task
  last_name="curl $task"
  log "$last_name ($events events)"
  rm -f "$tmp"/part.*
  split -l "$chunk2" -d -a 4 "$nt" "$tmp/part."
  watched sh -c 'url=$1; jobs=$2; shift 2
    c="curl -s --digest -u dba:dba --max-time 1800 --retry 5 -o /dev/null"
    $c -w "%{http_code}\n" -X PUT -T "$1" "$url" || exit 1
    shift
    printf "%s\0" "$@" |
      xargs -0 -r -n 1 -P "$jobs" $c -w "%{http_code}\n" -X POST "$url" -T' \
    sh "$VIRT_URL/sparql-graph-crud-auth?graph=$one_graph_enc" "$jobs2" \
    "$tmp"/part.*
  [ "$wstat" = ok ] || return 0
  for code in $(grep -E '^[0-9]{3}$' "$tmp/out.log"); do
    case "$code" in
      200|201|204) ;;
      *) die "peer A'': HTTP $code" ;;
    esac
  done
  verify one "$triples" 1
  read -r sec kb < "$tmp/time"
  record curl "$task" "$sec" "$kb"
}

peer_b() {
  local task b_wall b_kb kv
  cur_tool=python cur_task="INSERT DATA per graph (peer B)"
  last_name="python INSERT DATA per graph (peer B)"
  log "$last_name ($events events, $graphs requests)"
  watched env EVPUB_PASSWORD=dba "$py" "$here/insert_per_event.py" \
    --url "$VIRT_URL/sparql-auth" --user dba \
    --sample "$sample" --budget "$budget" "$nq"
  [ "$wstat" = ok ] || return 0
  cat "$tmp/err.log" >&2
  # key=value summary from the helper
  b_requests='' b_requests_total='' b_triples='' b_failures='' b_seconds=''
  b_extrapolated_seconds='' b_partial='' b_sample_events='' b_connections=''
  b_challenges='' b_read_seconds=''
  for kv in $(tail -1 "$tmp/out.log"); do
    case "$kv" in
      requests=*|requests_total=*|triples=*|failures=*|seconds=*|\
      extrapolated_seconds=*|partial=*|sample_events=*|connections=*|\
      challenges=*|read_seconds=*)
        eval "b_${kv%%=*}=\${kv#*=}" ;;
    esac
  done
  [ -n "$b_seconds" ] || die "peer B printed no summary"
  read -r b_wall b_kb < "$tmp/time"
  log "peer B: $b_requests of $b_requests_total requests, $b_failures" \
      "failed, $b_connections connection(s), $b_challenges digest" \
      "challenge(s), ${b_seconds}s sending (+${b_read_seconds}s reading" \
      "the .nq, ${b_wall}s in all)"
  if [ "$b_partial" = 1 ]; then
    task="INSERT DATA per graph (peer B, extrapolated)"
    verify per-graph "$b_triples" "$b_requests"
    echo "* peer B EXTRAPOLATED: sent $b_requests of $b_requests_total" \
         "requests (the first $b_sample_events event graphs and the entity" \
         "graphs before them, $b_triples triples) in ${b_seconds}s; the" \
         "$b_requests_total-request time is extrapolated linearly by" \
         "request count: ${b_extrapolated_seconds}s.  The sample holds the" \
         "small organization/person graphs, so this rather flatters peer B" \
         >> "$notes"
  else
    task="INSERT DATA per graph (peer B)"
    verify per-graph "$triples" "$graphs"
  fi
  echo "* peer B: $b_requests_total requests (one per graph), $b_failures" \
       "failed, $b_connections TCP connection(s), $b_challenges digest" \
       "challenge(s); seconds = sending time, reading the .nq" \
       "(${b_read_seconds}s) left out" >> "$notes"
  record python "$task" "$b_extrapolated_seconds" "$b_kb"
}

# --- 3-5. evpub --------------------------------------------------------------
# evpub_run TASK VERIFY EXPECT_GRAPHS [OPTIONS]: a fresh journal (no
# --resume: nothing is skipped), the password from the environment as evpub
# wants it, evpub's defaults otherwise (timeouts, retries, one job).
evpub_run() {
  local task=$1 what=$2 want_g=$3 sec kb
  shift 3
  cur_tool=evpub cur_task=$task
  last_name="evpub $task"
  log "$last_name ($events events)"
  rm -f "$tmp/journal"
  watched env EVPUB_PASSWORD=dba "$evpub" publish -q \
    --journal "$tmp/journal" --endpoint "$VIRT_URL" \
    --server virtuoso --user dba "$@" "$yaml"
  [ "$wstat" = ok ] || return 0
  verify "$what" "$triples" "$want_g"
  read -r sec kb < "$tmp/time"
  record evpub "$task" "$sec" "$kb"
}
evpub_graph() {
  evpub_run "publish --graph (GSP PUT + POSTs, 200k triples each)" one 1 --graph "$one_graph"
}
evpub_graph2() {
  evpub_run "publish --graph --jobs $jobs2 --gsp-chunk-triples $chunk2" one 1 \
    --graph "$one_graph" --jobs "$jobs2" --gsp-chunk-triples "$chunk2"
}
evpub_gsp() {
  evpub_run "publish GSP per graph" per-graph "$graphs"
}
evpub_update() {
  evpub_run "publish update per graph" per-graph "$graphs" --method update
}

attempt peer_a one
attempt peer_a2 one
attempt peer_a3 one
attempt peer_b per-graph
attempt evpub_graph one
attempt evpub_graph2 one
attempt evpub_gsp per-graph
attempt evpub_update per-graph

# --- report ------------------------------------------------------------------
awk -F '\t' -v save="$save" -v tsv="$here/results.tsv" \
    -v n="$events" -v graphs="$graphs" -v notes="$notes" \
    -v host="$(uname -srm), $(nproc) CPUs" \
    -v virt="$("$VIRTUOSO_T" +help 2>&1 | sed -n 's/^Version \([^ ]*\).*/\1/p')" \
    -v when="$(date -u +%Y-%m-%dT%H:%M:%SZ)" -v evid="$evpub_id" \
    -v G2="publish --graph --jobs $jobs2 --gsp-chunk-triples $chunk2" '
function rate(x, s) { return x / (s > 0.01 ? s : 0.01) }
function speed(peer, s) { return peer / (s > 0.01 ? s : 0.01) }
# rows whose seconds are "hung" were not measured (the server hung in every
# attempt): shown as HUNG, left out of every ratio (n/a).
function ok(name) { return (name in S) && S[name] != "hung" }
function sp(peer, name) { return speed(S[peer], S[name]) }
{
  tool[NR] = $1; task[NR] = $2; ev[NR] = $3; tr[NR] = $4
  hung[NR] = ($5 == "hung"); sec[NR] = $5 + 0; mb[NR] = $6 / 1024
  key = $2
  if (index($2, "(peer A)")) key = "A"
  if (index($2, "(peer A\047)")) key = "A2"
  if (index($2, "(peer A\047\047)")) key = "A3"
  if (index($2, "(peer B")) key = "B"
  K[NR] = key; S[key] = hung[NR] ? "hung" : $5 + 0
}
function ratio(name, v) { nr++; rname[nr] = name; rval[nr] = v }
function cell(peer, i) {
  return (hung[i] || !ok(peer)) ? "n/a" : sprintf("%.2f×", speed(S[peer], sec[i]))
}
END {
  printf "evpub publish benchmark, %s, %s, Virtuoso %s\n\n", when, host, virt
  print "| tool | task | events | triples | seconds | triples/s | peak RSS MB | vs peer A | vs peer A\047 | vs peer A\047\047 | vs peer B |"
  print "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for (i = 1; i <= NR; i++)
    if (hung[i])
      printf "| %s | %s | %d | %d | HUNG | n/a | n/a | n/a | n/a | n/a | n/a |\n",
        tool[i], task[i], ev[i], tr[i]
    else
      printf "| %s | %s | %d | %d | %.2f | %.0f | %.1f | %s | %s | %s | %s |\n",
        tool[i], task[i], ev[i], tr[i], sec[i], rate(tr[i], sec[i]), mb[i],
        cell("A", i), cell("A2", i), cell("A3", i), cell("B", i)

  G = "publish --graph (GSP PUT + POSTs, 200k triples each)"
  PG = "publish GSP per graph"; UP = "publish update per graph"
  if (ok(PG) && ok(UP)) best = (S[PG] <= S[UP]) ? PG : UP
  else best = ok(PG) ? PG : (ok(UP) ? UP : "")
  if (ok("A") && ok(G))
    ratio("evpub --graph speed / curl speed (1 graph, same triples; target >= 0.80)",
          sprintf("%.2f× (%s)", sp("A", G), sp("A", G) >= 0.8 ? "met" : "NOT met"))
  else
    ratio("evpub --graph speed / curl speed (1 graph, same triples; target >= 0.80)",
          "n/a (a run hung)")
  if (ok("A2") && ok(G))
    ratio("evpub --graph speed / curl split upload speed (peer A\047, the same requests)",
          sprintf("%.2f× (%s)", sp("A2", G), sp("A2", G) >= 0.8 ? "met" : "NOT met"))
  if (ok("A") && ok(G2))
    ratio("evpub " G2 " speed / curl -T speed (peer A; target >= 0.80)",
          sprintf("%.2f× (%s)", sp("A", G2), sp("A", G2) >= 0.8 ? "met" : "NOT met"))
  else
    ratio("evpub " G2 " speed / curl -T speed (peer A; target >= 0.80)",
          "n/a (a run hung)")
  if (ok("A3") && ok(G2))
    ratio("evpub " G2 " speed / curl split parallel upload speed (peer A\047\047, the same requests)",
          sprintf("%.2f× (%s)", sp("A3", G2), sp("A3", G2) >= 0.8 ? "met" : "NOT met"))
  if (ok("A2") && ok(G2))
    ratio("evpub " G2 " speed / peer A\047 speed",
          sprintf("%.2f× (%s)", sp("A2", G2), sp("A2", G2) >= 0.8 ? "met" : "NOT met"))
  if (ok("B") && ok(G2))
    ratio("evpub " G2 " speed / INSERT DATA per graph speed (target >= 20)",
          sprintf("%.2f× (%s)", sp("B", G2), sp("B", G2) >= 20 ? "met" : "NOT met"))
  if (ok("B") && best != "")
    ratio("evpub best per-graph mode (" best ") speed / INSERT DATA per graph speed",
          sprintf("%.2f×", sp("B", best)))
  if (ok("B") && ok(G))
    ratio("evpub --graph speed / INSERT DATA per graph speed",
          sprintf("%.2f×", sp("B", G)))
  if (ok(PG) && ok(UP))
    ratio("evpub update per graph / GSP per graph time",
          sprintf("%.2f", S[UP] / S[PG]))

  print ""
  for (i = 1; i <= nr; i++)
    printf "* %s: %s\n", rname[i], rval[i]
  print ""
  print "Notes:"
  printf "* %d events, %d triples (N-Triples lines) in %d graphs per event/entity; every variant on a fresh Virtuoso\n", n, tr[1], graphs
  print "* peers read pre-converted N-Triples / N-Quads (conversion not timed); evpub times include reading the YAML and converting"
  print "* vs peer X = peer seconds / these seconds (> 1: faster than the peer)"
  print "* evpub binary: sha256 " evid " (copied at the start)"
  while ((getline line < notes) > 0) print line

  if (save) {
    printf "# evpub publish benchmark, %s, %s, Virtuoso %s, evpub sha256 %s\n", when, host, virt, evid >> tsv
    printf "tool\ttask\tevents\ttriples\tseconds\tevents_per_s\ttriples_per_s\tpeak_rss_mb\n" >> tsv
    for (i = 1; i <= NR; i++)
      if (hung[i])
        printf "# hung\t%s\t%s\t%d\t%d\n", tool[i], task[i], ev[i], tr[i] >> tsv
      else
        printf "%s\t%s\t%d\t%d\t%.2f\t%.0f\t%.0f\t%.1f\n",
          tool[i], task[i], ev[i], tr[i], sec[i], rate(ev[i], sec[i]),
          rate(tr[i], sec[i]), mb[i] >> tsv
    for (i = 1; i <= nr; i++)
      printf "# ratio\t%s\t%s\n", rname[i], rval[i] >> tsv
    close(tsv)
  }
}' "$rows"

if [ "$save" = 1 ]; then
  log "appended to $here/results.tsv"
fi
if [ "$hung_any" = 1 ]; then
  log "FAILED: the server hung in every attempt of a variant (HUNG above)"
  exit 1
fi
