#!/bin/bash
# evpub publish when the endpoint is not what it should be: credentials in
# a URL (refused, and never printed), the journal's mode (0600), a server
# that is gone (a closed port) or that never answers, and a run stopped by
# it that --resume completes.  No SPARQL server is needed: a small HTTP
# server that stores nothing and answers 201 (started here on loopback)
# and tests/faultproxy.py in front of it; each is stopped by its PID.
. "$(dirname "$0")/lib.sh"
PY=${PYTHON:-python3}
command -v "$PY" >/dev/null || skip "no python3"
PROXY="$top_srcdir/tests/faultproxy.py"
export XDG_STATE_HOME="$TMP/state"
unset EVPUB_PASSWORD EVPUB_TOKEN EVPUB_STORE
SECRET=Xyzzy-s3cret-pw
OK_PID=
PROXY_PID=
on_exit '[ -z "$OK_PID" ] || kill "$OK_PID" 2>/dev/null'
on_exit '[ -z "$PROXY_PID" ] || kill "$PROXY_PID" 2>/dev/null'

# a loopback port that nothing listens on (the kernel's choice, released)
CLOSED=$("$PY" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

# wait_port FILE: wait until a server has written its port to FILE
wait_port() {
  local i=0
  while [ ! -s "$1" ] && [ $i -lt 100 ]; do
    sleep 0.1
    i=$((i + 1))
  done
  cat "$1"
}

# The stand-in server: reads each request's body, answers 201, and logs
# "METHOD TARGET" per request in $TMP/ok.log.
cat >"$TMP/okserver.py" <<'EOF'
import http.server, os, sys
log = open(sys.argv[2], "a")
class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_PUT(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        log.write("%s %s\n" % (self.command, self.path))
        log.flush()
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()
    do_POST = do_PUT
    def log_message(self, *args):
        pass
srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d\n" % srv.server_address[1])
os.replace(sys.argv[1] + ".tmp", sys.argv[1])
srv.serve_forever()
EOF
"$PY" "$TMP/okserver.py" "$TMP/ok.port" "$TMP/ok.log" 2>"$TMP/ok.err" &
OK_PID=$!
OK_PORT=$(wait_port "$TMP/ok.port")
[ -n "$OK_PORT" ] || { echo "Bail out! the test server did not start"; exit 99; }
OK_URL=http://127.0.0.1:$OK_PORT/store

# start_proxy UPSTREAM-PORT FAULTS: tests/faultproxy.py, at $PROXY_URL
start_proxy() {
  rm -f "$TMP/proxy.port" "$TMP/proxy.log"
  "$PY" "$PROXY" --upstream "127.0.0.1:$1" --port 0 \
    --port-file "$TMP/proxy.port" --log "$TMP/proxy.log" --faults "$2" \
    2>"$TMP/proxy.err" &
  PROXY_PID=$!
  PROXY_URL=http://127.0.0.1:$(wait_port "$TMP/proxy.port")/store
}
stop_proxy() {
  kill "$PROXY_PID" 2>/dev/null
  wait "$PROXY_PID" 2>/dev/null
  PROXY_PID=
}

# run DESCRIPTION EXPECTED-EXIT MAX-SECONDS COMMAND ARGS...: run an evpub
# command (killed after 60 s), out and err in $TMP, its time in $SECS.
# Instrumented builds (valgrind, sanitizers) get ten times as long.
SLOW=1
[ -n "${EVPUB_VALGRIND}${EVPUB_INSTRUMENTED:-}" ] && SLOW=10
run() {
  local what=$1 want=$2 max=$(($3 * SLOW)) t0 t1 rc
  shift 3
  t0=$(date +%s%N)
  timeout $((60 * SLOW)) $EVPUB_VALGRIND "$EVPUB" "$@" >"$TMP/out" 2>"$TMP/err"
  rc=$?
  t1=$(date +%s%N)
  SECS=$(((t1 - t0) / 1000000000))
  check "$what (exit $want, took ${SECS} s, at most $max)" \
    test "$rc" -eq "$want" -a "$SECS" -lt "$max"
  [ "$rc" -eq "$want" ] || sed 's/^/#   /' "$TMP/err" | head -n 6
}

# no_secret WHAT: the password is in none of stdout, stderr, the journals
no_secret() {
  check "$1: the password is printed nowhere (stdout, stderr, journal)" \
    sh -c "! grep -rqF '$SECRET' '$TMP/out' '$TMP/err' '$XDG_STATE_HOME' \
      '$TMP/journal' 2>/dev/null"
}

# ---- 1. credentials in a URL are refused, and never echoed -----------------
BAD=http://alice:$SECRET@127.0.0.1:$OK_PORT/store
for args in "publish --endpoint $BAD" "publish --dry-run --endpoint $BAD" \
  "publish --gsp-url $BAD" "publish --method update --update-url $BAD" \
  "query --endpoint $BAD" "query --query-url $BAD" "network --endpoint $BAD"; do
  # shellcheck disable=SC2086
  set -- $args
  case $1 in
  publish) set -- "$@" --journal "$TMP/journal" "$EXAMPLE" ;;
  query) set -- "$@" 'ASK {}' ;;
  esac
  run "$args (the password in the URL): refused" 2 30 "$@"
  check "... says why and how, the password masked" \
    grep -q "^evpub: [a-z-]* 'http://alice:\*\*\*@127.0.0.1:$OK_PORT/store': a user name or password is refused in a URL .*: give them as the user and password options or in a netrc file" "$TMP/err"
  no_secret "$args"
