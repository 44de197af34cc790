#!/bin/bash
# evpub publish against a real SPARQL server: a private Virtuoso started
# here on loopback (tests/virtuoso.sh), stopped by its PID at the end.
#
# What the store holds is read back with SPARQL (tests/publish_check.py)
# and compared with the N-Quads that `evpub convert -f nquads` writes for
# the same input: the same graphs and exactly the same triples.
. "$(dirname "$0")/lib.sh"
. "$top_srcdir/tests/virtuoso.sh"
PY=${PYTHON:-/usr/bin/python3}
CHECK="$top_srcdir/tests/publish_check.py"
PROXY="$top_srcdir/tests/faultproxy.py"
PROXY_PID=
on_exit '[ -z "$PROXY_PID" ] || kill "$PROXY_PID" 2>/dev/null'
virtuoso_private
Q="$VIRT_URL/sparql"
export EVPUB_PASSWORD=dba
export XDG_STATE_HOME="$TMP/state"
AUTH="--endpoint $VIRT_URL --server virtuoso --user dba"
HGEN="$top_srcdir/tests/hostile_gen.py"

# same DESCRIPTION EXPECTED.nq PREFIX: the store holds exactly the quads
same() {
  if "$PY" "$CHECK" same "$Q" "$2" "$3" >"$TMP/same.out" 2>&1; then
    ok "$1"
  else
    fail "$1"
  fi
  sed 's/^/#   /' "$TMP/same.out" | head -n 12
}

# publish, events and quads: tests/lib.sh

# ---- 1. the example, both methods, Digest authentication -----------------
quads "$EXAMPLE" "$TMP/example.nq"
check "the example is 139 quads in 18 graphs" \
  test "$(wc -l <"$TMP/example.nq")" -eq 139
publish "example: GSP with digest auth" 0 $AUTH "$EXAMPLE"
check "example: the report counts 18 graphs" \
  grep -q "18 graphs published, 0 unchanged, 0 failed" "$TMP/err"
same "example (GSP): the store holds exactly the expected quads" \
  "$TMP/example.nq" https://events.example.org/
check "the default journal is under \$XDG_STATE_HOME/evpub" \
  sh -c "grep -q ' https://events.example.org/events/global-cities-forum-2022\$' '$XDG_STATE_HOME'/evpub/journal-*"
publish "example: again, with a progress line and 3 jobs" 0 $AUTH \
  --progress -j 3 "$EXAMPLE"
check "--progress: events, graphs and rate on stderr" \
  grep -q "evpub: events 2/2, graphs 18 sent 0 unchanged 0 failed, 139 triples, [0-9]* triples/s" "$TMP/err"
same "example published twice: still exactly the expected quads" \
  "$TMP/example.nq" https://events.example.org/
publish "example: SPARQL Update with digest auth" 0 $AUTH --method update \
  "$EXAMPLE"
same "example (update): exactly the expected quads" \
  "$TMP/example.nq" https://events.example.org/
publish "example: update again" 0 $AUTH --method update "$EXAMPLE"
same "example updated twice: exactly the expected quads" \
  "$TMP/example.nq" https://events.example.org/

# --graph: everything in one graph, streamed from a temporary file
sed 's#<[^<>]*> \.$#<https://one.example.org/graph> .#' "$TMP/example.nq" |
  sort -u >"$TMP/one.nq"
for m in gsp update; do
  publish "example, --graph ($m)" 0 $AUTH --method $m \
    --graph https://one.example.org/graph "$EXAMPLE"
  same "example, --graph ($m): one graph with every triple" \
    "$TMP/one.nq" https://one.example.org/graph
done
# a big graph goes in parts (PUT, then POSTs): 139 triples in parts of
# 40, over a graph holding other triples (the example with another date)
sed 's/startDate: 2022-11-02/startDate: 2022-11-30/' "$EXAMPLE" >"$TMP/moved.yaml"
publish "moved example, --graph in parts of 40" 0 $AUTH \
  --gsp-chunk-triples 40 --graph https://one.example.org/graph "$TMP/moved.yaml"
publish "example, --graph in parts of 40 over it" 0 $AUTH \
  --gsp-chunk-triples 40 --graph https://one.example.org/graph "$EXAMPLE"
check "... in four requests" grep -q "139 triples in 4 requests" "$TMP/err"
same "example, --graph in parts: exactly its triples (the PUT replaced the old graph)" \
  "$TMP/one.nq" https://one.example.org/graph
