#!/usr/bin/python3
"""faultproxy.py - fault-injecting HTTP/1.1 reverse proxy for the retry tests.

Usage:
  faultproxy.py --upstream HOST:PORT [--listen 127.0.0.1] [--port 0]
                --port-file FILE --log FILE --faults SPEC

Listens on --listen:--port (0 = any free port), writes the chosen port to
--port-file (atomically, by rename) and forwards every request, each over a
new upstream connection, to --upstream.  Client connections are kept alive.

Requests are numbered 1, 2, 3... in the order they have been fully read
(over all client connections).  SPEC is "none" or a comma-separated list of
  KIND@N[:ARG]   fault on request number N
  KIND%P[:ARG]   fault on every request whose number is divisible by P
("@" entries win over "%" entries; otherwise the first match wins).
A fault replaces forwarding (upstream never sees the request), except for
"slow" and "after".  KINDs:
  drop         close the client connection without answering
  reset        the same, with a TCP RST (SO_LINGER 0)
  500          answer 500 Internal Server Error
  503[:S]      answer 503 with Retry-After: S (default 1)
  429[:S]      answer 429 with Retry-After: S (default 1)
  stall[:S]    answer nothing for S seconds (default 30), then close
  slow[:B]     forward, but send the first B bytes of the response (default
               20) at one byte per 0.1 s
  after        forward (upstream processes the request), then close the
               client connection without sending the response

--log gets one line per request, written before the answer is sent:
  "N METHOD PATH FAULT-OR-forwarded STATUS"   (STATUS "-" when none is sent)
The proxy exits with status 0 on SIGTERM or SIGINT.
"""
import argparse
import os
import re
import signal
import socket
import struct
import sys
import threading
import time
import traceback

MAX_LINE = 65536          # longest request/status/header line accepted
MAX_HEADERS = 200         # most header lines in one message
CLIENT_TIMEOUT = 600      # seconds a client connection may sit idle
UPSTREAM_TIMEOUT = 600    # seconds to wait on the upstream server
# Hop-by-hop headers, never forwarded in either direction (plus Proxy-*,
# and whatever the Connection header names).  Content-Length is recomputed.
HOP_BY_HOP = {"connection", "keep-alive", "te", "trailer", "trailers",
              "transfer-encoding", "upgrade", "expect", "content-length"}
KINDS = {"drop", "reset", "500", "503", "429", "stall", "slow", "after"}
REASONS = {500: "Internal Server Error", 503: "Service Unavailable",
           429: "Too Many Requests", 502: "Bad Gateway", 400: "Bad Request"}


class ProtocolError(Exception):
    """Malformed HTTP, or the peer closed in the middle of a message."""


# ---------------------------------------------------------------- HTTP I/O

def read_line(f):
    """One CRLF/LF-terminated line without its terminator; None at EOF."""
    line = f.readline(MAX_LINE + 1)
    if not line:
        return None
    if len(line) > MAX_LINE or not line.endswith(b"\n"):
        raise ProtocolError("line too long or truncated")
    return line.rstrip(b"\r\n").decode("latin-1")


def need_line(f, where):
    """One line, which must be there (EOF is an error in where)."""
    line = read_line(f)
    if line is None:
        raise ProtocolError("EOF in " + where)
    return line


def read_headers(f):
    """Header lines up to the empty line, as a list of (name, value)."""
    headers = []
    while True:
        line = need_line(f, "headers")
        if line == "":
            return headers
        name, sep, value = line.partition(":")
        if not sep or len(headers) >= MAX_HEADERS:
            raise ProtocolError("bad header line")
        headers.append((name.strip(), value.strip()))


def tokens(headers, name):
    """Lower-cased comma-separated tokens of every header called name."""
    return {t.strip().lower() for n, v in headers if n.lower() == name
            for t in v.split(",") if t.strip()}


def get_header(headers, name):
    for n, v in headers:
        if n.lower() == name:
            return v
    return None


def read_exact(f, n):
    data = f.read(n)
    if len(data) != n:
        raise ProtocolError("EOF in body")
    return data


def read_chunked(f):
    """De-chunk a chunked body (trailers are read and discarded)."""
    parts = []
    while True:
        line = need_line(f, "chunked body")
        try:
            size = int(line.split(";", 1)[0].strip(), 16)
        except ValueError:
            raise ProtocolError("bad chunk size") from None
        if size == 0:
            read_headers(f)               # trailers, up to the empty line
            return b"".join(parts)
        parts.append(read_exact(f, size))
        if read_line(f) != "":
            raise ProtocolError("missing CRLF after chunk")


