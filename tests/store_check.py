#!/usr/bin/env python3
"""What a local store holds, compared with N-Quads (for tests/store.sh).

    store_check.py same  DUMP EXPECTED.nq...
        the store holds exactly the quads of the files
    store_check.py state DUMP OLD.nq NEW.nq
        the store holds exactly OLD, or exactly OLD with every graph of NEW
        in place of the graph of that name (a whole publish of NEW); prints
        "old" or "new"
    store_check.py covers DUMP COUNT EXPECTED.nq...
        the store holds every quad of the files, and COUNT quads in all

DUMP is `evpub export --store DIR` (N-Quads), or, when it ends in .json,
the answer of
    evpub query --store DIR -f json \\
      'SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }'
(SPARQL 1.1 results JSON, read with Python's json module).  N-Quads are
read with tests/ntlib.py through tests/publish_check.py (cross-checked
against rapper there; rdflib's N-Triples reader mangles escapes, see
../shared/notes/independent-checkers.md), comparing lexical forms exactly
and language tags lower-cased.  Exit 0 when it holds, 1 when not (the
differences are printed), 2 on bad input.
"""
import json
import sys

import publish_check


def dump(path):
    if not path.endswith(".json"):
        return nquads([path])
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    quads = set()
    for row in data["results"]["bindings"]:
        quads.add((row["g"]["value"], row["s"]["value"], row["p"]["value"],
                   publish_check.term(row["o"], exact=True)))
    return quads


def nquads(paths):
    quads = set()
    for p in paths:
        quads |= publish_check.read_nquads(p, exact=True)
    return quads


def diff(got, want):
    extra, missing = got - want, want - got
    for q in sorted(missing, key=repr)[:8]:
        print("  missing:", q)
    for q in sorted(extra, key=repr)[:8]:
        print("  unexpected:", q)
    print("  store %d quads, expected %d (%d missing, %d unexpected)"
          % (len(got), len(want), len(missing), len(extra)))


def main(argv):
    if len(argv) < 4 or argv[1] not in ("same", "state", "covers"):
        print(__doc__, file=sys.stderr)
        return 2
    got = dump(argv[2])
    if argv[1] == "covers":
        want = nquads(argv[4:])
        if want <= got and len(got) == int(argv[3]):
            print("covers: %d of %d quads" % (len(want), len(got)))
            return 0
        for q in sorted(want - got, key=repr)[:8]:
            print("  missing:", q)
        print("  store %d quads, %s expected in all" % (len(got), argv[3]))
        return 1
    if argv[1] == "same":
        want = nquads(argv[3:])
        if got == want:
            print("same: %d quads in %d graphs"
                  % (len(got), len({q[0] for q in got})))
            return 0
        diff(got, want)
        return 1
    if len(argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    old = nquads([argv[3]])
    new_part = nquads([argv[4]])
    replaced = {q[0] for q in new_part}
    new = {q for q in old if q[0] not in replaced} | new_part
    if got == old:
        print("old")
        return 0
    if got == new:
        print("new")
        return 0
    print("neither the old nor the new state; against the new one:")
    diff(got, new)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
