#!/usr/bin/python3
"""Generate N synthetic event descriptions for evpub's benchmark.

usage: gen-events.py N [--orgs M] [--people P] [--venues V] [--seed S] > events.yaml

Writes one YAML document in the format of doc/spec (base, lang,
organizations, people, events).  The output is streamed: only the current
chunk of events is held in memory, so millions of events are fine.  The same
N, M and S always give the same bytes.

Shape (about 40 triples per event once mapped):
  * M organizations (default max(200, N/20), at most 20000), ids org-<k>,
    non-ASCII names, an alternateName, some with an Organization subtype,
    an address and a url;
  * max(100, N/50) people (at most 20000), ids person-<k>;
  * N events ev-<i>: 2-8 organizers (mostly {name, roleName} mappings,
    some plain strings naming an org by alternateName or id), 1-3
    performers by name, a venue from a pool of max(50, N/100) venues, dates
    or dateTimes with offsets, enumerations, codes, numbers, booleans.
Standard library only.
"""

import argparse
import random
import sys

CHUNK = 2000  # events per write()


def q(s):
    """A YAML double-quoted scalar for s (valid YAML 1.1 and 1.2)."""
    return '"' + s.replace('\\', '\\\\').replace('"', '\\"') + '"'


# Each organization template: (name, alternateName prefix); {k} is the number.
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
ORG_TYPES = ['NGO', 'GovernmentOrganization', 'CollegeOrUniversity',
             'ResearchOrganization']

# (country, locality, street template, postal code template); {n} number.
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


def org_name(k):
    return ORG_NAMES[k % len(ORG_NAMES)][0].format(k=k)


def org_alt(k):
    return '%s%d' % (ORG_NAMES[k % len(ORG_NAMES)][1], k)


def person_name(k):
    return PERSON_NAMES[k % len(PERSON_NAMES)].format(k=k)


def address_lines(n, indent, postal):
    """The address mapping of entity number n, as YAML lines."""
    country, locality, street, postcode = ADDRESSES[n % len(ADDRESSES)]
    num = n % 997 + 1
    pad = ' ' * indent
    lines = [pad + 'address:',
             pad + '  streetAddress: ' + q(street.format(n=num)),
             pad + '  addressLocality: ' + q(locality)]
    if postal:
        lines.append(pad + '  postalCode: ' + q(postcode.format(n=num)))
    # Always quoted: NO would be a YAML 1.1 boolean.
    lines.append(pad + '  addressCountry: ' + q(country))
    return '\n'.join(lines) + '\n'


def write_orgs(out, rng, m):
    out.write('organizations:\n')
    buf = []
    for k in range(1, m + 1):
        s = '  - id: org-%d\n' % k
        if rng.random() < 0.6:
            s += '    type: %s\n' % ORG_TYPES[rng.randrange(4)]
        s += ('    name: %s\n    alternateName: %s\n'
              % (q(org_name(k)), q(org_alt(k))))
        s += address_lines(k, 4, True)
        s += '    url: https://org-%d.example.org/\n' % k
        buf.append(s)
        if len(buf) >= CHUNK:
            out.write(''.join(buf))
            buf = []
    out.write(''.join(buf))


def write_people(out, p):
    out.write('people:\n')
    buf = []
    for k in range(1, p + 1):
        buf.append('  - id: person-%d\n    name: %s\n'
                   % (k, q(person_name(k))))
        if len(buf) >= CHUNK:
            out.write(''.join(buf))
            buf = []
    out.write(''.join(buf))


def venue_block(j):
    vtype = 'Hotel' if j % 3 == 0 else 'EventVenue'
    return ('    location:\n      type: %s\n      name: Venue %d\n'
            % (vtype, j)) + address_lines(j * 7 + 3, 6, False)