done
check "... and nothing was sent" test ! -s "$TMP/ok.log"
run "a user name alone in the URL: refused too" 2 30 publish \
  --endpoint "http://alice@127.0.0.1:$OK_PORT/store" "$EXAMPLE"
check "... named as given (no password to mask)" \
  grep -q "'http://alice@127.0.0.1:$OK_PORT/store': a user name or password is refused" "$TMP/err"
run "a non-HTTP URL with a password: refused, the password masked" 2 30 \
  publish --endpoint "ftp://alice:$SECRET@127.0.0.1/" "$EXAMPLE"
no_secret "ftp://alice:...@"
run "an '@' in the path or query is no user name" 0 30 publish --dry-run \
  --endpoint "http://127.0.0.1:$OK_PORT/a@b?c=d@e" "$EXAMPLE"

# ---- 2. the journal is the user's alone ------------------------------------
: >"$TMP/ok.log"
umask 022
rm -f "$TMP/journal"
EVPUB_PASSWORD=$SECRET run "publish to the test server, with a user" 0 30 \
  publish --endpoint "$OK_URL" --user alice --journal "$TMP/journal" "$EXAMPLE"
check "... every graph stored" \
  test "$(grep -c '^PUT /store?graph=' "$TMP/ok.log")" -eq 18
check "a new journal is mode 0600 (umask 022)" \
  test "$(stat -c %a "$TMP/journal")" = 600
check "... it records the 18 graphs" \
  test "$(grep -c '^[0-9a-f]\{32\} https://' "$TMP/journal")" -eq 18
no_secret "publish with a user"
run "the default journal too" 0 30 publish --endpoint "$OK_URL" "$EXAMPLE"
check "... is mode 0600, in a directory of mode 0700" \
  test "$(stat -c %a "$XDG_STATE_HOME"/evpub/journal-*)" = 600 -a \
  "$(stat -c %a "$XDG_STATE_HOME/evpub")" = 700
chmod 640 "$TMP/journal"
run "an existing journal (mode 0640), with --resume" 0 30 publish \
  --endpoint "$OK_URL" --journal "$TMP/journal" --resume "$EXAMPLE"
check "... keeps its mode" test "$(stat -c %a "$TMP/journal")" = 640
chmod 600 "$TMP/journal"
run "an existing journal (mode 0600), rewritten" 0 30 publish \
  --endpoint "$OK_URL" --journal "$TMP/journal" "$EXAMPLE"
check "... stays 0600" test "$(stat -c %a "$TMP/journal")" = 600

# ---- 3. a server that is gone: stop after 3 requests, not 549 graphs ---------
# 200 generated events are 549 graphs
"$PY" "$top_srcdir/bench/gen-events.py" 200 --seed 1 2>/dev/null \
  >"$TMP/events.yaml"
run "a closed port: fails fast" 3 10 publish \
  --endpoint "http://127.0.0.1:$CLOSED/store" --journal "$TMP/journal" \
  "$TMP/events.yaml"
