#!/usr/bin/python3
"""rdflib's reading of a case's Turtle (for tests/cases.sh, the `rdflib`
marker of a case).

usage: rdflib_witness.py CASE_DIR OUTPUT.ttl

OUTPUT.ttl is evpub's Turtle for the case's command (its `args` with
-f turtle added), read with rdflib, a parser evpub did not write:

  * every xsd:date / xsd:dateTime literal has a valid lexical form (month,
    day of that month, hour, minute, second, offset) and a value, and there
    is at least one when the inputs have a VEVENT;
  * for the iCalendar inputs named in `args`: each VEVENT is accounted for
    (without --expand, the number of schema:Event nodes equals the number
    of VEVENTs; with it, at least), and each SUMMARY is the name of an
    Event.

Prints what is wrong and exits 1, or exits 0.
"""
import calendar
import os
import re
import sys

import rdflib
from rdflib.namespace import RDF, XSD

S = rdflib.Namespace("http://schema.org/")
DATE_RE = re.compile(r"^-?\d{4,}-(\d\d)-(\d\d)$")
DT_RE = re.compile(r"^-?\d{4,}-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?"
                   r"(Z|[+-](\d\d):(\d\d))?$")


def vevents(path):
    """The number of VEVENTs of an .ics file and their SUMMARY values."""
    with open(path, "rb") as f:
        raw = f.read().replace(b"\r\n", b"\n")
    raw = re.sub(rb"\n[ \t]", b"", raw)        # unfold, then decode: a fold
    raw = raw.decode("utf-8-sig")               # may split a character
    nvevent, summaries, in_event, nested = 0, [], False, 0
    for ln in raw.split("\n"):
        u = ln.upper()
        if u == "BEGIN:VEVENT":
            nvevent += 1
            in_event, nested = True, 0
        elif u == "END:VEVENT":
            in_event = False
        elif in_event and u.startswith("BEGIN:"):
            nested += 1
        elif in_event and u.startswith("END:"):
            nested -= 1
        elif in_event and nested == 0 and re.match(r"(?i)SUMMARY[;:]", ln):
            v = ln.split(":", 1)[1]
            v = re.sub(r"\\([nN])", "\n", v)
            v = re.sub(r"\\(.)", r"\1", v)
            summaries.append(v)
    return nvevent, summaries


def valid_date(o):
    lex = str(o)
    m = (DATE_RE if o.datatype == XSD.date else DT_RE).match(lex)
    if not m:
        return False
    y = int(lex[:4])
    mo, d = int(m.group(1)), int(m.group(2))
    if not (1 <= mo <= 12 and 1 <= d <= calendar.monthrange(y, mo)[1]):
        return False
    if o.datatype == XSD.dateTime:
        h, mi, se = int(m.group(3)), int(m.group(4)), int(m.group(5))
        if not (h < 24 and mi < 60 and se < 60):
            return False
        if m.group(8) and not (int(m.group(8)) <= 14 and int(m.group(9)) < 60):
            return False
    return o.value is not None


def main(case_dir, ttl):
    with open(os.path.join(case_dir, "args"), encoding="utf-8") as f:
        args = f.read().split()
    expanded = "--expand" in args
    nvevent, summaries = 0, []
    for a in args:
        if a.endswith(".ics"):
            n, s = vevents(os.path.join(case_dir, a))
            nvevent += n
            summaries += s
    g = rdflib.Graph()
    g.parse(ttl, format="turtle")
    events = set(g.subjects(RDF.type, S.Event))
    names = {str(o) for s in events for o in g.objects(s, S.name)}
    bad = []
    if expanded:
        if len(events) < nvevent:
            bad.append("%d Event nodes for %d VEVENTs" % (len(events), nvevent))
    elif len(events) != nvevent:
        bad.append("%d Event nodes for %d VEVENTs" % (len(events), nvevent))
    for sm in summaries:
        if sm not in names:
            bad.append("SUMMARY %r is not the name of an Event" % sm)
    ndates = 0
    for _, _, o in g:
        if isinstance(o, rdflib.Literal) and o.datatype in (XSD.date,
                                                            XSD.dateTime):
            ndates += 1
            if not valid_date(o):
                bad.append("invalid %s literal %r" % (o.datatype, str(o)))
    if nvevent and not ndates:
        bad.append("no xsd:date or xsd:dateTime literal at all")
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