publish "moved example, --graph in parts of 20, 3 at a time" 0 $AUTH \
  --jobs 3 --gsp-chunk-triples 20 --graph https://one.example.org/graph \
  "$TMP/moved.yaml"
publish "example, --graph in parts of 20, 3 at a time, over it" 0 $AUTH \
  --jobs 3 --gsp-chunk-triples 20 --graph https://one.example.org/graph \
  "$EXAMPLE"
check "... in seven requests" grep -q "139 triples in 7 requests" "$TMP/err"
same "example, --graph in parts side by side: exactly its triples" \
  "$TMP/one.nq" https://one.example.org/graph

# ---- 2. an edited event replaces its old triples --------------------------
edited_example "$TMP/edited.yaml"
quads "$TMP/edited.yaml" "$TMP/edited.nq"
check "the edited input has fewer quads" \
  test "$(wc -l <"$TMP/edited.nq")" -lt 139
for m in gsp update; do
  check "before the edit ($m): the organizer's link is there" \
    test "$("$PY" "$CHECK" ask "$Q" 'ASK { GRAPH ?g { ?r <http://schema.org/organizer> <https://events.example.org/organizations/sipa> } FILTER(STRSTARTS(STR(?g), "https://events.example.org/")) }')" = true
  publish "edited event ($m)" 0 $AUTH --method $m "$TMP/edited.yaml"
  same "edited event ($m): exactly the new quads" \
    "$TMP/edited.nq" https://events.example.org/
  check "edited event ($m): the removed organizer's link is gone" \
    test "$("$PY" "$CHECK" ask "$Q" 'ASK { GRAPH ?g { ?r <http://schema.org/organizer> <https://events.example.org/organizations/sipa> } FILTER(STRSTARTS(STR(?g), "https://events.example.org/")) }')" = false
  check "edited event ($m): the old date is gone" test "$("$PY" "$CHECK" ask "$Q" \
    'ASK { GRAPH ?g { ?e <http://schema.org/startDate> "2022-11-02"^^<http://www.w3.org/2001/XMLSchema#date> FILTER(?e = <https://events.example.org/events/global-cities-forum-2022>) } FILTER(STRSTARTS(STR(?g), "https://events.example.org/")) }')" = false
  publish "back to the example ($m)" 0 $AUTH --method $m "$EXAMPLE"
done

# ---- 3. generated events, both methods ----------------------------
# 10,000 events; 2,000 when the build is instrumented (sanitizers,
# valgrind), where the same code runs many times slower
N=10000
[ -n "${EVPUB_INSTRUMENTED:-}" ] && N=2000
events $N 1 tenk
publish "$N events: GSP, digest auth" 0 $AUTH "$TMP/tenk.yaml"
same "$N events (GSP): exactly the expected quads" \
  "$TMP/tenk.nq" https://tenk.example.org/
virtuoso_sql 'GRANT SPARQL_UPDATE TO "SPARQL";'
# other events under the same IRIs: every graph replaced
events $N 2 tenk
publish "$N other events over them: update, anonymous" 0 \
  --endpoint "$VIRT_URL" --server virtuoso --method update "$TMP/tenk.yaml"
same "$N events (update): exactly the new quads" \
  "$TMP/tenk.nq" https://tenk.example.org/
publish "the same again with --resume: nothing to send" 0 \
  --endpoint "$VIRT_URL" --server virtuoso --method update --resume \
  "$TMP/tenk.yaml"
check "--resume: every graph unchanged, no request" \
  grep -q "0 graphs published, [1-9][0-9]* unchanged, 0 failed; 0 triples in 0 requests" "$TMP/err"

# ---- 4. faults between evpub and the server -------------------------------
start_proxy() { # start_proxy FAULTS
  rm -f "$TMP/proxy.port" "$TMP/proxy.log"
  "$PY" "$PROXY" --upstream "127.0.0.1:$VIRT_HTTP" --port 0 \
    --port-file "$TMP/proxy.port" --log "$TMP/proxy.log" --faults "$1" \
    2>"$TMP/proxy.err" &
  PROXY_PID=$!
  local i=0
  while [ ! -s "$TMP/proxy.port" ] && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
  done
  PROXY_URL=http://127.0.0.1:$(cat "$TMP/proxy.port")
}
stop_proxy() {
  kill "$PROXY_PID" 2>/dev/null
  wait "$PROXY_PID" 2>/dev/null
  PROXY_PID=
}

