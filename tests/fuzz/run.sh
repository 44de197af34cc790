#!/bin/sh
# run.sh OUTDIR [SECONDS] - run the fuzzers build.sh made (doc/fuzzing.md)
#
# Runs each OUTDIR/fuzz_NAME (NAME: each harness build.sh found, listed
# in OUTDIR/share/harnesses; FUZZERS="yaml ics" picks some) for SECONDS
# (default 300) with -max_total_time, at most
# FUZZ_PARALLEL (default 2) at once, on the working corpus
# OUTDIR/work/NAME (seeded from OUTDIR/share/seeds/NAME, the copy build.sh
# made of tests/fuzz/corpus/NAME, which is never written; what a run
# finds stays in work/ for the next run), with OUTDIR/share/NAME.dict
# when there is one.  Reproducers go to OUTDIR/artifacts/NAME/, logs to
# OUTDIR/logs/NAME.log.
#
# libFuzzer runs in fork mode (-fork=1 -ignore_crashes=1 ...: one worker
# process, restarted after a finding), so that a fuzzer goes on for the
# whole time and reports every distinct finding, not only the first;
# FUZZ_FORK=0 runs it in one process that stops at the first finding.
# Fork mode does not report slow inputs, so after it every input of the
# working corpus is run once more in one process (-runs=0, the same
# limits; logs/NAME.replay.log).
#
# Each input has FUZZ_TIMEOUT seconds (default 10: -timeout); one that
# takes longer is a finding (timeout-...), and so is one that takes
# FUZZ_SLOW seconds or more (default 2: -report_slow_units, slow-unit-...):
# no input of a few kilobytes should take a reader that long, and a slow
# one is usually a hang with a smaller input away.
#
# Prints per fuzzer: executions, seconds, coverage, corpus, and each
# distinct finding (crash, sanitizer report, leak, timeout, slow input,
# out of memory) with the smallest reproducer that shows it.
# Exit status: 0 nothing found, 1 something found, 77 no fuzzer built.
set -u

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 OUTDIR [SECONDS]" >&2
  exit 2
fi
outdir=$(cd "$1" && pwd) || exit 2
seconds=${2:-300}
[ -n "$seconds" ] || seconds=300
case $seconds in
*[!0-9]* | 0)
  echo "run.sh: SECONDS must be a positive integer, not '$seconds'" >&2
  exit 2
  ;;
esac
parallel=${FUZZ_PARALLEL:-2}
timeout=${FUZZ_TIMEOUT:-10}
slow=${FUZZ_SLOW:-2}
for v in "FUZZ_TIMEOUT=$timeout" "FUZZ_SLOW=$slow" "FUZZ_PARALLEL=$parallel"; do
  case ${v#*=} in
  '' | *[!0-9]* | 0)
    echo "run.sh: ${v%%=*} must be a positive integer, not '${v#*=}'" >&2
    exit 2
    ;;
  esac
done

# The project's suppressions of third-party reports (tests/*.supp, copied
# by build.sh).  Leak checking is on: libFuzzer runs LeakSanitizer after
# every input that allocated more than it freed.
asan=detect_leaks=1:handle_abort=1
asan=$asan:print_suppressions=0
if [ -f "$outdir/share/asan.supp" ]; then
  asan=$asan:suppressions=$outdir/share/asan.supp
fi
lsan=print_suppressions=0
if [ -f "$outdir/share/lsan.supp" ]; then
  lsan=$lsan:suppressions=$outdir/share/lsan.supp
fi
export ASAN_OPTIONS="$asan${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export LSAN_OPTIONS="$lsan${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
ubsan=halt_on_error=1:print_stacktrace=1
export UBSAN_OPTIONS="$ubsan${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

# The harnesses build.sh found (else the fuzzers it left in OUTDIR).
all=$(cat "$outdir/share/harnesses" 2>/dev/null ||
  for f in "$outdir"/fuzz_*; do
    if [ -x "$f" ]; then echo "${f##*/fuzz_}"; fi
  done)

names=
for n in ${FUZZERS:-$all}; do
  if [ -x "$outdir/fuzz_$n" ]; then
    names="$names $n"
  else
    echo "fuzz_$n: not built (see build.sh's output), skipped"
  fi
done
if [ -z "$names" ]; then
  echo "run.sh: no fuzzer in $outdir (run build.sh first)" >&2
  exit 77
fi

mkdir -p "$outdir/logs"

# run_one NAME: one fuzzer, in the background
run_one() {
  (
    n=$1
    corpus=$outdir/work/$n
    art=$outdir/artifacts/$n/
    mkdir -p "$corpus" "$art"
    if [ -d "$outdir/share/seeds/$n" ]; then
      cp -n "$outdir/share/seeds/$n"/* "$corpus"/ 2>/dev/null
    fi
    set -- "$corpus" -max_total_time="$seconds" -rss_limit_mb=2048 \
      -timeout="$timeout" -report_slow_units="$slow" \
      -artifact_prefix="$art" -print_final_stats=1
    if [ "${FUZZ_FORK:-1}" != 0 ]; then
      set -- "$@" -fork=1 -ignore_crashes=1 -ignore_timeouts=1 \
        -ignore_ooms=1
    fi
    if [ -f "$outdir/share/$n.dict" ]; then
      set -- "$@" -dict="$outdir/share/$n.dict"
    fi
    # a marker: the artifacts newer than it are this run's
    : >"$outdir/logs/$n.start"
    t0=$(date +%s)
    "$outdir/fuzz_$n" "$@" >"$outdir/logs/$n.log" 2>&1
    echo $? >"$outdir/logs/$n.status"
    echo $(($(date +%s) - t0)) >"$outdir/logs/$n.seconds"
    if [ "${FUZZ_FORK:-1}" != 0 ]; then
      "$outdir/fuzz_$n" "$corpus" -runs=0 -rss_limit_mb=2048 \
        -timeout="$timeout" -report_slow_units="$slow" \
        -artifact_prefix="$art" -print_final_stats=1 \
        >"$outdir/logs/$n.replay.log" 2>&1
    fi
  ) &
  pids="$pids $!"
}

# the number of pids still running
alive() {
  c=0
  for p in $pids; do
    if kill -0 "$p" 2>/dev/null; then c=$((c + 1)); fi
  done
  echo $c
}

# signature NAME FILE: one line naming what FILE makes fuzz_NAME report
signature() {
  case ${2##*/} in
  timeout-*) echo "timeout (more than $timeout s on one input)"; return ;;
  oom-*) echo "out of memory (more than 2048 MB)"; return ;;
  slow-unit-*) echo "slow input ($slow s or more on one input)"; return ;;
  esac
  out=$(timeout 60 "$outdir/fuzz_$1" -runs=1 "$2" 2>&1)
  sig=$(printf '%s\n' "$out" |
    grep -m1 -oE 'evpub fuzz: .*|SUMMARY: [A-Za-z]+Sanitizer: [a-z-]+ '\
'[^ ]+( in [^ ]+)?')
  case $sig in
  *"byte(s) leaked"* | "") ;;
  *) echo "$sig"; return ;;
  esac
  # a leak or a signal: name the first frame in evpub's own code
  frame=$(printf '%s\n' "$out" |
    grep -m1 -oE ' in [A-Za-z_0-9]+ [^ ]*/(lib|src)/[^ ]+' |
    sed 's/^ in //')
  if printf '%s\n' "$out" | grep -q 'LeakSanitizer'; then
    echo "leak, allocated in ${frame:-a library}"
  elif [ -n "$sig$frame" ]; then
    echo "${sig:-crash} at ${frame:-?}"
  else
    echo "does not reproduce alone (see the log)"
  fi
}