def write_events(out, rng, n, m, p, v):
    out.write('events:\n')
    # Quoted forms are computed once; an event only formats in its number.
    org_refs = [None] + [q(org_name(k)) for k in range(1, m + 1)]
    org_alts = [None] + [q(org_alt(k)) for k in range(1, m + 1)]
    people = [None] + [q(person_name(k)) for k in range(1, p + 1)]
    venues = {}
    name_t = [q(t) for t in EVENT_NAMES]
    desc1 = [t.replace('\\', '\\\\').replace('"', '\\"') for t in DESC_FIRST]
    desc2 = [t.replace('\\', '\\\\').replace('"', '\\"') for t in DESC_SECOND]
    kw = [q(t) for t in KEYWORDS]
    rand = rng.random
    randrange = rng.randrange
    sample = rng.sample
    org_range = range(1, m + 1)
    people_range = range(1, p + 1)
    buf = []
    for i in range(1, n + 1):
        parts = ['  - id: ev-%d\n' % i]
        r = rand()
        if r < 0.25:
            parts.append('    type: BusinessEvent\n')
        elif r < 0.4:
            parts.append('    type: EducationEvent\n')
        parts.append('    name: ' + name_t[randrange(len(name_t))]
                     .replace('{i}', str(i)) + '\n')
        d = desc1[randrange(len(desc1))].replace('{i}', str(i))
        if rand() < 0.5:
            d += ' ' + desc2[randrange(len(desc2))]
        parts.append('    description: "' + d + '"\n')
        month = randrange(12)
        day = randrange(MONTH_DAYS[month] - 2) + 1
        ndays = randrange(3)
        date1 = '%d-%02d-%02d' % (2020 + randrange(6), month + 1, day)
        date2 = date1[:8] + '%02d' % (day + ndays)
        if rand() < 0.5:
            parts.append('    startDate: %s\n    endDate: %s\n'
                         % (date1, date2))
        else:
            off = OFFSETS[randrange(len(OFFSETS))]
            parts.append('    startDate: %sT%02d:%s:00%s\n'
                         '    endDate: %sT%02d:%s:00%s\n'
                         % (date1, 8 + randrange(4),
                            '30' if rand() < 0.5 else '00', off,
                            date2, 14 + randrange(6),
                            '30' if rand() < 0.5 else '00', off))
        parts.append('    eventStatus: scheduled\n'
                     '    eventAttendanceMode: %s\n' % MODES[randrange(3)])
        j = randrange(v) + 1
        vb = venues.get(j)
        if vb is None:
            vb = venues[j] = venue_block(j)
        parts.append(vb)
        parts.append('    organizer:\n')
        for k in sample(org_range, 2 + randrange(7)):
            r = rand()
            if r < 0.06:
                parts.append('      - %s\n' % org_alts[k])
            elif r < 0.1:
                parts.append('      - org-%d\n' % k)
            else:
                parts.append('      - {name: %s, roleName: %s}\n'
                             % (org_refs[k], ROLES[randrange(4)]))
        parts.append('    performer: [%s]\n'
                     % ', '.join([people[k] for k in
                                  sample(people_range, 1 + randrange(3))]))
        parts.append('    inLanguage: [en, zh]\n' if rand() < 0.5
                     else '    inLanguage: [en]\n')
        if rand() < 0.5:
            parts.append('    keywords: [%s]\n'
                         % ', '.join(sample(kw, 1 + randrange(3))))
        parts.append('    maximumAttendeeCapacity: %d\n'
                     '    isAccessibleForFree: %s\n'
                     % (20 + randrange(50) * 10,
                        'true' if rand() < 0.5 else 'false'))
        buf.append(''.join(parts))
        if len(buf) >= CHUNK:
            out.write(''.join(buf))
            buf = []
    out.write(''.join(buf))


def main():
    ap = argparse.ArgumentParser(
        description='Write N synthetic events as evpub YAML to stdout.')
    ap.add_argument('n', type=int, metavar='N', help='number of events')
    ap.add_argument('--orgs', type=int, metavar='M',
                    help='organizations (default max(200, N/20), '
                    'at most 20000)')
    ap.add_argument('--people', type=int, metavar='P',
                    help='people (default max(100, N/50), at most 20000)')
    ap.add_argument('--venues', type=int, metavar='V',
                    help='venues (default max(50, N/100))')
    ap.add_argument('--seed', type=int, default=1, metavar='S',
                    help='random seed (default 1)')
    args = ap.parse_args()
    n = args.n
    if n < 0:
        ap.error('N must be >= 0')
    m = args.orgs if args.orgs is not None else min(20000, max(200, n // 20))
    if m < 8:
        ap.error('--orgs must be at least 8 (an event has up to 8 organizers)')
    p = args.people if args.people is not None else min(20000, max(100, n // 50))
    v = args.venues if args.venues is not None else max(50, n // 100)
    if p < 3 or v < 1:
        ap.error('--people must be at least 3 and --venues at least 1')
    rng = random.Random(args.seed)

    out = open(sys.stdout.fileno(), 'w', encoding='utf-8', newline='\n',
               buffering=1 << 20, closefd=False)
    out.write('# evpub benchmark input: gen-events.py %d --orgs %d --seed %d\n'
              'base: https://bench.example.org/\nlang: en\n\n'
              % (n, m, args.seed))
    write_orgs(out, rng, m)
    out.write('\n')
    write_people(out, p)
    out.write('\n')
    if n:
        write_events(out, rng, n, m, p, v)
    else:
        out.write('events: []\n')
    out.flush()
    print('gen-events: %d events, %d organizations, %d people, %d venues, '
          'seed %d' % (n, m, p, v, args.seed), file=sys.stderr)


if __name__ == '__main__':
    try:
        main()
    except BrokenPipeError:
        sys.exit(1)