def read_body(f, headers, until_close=False):
    """Body framed by Transfer-Encoding: chunked or Content-Length; with
    neither, until EOF if until_close (responses), else empty (requests)."""
    if "chunked" in tokens(headers, "transfer-encoding"):
        return read_chunked(f)
    length = get_header(headers, "content-length")
    if length is not None:
        if not length.isdigit():
            raise ProtocolError("bad Content-Length")
        return read_exact(f, int(length))
    return f.read() if until_close else b""


def filter_headers(headers):
    """Drop hop-by-hop headers (and those the Connection header names)."""
    drop = HOP_BY_HOP | tokens(headers, "connection")
    return [(n, v) for n, v in headers
            if n.lower() not in drop and not n.lower().startswith("proxy-")]


def render(code, reason, headers, body, client_close, keep_length=False):
    """A complete response for the client, framed by Content-Length.
    keep_length: bodiless response (HEAD, 204, 304): keep the upstream
    Content-Length as is instead of computing one."""
    out = ["HTTP/1.1 %d %s" % (code, reason)]
    out += ["%s: %s" % hv for hv in filter_headers(headers)]
    if keep_length:
        length = get_header(headers, "content-length")
        if length is not None:
            out.append("Content-Length: " + length)
    else:
        out.append("Content-Length: %d" % len(body))
    if client_close:
        out.append("Connection: close")
    head = ("\r\n".join(out) + "\r\n\r\n").encode("latin-1")
    return head + body


def canned(code, client_close, retry_after=None):
    """A small text/plain error response made by the proxy itself."""
    headers = [("Content-Type", "text/plain")]
    if retry_after is not None:
        headers.append(("Retry-After", retry_after))
    body = ("faultproxy: %d %s\n" % (code, REASONS[code])).encode()
    return render(code, REASONS[code], headers, body, client_close)


# ------------------------------------------------------------ proxy logic

class Proxy:
    def __init__(self, upstream, faults, log_path):
        self.upstream = upstream          # (host, port)
        self.at, self.every = faults      # {N: (kind, arg)}, [(P, kind, arg)]
        self.counter = 0
        self.lock = threading.Lock()
        self.log_file = open(log_path, "a", encoding="utf-8",
                             errors="backslashreplace")

    def next_number(self):
        with self.lock:
            self.counter += 1
            return self.counter

    def fault_for(self, n):
        if n in self.at:
            return self.at[n]
        for p, kind, arg in self.every:
            if n % p == 0:
                return kind, arg
        return "forwarded", None

    def log(self, n, method, target, what, status):
        path = target.split("?", 1)[0]
        with self.lock:
            self.log_file.write("%d %s %s %s %s\n" % (n, method, path, what,
                                                      status))
            self.log_file.flush()

    def handle_client(self, conn):
        """Serve one client connection; never raises."""
        rfile = conn.makefile("rb")
        try:
            conn.settimeout(CLIENT_TIMEOUT)
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            while self.serve_one(conn, rfile):
                pass
        except (OSError, ProtocolError):
            pass                          # client went away, or bad HTTP
        except Exception:                 # a bug: report it, keep running
            traceback.print_exc()
        finally:
            try:
                rfile.close()
                conn.close()
            except OSError:
                pass

    def serve_one(self, conn, rfile):
        """Read and answer one request; True to keep the connection."""
        line = read_line(rfile)
        while line == "":                 # tolerate stray CRLFs between
            line = read_line(rfile)       # requests
        if line is None:
            return False                  # clean EOF
        parts = line.split()
        if len(parts) != 3 or not parts[2].startswith("HTTP/1."):
            conn.sendall(canned(400, True))
            return False
        method, target, version = parts
        headers = read_headers(rfile)
        conn_tokens = tokens(headers, "connection")
        client_close = "close" in conn_tokens or (
            version == "HTTP/1.0" and "keep-alive" not in conn_tokens)
        if "100-continue" in tokens(headers, "expect") \
                and version != "HTTP/1.0":
            conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
        body = read_body(rfile, headers)
        has_body = body or get_header(headers, "content-length") is not None \
            or "chunked" in tokens(headers, "transfer-encoding")

        n = self.next_number()
        kind, arg = self.fault_for(n)

        if kind in ("drop", "reset", "stall"):
            self.log(n, method, target, kind, "-")
            if kind == "reset":           # close() will now send a RST
                conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                struct.pack("ii", 1, 0))
            elif kind == "stall":
                time.sleep(arg)
            return False
        if kind in ("500", "503", "429"):
            self.log(n, method, target, kind, kind)
            conn.sendall(canned(int(kind), client_close, arg))
            return not client_close

        status, response = self.forward(method, target, headers,
                                        body if has_body else None,
                                        client_close)
        self.log(n, method, target, kind, status)
        if kind == "after":
            return False                  # upstream did it; client hears nada
        if kind == "slow":
            for i in range(min(arg, len(response))):
                conn.sendall(response[i:i + 1])
                time.sleep(0.1)
            conn.sendall(response[arg:])
        else:
            conn.sendall(response)
        return not client_close

    def forward(self, method, target, headers, body, client_close):
        """Send the request upstream on a new connection; return (status,
        bytes of the response for the client).  502 if upstream fails."""
        out = ["%s %s HTTP/1.1" % (method, target)]
        out += ["%s: %s" % hv for hv in filter_headers(headers)]
        if body is not None:
            out.append("Content-Length: %d" % len(body))
        out.append("Connection: close")
        request = ("\r\n".join(out) + "\r\n\r\n").encode("latin-1")
        request += body or b""
        try:
            up = socket.create_connection(self.upstream, UPSTREAM_TIMEOUT)
        except OSError:
            return 502, canned(502, client_close)
        ufile = up.makefile("rb")
        try:
            try:
                up.sendall(request)
            except OSError:
                pass    # upstream may answer early (e.g. 401) and close
            while True:                   # skip 1xx interim responses
                line = read_line(ufile)
                if line is None:
                    raise ProtocolError("no response from upstream")
                fields = line.split(" ", 2)
                if len(fields) < 2 or not fields[1].isdigit():
                    raise ProtocolError("bad status line")
                code = int(fields[1])
                reason = fields[2] if len(fields) > 2 else ""
                rheaders = read_headers(ufile)
                if not 100 <= code < 200:
                    break
            bodiless = method == "HEAD" or code in (204, 304)
            rbody = b"" if bodiless else read_body(ufile, rheaders, True)
            return code, render(code, reason, rheaders, rbody, client_close,
                                keep_length=bodiless)
        except (OSError, ProtocolError):
            return 502, canned(502, client_close)
        finally:
            ufile.close()
            up.close()


