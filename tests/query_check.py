#!/usr/bin/env python3
"""Checks of what `evpub query` and `evpub network` print, with readers
evpub did not write (for tests/query.sh).

    query_check.py rows EVPUB.json QUERY.rq DATA.ttl...
        evpub's SPARQL 1.1 results JSON (read with json) are rdflib's
        answer to the same query over the same data, row for row
    query_check.py ask EVPUB.json QUERY.rq DATA.ttl...
        the same for an ASK query
    query_check.py graph EVPUB.ttl QUERY.rq DATA.ttl...
        evpub's Turtle (read with rdflib's Turtle reader) is the graph
        rdflib constructs (isomorphic)
    query_check.py csv EVPUB.csv EVPUB.json
        the CSV (read with Python's csv) holds the values of the JSON
    query_check.py tsv EVPUB.tsv EVPUB.json
        the TSV holds the terms of the JSON, in SPARQL TSV syntax
    query_check.py graphml NET.graphml NET.json
        the GraphML (read with xml.etree) holds the nodes and edges of
        evpub network's JSON, with the same attributes
    query_check.py svg NET.svg NET.json
        Graphviz drew one node per organization and one edge per pair
    query_check.py netcsv EDGES.csv NODES.csv NET.json
        network -f csv (edges) and -f csv --nodes hold what the JSON holds

Data is read as Turtle (rdflib's N-Triples reader is not trusted, see
../shared/notes/independent-checkers.md).  Language tags compare
lower-cased.  Exit 0 when it holds, 1 (with the differences) when not.
"""
import csv
import io
import json
import sys
import xml.etree.ElementTree as ET

import ntlib

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def load(paths):
    import rdflib
    g = rdflib.Graph()
    for p in paths:
        g.parse(p, format="turtle")
    return g


def rdflib_term(x):
    import rdflib
    if x is None:
        return None
    if isinstance(x, rdflib.URIRef):
        return ("uri", str(x))
    if isinstance(x, rdflib.BNode):
        return ("bnode", "")
    if x.language:
        return ("literal", str(x), "@" + x.language.lower())
    dt = str(x.datatype) if x.datatype else ""
    return ("literal", str(x), "" if dt == XSD_STRING else dt)


def json_term(b):
    if b is None:
        return None
    if b["type"] == "uri":
        return ("uri", b["value"])
    if b["type"] == "bnode":
        return ("bnode", "")
    if "xml:lang" in b:
        return ("literal", b["value"], "@" + b["xml:lang"].lower())
    dt = b.get("datatype", "")
    return ("literal", b["value"], "" if dt == XSD_STRING else dt)


