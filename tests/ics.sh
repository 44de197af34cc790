#!/bin/bash
# The iCalendar reader (spec section 7, doc/icalendar.md), data-driven.
#
# One case per tests/ics/NAME.ics, run in tests/ics as
#   evpub convert -f ntriples --base https://ics.example/ [ARGS] NAME.ics
#
#   NAME.args   optional: one line of extra arguments (e.g. --expand 4)
#   NAME.nt     success case: the expected N-Triples, sorted; compared as
#               text with evpub's sorted output; standard error must be
#               empty (notes are only shown with -v)
#   NAME.err    error case: exit status 1, nothing on standard output, and
#               standard error exactly these lines
#   NAME.notes  optional: lines that 'convert -v' must print (the notes
#               about what was skipped), each exactly once
#
# Every success case is also read with rdflib from evpub's Turtle: each
# VEVENT of the file is accounted for (without --expand, the number of
# schema:Event nodes equals the number of VEVENTs; with it, at least),
# each SUMMARY is the name of an Event, and every xsd:date / xsd:dateTime
# literal has a valid lexical form.
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/lib.sh"
need_python

CASES="$top_srcdir/tests/ics"
BASE=https://ics.example/
case "$EVPUB" in
  /*) ;;
  *) EVPUB="$PWD/$EVPUB" ;;
esac

show() {  # show LABEL FILE
  echo "  $1:"
  sed -n '1,25s/^/    /p' "$2"
}

run() {  # run NAME FORMAT [EXTRA...]: sets rc, out, err
  local name=$1 fmt=$2
  shift 2
  local -a args=()
  if [ -f "$CASES/$name.args" ]; then
    read -r -a args < "$CASES/$name.args" || true
  fi
  out="$TMP/$name.$fmt"
  err="$TMP/$name.$fmt.err"
  ( cd "$CASES" &&
    evpub convert -f "$fmt" --base "$BASE" ${args[@]+"${args[@]}"} "$@" \
      "$name.ics" ) > "$out" 2> "$err"
  rc=$?
}

# rdflib witness: accounting, names and date lexical forms
witness() {  # witness NAME TURTLE EXPANDED
  "$PYTHON" - "$CASES/$1.ics" "$2" "$3" <<'EOF'
import re, sys
import rdflib
from rdflib.namespace import RDF, XSD
ics, ttl, expanded = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
S = rdflib.Namespace("http://schema.org/")
raw = open(ics, "rb").read().replace(b"\r\n", b"\n")
raw = re.sub(rb"\n[ \t]", b"", raw)        # unfold, then decode: a fold
raw = raw.decode("utf-8-sig")               # may split a character
lines = raw.split("\n")
nvevent, summaries, depth_ev = 0, [], False
for ln in lines:
    u = ln.upper()
    if u == "BEGIN:VEVENT":
        nvevent += 1; depth_ev = True; nested = 0
    elif u == "END:VEVENT":
        depth_ev = False
    elif depth_ev and u.startswith("BEGIN:"):
        nested += 1
    elif depth_ev and u.startswith("END:"):
        nested -= 1
    elif depth_ev and nested == 0 and re.match(r"(?i)SUMMARY[;:]", ln):
        v = ln.split(":", 1)[1] if ";" not in ln.split(":", 1)[0] else \
            ln.split(":", 1)[1]
        v = re.sub(r"\\([nN])", "\n", v)
        v = re.sub(r"\\(.)", r"\1", v)
        summaries.append(v)
g = rdflib.Graph()
g.parse(ttl, format="turtle")
events = set(g.subjects(RDF.type, S.Event))
names = {str(o) for s in events for o in g.objects(s, S.name)}
bad = []
if expanded:
    if len(events) < nvevent:
        bad.append("%d Event nodes for %d VEVENTs" % (len(events), nvevent))
elif len(events) != nvevent:
    bad.append("%d Event nodes for %d VEVENTs" % (len(events), nvevent))
for sm in summaries:
    if sm not in names:
        bad.append("SUMMARY %r is not the name of an Event" % sm)
date_re = re.compile(r"^-?\d{4,}-(\d\d)-(\d\d)$")
dt_re = re.compile(r"^-?\d{4,}-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?"
                   r"(Z|[+-](\d\d):(\d\d))?$")
import calendar
ndates = 0
for s, p, o in g:
    if not isinstance(o, rdflib.Literal):
        continue
    if o.datatype in (XSD.date, XSD.dateTime):
        ndates += 1
        lex = str(o)
        m = (date_re if o.datatype == XSD.date else dt_re).match(lex)
        ok = bool(m)
        if ok:
            y = int(lex[:4]); mo, d = int(m.group(1)), int(m.group(2))
            ok = 1 <= mo <= 12 and 1 <= d <= calendar.monthrange(y, mo)[1]
            if ok and o.datatype == XSD.dateTime:
                h, mi, se = int(m.group(3)), int(m.group(4)), int(m.group(5))
                ok = h < 24 and mi < 60 and se < 60
                if m.group(8):
                    ok = ok and int(m.group(8)) <= 14 and int(m.group(9)) < 60
        if not ok or o.value is None:
            bad.append("invalid %s literal %r" % (o.datatype, lex))
if nvevent and not ndates:
    bad.append("no xsd:date or xsd:dateTime literal at all")
for b in bad:
    print(b)
sys.exit(1 if bad else 0)
EOF
}

ncases=0
for ics in "$CASES"/*.ics; do
  [ -e "$ics" ] || continue
  name=${ics##*/}
  name=${name%.ics}
  ncases=$((ncases + 1))
  if [ -f "$CASES/$name.err" ]; then
    run "$name" ntriples
    if [ "$rc" = 1 ] && [ ! -s "$out" ] && diff -u "$CASES/$name.err" "$err" \
      > "$TMP/$name.diff"; then
      ok "$name: rejected with the expected messages"
    else
      fail "$name: exit $rc, expected 1 with exactly $name.err on stderr"
      sed -n '1,30s/^/    /p' "$TMP/$name.diff"
      [ -s "$out" ] && show stdout "$out"
    fi
    continue
  fi
  if [ ! -f "$CASES/$name.nt" ]; then
    fail "$name: neither $name.nt nor $name.err"
    continue
  fi
  run "$name" ntriples
  LC_ALL=C sort "$out" > "$out.sorted"
  if [ "$rc" = 0 ] && [ ! -s "$err" ] &&
    diff -u "$CASES/$name.nt" "$out.sorted" > "$TMP/$name.diff"; then
    ok "$name: graph as expected"
  else
    fail "$name: exit $rc; output differs (- expected, + evpub)"
    sed -n '3,40s/^/    /p' "$TMP/$name.diff"
    [ -s "$err" ] && show stderr "$err"
  fi
  expanded=0
  grep -q -- '--expand' "$CASES/$name.args" 2>/dev/null && expanded=1
  # the witness checks what is written, the same in every build: the
  # sanitizer and valgrind builds leave it to the normal one
  if [ -z "${EVPUB_INSTRUMENTED:-}" ]; then
    run "$name" turtle
    if [ "$rc" = 0 ] && witness "$name" "$out" "$expanded" > "$TMP/$name.w"
    then
      ok "$name: rdflib: every VEVENT an Event, names and dates valid"
    else
      fail "$name: rdflib witness"
      show witness "$TMP/$name.w"
    fi
  fi
  if [ -f "$CASES/$name.notes" ]; then
    run "$name" ntriples -v
    while IFS= read -r want; do
      n=$(grep -cxF -- "$want" "$err")
      if [ "$n" = 1 ]; then
        ok "$name: note '${want#*note: }'"
      else
        fail "$name: note printed $n times, expected once: $want"
        show stderr "$err"
      fi
    done < "$CASES/$name.notes"
  fi
done

# standard input (a pipe: read twice through a temporary file)
if [ -f "$CASES/override-before-series.ics" ]; then
  ( cd "$CASES" && evpub convert -f ntriples --base "$BASE" --from ics - \
    < override-before-series.ics | cat ) > "$TMP/stdin.nt" 2> "$TMP/stdin.err"
  LC_ALL=C sort "$TMP/stdin.nt" > "$TMP/stdin.sorted"
  check "a pipe on standard input reads as the file" \
    cmp -s "$TMP/stdin.sorted" "$CASES/override-before-series.nt"
  cat "$CASES/override-before-series.ics" | ( cd "$CASES" &&
    evpub convert -f ntriples --base "$BASE" --from ics - ) \
    > "$TMP/pipe.nt" 2> "$TMP/pipe.err"
  LC_ALL=C sort "$TMP/pipe.nt" > "$TMP/pipe.sorted"
  check "a non-seekable pipe reads as the file" \
    cmp -s "$TMP/pipe.sorted" "$CASES/override-before-series.nt"
fi

[ "$ncases" -ge 20 ] || fail "only $ncases cases in $CASES"
finish