# ------------------------------------------------------------ command line

def parse_faults(spec, error):
    """SPEC -> ({N: (kind, arg)}, [(P, kind, arg)]); error() on bad input."""
    at, every = {}, []
    if spec.strip().lower() == "none":
        return at, every
    for entry in filter(None, (e.strip() for e in spec.split(","))):
        m = re.fullmatch(r"([a-z0-9]+)([@%])(\d+)(?::(.+))?", entry)
        if not m or m.group(1) not in KINDS or int(m.group(3)) == 0:
            error("bad fault entry %r" % entry)
        kind, how, num, arg = m.group(1), m.group(2), int(m.group(3)), \
            m.group(4)
        try:
            if kind in ("503", "429"):
                arg = arg or "1"
                if not arg.isdigit():
                    raise ValueError
            elif kind == "stall":
                arg = float(arg or 30)
            elif kind == "slow":
                arg = int(arg or 20)
            elif arg is not None:
                raise ValueError
        except ValueError:
            error("bad argument in fault entry %r" % entry)
        if how == "@":
            at.setdefault(num, (kind, arg))
        else:
            every.append((num, kind, arg))
    return at, every


def main():
    ap = argparse.ArgumentParser(description="Fault-injecting HTTP proxy.")
    ap.add_argument("--upstream", required=True, help="HOST:PORT")
    ap.add_argument("--listen", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    ap.add_argument("--faults", required=True, help='SPEC or "none"')
    args = ap.parse_args()

    host, sep, port = args.upstream.rpartition(":")
    if not sep or not port.isdigit():
        ap.error("--upstream must be HOST:PORT")
    faults = parse_faults(args.faults, ap.error)
    proxy = Proxy((host.strip("[]"), int(port)), faults, args.log)

    def stop(signum, frame):
        raise SystemExit(0)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    family = socket.AF_INET6 if ":" in args.listen else socket.AF_INET
    server = socket.create_server((args.listen, args.port), family=family,
                                  backlog=128)
    tmp = "%s.tmp.%d" % (args.port_file, os.getpid())
    with open(tmp, "w") as f:
        f.write("%d\n" % server.getsockname()[1])
    os.replace(tmp, args.port_file)

    try:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:               # e.g. EMFILE: wait, then go on
                time.sleep(0.1)
                continue
            threading.Thread(target=proxy.handle_client, args=(conn,),
                             daemon=True).start()
    finally:
        server.close()


if __name__ == "__main__":
    sys.exit(main())