FAULTS="drop@2,503@4:1,500@6,stall@8:30,after@10,reset@12,429@14:1,500%37,after%53"
FAST="--timeout 3 --retry-wait 0.05 --retries 6"
for m in gsp update; do
  batch=
  [ $m = update ] && batch="--batch-triples 200"
  events 1000 3 faulty-$m
  start_proxy "$FAULTS"
  publish "through a faulty proxy ($m): every graph stored" 0 \
    --endpoint "$PROXY_URL" --server virtuoso --user dba --method $m \
    $FAST $batch "$TMP/faulty-$m.yaml"
  check "faulty proxy ($m): faults were injected" \
    test "$(grep -cv forwarded "$TMP/proxy.log")" -ge 7
  check "faulty proxy ($m): evpub retried" \
    grep -q "failed; [0-9]* triples in [0-9]* requests ([1-9][0-9]* retries)" "$TMP/err"
  stop_proxy
  same "faulty proxy ($m): exactly the expected quads" \
    "$TMP/faulty-$m.nq" https://faulty-$m.example.org/
done

# One big graph (--graph) goes in parts of 500 triples while it is being
# converted, the POSTs two at a time, through faults: exactly its triples.
# (100 events in parts of 300 in the sanitizer and valgrind builds)
SN=300 SC=500
[ -n "${EVPUB_INSTRUMENTED:-}" ] && SN=100 SC=300
events $SN 5 stream
ONE=https://stream.example.org/graph
sed "s#<[^<>]*> \.\$#<$ONE> .#" "$TMP/stream.nq" | sort -u >"$TMP/stream1.nq"
STREAM="--jobs 2 --gsp-chunk-triples $SC --graph $ONE"
start_proxy "503@1:1,drop@4,500@7,after@9,500%11"
publish "--graph in parts, 2 at a time, through a faulty proxy" 0 \
  --endpoint "$PROXY_URL" --server virtuoso --user dba $FAST $STREAM \
  "$TMP/stream.yaml"
check "--graph in parts through faults: evpub retried" \
  grep -q "failed; [0-9]* triples in [0-9]* requests ([1-9][0-9]* retries)" "$TMP/err"
stop_proxy
same "--graph in parts through faults: exactly the graph's triples" \
  "$TMP/stream1.nq" "$ONE"
# a part that fails for good: the graph is reported failed, with the part
# named, and --resume sends it again (then, unchanged, no more)
sed 's/startDate: 20/startDate: 19/' "$TMP/stream.yaml" >"$TMP/stream2.yaml"
start_proxy "500@5,500@6"
publish "--graph in parts, a part fails with no retries left: exit 3" 3 \
  --endpoint "$PROXY_URL" --server virtuoso --user dba --retries 0 $STREAM \
  --journal "$TMP/sjournal" "$TMP/stream2.yaml"
stop_proxy
check "... the failed part is named with its reason" \
  grep -q "^evpub: graph <$ONE>, part [0-9]*: HTTP 500 from " "$TMP/err"
check "... the report counts the graph failed" \
  grep -q "0 graphs published, 0 unchanged, 1 failed" "$TMP/err"
publish "--resume sends the graph again" 0 $AUTH $STREAM \
  --journal "$TMP/sjournal" --resume "$TMP/stream2.yaml"
quads "$TMP/stream2.yaml" "$TMP/stream2.nq"
sed "s#<[^<>]*> \.\$#<$ONE> .#" "$TMP/stream2.nq" | sort -u >"$TMP/stream3.nq"
same "after --resume: exactly the edited graph's triples" "$TMP/stream3.nq" "$ONE"
publish "--resume once more: the graph is unchanged" 0 $AUTH $STREAM \
  --journal "$TMP/sjournal" --resume "$TMP/stream2.yaml"
check "... nothing sent" \
  grep -q "0 graphs published, 1 unchanged, 0 failed; 0 triples in 0 requests" "$TMP/err"

# More faults than retries: the failures are reported exactly, and
# --resume completes the publish.
events 1000 4 resume
# requests 10+11 and 20+21 fail: two graphs fail twice (22 fails once)
start_proxy "500@10,500@11,500@20,500@21,500@22"
publish "two graphs fail twice, one retry: exit 3" 3 \
  --endpoint "$PROXY_URL" --server virtuoso --user dba --journal \
  "$TMP/journal" --retries 1 --retry-wait 0.01 "$TMP/resume.yaml"
