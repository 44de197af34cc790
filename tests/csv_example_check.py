#!/usr/bin/python3
"""Acceptance 1 of the CSV reader: the example as CSV says what the YAML
example says, except what CSV cannot say.

usage: csv_example_check.py YAML.ttl CSV.ttl

Both files are evpub's Turtle output (read with rdflib, a parser we did not
write).  The one difference allowed, listed in doc/csv.md:

  D1  CSV has no document header, so no `lang: en`: every literal that the
      YAML gives the language tag @en is, in the CSV graph, the same plain
      literal (same subject, predicate and text).

Everything else must be equal: same triples, nothing missing, nothing extra.
Prints what differs and exits 1 when anything else differs.
"""
import sys

import rdflib
from rdflib import Literal


def load(path):
    g = rdflib.Graph()
    g.parse(path, format='turtle')
    return set(g)


def main():
    yaml_g, csv_g = load(sys.argv[1]), load(sys.argv[2])
    missing = yaml_g - csv_g  # in the YAML graph only
    extra = csv_g - yaml_g    # in the CSV graph only
    problems = []
    explained = set()
    for s, p, o in missing:
        if isinstance(o, Literal) and o.language == 'en' and o.datatype is None:
            plain = (s, p, Literal(str(o)))
            if plain in extra:
                explained.add(plain)
                continue
            problems.append('D1 without its plain twin: %s %s %r' % (s, p, o))
            continue
        problems.append('missing from the CSV graph: %s %s %r' % (s, p, o))
    for t in sorted(extra - explained):
        problems.append('only in the CSV graph: %s %s %r' % t)
    # D1 must be the whole story of language tags: no other tag anywhere
    for g, name in ((yaml_g, 'YAML'), (csv_g, 'CSV')):
        for s, p, o in g:
            if isinstance(o, Literal) and o.language not in (None, 'en'):
                problems.append('unexpected language tag in the %s graph: '
                                '%r' % (name, o))
    if len(yaml_g) != len(csv_g):
        problems.append('triple counts differ: YAML %d, CSV %d'
                        % (len(yaml_g), len(csv_g)))
    if not explained:
        problems.append('no @en literal at all: the YAML example changed?')
    for line in problems:
        print(line)
    print('%d triples each; %d differ only by the @en tag (D1); %d other '
          'differences' % (len(yaml_g), len(explained), len(problems)))
    return 1 if problems else 0


if __name__ == '__main__':
    sys.exit(main())
