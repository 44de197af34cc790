#!/usr/bin/python3
"""The Python peer of `evpub convert` for the benchmark.

usage: rdflib_convert.py [-f nt|turtle|json-ld] IN.yaml > OUT

Maps the data bench/gen-events.py writes onto schema.org with rdflib, minting
the same IRIs and literals as evpub:

  {base}events/<id>, {base}organizations/<id>, {base}people/<id>,
  {base}places/<slug of name>, <parent>#address,
  <event>#organizer-<n> (schema:OrganizationRole, n = position in the list).

It covers the generator's shape of data, not the whole input format: no
CSV/iCalendar, no language maps, no extension keys, no validation.  Written
the way one would write it in Python: PyYAML (with libyaml when available)
into a tree, rdflib Graph.add per triple, Graph.serialize.
"""

import argparse
import datetime
import re
import sys

import yaml
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, XSD

SDO = Namespace('http://schema.org/')

TEXT = {'name', 'description', 'alternateName', 'streetAddress',
        'addressLocality', 'addressRegion', 'keywords', 'roleName',
        'jobTitle', 'disambiguatingDescription'}
CODES = {'inLanguage', 'addressCountry', 'postalCode', 'telephone', 'email'}
URLS = {'url', 'sameAs', 'image', 'logo'}
DATES = {'startDate', 'endDate', 'doorTime', 'foundingDate'}
INTEGERS = {'maximumAttendeeCapacity', 'remainingAttendeeCapacity'}
BOOLEANS = {'isAccessibleForFree'}
ENUMS = {
    'eventStatus': {'scheduled': 'EventScheduled',
                    'cancelled': 'EventCancelled',
                    'postponed': 'EventPostponed',
                    'rescheduled': 'EventRescheduled',
                    'movedOnline': 'EventMovedOnline'},
    'eventAttendanceMode': {'offline': 'OfflineEventAttendanceMode',
                            'online': 'OnlineEventAttendanceMode',
                            'mixed': 'MixedEventAttendanceMode'},
}
# property -> (default type, collection the IRI is minted in)
ENTITIES = {
    'organizer': ('Organization', 'organizations'),
    'sponsor': ('Organization', 'organizations'),
    'performer': ('Person', 'people'),
    'attendee': ('Person', 'people'),
    'location': ('Place', 'places'),
}
DEPENDENT = {'address': 'PostalAddress'}
ROLE_TYPES = {'Organization': 'OrganizationRole',
              'Person': 'PerformanceRole'}


def slug(s):
    return re.sub(r'[\W_]+', '-', s.lower()).strip('-')


def fold(s):
    return ' '.join(s.split()).casefold()


def as_list(v):
    return v if isinstance(v, list) else [v]


