#!/usr/bin/python3
"""Derive evpub's schema.org term table from a schema.org release.

Usage: vocab/gen-vocab.py [--outdir DIR] [SCHEMAORG_DIR]

SCHEMAORG_DIR holds schemaorg-current-http.ttl (default: ../shared/schemaorg
next to the source tree, i.e. <repo>/../shared/schemaorg).  The outputs are
written below DIR (default: the source tree):

  DIR/lib/map/vocab_data.c     C definitions of what lib/map/vocab.h declares
  DIR/vocab/types.tsv          name, kind, direct superclasses
  DIR/vocab/properties.tsv     name, domainIncludes, rangeIncludes, superseded
  DIR/vocab/members.tsv        enumeration member name, its enumeration type

The outputs are committed, because the schema.org files need not be present
at build time; tests/vocab-sync.sh checks that they are up to date.  The
output depends only on the input (same input -> same bytes).

Requires rdflib (as installed for /usr/bin/python3).
"""

import argparse
import os
import sys
import tempfile

try:
    import rdflib
    from rdflib import RDF, RDFS, URIRef
except ImportError:  # pragma: no cover
    sys.stderr.write("gen-vocab.py: rdflib is required (try /usr/bin/python3)\n")
    sys.exit(2)

RELEASE = "30.0"
SCHEMA = "http://schema.org/"
TTL_NAME = "schemaorg-current-http.ttl"

S_DATATYPE = URIRef(SCHEMA + "DataType")
S_ENUMERATION = URIRef(SCHEMA + "Enumeration")
S_DOMAIN = URIRef(SCHEMA + "domainIncludes")
S_RANGE = URIRef(SCHEMA + "rangeIncludes")
S_SUPERSEDED_BY = URIRef(SCHEMA + "supersededBy")

KIND_NAMES = {"class": "EVPUBP_VK_CLASS",
              "datatype": "EVPUBP_VK_DATATYPE",
              "enum": "EVPUBP_VK_ENUM"}


def warn(msg):
    sys.stderr.write("gen-vocab.py: warning: %s\n" % msg)


def in_schema(term):
    return isinstance(term, URIRef) and str(term).startswith(SCHEMA)


def local(term):
    return str(term)[len(SCHEMA):]


class Vocab(object):
    """The term table: plain Python data, shared by all writers."""

    def __init__(self):
        self.types = []    # [(name, kind, [super index, ...])]
        self.props = []    # [(name, [domain idx], [range idx], superseded)]
        self.members = []  # [(name, type index)]


def ancestors(start, supers):
    """All (transitive) schema.org superclasses of start."""
    seen = set()
    stack = [start]
    while stack:
        for sup in supers.get(stack.pop(), ()):
            if sup not in seen:
                seen.add(sup)
                stack.append(sup)
    return seen


def load(schemaorg_dir):
    path = os.path.join(schemaorg_dir, TTL_NAME)
    graph = rdflib.Graph()
    graph.parse(path, format="turtle")

    # --- types -----------------------------------------------------------
    classes = set(s for s in graph.subjects(RDF.type, RDFS.Class)
                  if in_schema(s))
    supers = {}
    for cls in classes:
        sups = set()
        for sup in graph.objects(cls, RDFS.subClassOf):
            if not in_schema(sup):
                continue  # external superclass (rdfs:Class, fibo, ...)
            if sup not in classes:
                warn("%s: superclass %s is not a schema.org class, dropped"
                     % (local(cls), local(sup)))
                continue
            sups.add(sup)
        supers[cls] = sups

    # Datatypes: schema:DataType itself, its instances (Text, Number, ...),
    # and their transitive subclasses (URL, Integer, ...).
    dt_roots = set(c for c in graph.subjects(RDF.type, S_DATATYPE)
                   if c in classes)
    kinds = {}
    for cls in classes:
        anc = ancestors(cls, supers)
        is_dt = cls == S_DATATYPE or cls in dt_roots or bool(anc & dt_roots)
        is_enum = cls == S_ENUMERATION or S_ENUMERATION in anc
        if is_dt and is_enum:
            warn("%s is both a datatype and an enumeration; "
                 "treated as datatype" % local(cls))
        kinds[cls] = "datatype" if is_dt else ("enum" if is_enum else "class")

    names = sorted(local(c) for c in classes)
    index = dict((URIRef(SCHEMA + n), i) for i, n in enumerate(names))
    if len(names) > 0xFFFF:
        raise SystemExit("gen-vocab.py: too many types for unsigned short")

    vocab = Vocab()
    for name in names:
        cls = URIRef(SCHEMA + name)
        vocab.types.append((name, kinds[cls],
                            sorted(index[s] for s in supers[cls])))

    def type_indices(prop, pred, what):
        out = set()
        for obj in graph.objects(prop, pred):
            if not in_schema(obj):
                continue  # only schema.org types are in the table
            if obj not in index:
                warn("%s: %s %s is not a schema.org class, dropped"
                     % (local(prop), what, local(obj)))
                continue
            out.add(index[obj])
        return sorted(out)

    # --- properties ------------------------------------------------------
    props = sorted(local(p) for p in graph.subjects(RDF.type, RDF.Property)
                   if in_schema(p))
    for name in props:
        prop = URIRef(SCHEMA + name)
        superseded = 1 if any(True for _ in
                              graph.objects(prop, S_SUPERSEDED_BY)) else 0
        vocab.props.append((name,
                            type_indices(prop, S_DOMAIN, "domainIncludes"),
                            type_indices(prop, S_RANGE, "rangeIncludes"),
                            superseded))

    # --- enumeration members ---------------------------------------------
    # Instances of Enumeration or of any of its transitive subclasses; one
    # row per (member, enumeration type).
    rows = set()
    for cls in classes:
        if kinds[cls] != "enum":
            continue
        for member in graph.subjects(RDF.type, cls):
            if in_schema(member):
                rows.add((local(member), index[cls]))
    vocab.members = sorted(rows)
    return vocab


