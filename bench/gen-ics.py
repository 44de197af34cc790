#!/usr/bin/env python3
"""Generate an iCalendar file of N VEVENTs for bench/ics.sh.

usage: gen-ics.py N [--seed S] [--recurring FRACTION] [--overrides K]

Deterministic for a seed.  About FRACTION of the events (default 0.2)
carry an RRULE (weekly, daily, monthly, yearly with BYDAY, COUNT, UNTIL,
INTERVAL, EXDATE); K of those (default N/100) get a RECURRENCE-ID
override, written after the series half of the time and before it
otherwise.  Events use system zones (TZID without VTIMEZONE), one
calendar VTIMEZONE, UTC, floating and all-day times, with locations,
GEO, categories, organizers and attendees, VALARMs and X- properties as
real exports have.  The override VEVENTs are extra: the file has
N + K VEVENTs.  Written to standard output, CRLF line ends, folded at
75 octets.
"""
import argparse
import datetime
import random
import sys

ZONES = ["Europe/Berlin", "America/New_York", "Asia/Shanghai",
         "Europe/London", "Australia/Sydney", "Custom/Zone"]
WORDS = ("forum summit workshop seminar meetup lecture colloquium "
         "conference hackathon reading group board meeting festival "
         "market concert tour briefing panel").split()
PLACES = ["Town Hall", "Room %d", "Library, Floor %d", "Main Auditorium",
          "Café Zürich", "Community Center %d"]
DAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def fold(line):
    raw = line.encode("utf-8")
    out, first = [], True
    while raw:
        n = 75 if first else 74
        if len(raw) <= n:
            out.append(raw)
            break
        cut = n
        while cut > 0 and (raw[cut] & 0xC0) == 0x80:
            cut -= 1  # do not split a character (exporters usually don't)
        out.append(raw[:cut])
        raw = raw[cut:]
        first = False
    return b"\r\n ".join(out) + b"\r\n"