echo "fuzz: running$names for ${seconds}s each, $parallel at a time," \
  "${timeout}s per input (slow from ${slow}s)"
pids=
for n in $names; do
  rm -f "$outdir/logs/$n.status" "$outdir/logs/$n.replay.log"
  while [ "$(alive)" -ge "$parallel" ]; do
    sleep 1
  done
  run_one "$n"
done
wait

failed=0
for n in $names; do
  log=$outdir/logs/$n.log
  status=$(cat "$outdir/logs/$n.status" 2>/dev/null || echo '?')
  secs=$(cat "$outdir/logs/$n.seconds" 2>/dev/null || echo '?')
  # plain mode: the final stats; fork mode: the last "#N: cov: ..." line
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  last=$(grep -E '^#[0-9]+' "$log" | tail -1)
  if [ -z "$execs" ]; then
    execs=$(printf '%s\n' "$last" | sed -n 's/^#\([0-9]*\).*/\1/p')
  fi
  cov=$(printf '%s\n' "$last" | sed -n 's/.* cov: \([0-9]*\).*/\1/p')
  ft=$(printf '%s\n' "$last" | sed -n 's/.* ft: \([0-9]*\).*/\1/p')
  corp=$(printf '%s\n' "$last" |
    sed -n 's/.* corp: \([0-9]*\(\/[0-9]*[a-zA-Z]*\)\{0,1\}\).*/\1/p')
  printf 'fuzz_%s: %s executions in %s s, cov %s, features %s, corpus %s\n' \
    "$n" "${execs:-?}" "$secs" "${cov:-?}" "${ft:-?}" "${corp:-?}"
  replay=$outdir/logs/$n.replay.log
  if [ -f "$replay" ]; then
    printf '  replay of the corpus: %s inputs, the slowest %s s\n' \
      "$(sed -n 's/^stat::number_of_executed_units: *//p' "$replay")" \
      "$(sed -n 's/^stat::slowest_unit_time_sec: *//p' "$replay")"
  fi
  # this run's reproducers, smallest first, grouped by what they show
  found=$(find "$outdir/artifacts/$n" -type f -newer "$outdir/logs/$n.start" \
    -printf '%s %p\n' 2>/dev/null | sort -n | head -50 | cut -d' ' -f2-)
  total=$(find "$outdir/artifacts/$n" -type f -newer "$outdir/logs/$n.start" \
    2>/dev/null | wc -l)
  if [ -n "$found" ]; then
    failed=1
    sigs=$outdir/logs/$n.findings
    : >"$sigs"
    for f in $found; do
      sig=$(signature "$n" "$f")
      if ! cut -f1 "$sigs" | grep -qxF "$sig"; then
        printf '%s\t%s\n' "$sig" "$f" >>"$sigs"
      fi
    done
    printf '  %s reproducer(s), %s distinct finding(s):\n' "$total" \
      "$(wc -l <"$sigs")"
    while IFS="$(printf '\t')" read -r sig f; do
      printf '  FOUND: %s\n    reproducer: %s\n' "$sig" "$f"
    done <"$sigs"
    printf '  reproduce: [EVPUB_FUZZ_VERBOSE=1] %s FILE; log: %s\n' \
      "$outdir/fuzz_$n" "$log"
    if [ -f "$replay" ]; then
      printf '  the replay of the corpus: %s\n' "$replay"
    fi
  elif [ "$status" != 0 ]; then
    failed=1
    printf '  FAILED: exit status %s, no reproducer; see %s\n' "$status" "$log"
  else
    printf '  no findings\n'
  fi
done
exit $failed
