#!/usr/bin/python3
"""Generate N synthetic events as evpub CSV (doc/csv.md).

usage: gen-csv.py N [--orgs M] [--people P] [--venues V] [--seed S] > events.csv

The same events as bench/gen-events.py with the same N, M, P, V and S: the
generator draws the same random numbers in the same order, so row i is
event ev-<i> of the YAML.  What CSV cannot say (one event per row, no
declarations, no document header):

  * no organizations or people are declared: organizers and performers are
    names, so they become entities minted from their names
    ({base}organizations/<slug of name>) with only a type and a name;
  * an organizer that the YAML names by alternateName or id is written
    with its full name here (nothing could resolve the short forms);
  * no `base` and no `lang`: give `--base https://bench.example.org/` on
    the command line; text literals carry no language tag.

Columns: id, type, name, description, startDate, endDate, eventStatus,
eventAttendanceMode, location.type, location.name,
location.address.streetAddress, location.address.addressLocality,
location.address.addressCountry, organizer (a ';' list),
organizer[1..8].roleName, performer (a ';' list), inLanguage (a ';' list),
keywords (a ';' list), maximumAttendeeCapacity, isAccessibleForFree.
Standard library only; streamed, so millions of events are fine.
"""

import argparse
import csv
import random
import sys

CHUNK = 2000  # rows per write

# Keep in step with bench/gen-events.py: the same pools, in the same order.
ORG_NAMES = [
    ('Städtisches Institut Nr. {k}', 'SIN'),
    ('Université de Génie Urbain {k}', 'UGU'),
    ('上海城市治理研究院 {k}', 'SCGI'),
    ('Østfold Byplanlegging {k}', 'OBP'),
    ('Fundação "Cidades Vivas" {k}', 'FCV'),
    ('Zürcher Stadtforum {k}', 'ZSF'),
    ('Instituto de Planificación Metropolitana {k}', 'IPM'),
    ('東京都市研究所 {k}', 'TUI'),
]
ADDRESSES = [
    ('DE', 'München', 'Hauptstraße {n}', '80{n:03d}'),
    ('FR', 'Orléans', '{n} rue de l’Église', '45{n:03d}'),
    ('CN', '上海', '华山路 {n} 号', '200{n:03d}'),
    ('NO', 'Tromsø', 'Storgata {n}', '9{n:03d}'),
    ('CH', 'Genève', 'Rue du Rhône {n}', '12{n:02d}'),
    ('JP', '京都市', '河原町通 {n}', '604-{n:04d}'),
    ('BR', 'São Paulo', 'Avenida Paulista, {n}', '01310-{n:03d}'),
    ('US', 'New York', '{n} Broadway', '10{n:03d}'),
]
PERSON_NAMES = ['Zoë Müller {k}', '张伟 {k}', 'José Álvarez {k}',
                'Ingrid Sørensen {k}', '佐藤 花子 {k}', "Siobhán O'Brien {k}",
                'Łukasz Wróbel {k}', 'Amélie Dubois {k}']
EVENT_NAMES = [
    'Forum „Städte von morgen“ {i}',
    '城市治理论坛 {i}',
    'Workshop on "Smart Mobility" {i}',
    'Café des Villes №{i}',
    "L'économie urbaine — séminaire {i}",
    'Konferenz für Stadtentwicklung {i}',
    'Global Cities Dialogue {i}: 开放与合作',
    'Encontro de Urbanismo Ibero-Americano {i}',
]
DESC_FIRST = [
    'Session {i} brings together mayors, researchers and “city makers” '
    'to discuss urban governance.',
    'Die {i}. Ausgabe widmet sich der Frage, wie Städte klimaneutral '
    'werden können.',
    '第 {i} 届会议聚焦城市更新与可持续发展。',
    'Édition {i} : des élus et des chercheurs débattent de la ville '
    'résiliente.',
    'Meeting {i} on "open data" for public transport and façade '
    'renovation.',
    'La reunión {i} reúne a planificadores de São Paulo, Zürich y 城市.',
]
DESC_SECOND = [
    'Talks are in English and 中文, with simultaneous interpretation.',
    'Participants from Tromsø to Genève share “lessons learned”.',
    'Registration is required; seats are limited — first come, first '
    'served.',
    'Materials are published under C:\\events\\shared after the session.',
    'Les présentations seront disponibles en ligne.',
]
KEYWORDS = ['urban governance', '城市更新', 'smart city', 'mobilité',
            'Klimaschutz', 'open data', 'housing', 'resilience']
ROLES = ['co-organizer', 'organizer', 'host', 'sponsor']
MODES = ['offline', 'online', 'mixed']
OFFSETS = ['+08:00', '+01:00', '-05:00', '+05:30', '+00:00', '+09:00']
MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
MAX_ORGANIZERS = 8

HEADER = (['id', 'type', 'name', 'description', 'startDate', 'endDate',
           'eventStatus', 'eventAttendanceMode', 'location.type',
           'location.name', 'location.address.streetAddress',
           'location.address.addressLocality',
           'location.address.addressCountry', 'organizer'] +
          ['organizer[%d].roleName' % k
           for k in range(1, MAX_ORGANIZERS + 1)] +
          ['performer', 'inLanguage', 'keywords', 'maximumAttendeeCapacity',
           'isAccessibleForFree'])


