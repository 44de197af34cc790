#!/bin/bash
# evpub query and evpub network over the local store, checked with
# readers evpub did not write (tests/query_check.py: Python's json, csv
# and xml.etree, rdflib answering the same queries, Graphviz drawing the
# network) and, for the network, against an independent computation with
# rdflib (tests/network_check.py).
. "$(dirname "$0")/lib.sh"
need_python
PY=$PYTHON
QC="$top_srcdir/tests/query_check.py"
NC="$top_srcdir/tests/network_check.py"
GEN="$top_srcdir/bench/gen-events.py"
unset EVPUB_STORE
export XDG_DATA_HOME="$TMP/xdg"
S="$TMP/store"

if [ -n "${EVPUB_INSTRUMENTED:-}" ]; then N=40; else N=120; fi

# qc DESCRIPTION MODE ARGS...: a query_check.py comparison
qc() {
  local what=$1
  shift
  if "$PY" "$QC" "$@" >"$TMP/qc.out" 2>&1; then ok "$what"; else fail "$what"; fi
  sed 's/^/#   /' "$TMP/qc.out" | head -n 8
}

# ---- the data: the example and generated events ---------------------------
"$PY" "$GEN" "$N" --seed 5 2>/dev/null >"$TMP/gen.yaml"
for f in "$EXAMPLE" "$TMP/gen.yaml"; do
  b=$(basename "$f" .yaml)
  evpub convert -f turtle "$f" >"$TMP/$b.ttl"
  evpub convert -f nquads "$f" >"$TMP/$b.nq"
done
DATA="$TMP/global-cities-forum-2022.ttl $TMP/gen.ttl"
evpub publish -q --store "$S" "$EXAMPLE" "$TMP/gen.yaml"
check "publish the example and $N events" test $? -eq 0

