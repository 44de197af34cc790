# Sourced by the endpoint tests: a private Virtuoso on loopback.
#
#   virtuoso_start DIR   create DIR, write virtuoso.ini, start the server
#                        (our own child, by PID) and wait until it answers.
#                        Sets VIRT_PID, VIRT_HTTP (port), VIRT_SQL (port),
#                        VIRT_URL (http://127.0.0.1:PORT).
#   virtuoso_sql STMT    run one SQL statement as dba
#   virtuoso_stop        SIGTERM by PID, wait for it to go (SIGKILL after 20 s)
#   virtuoso_private     need_virtuoso, then a server in $TMP/virtuoso for
#                        the whole test, stopped when it ends; bails out
#                        (exit 99) when it cannot start
#
# Facts behind the settings: ../shared/notes/sparql-endpoints.md (buffers
# >= 170000 or big loads can hang; loopback-only ports; a fresh directory
# per run).  The test is skipped (exit 77) when virtuoso-t is missing, and
# fails then in CI (skip in tests/lib.sh).

VIRTUOSO_T=${VIRTUOSO_T:-$(command -v virtuoso-t || true)}
ISQL=${ISQL:-$(command -v isql-vt || true)}
VIRT_PID=

need_virtuoso() {
  [ -n "$VIRTUOSO_T" ] && [ -n "$ISQL" ] ||
    skip "virtuoso-t / isql-vt (virtuoso-opensource-7-bin) not installed"
  command -v curl >/dev/null || skip "curl not installed"
}

# Two free loopback ports, chosen by the kernel.
free_ports() {
  "${PYTHON:-python3}" - <<'EOF'
import socket
socks = []
for _ in range(2):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

virtuoso_start() {
  local dir=$1 try ports
  for try in 1 2 3; do
    rm -rf "$dir"
    mkdir -p "$dir/vsp" || return 1
    ports=$(free_ports)
    VIRT_SQL=${ports% *}
    VIRT_HTTP=${ports#* }
    VIRT_URL=http://127.0.0.1:$VIRT_HTTP
    cat >"$dir/virtuoso.ini" <<EOF
[Database]
DatabaseFile       = virtuoso.db
ErrorLogFile       = virtuoso.log
LockFile           = virtuoso.lck
TransactionFile    = virtuoso.trx
xa_persistent_file = virtuoso.pxa
ErrorLogLevel      = 7
FileExtend         = 200
MaxCheckpointRemap = 2000
Striping           = 0
TempStorage        = TempDatabase

[TempDatabase]
DatabaseFile       = virtuoso-temp.db
TransactionFile    = virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping           = 0

[Parameters]
ServerPort         = 127.0.0.1:$VIRT_SQL
DisableUnixSocket  = 1
DisableTcpSocket   = 0
MaxClientConnections = 10
CheckpointInterval = 60
O_DIRECT           = 0
CaseMode           = 2
MaxStaticCursorRows = 5000
AllowOSCalls       = 0
DirsAllowed        = .
NumberOfBuffers    = 170000
MaxDirtyBuffers    = 127500
ThreadsPerQuery    = 2
MaxQueryMem        = 1G

[HTTPServer]
ServerPort         = 127.0.0.1:$VIRT_HTTP
ServerRoot         = vsp
MaxClientConnections = 10
ServerThreads      = 10
EnabledDavVSP      = 0
HTTPProxyEnabled   = 0
MaxKeepAlives      = 10
KeepAliveTimeout   = 10
Charset            = UTF-8
EnabledGzipContent = 0

[SPARQL]
ResultSetMaxRows           = 1000000
MaxQueryExecutionTime      = 300
MaxQueryCostEstimationTime = 400
EOF
    (cd "$dir" && exec "$VIRTUOSO_T" +foreground +configfile virtuoso.ini \
      >virtuoso.out 2>&1) &
    VIRT_PID=$!
    local i=0
    while [ $i -lt 600 ]; do
      if curl -sf -o /dev/null "$VIRT_URL/sparql?query=ASK%7B%7D"; then
        return 0
      fi
      kill -0 "$VIRT_PID" 2>/dev/null || break
      sleep 0.1
      i=$((i + 1))
    done
    echo "# virtuoso did not start (try $try):" >&2
    tail -5 "$dir/virtuoso.log" >&2 2>/dev/null
    virtuoso_stop
  done
  return 1
}

virtuoso_sql() {
  "$ISQL" "127.0.0.1:$VIRT_SQL" dba dba "EXEC=$1" >/dev/null
}

virtuoso_stop() {
  local i=0
  [ -n "$VIRT_PID" ] || return 0
  kill -TERM "$VIRT_PID" 2>/dev/null
  while kill -0 "$VIRT_PID" 2>/dev/null && [ $i -lt 200 ]; do
    sleep 0.1
    i=$((i + 1))
  done
  kill -KILL "$VIRT_PID" 2>/dev/null
  wait "$VIRT_PID" 2>/dev/null
  VIRT_PID=
}

virtuoso_private() {
  need_virtuoso
  on_exit virtuoso_stop
  if ! virtuoso_start "$TMP/virtuoso"; then
    echo "Bail out! cannot start virtuoso"
    exit 99
  fi
  echo "# virtuoso pid $VIRT_PID on $VIRT_URL"
}
