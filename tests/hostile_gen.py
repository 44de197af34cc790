#!/usr/bin/python3
"""hostile_gen.py - hostile-string round-trip corpus for tests/hostile.sh.

  hostile_gen.py gen OUTDIR
      writes into OUTDIR:
        corpus.yaml / corpus.json   every hostile string in every text-bearing
                                    key, under fixed ids (h-N...)
        noid.yaml / noid.json       hostile names without an id: the IRI is
                                    minted from the slug of the name
        direct.yaml / direct.json   strings that evpub writes correctly but
                                    rapper cannot carry (U+0000, U+FFFE,
                                    U+FFFF): checked on evpub's own N-Triples
        nulref.yaml / nulref.json   U+0000 in a string reference
        badname-N.yaml              names that cannot make an IRI (must be
                                    rejected with exit status 1)
      A .json file is a list of [subject IRI, predicate IRI, value, language
      tag or null]: the literal triples the output must hold.

  hostile_gen.py check EXPECTED.json FILE.nt
      parses FILE.nt (N-Triples: rapper's output, or evpub's own) with a
      strict parser and checks that every expected literal is there, byte
      for byte with its language tag, and that the subjects of the expected
      triples carry no other literal for those predicates.  Prints every
      mismatch with the repr of both sides; exit status 1 on any.

  hostile_gen.py same A.nt B.nt
      checks that two N-Triples files hold the same graph.

  hostile_gen.py corrupt IN.nt OUT.nt
      writes a copy of IN.nt with one literal's escaping damaged (the check
      above must then fail).

Standard library only (and tests/ntlib.py, the checkers' N-Triples reader).
"""
import json
import os
import sys
import unicodedata

from ntlib import ParseError, read as parse_nt

BASE = "https://hostile.example.org/"
SCHEMA = "http://schema.org/"

# --------------------------------------------------------------------------
# The corpus.  Each entry: (label, value).

def _controls():
    out = []
    for i in list(range(1, 0x20)) + [0x7F]:
        out.append(("control U+%04X" % i, "a%sb" % chr(i)))
    out.append(("all C0 controls and DEL",
                "".join(chr(i) for i in range(1, 0x20)) + "\x7f"))
    out.append(("C1 controls", "\x80 \x85 NEL \x9b CSI \x9f"))
    out.append(("lone control U+0001", "\x01"))
    out.append(("lone ESC", "\x1b[31mred\x1b[0m"))
    return out