check "... one message: no answer 3 times, stopped, how to go on" \
  grep -q "^evpub: the server at http://127.0.0.1:$CLOSED/store did not answer 3 requests in a row (.*): stopped after [0-9]* of 200 events, 0 graphs stored, the others not sent; run again with resume to send only the graphs the journal does not have\$" "$TMP/err"
check "... no message per graph" \
  test "$(grep -c '^evpub: graph <' "$TMP/err")" -eq 0
check "... after 3 requests" grep -q " in 3 requests (2 retries)" "$TMP/err"

# A server that takes the connection and never answers: three times the
# timeout (and the backoff between), not the timeout of every graph.
start_proxy "$CLOSED" "stall%1:600"
run "a server that never answers (--timeout 2): fails after 3 timeouts" 3 15 \
  publish --endpoint "$PROXY_URL" --timeout 2 --journal "$TMP/journal" \
  "$TMP/events.yaml"
check "... and says so" \
  grep -q "did not answer 3 requests in a row (Operation timed out" "$TMP/err"
check "... 3 requests reached it" test "$(wc -l <"$TMP/proxy.log")" -eq 3
: >"$TMP/proxy.log" # the proxy appends
run "the same with --jobs 4: one timeout" 3 6 publish --endpoint "$PROXY_URL" \
  --timeout 2 --jobs 4 --journal "$TMP/journal" "$TMP/events.yaml"
check "... the requests in flight stopped with it" \
  test "$(wc -l <"$TMP/proxy.log")" -le 4
stop_proxy
run "no server and no retries: the third graph ends it" 3 10 publish \
  --endpoint "http://127.0.0.1:$CLOSED/store" --retries 0 \
  --journal "$TMP/journal" "$TMP/events.yaml"
check "... two graphs failed with their reason, then the stop" \
  test "$(grep -c '^evpub: graph <.*>: .*Couldn.t connect' "$TMP/err")" -eq 2 -a \
  "$(grep -c 'did not answer 3 requests in a row' "$TMP/err")" -eq 1

# ---- 4. what is not a dead server ----------------------------------------
# answers, even errors, are answers: every graph fails on its own
start_proxy "$OK_PORT" "500%1"
run "a server that answers 500: each graph fails, no stop" 3 30 publish \
  --endpoint "$PROXY_URL" --retries 0 --journal "$TMP/journal" "$EXAMPLE"
check "... 18 graphs failed, each with its reason" \
  test "$(grep -c '^evpub: graph <.*>: HTTP 500 from ' "$TMP/err")" -eq 18
check "... no stop" sh -c "! grep -q 'did not answer' '$TMP/err'"
stop_proxy
# two requests in a row dropped, then an answer: retried, no stop
start_proxy "$OK_PORT" "drop@1,reset@2,500@3,drop@4,drop@5"
run "connections dropped twice in a row, then answered: every graph stored" \
  0 30 publish --endpoint "$PROXY_URL" --retry-wait 0.05 \
  --journal "$TMP/journal" "$EXAMPLE"
stop_proxy

# ---- 5. the server goes away half-way: --resume completes the publish -------
: >"$TMP/ok.log"
start_proxy "$OK_PORT" "drop@101,drop@102,drop@103"
run "the server stops answering at request 101" 3 30 publish \
  --endpoint "$PROXY_URL" --journal "$TMP/journal" "$TMP/events.yaml"
stop_proxy
check "... says so, with 100 graphs stored" \
  grep -q "did not answer 3 requests in a row (.*): stopped after [0-9]* of 200 events, 100 graphs stored, the others not sent; run again with resume" "$TMP/err"
check "... the journal holds those 100" \
  test "$(grep -c '^[0-9a-f]\{32\} https://' "$TMP/journal")" -eq 100
: >"$TMP/ok.log"
run "--resume sends the rest" 0 30 publish --endpoint "$OK_URL" \
  --journal "$TMP/journal" --resume "$TMP/events.yaml"
check "... only the rest: 449 graphs, 100 unchanged" \
  grep -q "^evpub: 449 graphs published, 100 unchanged, 0 failed" "$TMP/err"
check "... in 449 requests" test "$(wc -l <"$TMP/ok.log")" -eq 449
finish