def multi(values):
    """A ';' cell: '\\' and ';' inside a value are escaped."""
    return '; '.join(v.replace('\\', '\\\\').replace(';', '\\;')
                     for v in values)


def venue_cells(j):
    country, locality, street, _ = ADDRESSES[(j * 7 + 3) % len(ADDRESSES)]
    num = (j * 7 + 3) % 997 + 1
    return ['Hotel' if j % 3 == 0 else 'EventVenue', 'Venue %d' % j,
            street.format(n=num), locality, country]


def write_events(w, out, rng, n, m, p, v):
    org_names = [None] + [ORG_NAMES[k % len(ORG_NAMES)][0].format(k=k)
                          for k in range(1, m + 1)]
    people = [None] + [PERSON_NAMES[k % len(PERSON_NAMES)].format(k=k)
                       for k in range(1, p + 1)]
    venues = {}
    rand = rng.random
    randrange = rng.randrange
    sample = rng.sample
    org_range = range(1, m + 1)
    people_range = range(1, p + 1)
    rows = []
    for i in range(1, n + 1):
        # the random draws of gen-events.py's write_events, in its order
        r = rand()
        etype = 'BusinessEvent' if r < 0.25 else \
            'EducationEvent' if r < 0.4 else ''
        name = EVENT_NAMES[randrange(len(EVENT_NAMES))].replace('{i}', str(i))
        d = DESC_FIRST[randrange(len(DESC_FIRST))].replace('{i}', str(i))
        if rand() < 0.5:
            d += ' ' + DESC_SECOND[randrange(len(DESC_SECOND))]
        month = randrange(12)
        day = randrange(MONTH_DAYS[month] - 2) + 1
        ndays = randrange(3)
        date1 = '%d-%02d-%02d' % (2020 + randrange(6), month + 1, day)
        date2 = date1[:8] + '%02d' % (day + ndays)
        if rand() < 0.5:
            start, end = date1, date2
        else:
            off = OFFSETS[randrange(len(OFFSETS))]
            h1 = 8 + randrange(4)
            m1 = '30' if rand() < 0.5 else '00'
            h2 = 14 + randrange(6)
            m2 = '30' if rand() < 0.5 else '00'
            start = '%sT%02d:%s:00%s' % (date1, h1, m1, off)
            end = '%sT%02d:%s:00%s' % (date2, h2, m2, off)
        mode = MODES[randrange(3)]
        j = randrange(v) + 1
        vc = venues.get(j)
        if vc is None:
            vc = venues[j] = venue_cells(j)
        orgs = []
        roles = [''] * MAX_ORGANIZERS
        for pos, k in enumerate(sample(org_range, 2 + randrange(7))):
            r = rand()
            orgs.append(org_names[k])
            if r >= 0.1:
                roles[pos] = ROLES[randrange(4)]
        perf = [people[k] for k in sample(people_range, 1 + randrange(3))]
        lang = 'en; zh' if rand() < 0.5 else 'en'
        kws = ''
        if rand() < 0.5:
            kws = multi(sample(KEYWORDS, 1 + randrange(3)))
        cap = 20 + randrange(50) * 10
        free = 'true' if rand() < 0.5 else 'false'
        rows.append(['ev-%d' % i, etype, name, d, start, end, 'scheduled',
                     mode] + vc + [multi(orgs)] + roles +
                    [multi(perf), lang, kws, str(cap), free])
        if len(rows) >= CHUNK:
            w.writerows(rows)
            rows = []
    w.writerows(rows)


def main():
    ap = argparse.ArgumentParser(
        description='Write N synthetic events as evpub CSV to stdout.')
    ap.add_argument('n', type=int, metavar='N', help='number of events')
    ap.add_argument('--orgs', type=int, metavar='M')
    ap.add_argument('--people', type=int, metavar='P')
    ap.add_argument('--venues', type=int, metavar='V')
    ap.add_argument('--seed', type=int, default=1, metavar='S')
    args = ap.parse_args()
    n = args.n
    if n < 0:
        ap.error('N must be >= 0')
    # the defaults of gen-events.py
    m = args.orgs if args.orgs is not None else min(20000, max(200, n // 20))
    if m < 8:
        ap.error('--orgs must be at least 8 (an event has up to 8 organizers)')
    p = args.people if args.people is not None else min(20000, max(100, n // 50))
    v = args.venues if args.venues is not None else max(50, n // 100)
    if p < 3 or v < 1:
        ap.error('--people must be at least 3 and --venues at least 1')
    rng = random.Random(args.seed)
    # gen-events.py first draws the organizations' types
    for _ in range(m):
        if rng.random() < 0.6:
            rng.randrange(4)
    out = open(sys.stdout.fileno(), 'w', encoding='utf-8', newline='',
               buffering=1 << 20, closefd=False)
    w = csv.writer(out, lineterminator='\n')
    w.writerow(HEADER)
    write_events(w, out, rng, n, m, p, v)
    out.flush()
    print('gen-csv: %d events, %d organizations, %d people, %d venues, '
          'seed %d' % (n, m, p, v, args.seed), file=sys.stderr)


if __name__ == '__main__':
    try:
        main()
    except BrokenPipeError:
        sys.exit(1)