def _long_string():
    unit = ('abc "q" \\ \\n \n\t\r <>{}|^` é 中文 😀 \u2028 \ufeff """ ' +
            "'''" + " %00 ; . ")
    s = (unit * (20000 // len(unit) + 1))[:20000]
    assert len(s) == 20000
    return s


CORPUS = [
    ("baseline ascii", "Plain ASCII event name"),
    # quotes
    ("double quotes", 'She said "hello" to "them"'),
    ("lone double quote", '"'),
    ("two double quotes", '""'),
    ("single quotes", "it's 'quoted' O'Reilly"),
    ("lone single quote", "'"),
    ("triple double quotes", '"""'),
    ("triple double quotes inside", 'a"""b"""c'),
    ("triple single quotes", "'''x'''"),
    ("quote at both ends", '"quoted"'),
    ("ends with quote", 'ends with "'),
    ("four quotes", '""""'),
    # backslashes and escapes written literally
    ("backslashes", "C:\\path\\to\\file"),
    ("trailing backslash", "ends with \\"),
    ("lone backslash", "\\"),
    ("double backslash", "\\\\"),
    ("backslash quote", '\\"'),
    ("backslash-n literally", "line\\nbreak"),
    ("backslash-backslash-n literally", "line\\\\nbreak"),
    ("backslash escapes literally", "\\t \\r \\b \\f \\' \\\" \\0 \\x41 \\e"),
    ("backslash-u literally", "\\u0041 \\U0001F600 \\uD83D\\uDE00 \\u"),
    ("backslash at end after quote", '"\\'),
    # line breaks, tabs
    ("newline", "line one\nline two"),
    ("only newline", "\n"),
    ("trailing newline", "text\n"),
    ("leading newline", "\ntext"),
    ("two trailing newlines", "text\n\n"),
    ("blank line inside", "para one\n\npara two"),
    ("CR", "a\rb"),
    ("CRLF", "a\r\nb"),
    ("only CRLF", "\r\n"),
    ("LF CR", "a\n\rb"),
    ("tab", "a\tb"),
    ("leading and trailing tab", "\tx\t"),
    ("mixed whitespace", " \t\n\r\x0b\x0c "),
] + _controls() + [
    # Unicode line and paragraph separators, BOM
    ("U+2028 U+2029", "a\u2028b\u2029c"),
    ("lone U+2028", "\u2028"),
    ("BOM inside", "a\ufeffb"),
    ("BOM at start", "\ufeffstart"),
    ("U+FFFD", "replacement \ufffd char"),
    ("max code point", "max \U0010ffff end"),
    ("private use", "pua \ue000 \U000f0000"),
    # emoji
    ("emoji", "smile 😀 party 🎉"),
    ("ZWJ family", "family 👩\u200d👩\u200d👧\u200d👦 ok"),
    ("flags", "flags 🇨🇳🇺🇳🇫🇷 🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"),
    ("skin tone and keycap", "👍🏽 1\ufe0f\u20e3 🏳\ufe0f\u200d🌈"),
    # right-to-left, bidi controls
    ("Hebrew", "שלום עולם"),
    ("Arabic", "مرحبا بالعالم"),
    ("RLO", "\u202eevil.exe\u202c txt"),
    ("LRO RLE PDF", "\u202dabc\u202c \u202bdef\u202c"),
    ("RLM LRM isolates", "a\u200fb\u200ec \u2067iso\u2069 \u2066x\u2069"),
    ("mixed bidi", "abc שלום 123 مرحبا \u202e456"),
    # CJK and other scripts
    ("CJK", "上海交通大学 全球城市论坛"),
    ("Japanese Korean", "ひらがな カタカナ 한국어"),
    ("CJK ext B", "𠀀𠀁𪚥"),
    ("ideographic space", "\u3000全角\u3000"),
    # combining marks
    ("decomposed e-acute", "cafe\u0301"),
    ("precomposed e-acute", "caf\u00e9"),
    ("zalgo", "Z\u0364\u0311\u0343a\u0308\u0356\u032dl\u036e\u0312go\u0319\u0314"),
    ("lone combining mark", "\u0301"),
    ("Hangul jamo", "\u1112\u1161\u11ab"),
    ("Devanagari", "हिन्दी"),
    ("Greek final sigma", "ΣΊΣΥΦΟΣ σίσυφος"),
    # looks like Turtle / N-Triples / SPARQL / JSON / HTML
    ("turtle injection 1", '"> . <http://evil> <p> "x'),
    ("turtle injection 2", '""" ; schema:name "pwned'),
    ("turtle prefix", "@prefix x: <y> ."),
    ("turtle base", "@base <http://evil/> . PREFIX s: <http://schema.org/>"),
    ("turtle lang and datatype", '"@en . "1"^^<http://www.w3.org/2001/XMLSchema#integer> .'),
    ("turtle comment and bnode", "# comment\n_:b0 a <http://evil> ."),
    ("turtle long string close", "\"\"\"@en ; schema:name '''x''' ."),
    ("ntriples line", '<http://a> <http://b> "c" .\n<http://d> <http://e> "f"@en .'),
    ("ntriples escape text", '"\\u0022" \\" \\\\'),
    ("sparql injection", '"} ; DROP ALL ; INSERT DATA {'),
    ("sparql injection 2", "'} ; DELETE WHERE { ?s ?p ?o } ; #"),
    ("sparql triple quoted", '"""} CLEAR GRAPH <g> ; LOAD <http://evil> #'),
    ("json", '{"@context": "http://evil", "@id": "x", "a": [1, "\\u0000"]}'),
    ("json close", '"}],"evil":true,"x":["'),
    ("html script", "</script><!--"),
    ("html tags", "<script>alert('x')</script><b>bold</b>"),
    ("html entities", "&lt;&amp;&#x22;&quot;&#0;"),
    ("xml cdata", "]]><![CDATA[x]]>"),
    # percent
    ("percent", "100% sure"),
    ("percent-00", "%00"),
    ("percent escapes", "%00%0A%22%3E %u0000 %%"),
    ("printf formats", "%s%n%x%d%p%1$s"),
    # spaces
    ("leading and trailing spaces", "  padded  "),
    ("leading space", " leading"),
    ("trailing space", "trailing "),
    ("only spaces", "   "),
    ("one space", " "),
    ("no-break spaces", "\u00a0\u00a0"),
    ("zero-width space", "a\u200bb"),
    # YAML indicators and typed-looking strings (quoted in the YAML)
    ("lone dash", "-"),
    ("dash space", "- item"),
    ("document markers", "---"),
    ("document end", "..."),
    ("tilde", "~"),
    ("question mark", "?"),
    ("colon", ":"),
    ("colon space", "key: value"),
    ("hash", "#"),
    ("alias", "*alias"),
    ("anchor", "&anchor"),
    ("tag", "!!str tagged"),
    ("pipe", "|"),
    ("greater than", ">"),
    ("at", "@"),
    ("backtick", "`"),
    ("directive", "%YAML 1.2"),
    ("flow sequence", "[a, b]"),
    ("flow mapping", "{a: b}"),
    ("merge key", "<<"),
    ("true", "true"),
    ("false", "false"),
    ("True", "True"),
    ("yes", "yes"),
    ("no", "no"),
    ("on", "on"),
    ("off", "off"),
    ("y", "y"),
    ("null", "null"),
    ("Null", "Null"),
    ("NULL", "NULL"),
    ("date", "2022-01-01"),
    ("datetime", "2022-01-01T09:00:00+08:00"),
    ("hex", "0x1F"),
    ("octal", "0o17"),
    ("leading zero", "017"),
    ("float exp", "1e3"),
    ("inf", ".inf"),
    ("minus inf", "-.inf"),
    ("nan", ".NaN"),
    ("sexagesimal", "12:30:00"),
    ("underscore number", "1_000"),
    ("plus one", "+1"),
    ("minus zero", "-0"),
    ("zero", "0"),
    ("decimal", "3.14"),
    ("equals", "="),
    # long
    ("20000 characters", _long_string()),
]

# Hand-written block scalars: (label, yaml header, content lines, value).
# The content lines are written indented under the key.
BLOCKS = [
    ("block literal clip", "|",
     ['first "line" with \\n and \\\\n literally',
      "  indented second line",
      "tab\there and trailing tab\t",
      '""" ; schema:name "pwned',
      "</script><!-- 上海 😀 שלום"],
     'first "line" with \\n and \\\\n literally\n  indented second line\n'
     'tab\there and trailing tab\t\n""" ; schema:name "pwned\n'
     "</script><!-- 上海 😀 שלום\n"),
    ("block literal strip", "|-",
     ['"> . <http://evil> <p> "x', "", '"} ; DROP ALL ; INSERT DATA {'],
     '"> . <http://evil> <p> "x\n\n"} ; DROP ALL ; INSERT DATA {'),
    ("block literal keep", "|+",
     ["@prefix x: <y> .", "", ""],
     "@prefix x: <y> .\n\n\n"),
    ("block folded", ">-",
     ["folded", "line", "", "next \\ para"],
     "folded line\nnext \\ para"),
]

# Names without an id (their IRI comes from the slug).
NOID_NAMES = [
    '"> . <http://evil> <p> "x',
    '""" ; schema:name "pwned',
    '"} ; DROP ALL ; INSERT DATA {',
    "</script><!--<b>Bold</b>",
    "%00 100% \\n",
    "Émile Zola 上海交通大学 😀 שלום مرحبا",
    "\u202eevil\u202c txt",
    "cafe\u0301 noe\u0308l",
    "\u01c4 title",
    "ΣΊΣΥΦΟΣ",
    "İstanbul",
    "line1\nline2\tTab\r\nCRLF",
    "  leading and trailing  ",
    "2022-01-01",
    "true",
    "👩\u200d👩\u200d👧 family 🇨🇳 flag",
]

# Names that give no slug at all.
BAD_NAMES = [
    "!!! ??? ...",
    '""" ; <> .',
    "😀🎉👩\u200d👩\u200d👧",
    "   ",
    "-",
    "\u202e\u200d\u0301",
    "\n\r\t",
]

# Strings rapper cannot carry; evpub's own N-Triples output is checked.
DIRECT = [
    ("NUL", "a\x00b"),
    ("lone NUL", "\x00"),
    ("NUL at end", "end\x00"),
    ("U+FFFE U+FFFF", "x\ufffey\uffffz"),
]

# --------------------------------------------------------------------------
# YAML writing

def yaml_raw_ok(c):
    """May c appear unescaped inside a double-quoted YAML scalar?"""
    o = ord(c)
    if c in '"\\':
        return False
    if o == 0x09 or 0x20 <= o <= 0x7E:
        return True
    if o in (0x85, 0x2028, 0x2029, 0xFEFF):   # line breaks, BOM
        return False
    return 0xA0 <= o <= 0xD7FF or 0xE000 <= o <= 0xFFFD or o >= 0x10000


NAMED = {"\x00": "\\0", "\x07": "\\a", "\b": "\\b", "\t": "\\t",
         "\n": "\\n", "\x0b": "\\v", "\x0c": "\\f", "\r": "\\r",
         "\x1b": "\\e", '"': '\\"', "\\": "\\\\", "\x85": "\\N",
         "\xa0": "\\_", "\u2028": "\\L", "\u2029": "\\P"}


def yaml_dq(s, raw=False):
    """A double-quoted YAML scalar for s.  raw: printable characters as
    UTF-8; else every non-ASCII character escaped, astral ones as
    \\UXXXXXXXX (libyaml rejects surrogate pairs)."""
    out = ['"']
    for i, c in enumerate(s):
        o = ord(c)
        if c in '"\\':
            out.append("\\" + c)
        elif raw and yaml_raw_ok(c):
            out.append(c)
        elif 0x20 <= o <= 0x7E:
            out.append(c)
        elif c in NAMED and (i % 2 == 0 or c in "\n\t"):
            out.append(NAMED[c])      # alternate named and numeric escapes
        elif o <= 0xFF:
            out.append("\\x%02X" % o)
        elif o <= 0xFFFF:
            out.append("\\u%04X" % o)
        else:
            out.append("\\U%08X" % o)
    out.append('"')
    return "".join(out)


def sq_ok(s):
    return all(yaml_raw_ok(c) or c in '"\\' for c in s) and "\n" not in s


def yaml_sq(s):
    return "'" + s.replace("'", "''") + "'"


def block_ok(s):
    if not s or not all(yaml_raw_ok(c) or c in '"\\\n' for c in s):
        return False
    lines = s.rstrip("\n").split("\n")
    if not any(lines):
        return False
    return all(line == "" or line.strip(" \t") != "" for line in lines)


def yaml_block(s, col):
    """Literal block scalar for s, for a key at column col."""
    body = s.rstrip("\n")
    trailing = len(s) - len(body)
    chomp = "-" if trailing == 0 else ("" if trailing == 1 else "+")
    ind = " " * (col + 2)
    lines = ["|2" + chomp]
    for line in body.split("\n"):
        lines.append(ind + line if line else "")
    lines.extend([""] * (trailing - 1 if trailing > 1 else 0))
    return "\n".join(lines)


class Yaml:
    def __init__(self):
        self.lines = []

    def add(self, text):
        self.lines.append(text)

    def text(self):
        return "\n".join(self.lines) + "\n"


def scalar(style, s, col):
    if style == "dq":
        return yaml_dq(s)
    if style == "raw":
        return yaml_dq(s, raw=True)
    if style == "sq":
        return yaml_sq(s)
    if style == "block":
        return yaml_block(s, col)
    raise ValueError(style)


# Keys per entity: (key, tagged)
EVENT_KEYS = [("name", True), ("alternateName", True), ("description", True),
              ("disambiguatingDescription", True), ("keywords", True)]
ORG_KEYS = [("name", True), ("alternateName", True), ("description", True),
            ("telephone", False), ("email", False)]
PERSON_KEYS = [("name", True), ("jobTitle", True), ("givenName", True),
               ("familyName", True), ("telephone", False), ("email", False)]
ADDRESS_KEYS = [("streetAddress", True), ("addressLocality", True),
                ("addressRegion", True), ("postalCode", False),
                ("addressCountry", False)]
LANGMAP_TAGS = ["en", "zh-Hans", "he", "ar"]


def variants(value):
    v = ["dq"]
    if any(ord(c) > 0x7F for c in value) and any(yaml_raw_ok(c) and ord(c) > 0x7F
                                               for c in value):
        v.append("raw")
    if sq_ok(value) and any(c in "'\"\\#:-&*!|>%@`" for c in value):
        v.append("sq")
    if block_ok(value) and "\n" in value:
        v.append("block")
    return v


def emit_set(y, exp, hid, value, style):
    """One event with every text-bearing key = value, plus an organizer,
    performer, location (with address), featured work and a language-map
    organization, all with fixed ids."""
    S = lambda k: SCHEMA + k
    ev = BASE + "events/" + hid
    org = BASE + "organizations/" + hid + "-org"
    per = BASE + "people/" + hid + "-person"
    pla = BASE + "places/" + hid + "-place"
    wrk = BASE + "works/" + hid + "-work"
    lmo = BASE + "organizations/" + hid + "-lm"

    def kv(col, key, tagged, subj):
        y.add(" " * col + key + ": " + scalar(style, value, col))
        exp.append([subj, S(key), value, "en" if tagged else None])

    # event (col 4 keys)
    y.add("  - id: " + hid)
    for k, t in EVENT_KEYS:
        kv(4, k, t, ev)
    y.add("    organizer:")
    y.add("      - id: %s-org" % hid)
    kv(8, "roleName", False, ev + "#organizer-1")
    for k, t in ORG_KEYS:
        kv(8, k, t, org)
    y.add("        address:")
    for k, t in ADDRESS_KEYS:
        kv(10, k, t, org + "#address")
    y.add("    performer:")
    y.add("      - id: %s-person" % hid)
    kv(8, "roleName", False, ev + "#performer-1")
    for k, t in PERSON_KEYS:
        kv(8, k, t, per)
    y.add("    location:")
    y.add("      id: %s-place" % hid)
    kv(6, "name", True, pla)
    y.add("      address:")
    for k, t in ADDRESS_KEYS:
        kv(8, k, t, pla + "#address")
    y.add("    workFeatured:")
    y.add("      id: %s-work" % hid)
    kv(6, "name", True, wrk)
    # language map: an organizer without a role
    y.add("    sponsor:")
    y.add("      id: %s-lm" % hid)
    y.add("      name:")
    for tag in LANGMAP_TAGS:
        y.add("        %s: %s" % (tag, scalar(style, value, 8)))
        exp.append([lmo, S("name"), value, tag])
    y.add("      alternateName:")
    y.add("        he: %s" % scalar(style, value, 8))
    exp.append([lmo, S("alternateName"), value, "he"])


def header(y):
    y.add("# generated by tests/hostile_gen.py - do not edit")
    y.add("base: " + BASE)
    y.add("lang: en")


def gen_corpus(outdir):
    y = Yaml()
    exp = []
    labels = {}
    header(y)
    y.add("events:")
    n = 0
    for label, value in CORPUS:
        for style in variants(value):
            n += 1
            hid = "h-%d" % n
            labels[hid] = "%s (%s)" % (label, style)
            y.add("  # %s" % labels[hid])
            emit_set(y, exp, hid, value, style)
    for label, head, content, value in BLOCKS:
        n += 1
        hid = "h-%d" % n
        labels[hid] = label
        ev = BASE + "events/" + hid
        y.add("  # %s" % label)
        y.add("  - id: " + hid)
        for k, t in EVENT_KEYS:
            y.add("    %s: %s" % (k, head))
            for line in content:
                y.add("      " + line if line else "")
            exp.append([ev, SCHEMA + k, value, "en"])
    write(outdir, "corpus", y.text(), exp, labels)


def slug(s):
    out = []
    pending = False
    for c in s:
        cat = unicodedata.category(c)
        if (c.isascii() and c.isalnum()) or (not c.isascii() and
                                              (cat[0] == "L" or cat == "Nd")):
            if pending and out:
                out.append("-")
            pending = False
            # Unicode simple case mapping, one code point to one
            low = "i" if c == "\u0130" else c.lower()
            out.append(low if len(low) == 1 else c)
        else:
            pending = True
    return "".join(out)


def event_with_id(y, exp, hid, name):
    """An event with an id and a plain name: its lines, the triple of its
    name, and its IRI."""
    y.add("  - id: " + hid)
    y.add("    name: " + name)
    ev = BASE + "events/" + hid
    exp.append([ev, SCHEMA + "name", name, "en"])
    return ev


def gen_noid(outdir):
    y = Yaml()
    exp = []
    header(y)
    y.add("events:")
    seen = set()
    for i, name in enumerate(NOID_NAMES):
        sl = slug(name)
        assert sl and sl not in seen, (name, sl)
        seen.add(sl)
        ev = BASE + "events/" + sl
        y.add("  - name: " + yaml_dq(name, raw=(i % 2 == 1)))
        y.add("    description: " + yaml_dq(name))
        exp.append([ev, SCHEMA + "name", name, "en"])
        exp.append([ev, SCHEMA + "description", name, "en"])
    # entities without ids under an event with an id
    ev = event_with_id(y, exp, "noid-holder", "holder")
    parts = [("organizer", "organizations", 'O\'Reilly & "Sons" <b>',
              '"> . <http://evil> <p> "x'),
             ("performer", "people", "Zoë \u202eÜnïcode\u202c 😀 \\n",
              '""" ; schema:name "pwned\n'),
             ("location", "places", 'Place """ ; <> . 上海', None),
             ("workFeatured", "works", "Work %00 </script><!--", None)]
    for key, coll, name, role in parts:
        y.add("    %s:" % key)
        ent = BASE + coll + "/" + slug(name)
        if role is not None:
            y.add("      - name: " + yaml_dq(name))
            y.add("        roleName: " + yaml_dq(role))
            y.add("        description: " + yaml_dq(name, raw=True))
            exp.append([ev + "#%s-1" % key, SCHEMA + "roleName", role, None])
        else:
            y.add("      name: " + yaml_dq(name))
            y.add("      description: " + yaml_dq(name, raw=True))
        exp.append([ent, SCHEMA + "name", name, "en"])
        exp.append([ent, SCHEMA + "description", name, "en"])
    # string values of entity properties: references that, matching no
    # declared entity, make a new entity with that name
    event_with_id(y, exp, "noid-refs", "refs")
    refs = [("sponsor", "organizations", 'Ref "sponsor" \\ </script> 😀\t'),
            ("performer", "people", "Ref\nperformer \u202eRLO\u202c ש"),
            ("location", "places", 'Ref """ ; schema:name "pwned place'),
            ("workFeatured", "works", "Ref %00 \\n work 上海")]
    for key, coll, name in refs:
        y.add("    %s: %s" % (key, yaml_dq(name)))
        exp.append([BASE + coll + "/" + slug(name), SCHEMA + "name", name,
                    "en"])
    write(outdir, "noid", y.text(), exp)
    for i, name in enumerate(BAD_NAMES):
        y = Yaml()
        header(y)
        y.add("events:")
        y.add("  - name: " + yaml_dq(name))
        with open(os.path.join(outdir, "badname-%d.yaml" % (i + 1)), "w",
                  encoding="utf-8", newline="") as f:
            f.write(y.text())


def gen_direct(outdir):
    y = Yaml()
    exp = []
    labels = {}
    header(y)
    y.add("events:")
    for i, (label, value) in enumerate(DIRECT):
        hid = "d-%d" % (i + 1)
        labels[hid] = label
        y.add("  # %s" % label)
        emit_set(y, exp, hid, value, "dq")
    # a name with U+0000 without an id, and as a string reference
    name = "nul\x00name"
    y.add("  # NUL in a name without an id, and in a reference")
    y.add("  - name: " + yaml_dq(name))
    ev = BASE + "events/" + slug(name)
    exp.append([ev, SCHEMA + "name", name, "en"])
    write(outdir, "direct", y.text(), exp, labels)
    # U+0000 in a string reference (a new organization with that name)
    y = Yaml()
    exp = []
    header(y)
    y.add("events:")
    event_with_id(y, exp, "nulref", "nulref")
    y.add("    organizer: " + yaml_dq("nul\x00org"))
    exp.append([BASE + "organizations/" + slug("nul\x00org"), SCHEMA + "name",
                "nul\x00org", "en"])
    write(outdir, "nulref", y.text(), exp)


def write(outdir, stem, text, exp, labels=None):
    with open(os.path.join(outdir, stem + ".yaml"), "w", encoding="utf-8",
              newline="") as f:
        f.write(text)
    with open(os.path.join(outdir, stem + ".json"), "w",
              encoding="ascii") as f:
        json.dump({"triples": exp, "labels": labels or {}}, f, indent=0)


# --------------------------------------------------------------------------
# Checking what rapper read back (N-Triples: tests/ntlib.py)

def short(v, limit=160):
    r = ascii(v)     # shows U+0301, U+202E, ... as escapes
    if len(r) > limit:
        r = r[:limit] + "...(%d chars)" % len(v)
    return r


def tag(lang):
    return "@" + lang if lang else " (no language tag)"


def first_diff(a, b):
    for k, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return k
    return min(len(a), len(b))


def cmd_check(expfile, ntfile):
    with open(expfile, encoding="ascii") as f:
        data = json.load(f)
    exp = data["triples"]
    labels = data.get("labels", {})
    try:
        triples = parse_nt(ntfile)
    except (ParseError, UnicodeDecodeError) as e:
        print("#   cannot parse: %s" % e)
        return 1
    got = {}
    for s, p, o in triples:
        if o[0] == "lit":
            # language tags compare case-insensitively (RDF 1.1; rapper's
            # N-Triples reader lower-cases them)
            got.setdefault((s[1], p[1]), []).append(
                (o[1], o[2].lower() if o[2] else None, o[3]))

    def label(subj):
        hid = subj.rsplit("/", 1)[-1].split("#")[0]
        for suffix in ("-org", "-person", "-place", "-work", "-lm"):
            if hid.endswith(suffix):
                hid = hid[:-len(suffix)]
        return labels.get(hid, "")

    problems = []
    found = 0
    want = {}
    for s, p, v, lang in exp:
        want.setdefault((s, p), []).append(
            (v, lang.lower() if lang else None, None))
    for (s, p), items in want.items():
        have = list(got.get((s, p), []))
        missing = []
        for it in items:
            if it in have:
                have.remove(it)
                found += 1
            else:
                missing.append(it)
        for it in missing:
            msg = "%s %s [%s]: expected %s%s" % (s, p, label(s), short(it[0]),
                                                tag(it[1]))
            near = [h for h in have if h[1] == it[1]] or have
            if near:
                h = near[0]
                msg += ", got %s%s%s" % (
                    short(h[0]), tag(h[1]), "^^<%s>" % h[2] if h[2] else "")
                if h[0] == it[0]:
                    msg += " (same text, different tag or datatype)"
                else:
                    k = first_diff(it[0], h[0])
                    msg += " (first difference at character %d: %s vs %s)" % (
                        k, short(it[0][k:k + 8], 60), short(h[0][k:k + 8], 60))
            else:
                msg += ", got nothing"
            problems.append(msg)
        if not missing:
            for h in have:
                problems.append("%s %s [%s]: unexpected literal %s%s" % (
                    s, p, label(s), short(h[0]), tag(h[1])))
    print("#   %s: %d of %d expected literals found, %d triples read" %
          (os.path.basename(ntfile), found, len(exp), len(triples)))
    for m in problems[:40]:
        print("#   mismatch: " + m)
    if len(problems) > 40:
        print("#   ... and %d more mismatches" % (len(problems) - 40))
    return 0 if not problems and found == len(exp) else 1


def cmd_same(a, b):
    """Do two N-Triples files hold the same graph (language tags compared
    case-insensitively: rapper's N-Triples reader lower-cases them, its
    Turtle reader does not)?"""
    def norm(path):
        out = []
        for s, p, o in parse_nt(path):
            if o[0] == "lit" and o[2]:
                o = (o[0], o[1], o[2].lower(), o[3])
            out.append((s, p, o))
        return out
    try:
        ta, tb = norm(a), norm(b)
    except (ParseError, UnicodeDecodeError) as e:
        print("#   cannot parse: %s" % e)
        return 1
    sa, sb = set(ta), set(tb)
    bad = 0
    for label, path, n, extra in ((a, a, len(ta), sa - sb),
                                  (b, b, len(tb), sb - sa)):
        if n != len(set(ta if path == a else tb)):
            print("#   %s: duplicate triples" % os.path.basename(path))
            bad = 1
        for t in sorted(extra, key=repr)[:10]:
            print("#   only in %s: %s" % (os.path.basename(path), short(t, 300)))
            bad = 1
    print("#   %d and %d triples" % (len(ta), len(tb)))
    return bad


def cmd_corrupt(src, dst):
    """Damage one escape in a hostile literal: \\" becomes \\\\" would break
    the syntax, so instead change the first escaped quote into an escaped
    apostrophe (still valid N-Triples, different value)."""
    with open(src, encoding="utf-8") as f:
        text = f.read()
    k = text.find('\\"')
    if k < 0:
        print("#   nothing to corrupt")
        return 1
    with open(dst, "w", encoding="utf-8", newline="") as f:
        f.write(text[:k] + "\\'" + text[k + 2:])
    return 0


def main(argv):
    if len(argv) == 3 and argv[1] == "gen":
        gen_corpus(argv[2])
        gen_noid(argv[2])
        gen_direct(argv[2])
        return 0
    if len(argv) == 4 and argv[1] == "check":
        return cmd_check(argv[2], argv[3])
    if len(argv) == 4 and argv[1] == "same":
        return cmd_same(argv[2], argv[3])
    if len(argv) == 4 and argv[1] == "corrupt":
        return cmd_corrupt(argv[2], argv[3])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