def evpub_rows(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    names = data["head"]["vars"]
    rows = [[json_term(r.get(v)) for v in names]
            for r in data["results"]["bindings"]]
    return names, rows


def fail(msgs):
    for m in msgs[:12]:
        print(m)
    return 1


def same_rows(got, want, names, unit, summary):
    """0 and the summary when the lists are equal, else 1 and how they
    differ; names: who gave got, who gave want"""
    if got == want:
        print(summary)
        return 0
    a, b = names
    return fail(["%s %d %ss, %s %d" % (a, len(got), unit, b, len(want))] +
                ["%s %d: %s %s, %s %s" % (unit, i + 1, a, x, b, y)
                 for i, (x, y) in enumerate(zip(got, want)) if x != y])


def rows(argv):
    names, got = evpub_rows(argv[0])
    g = load(argv[2:])
    res = g.query(open(argv[1], encoding="utf-8").read())
    rnames = [str(v) for v in res.vars]
    if rnames != names:
        return fail(["variables: evpub %s, rdflib %s" % (names, rnames)])
    want = [[rdflib_term(r[i]) for i in range(len(rnames))] for r in res]
    return same_rows(got, want, ("evpub", "rdflib"), "row",
                     "rows: %d, as rdflib answers" % len(got))


def ask(argv):
    with open(argv[0], encoding="utf-8") as f:
        got = json.load(f)["boolean"]
    g = load(argv[2:])
    want = g.query(open(argv[1], encoding="utf-8").read()).askAnswer
    if got == want:
        print("ask: %s, as rdflib answers" % got)
        return 0
    return fail(["evpub %s, rdflib %s" % (got, want)])


def graph(argv):
    import rdflib
    from rdflib.compare import isomorphic
    got = rdflib.Graph()
    got.parse(argv[0], format="turtle")
    g = load(argv[2:])
    want = rdflib.Graph()
    for t in g.query(open(argv[1], encoding="utf-8").read()):
        want.add(t)
    if isomorphic(got, want):
        print("graph: %d triples, as rdflib constructs" % len(got))
        return 0
    return fail(["evpub %d triples, rdflib %d" % (len(got), len(want))])


def csv_check(argv):
    names, want = evpub_rows(argv[1])
    with open(argv[0], encoding="utf-8", newline="") as f:
        text = f.read()
    if text and not text.endswith("\r\n"):
        return fail(["CSV lines must end in CRLF (SPARQL 1.1 CSV)"])
    got = list(csv.reader(io.StringIO(text)))
    wantc = [names] + [["" if t is None else
                        ("_:" + t[1] if t[0] == "bnode" else t[1])
                        for t in r] for r in want]
    return same_rows(got, wantc, ("csv", "json"), "line",
                     "csv: %d rows, as the JSON" % (len(got) - 1))


def tsv_term(field):
    """A field of SPARQL TSV, read as an N-Triples term (tests/ntlib.py)."""
    if field == "":
        return None
    t = ntlib.term(field)
    if t[0] == "iri":
        return ("uri", t[1])
    if t[0] == "bnode":
        return ("bnode", "")
    if t[2]:
        return ("literal", t[1], "@" + t[2].lower())
    dt = t[3] or ""
    return ("literal", t[1], "" if dt == XSD_STRING else dt)


def tsv_check(argv):
    names, want = evpub_rows(argv[1])
    with open(argv[0], encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines[-1] == "":
        lines.pop()
    head = lines[0].split("\t")
    if head != ["?" + n for n in names]:
        return fail(["header %s, variables %s" % (head, names)])
    got = [[tsv_term(x) for x in line.split("\t")] for line in lines[1:]]
    return same_rows(got, want, ("tsv", "json"), "row",
                     "tsv: %d rows, as the JSON" % len(got))


def net(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def graphml(argv):
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    root = ET.parse(argv[0]).getroot()
    keys = {k.get("id"): (k.get("attr.name"), k.get("attr.type"))
            for k in root.findall("g:key", ns)}
    gr = root.find("g:graph", ns)
    if gr.get("edgedefault") != "undirected":
        return fail(["the graph must be undirected"])
    nodes = []
    for n in gr.findall("g:node", ns):
        d = {"id": n.get("id"), "name": None}
        for x in n.findall("g:data", ns):
            name, typ = keys[x.get("key")]
            d[name] = int(x.text) if typ == "long" else x.text
        nodes.append(d)
    edges = []
    for e in gr.findall("g:edge", ns):
        w = e.find("g:data", ns)
        edges.append({"source": e.get("source"), "target": e.get("target"),
                      "weight": int(w.text)})
    j = net(argv[1])
    if nodes == j["nodes"] and edges == j["edges"]:
        print("graphml: %d nodes, %d edges, as the JSON"
              % (len(nodes), len(edges)))
        return 0
    msgs = ["graphml %d nodes %d edges, json %d nodes %d edges"
            % (len(nodes), len(edges), len(j["nodes"]), len(j["edges"]))]
    msgs += ["node: graphml %s, json %s" % (a, b)
             for a, b in zip(nodes, j["nodes"]) if a != b]
    return fail(msgs)


def svg(argv):
    root = ET.parse(argv[0]).getroot()
    ns = "{http://www.w3.org/2000/svg}"
    node_titles, edge_titles = set(), set()
    for gel in root.iter(ns + "g"):
        cls = gel.get("class")
        t = gel.find(ns + "title")
        if t is None:
            continue
        if cls == "node":
            node_titles.add(t.text)
        elif cls == "edge":
            edge_titles.add(t.text)
    j = net(argv[1])
    want_nodes = {n["id"] for n in j["nodes"]}
    want_edges = {"%s--%s" % (e["source"], e["target"]) for e in j["edges"]}
    # Graphviz writes "--" between the ends; either order
    got_edges = set()
    for t in edge_titles:
        a, _, b = t.partition("--")
        got_edges.add("%s--%s" % tuple(sorted((a, b))))
    if node_titles == want_nodes and got_edges == want_edges:
        print("svg: %d nodes and %d edges drawn"
              % (len(node_titles), len(got_edges)))
        return 0
    return fail(["svg nodes %d (want %d), edges %d (want %d)"
                 % (len(node_titles), len(want_nodes), len(got_edges),
                    len(want_edges))] +
                ["missing node %s" % n for n in want_nodes - node_titles] +
                ["missing edge %s" % e for e in want_edges - got_edges])


def netcsv(argv):
    j = net(argv[2])
    names = {n["id"]: n["name"] or "" for n in j["nodes"]}
    with open(argv[0], encoding="utf-8", newline="") as f:
        edges = list(csv.reader(f))
    with open(argv[1], encoding="utf-8", newline="") as f:
        nodes = list(csv.reader(f))
    want_e = [["source", "source_name", "target", "target_name", "weight"]]
    want_e += [[e["source"], names[e["source"]], e["target"],
                names[e["target"]], str(e["weight"])] for e in j["edges"]]
    want_n = [["rank", "id", "name", "events", "degree", "weighted_degree",
               "component"]]
    want_n += [[str(n["rank"]), n["id"], n["name"] or "", str(n["events"]),
                str(n["degree"]), str(n["weighted_degree"]),
                str(n["component"])] for n in j["nodes"]]
    if edges == want_e and nodes == want_n:
        print("csv: %d edges and %d nodes, as the JSON"
              % (len(edges) - 1, len(nodes) - 1))
        return 0
    return fail(["edges csv %d lines (want %d), nodes csv %d (want %d)"
                 % (len(edges), len(want_e), len(nodes), len(want_n))])


MODES = {"rows": (rows, 3), "ask": (ask, 3), "graph": (graph, 3),
         "csv": (csv_check, 2), "tsv": (tsv_check, 2),
         "graphml": (graphml, 2), "svg": (svg, 2), "netcsv": (netcsv, 3)}


def main(argv):
    if len(argv) < 2 or argv[1] not in MODES or \
            len(argv) - 2 < MODES[argv[1]][1]:
        print(__doc__, file=sys.stderr)
        return 2
    return MODES[argv[1]][0](argv[2:])


if __name__ == "__main__":
    sys.exit(main(sys.argv))
