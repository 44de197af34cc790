#!/usr/bin/env python3
"""Compare what a SPARQL server holds with the N-Quads evpub would send.

    publish_check.py same QUERY_URL EXPECTED.nq GRAPH_PREFIX
        the graphs whose IRI starts with GRAPH_PREFIX hold exactly the
        quads of EXPECTED.nq: same graphs, same triples, literals equal
        byte for byte (language tags compared without case, and the
        numeric datatypes by value: the server keeps their value, not
        their spelling).  Prints a summary; exit 1 on a difference.
    publish_check.py count QUERY_URL GRAPH_PREFIX
        print the number of triples in those graphs
    publish_check.py ask QUERY_URL 'ASK { ... }'
        print true or false

EXPECTED.nq is read by the checkers' own strict N-Quads reader
(tests/ntlib.py), and that reading is checked against rapper (raptor's
N-Quads parser) when rapper is given in $RAPPER: both must read the same
quads.  (rdflib's N-Triples reader mis-reads some escapes; see the
independent-checkers notes.)
The server is asked with GET and JSON results; Virtuoso writes SPARQL 1.0
"typed-literal" objects, which are accepted.
"""
import json
import os
import subprocess
import sys
import urllib.parse
import urllib.request
from decimal import Decimal, InvalidOperation

import ntlib

XSD = "http://www.w3.org/2001/XMLSchema#"


def norm_literal(value, lang, dt, exact=False):
    """A literal as compared: (value, lang, datatype).  Unless exact, in
    the value space the way Virtuoso gives values back."""
    if lang:
        return ("L", value, lang.lower(), None)
    if dt == XSD + "string":
        dt = None
    if exact:
        return ("L", value, None, dt)
    if dt in (XSD + "integer", XSD + "decimal", XSD + "double",
              XSD + "float"):
        try:
            value = str(Decimal(value).normalize())
            dt = "number"
        except InvalidOperation:
            pass
    elif dt == XSD + "dateTime" and value.endswith("+00:00"):
        value = value[:-6] + "Z"  # the server writes +00:00 as Z
    elif dt == XSD + "boolean":
        value = {"1": "true", "0": "false"}.get(value, value)
    return ("L", value, None, dt)


def read_nquads(path, exact=False):
    """The set of (graph, subject, predicate, object) of a file of quads
    in named graphs, without blank nodes (what evpub publishes)."""
    try:
        statements = ntlib.read(path, quads=True)
    except (ntlib.ParseError, UnicodeDecodeError) as e:
        sys.exit("cannot read: %s" % e)
    quads = set()
    for s, p, o, g in statements:
        if g is None or "bnode" in (s[0], o[0], g[0]):
            sys.exit("%s: %r: not a quad of IRIs and literals in a named "
                     "graph" % (path, (s, p, o, g)))
        o = ("I", o[1]) if o[0] == "iri" else norm_literal(o[1], o[2], o[3],
                                                              exact)
        quads.add((g[1], s[1], p[1], o))
    return quads


def check_reader(path):
    """rapper must read the file as the same set of quads."""
    rapper = os.environ.get("RAPPER")
    if not rapper:
        return
    out = subprocess.run([rapper, "-q", "-i", "nquads", "-o", "nquads",
                          path, "http://base.invalid/"],
                         check=True, stdout=subprocess.PIPE).stdout
    tmp = path + ".rapper.nq"
    with open(tmp, "wb") as f:
        f.write(out)
    a, b = read_nquads(path), read_nquads(tmp)
    os.unlink(tmp)
    if a != b:
        sys.exit("this checker's N-Quads reader and rapper disagree on %s"
                 % path)


def select(query_url, query):
    url = query_url + "?" + urllib.parse.urlencode({"query": query})
    req = urllib.request.Request(
        url, headers={"Accept": "application/sparql-results+json"})
    with urllib.request.urlopen(req, timeout=600) as r:
        if r.headers.get("X-SPARQL-MaxRows"):
            sys.exit("the server cut the results at %s rows"
                     % r.headers["X-SPARQL-MaxRows"])
        return json.load(r)


def term(b, exact=False):
    """A term of SPARQL results JSON, as read_nquads gives it."""
    t = b["type"]
    if t == "uri":
        return ("I", b["value"])
    if t in ("literal", "typed-literal"):
        return norm_literal(b["value"], b.get("xml:lang"),
                            b.get("datatype"), exact)
    return ("B", b["value"])


def server_quads(query_url, prefix):
    q = ('SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } '
         'FILTER(STRSTARTS(STR(?g), "%s")) }' % prefix)
    res = select(query_url, q)
    quads = set()
    n = 0
    for row in res["results"]["bindings"]:
        n += 1
        quads.add((row["g"]["value"], term(row["s"])[1], term(row["p"])[1],
                   term(row["o"])))
    return quads, n


def show(q):
    g, s, p, o = q
    return "<%s> <%s> <%s> %r" % (g, s, p, o)


def main():
    cmd = sys.argv[1]
    if cmd == "same":
        query_url, expected, prefix = sys.argv[2:5]
        check_reader(expected)
        want = read_nquads(expected)
        want = {q for q in want if q[0].startswith(prefix)}
        if not want:
            sys.exit("nothing expected in graphs under " + prefix)
        have, rows = server_quads(query_url, prefix)
        missing = want - have
        extra = have - want
        for q in sorted(missing)[:10]:
            print("missing:", show(q))
        for q in sorted(extra)[:10]:
            print("extra:  ", show(q))
        gw = {q[0] for q in want}
        gh = {q[0] for q in have}
        print("expected %d quads in %d graphs; server has %d rows, %d "
              "distinct, in %d graphs; %d missing, %d extra"
              % (len(want), len(gw), rows, len(have), len(gh),
                 len(missing), len(extra)))
        sys.exit(1 if missing or extra or rows != len(have) else 0)
    if cmd == "count":
        query_url, prefix = sys.argv[2:4]
        res = select(query_url, 'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g '
                     '{ ?s ?p ?o } FILTER(STRSTARTS(STR(?g), "%s")) }'
                     % prefix)
        print(res["results"]["bindings"][0]["n"]["value"])
        return
    if cmd == "ask":
        res = select(sys.argv[2], sys.argv[3])
        print("true" if res["boolean"] else "false")
        return
    sys.exit("unknown command " + cmd)


if __name__ == "__main__":
    main()