# ---- the documented queries, in every format ------------------------------
nq=0
for q in "$top_srcdir"/examples/queries/*.rq; do
  name=$(basename "$q" .rq)
  nq=$((nq + 1))
  evpub query --store "$S" -f json -q "$q" >"$TMP/$name.json" 2>"$TMP/err"
  check "$name: runs (json)" test $? -eq 0
  # shellcheck disable=SC2086
  qc "$name: the rows rdflib gives for the same query" rows \
    "$TMP/$name.json" "$q" $DATA
  check "$name: answers something on this data" \
    "$PY" -c 'import json,sys; sys.exit(not json.load(open(sys.argv[1]))["results"]["bindings"])' \
    "$TMP/$name.json"
  evpub query --store "$S" -f csv -q "$q" >"$TMP/$name.csv"
  qc "$name: the CSV holds the same (Python csv)" csv "$TMP/$name.csv" \
    "$TMP/$name.json"
  evpub query --store "$S" -f tsv -q "$q" >"$TMP/$name.tsv"
  qc "$name: the TSV holds the same terms" tsv "$TMP/$name.tsv" \
    "$TMP/$name.json"
  evpub query --store "$S" -f table -q "$q" >"$TMP/$name.table"
  rows=$("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["results"]["bindings"]))' "$TMP/$name.json")
  check "$name: the table has a header, a rule, $rows rows and a count" \
    test "$(wc -l <"$TMP/$name.table")" -eq $((rows + 3)) -a \
    "$(tail -n 1 "$TMP/$name.table")" = "($rows row$([ "$rows" -eq 1 ] || echo s))"
done
check "at least 6 documented queries in examples/queries" test "$nq" -ge 6

# ---- query forms ------------------------------------------------------------
cat >"$TMP/ask-yes.rq" <<'EOF'
PREFIX schema: <http://schema.org/>
ASK { ?e schema:organizer <https://events.example.org/organizations/sjtu> }
EOF
cat >"$TMP/ask-no.rq" <<'EOF'
PREFIX schema: <http://schema.org/>
ASK { ?e schema:organizer <https://events.example.org/organizations/nobody> }
EOF
for a in yes no; do
  evpub query --store "$S" -f json -q "$TMP/ask-$a.rq" >"$TMP/ask.json"
  # shellcheck disable=SC2086
  qc "ASK ($a): as rdflib answers" ask "$TMP/ask.json" "$TMP/ask-$a.rq" $DATA
done
check "ASK prints true or false" \
  test "$(evpub query --store "$S" -q "$TMP/ask-yes.rq")" = true
cat >"$TMP/construct.rq" <<'EOF'
PREFIX schema: <http://schema.org/>
CONSTRUCT { ?e schema:organizer ?o ; schema:startDate ?d }
WHERE { ?e schema:organizer ?o ; schema:startDate ?d . ?o schema:name ?n }
EOF
evpub query --store "$S" -q "$TMP/construct.rq" >"$TMP/construct.ttl"
check "CONSTRUCT: Turtle by default" test $? -eq 0
# shellcheck disable=SC2086
qc "CONSTRUCT: the graph rdflib constructs" graph "$TMP/construct.ttl" \
  "$TMP/construct.rq" $DATA
if [ -n "$RAPPER" ]; then
  evpub query --store "$S" -f ntriples -q "$TMP/construct.rq" >"$TMP/c.nt"
  "$RAPPER" -q -i ntriples -o ntriples "$TMP/c.nt" | sort -u >"$TMP/c1.nt"
  "$RAPPER" -q -i turtle -o ntriples "$TMP/construct.ttl" \
    http://base.invalid/ | sort -u >"$TMP/c2.nt"
  check "CONSTRUCT -f ntriples: rapper reads the Turtle's triples" \
    cmp -s "$TMP/c1.nt" "$TMP/c2.nt"
fi
# DESCRIBE: the resource's triples and those of the nodes it owns
evpub query --store "$S" -f ntriples \
  'DESCRIBE <https://events.example.org/organizations/sjtu>' | sort -u >"$TMP/d.nt"
grep -E '^<https://events.example.org/organizations/sjtu(#address)?> ' \
  "$TMP/global-cities-forum-2022.nq" | sed 's/ <[^<>]*> \.$/ ./' | sort -u \
  >"$TMP/d-want.nt"
check "DESCRIBE <iri>: the organization and its address, every triple" \
  test -s "$TMP/d.nt" -a "$(cmp -s "$TMP/d.nt" "$TMP/d-want.nt" && echo same)" = same
evpub query --store "$S" -f ntriples 'PREFIX schema: <http://schema.org/>
DESCRIBE ?o WHERE { ?o schema:name "Shanghai Jiao Tong University"@en }' |
  sort -u >"$TMP/d2.nt"
check "DESCRIBE ?var WHERE: the same" cmp -s "$TMP/d2.nt" "$TMP/d-want.nt"
check "a query on the command line" \
  test "$(evpub query --store "$S" -f csv 'SELECT (COUNT(*) AS ?n) WHERE { ?e a <http://schema.org/Hotel> }' | sed -n 2p | tr -d '\r')" -ge 1
echo 'SELECT ?x WHERE { ?x ?y }' >"$TMP/bad.rq"
evpub query --store "$S" -q "$TMP/bad.rq" >"$TMP/out" 2>"$TMP/err"
check "a query rasqal cannot read: exit 1" test $? -eq 1
check "... with a message" test -s "$TMP/err"
evpub query --store "$S" 'INSERT DATA { <a:b> <a:c> <a:d> }' >"$TMP/out" 2>"$TMP/err"
check "an update is refused: exit 2" test $? -eq 2
evpub query --store "$S" -f turtle -q "$TMP/ask-yes.rq" >"$TMP/out" 2>"$TMP/err"
check "-f turtle for an ASK: exit 2" test $? -eq 2
evpub query --store "$S" -f xml -q "$TMP/ask-yes.rq" >"$TMP/out" 2>"$TMP/err"
check "an unknown format: exit 2" test $? -eq 2
evpub query --store "$S" >"$TMP/out" 2>"$TMP/err"
check "no query: exit 2" test $? -eq 2

# ---- what the local engine refuses: SERVICE, FROM, FROM NAMED -------------
# A listener on loopback records every connection and request; it answers
# any request with an empty SPARQL JSON result.
cat >"$TMP/listen.py" <<'EOF'
import socket, sys
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", 0))
srv.listen(8)
log = open(sys.argv[2], "a", buffering=1)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(srv.getsockname()[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    c, _ = srv.accept()
    log.write("connect\n")
    c.settimeout(5)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = c.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        n = 0
        for line in head.split(b"\r\n"):
            if line.lower().startswith(b"content-length:"):
                n = int(line.split(b":")[1])
        while len(body) < n:
            chunk = c.recv(65536)
            if not chunk:
                break
            body += chunk
        from urllib.parse import unquote_plus
        log.write(head.split(b"\r\n")[0].decode("latin-1") + "\n")
        log.write(unquote_plus(body.decode("latin-1")) + "\n")
        out = b'{"head":{"vars":["s"]},"results":{"bindings":[]}}'
        c.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: "
                  b"application/sparql-results+json\r\nContent-Length: "
                  + str(len(out)).encode() + b"\r\n\r\n" + out)
    except OSError:
        pass
    c.close()
EOF
"$PY" "$TMP/listen.py" "$TMP/port" "$TMP/requests" &
LPID=$!
on_exit 'kill "$LPID" 2>/dev/null'
for _ in $(seq 1 100); do [ -s "$TMP/port" ] && break; sleep 0.05; done
LURL="http://127.0.0.1:$(cat "$TMP/port" 2>/dev/null)/sparql"
: >>"$TMP/requests"

# refused QUERY WHAT PATTERN: the local store refuses QUERY (exit 1) with
# a message matching PATTERN
refused() {
  evpub query --store "$S" "$1" >"$TMP/out" 2>"$TMP/err"
  check "$2: refused (exit 1)" test $? -eq 1
  if grep -q -- "$3" "$TMP/err"; then ok "$2: says why"; else
    fail "$2: says why"
    sed 's/^/#   /' "$TMP/err" | head -n 4
  fi
}
refused "SELECT * WHERE { SERVICE <$LURL> { ?s ?p ?o } }" "SERVICE" \
  "^evpub: SERVICE <$LURL>: over the local store the query engine would fetch that URL itself, so SERVICE is refused unless the option allow-service is set"
refused "SELECT * WHERE { ?e ?p ?o OPTIONAL { GRAPH ?g { SERVICE <$LURL> { ?e ?q ?r } } } }" \
  "SERVICE inside OPTIONAL and GRAPH" "SERVICE <$LURL>:"
refused "SELECT * WHERE { ?e ?p ?o { SELECT ?e WHERE { ?e ?q ?r { SERVICE <$LURL> { ?e ?q ?r } } UNION { ?e ?q ?r } } } }" \
  "SERVICE in a UNION in a sub-SELECT" "SERVICE <$LURL>:"
refused "ASK { SERVICE SILENT <$LURL> { ?s ?p ?o } }" "SERVICE SILENT in an ASK" \
  "SERVICE <$LURL>:"
refused "DESCRIBE ?s WHERE { SERVICE <$LURL> { ?s ?p ?o } }" \
  "SERVICE in a DESCRIBE" "SERVICE <$LURL>:"
evpub query --store "$S" "# SERVICE <$LURL> { ?s ?p ?o }
SELECT ?s WHERE { ?s ?p 'SERVICE <$LURL> { }' }" >"$TMP/out" 2>"$TMP/err"
check "the word SERVICE in a comment and a string is no SERVICE (exit 0)" \
  test $? -eq 0
check "without --allow-service no SERVICE made a request" \
  test ! -s "$TMP/requests"
sed 's/^/#   /' "$TMP/requests" | head -n 4
evpub query --store "$S" --allow-service -f csv \
  "SELECT * WHERE { SERVICE <$LURL> { ?s ?p ?o } }" >"$TMP/out" 2>"$TMP/err"
for _ in $(seq 1 50); do grep -q '^GET /sparql' "$TMP/requests" && break; sleep 0.1; done
check "with --allow-service the SERVICE URL is fetched" \
  grep -q '^GET /sparql?query=' "$TMP/requests"
: >"$TMP/requests"

refused "SELECT * FROM <https://events.example.org/graphs/x> WHERE { ?s ?p ?o }" \
  "FROM" "^evpub: FROM <https://events.example.org/graphs/x>: the local store's engine does not take FROM or FROM NAMED (it would answer over every graph of the store)"
refused "SELECT * FROM NAMED <https://events.example.org/graphs/y> WHERE { GRAPH ?g { ?s ?p ?o } }" \
  "FROM NAMED" "^evpub: FROM NAMED <https://events.example.org/graphs/y>:"
refused "CONSTRUCT { ?s ?p ?o } FROM <https://a.example/> WHERE { ?s ?p ?o }" \
  "FROM in a CONSTRUCT" "^evpub: FROM <https://a.example/>:"
refused "DESCRIBE ?s FROM <https://a.example/> WHERE { ?s ?p ?o }" \
  "FROM in a DESCRIBE" "^evpub: FROM <https://a.example/>:"
# a server gets FROM, FROM NAMED and SERVICE as they are written
RQ="SELECT ?s FROM <https://a.example/> FROM NAMED <https://b.example/> WHERE { SERVICE <https://c.example/sparql> { ?s ?p ?o } }"
evpub query --endpoint "$LURL" -f csv "$RQ" >"$TMP/out" 2>"$TMP/err"
check "a server is asked FROM, FROM NAMED and SERVICE (exit 0)" test $? -eq 0
check "... the query it got is the query as written" \
  grep -qxF "query=$RQ" "$TMP/requests"
kill "$LPID" 2>/dev/null

# ---- an answer that does not fit in memory ---------------------------------
# The example's 139 triples three times over: 2.7 million rows of 9
# columns, more than a few hundred MB hold.  Under a limit on the address
# space the query fails (exit 4) with one message that says so, and
# prints no partial answer.  The lowest limit the libraries start under
# differs between systems, so a few are tried.  ASan and valgrind reserve
# address space of their own: there the check cannot run.
if [ -n "${EVPUB_INSTRUMENTED:-}" ]; then
  echo "# under ASan or valgrind ulimit -v cannot work: the out-of-memory check is skipped"
else
  OOMS="$TMP/oom-store"
  evpub publish -q --store "$OOMS" "$EXAMPLE"
  XQ='SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }'
  oom=no
  for lim in 200000 300000 450000 600000; do
    (
      ulimit -v "$lim"
      exec "$EVPUB" query --store "$OOMS" -f csv "$XQ"
    ) >"$TMP/oom.out" 2>"$TMP/oom.err"
    rc=$?
    if [ "$rc" -eq 4 ] && grep -q "^evpub: out of memory while reading the answer to the query after [0-9]* rows of 9 columns: the whole answer is held in memory; ask for fewer rows (LIMIT) or columns$" "$TMP/oom.err"; then
      oom=yes
      break
    fi
    echo "# ulimit -v $lim: exit $rc, $(head -c 200 "$TMP/oom.err")"
  done
  check "an answer bigger than memory: exit 4 and 'out of memory', what was read and what to do" \
    test "$oom" = yes
  check "... one message, not two" test "$(wc -l <"$TMP/oom.err")" -eq 1
  check "... and no partial answer" test ! -s "$TMP/oom.out"
fi

# ---- the co-organizer network ------------------------------------------------
NQ="$TMP/global-cities-forum-2022.nq $TMP/gen.nq"
# net DESCRIPTION FILTERS...: JSON against the rdflib computation
net() {
  local what=$1
  shift
  evpub network --store "$S" -f json "$@" >"$TMP/net.json" 2>"$TMP/err"
  check "network $what: runs" test $? -eq 0
  # shellcheck disable=SC2086
  if "$PY" "$NC" "$@" $NQ -- "$TMP/net.json" >"$TMP/nc.out" 2>&1; then
    ok "network $what: as computed independently"
  else
    fail "network $what: as computed independently"
  fi
  sed 's/^/#   /' "$TMP/nc.out" | head -n 8
}
net "(all)"
net "--role co-organizer" --role co-organizer
net "--role organizer" --role organizer
net "--since 2022-01-01" --since 2022-01-01
net "--until 2022-06-30" --until 2022-06-30
net "--since 2021-01-01 --until 2022-12-31" --since 2021-01-01 --until 2022-12-31
net "--min-weight 2" --min-weight 2
net "--ego (IRI)" --ego https://events.example.org/organizations/sjtu
net "--ego (name, other case)" --ego "world BANK"
net "--ego --role" --ego https://events.example.org/organizations/un-habitat \
  --role co-organizer
evpub network --store "$S" --ego "No Such Organization" >"$TMP/out" 2>"$TMP/err"
check "--ego that names no one: exit 2" test $? -eq 2
check "... saying so" grep -q "no organizer with this IRI or name" "$TMP/err"
evpub network --store "$S" --since 2022-13 >"$TMP/out" 2>"$TMP/err"
check "--since that is not a date: exit 2" test $? -eq 2

# the formats of one network: all the same nodes and edges
evpub network --store "$S" -f json >"$TMP/all.json"
evpub network --store "$S" -f graphml >"$TMP/all.graphml"
qc "GraphML: the nodes and edges of the JSON (xml.etree)" graphml \
  "$TMP/all.graphml" "$TMP/all.json"
evpub network --store "$S" -f csv >"$TMP/edges.csv"
evpub network --store "$S" -f csv --nodes >"$TMP/nodes.csv"
qc "CSV (edges and --nodes): what the JSON holds" netcsv "$TMP/edges.csv" \
  "$TMP/nodes.csv" "$TMP/all.json"
evpub network --store "$S" -f table >"$TMP/table"
check "table: a header, a row per organization and a summary" \
  test "$(wc -l <"$TMP/table")" -eq \
  $(($("$PY" -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["nodes"]))' "$TMP/all.json") + 2))

# the example's picture: Graphviz renders the DOT
S2="$TMP/example-store"
evpub publish -q --store "$S2" "$EXAMPLE"
evpub network --store "$S2" -f json >"$TMP/ex.json"
evpub network --store "$S2" -f dot >"$TMP/ex.dot"
check "the example's network: 8 organizations, 28 pairs, 1 component" \
  "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not (len(d["nodes"]) == 8 and len(d["edges"]) == 28 and d["components"] == 1))' "$TMP/ex.json"
if command -v dot >/dev/null; then
  dot -Tsvg "$TMP/ex.dot" >"$TMP/ex.svg" 2>"$TMP/dot.err"
  check "Graphviz renders the example's DOT" test $? -eq 0 -a -s "$TMP/ex.svg"
  qc "the picture has the 8 organizations and the 28 edges" svg \
    "$TMP/ex.svg" "$TMP/ex.json"
  evpub network --store "$S2" -f svg >"$TMP/ex2.svg"
  qc "-f svg draws the same" svg "$TMP/ex2.svg" "$TMP/ex.json"
  grep -q "Shanghai Jiao Tong University" "$TMP/ex.svg"
  check "the picture shows the names" test $? -eq 0
  evpub network --store "$S" -f dot >"$TMP/all.dot"
  dot -Tsvg "$TMP/all.dot" >"$TMP/all.svg" 2>"$TMP/dot.err"
  qc "Graphviz renders the network of $N events too" svg "$TMP/all.svg" \
    "$TMP/all.json"
else
  echo "# graphviz (dot) not installed: the drawing checks are skipped"
fi

# an empty store
evpub network --store "$TMP/empty-store" -f json >"$TMP/out" 2>"$TMP/err"
check "network of a store that does not exist: exit 3" test $? -eq 3

# empty networks: nothing to sort (qsort must not be given NULL, 0; the
# sanitizer build fails these when it is)
# empty_net WHAT ARGS...: exit 0 and a JSON network of no node and no edge
empty_net() {
  local what=$1
  shift
  evpub network -f json "$@" >"$TMP/net.json" 2>"$TMP/err"
  check "$what: exit 0" test $? -eq 0
  check "$what: no organization, no edge" "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(not (d["nodes"] == [] and d["edges"] == [] and d["components"] == 0))' "$TMP/net.json"
  sed 's/^/#   /' "$TMP/err" | head -n 4
}
mkdir "$TMP/nothing-store" && echo "evpub store 1" >"$TMP/nothing-store/FORMAT"
empty_net "network of a store nothing was published into" \
  --store "$TMP/nothing-store"
cat >"$TMP/no-organizers.yaml" <<'EOF'
base: https://lonely.example.org/
events:
  - id: a
    name: An event nobody organizes
    startDate: 2024-03-01
  - id: b
    name: Another one
    startDate: 2024-03-02
EOF
evpub publish -q --store "$TMP/lonely-store" "$TMP/no-organizers.yaml"
empty_net "network of events without organizers" --store "$TMP/lonely-store"
empty_net "network --role that no organizer has" --store "$S" \
  --role no-such-role
empty_net "network of a window with no events" --store "$S" \
  --since 2099-01-01
empty_net "network of a window with no events, --role" --store "$S2" \
  --since 1900-01-01 --until 1900-12-31 --role organizer
evpub network --store "$TMP/nothing-store" -f table >"$TMP/out" 2>"$TMP/err"
check "an empty network as a table: exit 0" test $? -eq 0
for f in csv dot graphml; do
  evpub network --store "$TMP/nothing-store" -f "$f" >"$TMP/out" 2>"$TMP/err"
  check "an empty network as $f: exit 0" test $? -eq 0 -a -s "$TMP/out"
done
finish
