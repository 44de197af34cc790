#!/usr/bin/python3
"""Peer for bench/publish.sh: one SPARQL INSERT DATA request per graph.

usage: insert_per_event.py --url URL --user NAME [--sample K] [--budget S]
                           INPUT.nq

Reads N-Quads (evpub convert -f nq: one graph per event and one per
organization, person and venue), groups the statements by graph (in the
order the graphs first appear; a graph's statements need not be adjacent)
and sends, sequentially, one

    INSERT DATA { GRAPH <g> { s p o . s p o . ... } }

per graph to URL (a SPARQL 1.1 Update endpoint, POST, Content-Type
application/sparql-update, Content-Length always set).  The terms are the
N-Quads text as it stands: N-Triples terms are valid SPARQL terms, so
nothing is re-escaped.  No prefixes, no DEFINE: plain SPARQL 1.1.

The password comes from the EVPUB_PASSWORD variable (never the command
line).  Authentication is HTTP Digest (RFC 7616, MD5, qop=auth), done here
with http.client so that the connection is kept alive: after the first
challenge every request carries an Authorization header computed from the
server's nonce with an increasing nonce count, so a request costs no extra
401 round trip unless the server asks again (stale nonce, or a closed
connection).  Connections and 401s are counted and reported.

Every response is checked (2xx is success; the body is always read in full
so the connection can be reused); failures are counted and the first few
printed on stderr.

Budget: when the first K event graphs (--sample, default 2500; graphs whose
IRI has "/events/") have been sent and the elapsed time, extrapolated
linearly over all graphs (elapsed * total requests / requests sent), is
over --budget seconds (default 600), the run stops there and reports the
extrapolated time (partial=1).  --budget 0 never stops early.

Output, on stdout, one line of key=value pairs:
  requests, requests_total, triples, triples_total, failures, seconds
  (time spent sending: first request to last response, reading the input
  not included), extrapolated_seconds (= seconds unless partial),
  partial (0/1), sample_events, connections, challenges (401s answered),
  read_seconds (time to read and group the input).
"""

import argparse
import hashlib
import http.client
import os
import re
import sys
import time
import urllib.parse


def die(msg):
    sys.stderr.write("insert_per_event.py: %s\n" % msg)
    sys.exit(2)