# --- writers ---------------------------------------------------------------

def tsv(vocab):
    tname = [t[0] for t in vocab.types]
    join = lambda idx: ",".join(tname[i] for i in idx)
    types = ["name\tkind\tsupers\n"]
    for name, kind, sups in vocab.types:
        types.append("%s\t%s\t%s\n" % (name, kind, join(sups)))
    props = ["name\tdomains\tranges\tsuperseded\n"]
    for name, doms, rngs, sup in vocab.props:
        props.append("%s\t%s\t%s\t%d\n" % (name, join(doms), join(rngs), sup))
    members = ["name\ttype\n"]
    for name, tidx in vocab.members:
        members.append("%s\t%s\n" % (name, tname[tidx]))
    return "".join(types), "".join(props), "".join(members)


class Pool(object):
    """One static array of type indices; rows point into it."""

    def __init__(self, cname):
        self.cname = cname
        self.lines = []
        self.size = 0

    def add(self, owner, idx):
        if not idx:
            return "NULL"
        off = self.size
        self.lines.append("  %s /* %d %s */\n"
                          % (" ".join("%d," % i for i in idx), off, owner))
        self.size += len(idx)
        return "%s + %d" % (self.cname, off)

    def emit(self, out):
        out.append("static const unsigned short %s[%d] = {\n"
                   % (self.cname, max(self.size, 1)))
        out.extend(self.lines if self.lines else ["  0\n"])
        out.append("};\n\n")


def c_source(vocab):
    for name, _, _ in vocab.types:
        assert all(ch.isalnum() or ch == "_" for ch in name), name
    supers = Pool("vt_supers")
    domains = Pool("vp_domains")
    ranges = Pool("vp_ranges")

    trows = []
    for i, (name, kind, sups) in enumerate(vocab.types):
        trows.append('  /* %4d */ { "%s", %s, %d, %s },\n'
                     % (i, name, KIND_NAMES[kind], len(sups),
                        supers.add(name, sups)))
    prows = []
    for i, (name, doms, rngs, sup) in enumerate(vocab.props):
        prows.append('  /* %4d */ { "%s", %d, %s, %d, %s, %d },\n'
                     % (i, name, len(doms), domains.add(name, doms),
                        len(rngs), ranges.add(name, rngs), sup))
    tname = [t[0] for t in vocab.types]
    mrows = []
    for name, tidx in vocab.members:
        mrows.append('  { "%s", %d }, /* %s */\n' % (name, tidx, tname[tidx]))

    out = []
    out.append("/* clang-format off */\n")
    out.append("/* map/vocab_data.c - the schema.org term table\n"
               " *\n"
               " * Generated by vocab/gen-vocab.py from schema.org %s"
               " -- do not edit.\n"
               " * Human-readable copy: vocab/types.tsv, "
               "vocab/properties.tsv, vocab/members.tsv.\n"
               " */\n" % RELEASE)
    out.append('#include "map/vocab.h"\n\n')
    out.append('const char evpubp_vocab_release[] = "%s";\n\n' % RELEASE)
    supers.emit(out)
    domains.emit(out)
    ranges.emit(out)

    out.append("/* name, kind, nsupers, supers */\n")
    out.append("const evpubp_vtype evpubp_vocab_types[%d] = {\n"
               % max(len(trows), 1))
    out.extend(trows)
    out.append("};\n")
    out.append("const size_t evpubp_vocab_ntypes = %d;\n\n" % len(trows))

    out.append("/* name, ndomains, domains, nranges, ranges, superseded */\n")
    out.append("const evpubp_vprop evpubp_vocab_props[%d] = {\n"
               % max(len(prows), 1))
    out.extend(prows)
    out.append("};\n")
    out.append("const size_t evpubp_vocab_nprops = %d;\n\n" % len(prows))

    out.append("/* name, type */\n")
    out.append("const evpubp_vmember evpubp_vocab_members[%d] = {\n"
               % max(len(mrows), 1))
    out.extend(mrows)
    out.append("};\n")
    out.append("const size_t evpubp_vocab_nmembers = %d;\n" % len(mrows))
    return "".join(out)