class Mapper:
    def __init__(self, graph, base, lang):
        self.g = graph
        self.base = base
        self.lang = lang
        self.index = {}   # folded id / name / alternateName -> (iri, type)

    def iri(self, collection, ident):
        return URIRef('%s%s/%s' % (self.base, collection, ident))

    def declare(self, node, collection, default_type):
        ident = node.get('id') or slug(as_list(node['name'])[0])
        iri = self.iri(collection, ident)
        kind = default_type
        for key in ('id', 'name', 'alternateName'):
            for v in as_list(node.get(key, [])):
                self.index.setdefault(fold(str(v)), (iri, kind))
        return iri

    def literal(self, prop, v):
        if prop in TEXT:
            return Literal(str(v), lang=self.lang)
        if prop in CODES:
            return Literal(str(v))
        if prop in URLS:
            return URIRef(v)
        if prop in DATES:
            if isinstance(v, datetime.datetime):
                return Literal(v, datatype=XSD.dateTime)
            if isinstance(v, datetime.date):
                return Literal(v, datatype=XSD.date)
            s = str(v)
            return Literal(s, datatype=XSD.dateTime if 'T' in s
                           else XSD.date)
        if prop in INTEGERS:
            return Literal(int(v), datatype=XSD.integer)
        if prop in BOOLEANS:
            return Literal(bool(v), datatype=XSD.boolean)
        if prop in ENUMS:
            return SDO[ENUMS[prop].get(v, v)]
        return Literal(str(v), lang=self.lang)

    def node(self, iri, data, default_type):
        """Adds the triples of mapping data about iri."""
        g = self.g
        g.add((iri, RDF.type, SDO[data.get('type', default_type)]))
        for key, value in data.items():
            if key in ('id', 'type', 'roleName'):
                continue
            prop = SDO[key]
            if key in DEPENDENT:
                for n, v in enumerate(as_list(value), 1):
                    frag = key if not isinstance(value, list) else \
                        '%s-%d' % (key, n)
                    child = URIRef('%s#%s' % (iri, frag))
                    g.add((iri, prop, child))
                    self.node(child, v, DEPENDENT[key])
            elif key in ENTITIES:
                self.relation(iri, key, value)
            else:
                for v in as_list(value):
                    g.add((iri, prop, self.literal(key, v)))

    def resolve(self, prop, item):
        """The IRI and type of the entity an item under prop stands for."""
        default_type, collection = ENTITIES[prop]
        name = item if isinstance(item, str) else item.get('name')
        if isinstance(item, dict) and 'id' in item:
            return self.iri(collection, item['id']), default_type, True
        hit = self.index.get(fold(name)) if name is not None else None
        if hit is not None:
            return hit[0], hit[1], False
        # Not declared: a new entity of the default type with that name.
        iri = self.iri(collection, slug(name))
        self.index[fold(name)] = (iri, default_type)
        return iri, default_type, True

    def relation(self, subject, prop, value):
        g = self.g
        p = SDO[prop]
        for n, item in enumerate(as_list(value), 1):
            target, kind, new = self.resolve(prop, item)
            g.add((subject, p, target))
            if isinstance(item, str):
                if new:
                    g.add((target, RDF.type, SDO[kind]))
                    g.add((target, SDO.name, Literal(item, lang=self.lang)))
                continue
            extra = {k: v for k, v in item.items() if k != 'roleName'}
            if new or len(extra) > 1:
                self.node(target, extra, kind)
            if 'roleName' in item:
                role = URIRef('%s#%s-%d' % (subject, prop, n))
                g.add((subject, p, role))
                g.add((role, RDF.type, SDO[ROLE_TYPES.get(kind, 'Role')]))
                g.add((role, SDO.roleName,
                       Literal(str(item['roleName']), lang=self.lang)))
                g.add((role, p, target))


def convert(doc, graph):
    base = doc.get('base', 'https://example.org/')
    lang = doc.get('lang')
    m = Mapper(graph, base, lang)
    declared = []
    for key, collection, kind in (('organizations', 'organizations',
                                   'Organization'),
                                  ('people', 'people', 'Person')):
        for item in doc.get(key) or []:
            declared.append((m.declare(item, collection, kind), item, kind))
    for iri, item, kind in declared:
        m.node(iri, item, kind)
    for event in doc.get('events') or []:
        ident = event.get('id') or slug(as_list(event['name'])[0])
        m.node(m.iri('events', ident), event, 'Event')


def main():
    ap = argparse.ArgumentParser(
        description='Convert gen-events.py YAML to schema.org RDF with rdflib.')
    ap.add_argument('-f', '--format', default='turtle',
                    choices=['nt', 'turtle', 'json-ld'])
    ap.add_argument('input')
    args = ap.parse_args()

    loader = getattr(yaml, 'CSafeLoader', yaml.SafeLoader)
    g = Graph()
    g.bind('schema', SDO, replace=True)
    with open(args.input, encoding='utf-8') as f:
        for doc in yaml.load_all(f, Loader=loader):
            convert(doc, g)
    out = g.serialize(format=args.format, encoding='utf-8')
    sys.stdout.buffer.write(out)


if __name__ == '__main__':
    main()