def read_quads(path):
    """Return ([graph, ...] in order of first appearance,
    {graph: [triple text, ...]}).  Each line is 's p o g .'; the graph is
    the last term and is an IRI (evpub writes no blank-node graphs), so it
    is the text after the last space before the final ' .'."""
    order = []
    graphs = {}
    with open(path, "r", encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            if not line.endswith(" ."):
                die("%s:%d: not an N-Quads statement" % (path, lineno))
            body = line[:-2].rstrip()
            sp = body.rfind(" ")
            g = body[sp + 1:]
            if sp < 0 or not (g.startswith("<") and g.endswith(">")):
                die("%s:%d: no graph IRI at the end" % (path, lineno))
            triple = body[:sp]
            lst = graphs.get(g)
            if lst is None:
                lst = graphs[g] = []
                order.append(g)
            lst.append(triple)
    return order, graphs


class Conn(http.client.HTTPConnection):
    """An HTTPConnection that counts its TCP connects."""
    connects = 0

    def connect(self):
        Conn.connects += 1
        super().connect()


_param = re.compile(r'(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))')


def parse_challenge(header):
    if not header or not header.lower().startswith("digest"):
        return None
    params = {}
    for m in _param.finditer(header[6:]):
        v = m.group(2) if m.group(2) is not None else m.group(3)
        params[m.group(1).lower()] = re.sub(r"\\(.)", r"\1", v)
    return params


class Digest:
    """Digest state: the last challenge, and the nonce count."""

    def __init__(self, user, password):
        self.user = user
        self.password = password
        self.chal = None
        self.nc = 0

    def set_challenge(self, params):
        self.chal = params
        self.nc = 0

    def header(self, method, uri):
        c = self.chal
        if c is None:
            return None
        alg = c.get("algorithm", "MD5").upper()
        if alg not in ("MD5", "MD5-SESS"):
            die("unsupported digest algorithm %s" % alg)

        def h(s):
            return hashlib.md5(s.encode("utf-8")).hexdigest()

        self.nc += 1
        nc = "%08x" % self.nc
        cnonce = os.urandom(8).hex()
        ha1 = h("%s:%s:%s" % (self.user, c.get("realm", ""), self.password))
        if alg == "MD5-SESS":
            ha1 = h("%s:%s:%s" % (ha1, c["nonce"], cnonce))
        ha2 = h("%s:%s" % (method, uri))
        qops = [q.strip() for q in c.get("qop", "").split(",") if q.strip()]
        parts = ['username="%s"' % self.user,
                 'realm="%s"' % c.get("realm", ""),
                 'nonce="%s"' % c["nonce"],
                 'uri="%s"' % uri]
        if "auth" in qops:
            resp = h("%s:%s:%s:%s:auth:%s" % (ha1, c["nonce"], nc, cnonce,
                                               ha2))
            parts += ['qop=auth', 'nc=%s' % nc, 'cnonce="%s"' % cnonce]
        elif qops:
            die("unsupported digest qop %s" % c.get("qop"))
        else:
            resp = h("%s:%s:%s" % (ha1, c["nonce"], ha2))
        parts.append('response="%s"' % resp)
        if "opaque" in c:
            parts.append('opaque="%s"' % c["opaque"])
        if "algorithm" in c:
            parts.append("algorithm=%s" % c["algorithm"])
        return "Digest " + ", ".join(parts)


def main():
    ap = argparse.ArgumentParser(
        description="one SPARQL INSERT DATA request per graph of an "
                    "N-Quads file (benchmark peer)")
    ap.add_argument("--url", required=True,
                    help="SPARQL Update URL, e.g. http://127.0.0.1:P/sparql-auth")
    ap.add_argument("--user", required=True,
                    help="user name (password from EVPUB_PASSWORD)")
    ap.add_argument("--sample", type=int, default=2500,
                    help="event graphs after which the budget is checked")
    ap.add_argument("--budget", type=float, default=600,
                    help="seconds; stop after the sample if the projected "
                         "total is over it (0: never)")
    ap.add_argument("--timeout", type=float, default=300,
                    help="seconds a request may take")
    ap.add_argument("input", help="N-Quads file")
    a = ap.parse_args()

    password = os.environ.get("EVPUB_PASSWORD")
    if password is None:
        die("set EVPUB_PASSWORD")
    u = urllib.parse.urlsplit(a.url)
    if u.scheme != "http" or not u.hostname:
        die("--url must be an http:// URL")
    path = u.path or "/"
    if u.query:
        path += "?" + u.query

    t0 = time.monotonic()
    order, graphs = read_quads(a.input)
    read_seconds = time.monotonic() - t0
    total_requests = len(order)
    total_triples = sum(len(v) for v in graphs.values())

    conn = Conn(u.hostname, u.port or 80, timeout=a.timeout)
    auth = Digest(a.user, password)
    failures = 0
    challenges = 0
    sent = 0
    sent_triples = 0
    events_sent = 0
    partial = False

    def post(body):
        """POST body; answer to one digest challenge; return (status, text)."""
        nonlocal challenges
        for attempt in range(3):
            headers = {"Content-Type": "application/sparql-update",
                       "Content-Length": str(len(body))}
            hdr = auth.header("POST", path)
            if hdr:
                headers["Authorization"] = hdr
            try:
                conn.request("POST", path, body=body, headers=headers)
                resp = conn.getresponse()
                text = resp.read()
            except (http.client.HTTPException, ConnectionError) as e:
                # the server closed a kept-alive connection between two
                # requests: reconnect and send again (counted as connects)
                conn.close()
                if attempt == 2:
                    return 0, str(e).encode()
                continue
            if resp.status == 401:
                chal = parse_challenge(resp.getheader("WWW-Authenticate"))
                if chal is None:
                    return 401, text
                challenges += 1
                auth.set_challenge(chal)
                continue
            return resp.status, text
        return 401, b"authentication failed"

    start = time.monotonic()
    for g in order:
        triples = graphs[g]
        body = ("INSERT DATA { GRAPH %s {\n%s .\n} }\n"
                % (g, " .\n".join(triples))).encode("utf-8")
        status, text = post(body)
        if not 200 <= status < 300:
            failures += 1
            if failures <= 5:
                sys.stderr.write("insert_per_event.py: %s: HTTP %s: %s\n"
                                 % (g, status, text[:300].decode(
                                     "utf-8", "replace").strip()))
        sent += 1
        sent_triples += len(triples)
        if "/events/" in g:
            events_sent += 1
            if (a.budget > 0 and events_sent == a.sample
                    and sent < total_requests):
                elapsed = time.monotonic() - start
                if elapsed * total_requests / sent > a.budget:
                    partial = True
                    break
    seconds = time.monotonic() - start
    conn.close()
    extra = seconds * total_requests / sent if partial else seconds
    print("requests=%d requests_total=%d triples=%d triples_total=%d "
          "failures=%d seconds=%.3f extrapolated_seconds=%.3f partial=%d "
          "sample_events=%d connections=%d challenges=%d read_seconds=%.3f"
          % (sent, total_requests, sent_triples, total_triples, failures,
             seconds, extra, int(partial), events_sent, Conn.connects,
             challenges, read_seconds))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
