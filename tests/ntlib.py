"""N-Triples and N-Quads, read strictly: the one reader of the Python
checkers (hostile_gen.py, publish_check.py, store_check.py,
query_check.py).

Why our own: rdflib's N-Triples reader mis-reads some escapes (see
../shared/notes/independent-checkers.md), and the checkers compare
literals byte for byte.  Where it matters the reading is cross-checked
against rapper (publish_check.py reads rapper's re-serialization of the
same file and requires the same quads).

Terms are tuples:
    ("iri", value)   ("bnode", label)   ("lit", value, lang, datatype)
with lang and datatype None when absent and every escape decoded.

    read(path)         the statements of an N-Triples file: (s, p, o)
    read(path, True)   of an N-Quads file: (s, p, o, g), g None in the
                       default graph
    term(text)         one term that is the whole of text (a TSV field)

Anything else than RDF 1.1 N-Triples / N-Quads (lines ending in LF) raises
ParseError (a ValueError) naming the file, the line and the reason: a bad
escape, an escaped surrogate, a raw line break in a literal, a character
not allowed in an IRI, a literal as subject, predicate or graph, text
after the final '.'.  Invalid UTF-8 raises UnicodeDecodeError.
"""
import re


class ParseError(ValueError):
    pass


ECHAR = {"t": "\t", "b": "\b", "n": "\n", "r": "\r", "f": "\f", '"': '"',
         "'": "'", "\\": "\\"}
# IRIs and literals as "unrolled" loops (runs of plain characters between
# escapes), the fast way for Python's re
_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_IRIC = r'[^\x00-\x20<>"{}|^`\\]*'
_IRI = r"<(" + _IRIC + r"(?:(?:" + _UCHAR + r")" + _IRIC + r")*)>"
_LITC = r'[^"\\\n\r]*'
_LIT = r'"(' + _LITC + r"(?:\\." + _LITC + r')*)"'
_TERM = re.compile(
    r"[ \t]*(?:" + _IRI +                            # 1: IRI
    r"|_:([^ \t]+)" +                                # 2: blank node
    r"|" + _LIT +                                    # 3: literal
    r"(?:@([A-Za-z0-9-]+)|\^\^" + _IRI + r")?)")     # 4: lang, 5: datatype
_END = re.compile(r"[ \t]*\.[ \t]*(?:#.*)?$", re.S)

# One whole statement at once, the fast way to the same reading: a term
# pattern with named groups per position; the blank node label is matched
# atomically (a lookahead and a back reference), so that the statement
# pattern cannot take a label apart where _TERM would not.


def _term_pattern(i):
    iri = _IRI.replace("<(", "<(?P<i%d>" % i, 1)
    dt = _IRI.replace("<(", "<(?P<d%d>" % i, 1)
    return (r"(?:" + iri +
            r"|_:(?=(?P<b%d>[^ \t]+))(?P=b%d)" % (i, i) +
            r"|" + _LIT.replace("(", "(?P<l%d>" % i, 1) +
            r"(?:@(?P<g%d>[A-Za-z0-9-]+)|\^\^" % i + dt + r")?)")


_STATEMENT = re.compile(
    r"[ \t]*" + r"[ \t]*".join(_term_pattern(i) for i in range(3)) +
    r"(?:[ \t]*" + _term_pattern(3) + r")?[ \t]*\.[ \t]*(?:#.*)?", re.S)
# the groups in order: IRI, blank node, literal, language, datatype
assert [_STATEMENT.groupindex[k + str(i)] for i in range(4)
        for k in "iblgd"] == list(range(1, 21))
_ESCAPE = re.compile(r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.?)", re.S)


def unescape(s, echar=True):
    """Decode the escapes of s (UCHAR, and ECHAR when echar)."""
    if "\\" not in s:
        return s

    def one(m):
        e = m.group(1)
        if len(e) > 1:
            cp = int(e[1:], 16)
            if 0xD800 <= cp <= 0xDFFF or cp > 0x10FFFF:
                raise ParseError("escape of a non-character \\%s" % e)
            return chr(cp)
        if echar and e in ECHAR:
            return ECHAR[e]
        raise ParseError("unknown escape %r" % ("\\" + e))
    return _ESCAPE.sub(one, s)


def _term(m):
    """The term of a match of _TERM."""
    v = m.group(1)
    if v is not None:
        return ("iri", unescape(v, False) if "\\" in v else v)
    v = m.group(3)
    if v is not None:
        dt = m.group(5)
        if dt is not None and "\\" in dt:
            dt = unescape(dt, False)
        return ("lit", unescape(v) if "\\" in v else v, m.group(4), dt)
    return ("bnode", m.group(2))


def term(text):
    """The one term that is all of text."""
    m = _TERM.match(text)
    if not m or m.start(0) != 0 or text[:1] in (" ", "\t"):
        raise ParseError("not a term: %r" % text[:40])
    if m.end() != len(text):
        raise ParseError("text after the term: %r" % text[m.end():][:40])
    return _term(m)


def _fast(iri, bnode, lit, lang, dt):
    """A term from its five groups in _STATEMENT."""
    if iri is not None:
        return ("iri", unescape(iri, False) if "\\" in iri else iri)
    if lit is not None:
        if dt is not None and "\\" in dt:
            dt = unescape(dt, False)
        return ("lit", unescape(lit) if "\\" in lit else lit, lang, dt)
    return None if bnode is None else ("bnode", bnode)


def _statement(line, quads):
    m = _STATEMENT.fullmatch(line)
    if m:
        g = m.groups()
        t = (_fast(*g[0:5]), _fast(*g[5:10]), _fast(*g[10:15]),
             _fast(*g[15:20]))
        if (t[3] is None or quads) and t[0][0] != "lit" and \
                t[1][0] == "iri" and (t[3] is None or t[3][0] != "lit"):
            return t if quads else t[:3]
    return _slow(line, quads)


def _slow(line, quads):
    """Term by term: the reading of a line _STATEMENT refused, with the
    reason."""
    terms, pos, match = [], 0, _TERM.match
    m = match(line)
    while m:
        terms.append(_term(m))
        pos = m.end()
        m = match(line, pos)
    if not _END.match(line, pos):
        raise ParseError("expected a term or the final '.' at character %d"
                         % pos)
    if len(terms) not in ((3, 4) if quads else (3,)):
        raise ParseError("%d terms" % len(terms))
    if terms[0][0] == "lit" or terms[1][0] != "iri" or \
            (len(terms) == 4 and terms[3][0] == "lit"):
        raise ParseError("a literal or blank node where it cannot be")
    if quads and len(terms) == 3:
        terms.append(None)
    return tuple(terms)


def read(path, quads=False):
    """The statements of the file, in order (duplicates kept)."""
    with open(path, "rb") as f:
        text = f.read().decode("utf-8")
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    out = []
    for no, line in enumerate(lines, 1):
        stripped = line.lstrip(" \t")
        if not stripped or stripped.startswith("#"):
            continue
        try:
            out.append(_statement(line, quads))
        except ParseError as e:
            raise ParseError("%s:%d: %s: %r" % (path, no, e, line[:200]))
    return out