def context_source(context_path):
    """Terms of the official JSON-LD context that a writer must know:
    those that coerce a bare string to a type (written as value objects),
    and keys that are not simply schema:<key> (prefixes, aliases)."""
    import json
    with open(context_path, encoding="utf-8") as f:
        ctx = json.load(f)["@context"]
    coerced = sorted(k for k, v in ctx.items()
                     if isinstance(v, dict) and "@type" in v)
    other = sorted(k for k, v in ctx.items()
                   if not k.startswith("@") and
                   not (isinstance(v, dict) and v.get("@id") == "schema:" + k))
    out = ["/* write/context_data.c - what the JSON-LD writer must know of\n"
           " * the official schema.org context (vocab/schemaorgcontext.jsonld)\n"
           " *\n"
           " * Generated by vocab/gen-vocab.py -- do not edit.\n"
           " */\n",
           '#include <stddef.h>\n\n',
           "/* terms with a @type coercion, sorted */\n",
           "const char *const evpubp_jsonld_coerced[] = {\n"]
    out += ['  "%s",\n' % k for k in coerced]
    out.append("};\nconst size_t evpubp_jsonld_ncoerced = %d;\n\n"
               % len(coerced))
    out.append("/* keys that do not stand for schema:<key>, sorted */\n"
               "const char *const evpubp_jsonld_other[] = {\n")
    out += ['  "%s",\n' % k for k in other]
    out.append("};\nconst size_t evpubp_jsonld_nother = %d;\n" % len(other))
    return "".join(out)


def write(path, text):
    """Write text atomically, with '\\n' line ends."""
    d = os.path.dirname(path)
    if not os.path.isdir(d):
        os.makedirs(d)
    fd, tmp = tempfile.mkstemp(prefix=".gen-vocab.", dir=d)
    try:
        with os.fdopen(fd, "w", encoding="ascii", newline="\n") as f:
            f.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def main(argv):
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(
        description="Generate evpub's schema.org term table.")
    ap.add_argument("schemaorg_dir", nargs="?",
                    default=os.path.join(os.path.dirname(repo),
                                         "shared", "schemaorg"),
                    help="directory holding %s (default: %%(default)s)"
                    % TTL_NAME)
    ap.add_argument("--outdir", default=repo,
                    help="write lib/ and vocab/ outputs below this "
                    "directory (default: the source tree, %(default)s)")
    args = ap.parse_args(argv)

    if not os.path.isfile(os.path.join(args.schemaorg_dir, TTL_NAME)):
        sys.stderr.write("gen-vocab.py: %s not found in %s\n"
                         % (TTL_NAME, args.schemaorg_dir))
        return 1

    vocab = load(args.schemaorg_dir)
    types_tsv, props_tsv, members_tsv = tsv(vocab)
    write(os.path.join(args.outdir, "lib", "map", "vocab_data.c"),
          c_source(vocab))
    write(os.path.join(args.outdir, "vocab", "types.tsv"), types_tsv)
    write(os.path.join(args.outdir, "vocab", "properties.tsv"), props_tsv)
    write(os.path.join(args.outdir, "vocab", "members.tsv"), members_tsv)
    write(os.path.join(args.outdir, "lib", "write", "context_data.c"),
          context_source(os.path.join(repo, "vocab",
                                      "schemaorgcontext.jsonld")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
