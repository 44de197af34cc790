#!/usr/bin/python3
"""Independent oracle for `evpub network -f json`: computes the
co-organizer network from N-Quads with rdflib (a parser evpub did not
write) and compares it with evpub's JSON output, field by field and in
order.

Usage:
  network_check.py [--role R] [--since D] [--until D] [--ego X]
                   [--min-weight N] DATA.nq [DATA2.nq ...] -- EVPUB.json

  The options are the filters evpub network was run with.  The N-Quads
  files are read into one rdflib ConjunctiveGraph; the network is
  computed over the union of their graphs (distinct triples).
  EVPUB.json is the output of `evpub network -f json [filters]` ("-"
  reads standard input).

Exit status:
  0  equal; prints "ok: N nodes, M edges, K components"
  1  different; prints the first 20 differences (expected vs got)
  2  usage error (or unreadable input)
  3  --ego matches no node or several nodes (evpub should fail then)

Semantics (over O = {(s, o) | s schema:organizer o, o an IRI}):
  * role nodes: nodes that are both a subject and an object in O;
  * events: subjects of O that are not role nodes; with --since/--until
    an event is kept iff one of its schema:startDate literals has a
    first-10-character prefix d with since <= d <= until (string
    comparison; a missing bound is no constraint);
  * organizers of a kept event e: without --role, its non-role organizer
    objects; with --role R, the organizers of its role nodes r whose
    schema:roleName has lexical form R;
  * nodes: organizers of kept events; events(n) = number of kept events
    having n as an organizer;
  * edges: unordered pairs of distinct organizers of a same kept event,
    weight = number of such events, source < target (str order);
  * name(n): smallest schema:name lexical form, or null;
  * --min-weight N: drop edges of weight < N; if N > 1 also drop nodes
    without a remaining edge;
  * --ego X (after --min-weight): X is a node IRI, else the unique node
    whose name equals X ignoring ASCII case; keeps X and its neighbours,
    and the edges among them;
  * degree, weighted_degree over the kept edges; nodes ranked by
    weighted_degree desc, degree desc, events desc, name asc (null as
    ""), IRI asc; edges by weight desc, source asc, target asc;
    components sorted by size desc, then smallest member rank.
"""
import json
import sys

import rdflib
from rdflib import Literal, URIRef

SCHEMA = "http://schema.org/"
ORGANIZER = URIRef(SCHEMA + "organizer")
START_DATE = URIRef(SCHEMA + "startDate")
ROLE_NAME = URIRef(SCHEMA + "roleName")
NAME = URIRef(SCHEMA + "name")
MAX_DIFFS = 20


def usage(msg=None):
    if msg:
        sys.stderr.write("network_check.py: %s\n" % msg)
    sys.stderr.write(
        "usage: network_check.py [--role R] [--since D] [--until D] "
        "[--ego X] [--min-weight N] DATA.nq [DATA2.nq ...] -- EVPUB.json\n")
    sys.exit(2)


def parse_args(argv):
    opts = {"role": None, "since": None, "until": None, "ego": None,
            "min_weight": 1}
    files = []
    json_file = None
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--":
            rest = argv[i + 1:]
            if len(rest) != 1:
                usage("exactly one JSON file must follow --")
            json_file = rest[0]
            break
        if a in ("-h", "--help"):
            sys.stdout.write(__doc__)
            sys.exit(0)
        key = None
        val = None
        for name in ("--role", "--since", "--until", "--ego", "--min-weight"):
            if a == name:
                if i + 1 >= len(argv):
                    usage("%s needs a value" % name)
                key, val = name, argv[i + 1]
                i += 1
                break
            if a.startswith(name + "="):
                key, val = name, a[len(name) + 1:]
                break
        if key is not None:
            if key == "--min-weight":
                try:
                    n = int(val)
                except ValueError:
                    usage("--min-weight needs an integer")
                if n < 1:
                    usage("--min-weight must be at least 1")
                opts["min_weight"] = n
            else:
                opts[key[2:]] = val
        elif a.startswith("-") and a != "-":
            usage("unknown option %s" % a)
        else:
            files.append(a)
        i += 1
    if json_file is None:
        usage("missing -- EVPUB.json")
    if not files:
        usage("no N-Quads file")
    return opts, files, json_file


def ascii_lower(s):
    return "".join(chr(ord(c) + 32) if "A" <= c <= "Z" else c for c in s)