def esc(s):
    return (s.replace("\\", "\\\\").replace(";", "\\;")
            .replace(",", "\\,").replace("\n", "\\n"))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--recurring", type=float, default=0.2)
    ap.add_argument("--overrides", type=int, default=None)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    nover = a.n // 100 if a.overrides is None else a.overrides
    w = sys.stdout.buffer
    out = lambda s: w.write(fold(s))
    for s in ["BEGIN:VCALENDAR", "VERSION:2.0",
              "PRODID:-//evpub//gen-ics.py//EN", "CALSCALE:GREGORIAN",
              "X-WR-CALNAME:Generated", "BEGIN:VTIMEZONE", "TZID:Custom/Zone",
              "BEGIN:STANDARD", "DTSTART:19701025T030000",
              "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
              "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "END:STANDARD",
              "BEGIN:DAYLIGHT", "DTSTART:19700329T020000",
              "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
              "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "END:DAYLIGHT",
              "END:VTIMEZONE"]:
        out(s)
    base = datetime.datetime(2022, 1, 3, 8, 0)
    recurring = []
    pending = []  # overrides to write before their series
    for i in range(a.n):
        uid = "ev-%06d-%08x@gen.example" % (i, rnd.getrandbits(32))
        start = base + datetime.timedelta(days=rnd.randrange(0, 700),
                                          minutes=15 * rnd.randrange(0, 48))
        kind = rnd.random()
        zone = rnd.choice(ZONES)
        fmt = "%Y%m%dT%H%M%S"
        lines = ["BEGIN:VEVENT", "UID:" + uid,
                 "DTSTAMP:20221020T081512Z",
                 "SUMMARY:" + esc(" ".join(rnd.choice(WORDS) for _ in
                                            range(rnd.randint(2, 5))).title()
                                   + " %d" % i)]
        if kind < 0.1:
            lines += ["DTSTART;VALUE=DATE:" + start.strftime("%Y%m%d"),
                      "DTEND;VALUE=DATE:" + (start + datetime.timedelta(
                          days=rnd.randint(1, 3))).strftime("%Y%m%d")]
            tz = None
        elif kind < 0.3:
            lines += ["DTSTART:" + start.strftime(fmt) + "Z",
                      "DURATION:PT%dM" % (30 * rnd.randint(1, 6))]
            tz = "Z"
        elif kind < 0.35:
            lines += ["DTSTART:" + start.strftime(fmt),
                      "DTEND:" + (start + datetime.timedelta(hours=1))
                      .strftime(fmt)]
            tz = ""
        else:
            tz = zone
            lines += ["DTSTART;TZID=%s:%s" % (zone, start.strftime(fmt)),
                      "DTEND;TZID=%s:%s" % (zone, (start + datetime.timedelta(
                          minutes=30 * rnd.randint(1, 8))).strftime(fmt))]
        place = rnd.choice(PLACES)
        if "%d" in place:
            place = place % rnd.randint(1, 50)
        lines.append("LOCATION:" + esc(place))
        if rnd.random() < 0.3:
            lines.append("GEO:%.5f;%.5f" % (rnd.uniform(-60, 60),
                                            rnd.uniform(-170, 170)))
        lines.append("DESCRIPTION:" + esc(
            "Generated event %d.\nSee the agenda, bring a laptop; "
            "coffee provided." % i))
        lines.append("CATEGORIES:" + ",".join(
            rnd.sample(["Science", "Culture", "Business", "Sport", "City"],
                       rnd.randint(1, 3))))
        lines.append('ORGANIZER;CN="Organizer %d":mailto:org%d@gen.example'
                     % (i % 300, i % 300))
        for k in range(rnd.randint(0, 4)):
            p = rnd.randrange(2000)
            lines.append("ATTENDEE;CN=Person %d;PARTSTAT=ACCEPTED:"
                         "mailto:p%d@gen.example" % (p, p))
        lines.append("X-MICROSOFT-CDO-BUSYSTATUS:BUSY")
        rec = rnd.random() < a.recurring and tz is not None
        if rec:
            r = rnd.random()
            if r < 0.5:
                rule = "FREQ=WEEKLY;BYDAY=%s;COUNT=%d" % (
                    DAYS[start.weekday()], rnd.randint(4, 30))
            elif r < 0.7:
                rule = "FREQ=DAILY;INTERVAL=%d;UNTIL=%s" % (
                    rnd.randint(1, 3),
                    (start + datetime.timedelta(days=60)).strftime(
                        "%Y%m%dT235959Z"))
            elif r < 0.9:
                rule = "FREQ=MONTHLY;BYDAY=2%s" % DAYS[rnd.randrange(7)]
            else:
                rule = "FREQ=YEARLY;BYMONTH=%d" % start.month
            lines.append("RRULE:" + rule)
            if rule.startswith("FREQ=WEEKLY") and rnd.random() < 0.5:
                ex = start + datetime.timedelta(weeks=2)
                if tz in ("", "Z"):
                    lines.append("EXDATE:" + ex.strftime(fmt) + tz)
                else:
                    lines.append("EXDATE;TZID=%s:%s" % (tz, ex.strftime(fmt)))
        lines += ["BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT15M",
                  "DESCRIPTION:Reminder", "END:VALARM", "END:VEVENT"]
        if rec and rule.startswith("FREQ=WEEKLY") and len(recurring) < nover:
            occ = start + datetime.timedelta(weeks=1)
            idl = ("RECURRENCE-ID:" + occ.strftime(fmt) + "Z" if tz == "Z"
                   else "RECURRENCE-ID:" + occ.strftime(fmt) if tz == ""
                   else "RECURRENCE-ID;TZID=%s:%s" % (tz, occ.strftime(fmt)))
            moved = occ + datetime.timedelta(hours=1)
            dts = ("DTSTART:" + moved.strftime(fmt) + tz if tz in ("", "Z")
                   else "DTSTART;TZID=%s:%s" % (tz, moved.strftime(fmt)))
            ov = ["BEGIN:VEVENT", "UID:" + uid, idl, dts,
                  "SUMMARY:Moved occurrence %d" % i, "END:VEVENT"]
            recurring.append(uid)
            if rnd.random() < 0.5:
                pending.append(ov)  # before the series: swap the order
                for s in ov:
                    out(s)
                for s in lines:
                    out(s)
                continue
            for s in lines:
                out(s)
            for s in ov:
                out(s)
            continue
        for s in lines:
            out(s)
    out("END:VCALENDAR")
    print("gen-ics.py: %d VEVENTs, %d overrides" % (a.n + len(recurring),
                                                    len(recurring)),
          file=sys.stderr)


if __name__ == "__main__":
    main()
