"""Read evpub's JSON-LD with an independent processor (pyld), offline.

Usage: jsonld_check.py CONTEXT_FILE MODE JSONLD_FILE > out.nq
  MODE official: the context as schema.org 30.0 publishes it
  MODE stripped: the same context without any "@type" coercion
Writes the graph as N-Quads (pyld's serializer; read it with rapper).
"""
import json
import sys

from pyld import jsonld

ctx_path, mode, doc_path = sys.argv[1:4]
with open(ctx_path, encoding="utf-8") as f:
    context = json.load(f)
if mode == "stripped":
    for term, definition in context["@context"].items():
        if isinstance(definition, dict):
            definition.pop("@type", None)
elif mode != "official":
    sys.exit("mode must be official or stripped")

SERVED = {"https://schema.org/", "http://schema.org/",
          "https://schema.org", "http://schema.org"}


def loader(url, options=None):
    if url not in SERVED:
        raise jsonld.JsonLdError("offline: refusing to load " + url,
                                 "loading document failed")
    return {"contextUrl": None, "documentUrl": url, "document": context}


with open(doc_path, encoding="utf-8") as f:
    doc = json.load(f)
nq = jsonld.to_rdf(doc, {"format": "application/n-quads",
                         "documentLoader": loader})
sys.stdout.write(nq)