stop_proxy
nfailed=$(sed -n 's/.* unchanged, \([0-9]*\) failed.*/\1/p' "$TMP/err")
npub=$(sed -n 's/.* \([0-9]*\) graphs published.*/\1/p' "$TMP/err")
check "the report counts 2 failed graphs" test "${nfailed:-0}" -eq 2
check "each failed graph is named with its reason" \
  test "$(grep -c '^evpub: graph <.*>: HTTP 500 from ' "$TMP/err")" -eq "$nfailed"
publish "--resume completes it" 0 $AUTH --journal "$TMP/journal" --resume \
  "$TMP/resume.yaml"
check "--resume sends only what failed" \
  grep -q "$nfailed graphs published, $npub unchanged, 0 failed" "$TMP/err"
same "after --resume: exactly the expected quads" \
  "$TMP/resume.nq" https://resume.example.org/

# ---- 5. hostile strings reach the store intact ------------------------------
mkdir -p "$TMP/hostile"
"$PY" "$HGEN" gen "$TMP/hostile" >/dev/null
: >"$TMP/hostile.nq"
for stem in corpus noid direct; do
  # the store keeps the corpora published before: expect them all
  quads "$TMP/hostile/$stem.yaml" "$TMP/$stem.nq"
  cat "$TMP/$stem.nq" >>"$TMP/hostile.nq"
  for m in gsp update; do
    publish "hostile $stem ($m)" 0 $AUTH --method $m "$TMP/hostile/$stem.yaml"
    # rapper cuts U+0000, so the direct corpus is read by the checker alone
    if [ $stem = direct ]; then
      RAPPER= same "hostile $stem ($m): every literal byte for byte" \
        "$TMP/hostile.nq" https://hostile.example.org/
    else
      same "hostile $stem ($m): every literal byte for byte" \
        "$TMP/hostile.nq" https://hostile.example.org/
    fi
  done
done

# ---- 6. wrong password: a clear error, nothing stored -----------------------
for m in gsp update; do
  EVPUB_PASSWORD=Xyzzy-s3cret publish "wrong password ($m)" 3 $AUTH --method $m \
    --base https://wrong.example.org/ "$EXAMPLE"
  check "wrong password ($m): says authentication failed" \
    grep -q "authentication failed (check the user, the password or the token)" "$TMP/err"
  check "wrong password ($m): the password is not printed" \
    sh -c "! grep -q Xyzzy '$TMP/err' '$TMP/out'"
  check "wrong password ($m): nothing stored" \
    test "$("$PY" "$CHECK" count "$Q" https://wrong.example.org/)" -eq 0
done

# ---- 7. the command line ----------------------------------------------------
publish "--dry-run prints the requests without a server" 0 \
  --endpoint http://127.0.0.1:9 --server virtuoso --user dba --dry-run \
  "$EXAMPLE"
check "--dry-run: one PUT per graph, with Content-Length" \
  test "$(grep -c '^PUT http://127.0.0.1:9/sparql-graph-crud-auth?graph=https%3A%2F%2F' "$TMP/out")" -eq 18
check "--dry-run: the password is not shown" \
  grep -q "password not shown" "$TMP/out"
publish "a password on the command line is refused" 2 $AUTH \
  --password secret "$EXAMPLE"
# the library says what is missing in the terms of evpub_publisher_set(),
# the command adds where to look
publish "no Graph Store URL: a usage error" 2 \
  --update-url http://127.0.0.1:9/update "$EXAMPLE"
check "... in the library's terms, and a hint" \
  test "$(cat "$TMP/err")" = "evpub: no endpoint set: set endpoint (or gsp-url)
evpub: try 'evpub publish --help'"
HOME= XDG_STATE_HOME= publish "--resume without a journal: a usage error" 2 \
  --endpoint http://127.0.0.1:9 --resume "$EXAMPLE"
check "... says to set one" \
  grep -q "^evpub: resume needs a journal: set journal" "$TMP/err"
XDG_DATA_HOME="$TMP/xdg" publish "no endpoint: into the local store" 0 \
  "$EXAMPLE"
check "... the default one, under \$XDG_DATA_HOME" \
  test -f "$TMP/xdg/evpub/store/CURRENT"
publish "an input error sends nothing" 1 $AUTH \
  "$top_srcdir/tests/cases/convert/error-top-level-key-unknown/input.yaml"
finish