def compute(triples, opts):
    """Returns (nodes list of dicts in rank order, edges list, ncomp)
    or raises EgoError."""
    O = set()
    start = {}
    rolename = {}
    names = {}
    for s, p, o in triples:
        if p == ORGANIZER and isinstance(o, URIRef):
            O.add((s, o))
        elif p == START_DATE and isinstance(o, Literal):
            start.setdefault(s, set()).add(str(o))
        elif p == ROLE_NAME and isinstance(o, Literal):
            rolename.setdefault(s, set()).add(str(o))
        elif p == NAME and isinstance(o, Literal):
            names.setdefault(s, set()).add(str(o))

    subjects = {s for s, _ in O}
    objects = {o for _, o in O}
    roles = subjects & objects
    org_of = {}
    for s, o in O:
        org_of.setdefault(s, set()).add(o)

    since, until = opts["since"], opts["until"]
    events = []
    for e in subjects - roles:
        if since is not None or until is not None:
            ok = False
            for d in start.get(e, ()):
                d = d[:10]
                if (since is None or since <= d) and \
                        (until is None or d <= until):
                    ok = True
                    break
            if not ok:
                continue
        events.append(e)

    R = opts["role"]
    orgs_of_event = {}
    for e in events:
        if R is None:
            orgs = {o for o in org_of.get(e, ()) if o not in roles}
        else:
            orgs = set()
            for r in org_of.get(e, ()):
                if r in roles and R in rolename.get(r, ()):
                    orgs |= org_of.get(r, set())
        orgs_of_event[e] = orgs

    nevents = {}
    weight = {}
    for e, orgs in orgs_of_event.items():
        for n in orgs:
            nevents[n] = nevents.get(n, 0) + 1
        ol = sorted(str(x) for x in orgs)
        for i in range(len(ol)):
            for j in range(i + 1, len(ol)):
                k = (ol[i], ol[j])
                weight[k] = weight.get(k, 0) + 1

    nodes = {str(n) for n in nevents}
    ev = {str(n): c for n, c in nevents.items()}
    nm = {}
    for n in nevents:
        ns = names.get(n)
        nm[str(n)] = min(ns) if ns else None

    mw = opts["min_weight"]
    edges = {k: w for k, w in weight.items() if w >= mw}
    if mw > 1:
        touched = set()
        for a, b in edges:
            touched.add(a)
            touched.add(b)
        nodes = nodes & touched

    X = opts["ego"]
    if X is not None:
        if X in nodes:
            ego = X
        else:
            lx = ascii_lower(X)
            m = sorted(n for n in nodes
                       if nm[n] is not None and ascii_lower(nm[n]) == lx)
            if len(m) != 1:
                raise EgoError(X, m)
            ego = m[0]
        keep = {ego}
        for a, b in edges:
            if a == ego:
                keep.add(b)
            elif b == ego:
                keep.add(a)
        nodes = keep
        edges = {k: w for k, w in edges.items()
                 if k[0] in keep and k[1] in keep}

    deg = {n: 0 for n in nodes}
    wdeg = {n: 0 for n in nodes}
    adj = {n: [] for n in nodes}
    for (a, b), w in edges.items():
        for x in (a, b):
            deg[x] += 1
            wdeg[x] += w
        adj[a].append(b)
        adj[b].append(a)

    order = sorted(nodes, key=lambda n: (-wdeg[n], -deg[n], -ev[n],
                                         nm[n] if nm[n] is not None else "",
                                         n))
    rank = {n: i + 1 for i, n in enumerate(order)}

    seen = set()
    comps = []
    for n in order:
        if n in seen:
            continue
        comp = [n]
        seen.add(n)
        stack = [n]
        while stack:
            x = stack.pop()
            for y in adj[x]:
                if y not in seen:
                    seen.add(y)
                    comp.append(y)
                    stack.append(y)
        comps.append(comp)
    comps.sort(key=lambda c: (-len(c), min(rank[x] for x in c)))
    compno = {}
    for i, c in enumerate(comps):
        for x in c:
            compno[x] = i + 1

    out_nodes = [{"id": n, "name": nm[n], "events": ev[n],
                  "degree": deg[n], "weighted_degree": wdeg[n],
                  "component": compno[n], "rank": rank[n]} for n in order]
    out_edges = [{"source": a, "target": b, "weight": w}
                 for (a, b), w in sorted(edges.items(),
                                         key=lambda kv: (-kv[1], kv[0][0],
                                                         kv[0][1]))]
    return out_nodes, out_edges, len(comps)


class EgoError(Exception):
    def __init__(self, x, matches):
        Exception.__init__(self)
        self.x = x
        self.matches = matches


NODE_FIELDS = ("id", "name", "events", "degree", "weighted_degree",
               "component", "rank")
EDGE_FIELDS = ("source", "target", "weight")


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def objects(items, kind, fields, diff):
    """The items that are objects; the others, and objects with other keys
    than fields, are differences."""
    for i, g in enumerate(items):
        if not isinstance(g, dict):
            diff("%s[%d]: expected an object, got %r" % (kind, i, g))
            continue
        if set(g) != set(fields):
            diff("%s[%d]%s: keys expected %s, got %s"
                 % (kind, i, " (%s)" % g["id"] if "id" in g else "",
                    sorted(fields), sorted(g)))
        yield g


def compare(exp_nodes, exp_edges, exp_ncomp, got):
    diffs = []

    def diff(msg):
        diffs.append(msg)

    if not isinstance(got, dict):
        diff("top level: expected an object, got %s" % type(got).__name__)
        return diffs
    keys = set(got)
    if keys != {"nodes", "edges", "components"}:
        diff("top-level keys: expected [components, edges, nodes], got %s"
             % sorted(keys))
    gn = got.get("nodes")
    ge = got.get("edges")
    gc = got.get("components")
    if not is_int(gc) or gc != exp_ncomp:
        diff("components: expected %r, got %r" % (exp_ncomp, gc))

    if not isinstance(gn, list):
        diff("nodes: expected a list, got %r" % (gn,))
        gn = []
    if not isinstance(ge, list):
        diff("edges: expected a list, got %r" % (ge,))
        ge = []
    if len(gn) != len(exp_nodes):
        diff("nodes: expected %d, got %d" % (len(exp_nodes), len(gn)))
    if len(ge) != len(exp_edges):
        diff("edges: expected %d, got %d" % (len(exp_edges), len(ge)))

    # set-level differences first, they explain most of the rest
    exp_ids = {n["id"] for n in exp_nodes}
    got_ids = {n.get("id") for n in gn if isinstance(n, dict)}
    for n in sorted(exp_ids - got_ids):
        diff("node %s: missing from evpub's output" % n)
    for n in sorted(x for x in got_ids - exp_ids if isinstance(x, str)):
        diff("node %s: unexpected in evpub's output" % n)
    exp_ek = {(e["source"], e["target"]): e for e in exp_edges}
    got_ek = {(e.get("source"), e.get("target")): e
              for e in ge if isinstance(e, dict)}
    for k in sorted(set(exp_ek) - set(got_ek)):
        diff("edge %s -- %s: missing from evpub's output (weight %d)"
             % (k[0], k[1], exp_ek[k]["weight"]))
    for k in sorted(set(got_ek) - set(exp_ek), key=repr):
        diff("edge %s -- %s: unexpected in evpub's output (weight %r)"
             % (k[0], k[1], got_ek[k].get("weight")))

    # field-by-field on the nodes evpub has, by id
    exp_by_id = {n["id"]: n for n in exp_nodes}
    for g in objects(gn, "nodes", NODE_FIELDS, diff):
        e = exp_by_id.get(g.get("id"))
        if e is None:
            continue
        for f in NODE_FIELDS[1:]:
            gv = g.get(f)
            ev = e[f]
            same = (gv == ev and (ev is None or is_int(gv))) \
                if f != "name" else (gv == ev and type(gv) is type(ev))
            if not same:
                diff("node %s: %s expected %r, got %r" % (e["id"], f, ev, gv))
    # order of the nodes
    for i in range(min(len(gn), len(exp_nodes))):
        g = gn[i]
        gid = g.get("id") if isinstance(g, dict) else None
        if gid != exp_nodes[i]["id"]:
            diff("nodes[%d] (order): expected %s, got %s"
                 % (i, exp_nodes[i]["id"], gid))
            break

    for g in objects(ge, "edges", EDGE_FIELDS, diff):
        k = (g.get("source"), g.get("target"))
        e = exp_ek.get(k)
        if e is None:
            continue
        if not is_int(g.get("weight")) or g.get("weight") != e["weight"]:
            diff("edge %s -- %s: weight expected %r, got %r"
                 % (k[0], k[1], e["weight"], g.get("weight")))
    for i in range(min(len(ge), len(exp_edges))):
        g = ge[i]
        k = (g.get("source"), g.get("target")) if isinstance(g, dict) \
            else None
        ek = (exp_edges[i]["source"], exp_edges[i]["target"])
        if k != ek:
            diff("edges[%d] (order): expected %s -- %s, got %s"
                 % (i, ek[0], ek[1],
                    "%s -- %s" % k if k else repr(g)))
            break
    return diffs


def main(argv):
    opts, files, json_file = parse_args(argv)
    g = rdflib.ConjunctiveGraph()
    for f in files:
        try:
            g.parse(f, format="nquads")
        except Exception as exc:  # unreadable or malformed input
            sys.stderr.write("network_check.py: %s: %s\n" % (f, exc))
            return 2
    triples = set(g.triples((None, None, None)))
    try:
        nodes, edges, ncomp = compute(triples, opts)
    except EgoError as exc:
        if exc.matches:
            print("--ego %r matches %d nodes: %s"
                  % (exc.x, len(exc.matches), ", ".join(exc.matches)))
        else:
            print("--ego %r matches no node" % exc.x)
        return 3
    try:
        if json_file == "-":
            got = json.load(sys.stdin)
        else:
            with open(json_file, encoding="utf-8") as fh:
                got = json.load(fh)
    except (OSError, ValueError) as exc:
        print("FAIL: %s: cannot read evpub's JSON: %s" % (json_file, exc))
        return 1
    diffs = compare(nodes, edges, ncomp, got)
    if diffs:
        print("FAIL: %d difference%s (expected = rdflib, got = evpub)"
              % (len(diffs), "" if len(diffs) == 1 else "s"))
        for d in diffs[:MAX_DIFFS]:
            print("  " + d)
        if len(diffs) > MAX_DIFFS:
            print("  ... and %d more" % (len(diffs) - MAX_DIFFS))
        return 1
    print("ok: %d nodes, %d edges, %d components"
          % (len(nodes), len(edges), ncomp))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
