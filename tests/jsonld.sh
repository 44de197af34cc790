#!/bin/bash
# JSON-LD output: an independent processor (pyld) reads it, offline, with
# the official schema.org 30.0 context and with that context stripped of
# its coercions, and finds exactly the Turtle output's triples.
. "$(dirname "$0")/lib.sh"
need_rapper
need_python
"$PYTHON" -c 'import pyld' 2>/dev/null || skip "python3-pyld not installed"
CTX="$top_srcdir/vocab/schemaorgcontext.jsonld"

canon() {  # canon FORMAT FILE: sorted N-Triples, via rapper
  "$RAPPER" -q -i "$1" -o ntriples "$2" http://base.invalid/ | LC_ALL=C sort -u
}

same_graph() {  # same_graph NAME INPUT...
  local name=$1; shift
  evpub convert -f turtle -o "$TMP/$name.ttl" "$@" || { fail "$name: turtle"; return; }
  evpub convert -f jsonld -o "$TMP/$name.jsonld" "$@" || { fail "$name: jsonld"; return; }
  canon turtle "$TMP/$name.ttl" >"$TMP/$name.want"
  check "$name: JSON-LD is JSON" "$PYTHON" -c 'import json,sys; json.load(open(sys.argv[1]))' "$TMP/$name.jsonld"
  for mode in official stripped; do
    if "$PYTHON" "$top_srcdir/tests/jsonld_check.py" "$CTX" $mode \
         "$TMP/$name.jsonld" >"$TMP/$name.$mode.nq" 2>"$TMP/err"; then
      canon nquads "$TMP/$name.$mode.nq" >"$TMP/$name.$mode.got"
      if cmp -s "$TMP/$name.want" "$TMP/$name.$mode.got"; then
        ok "$name: pyld with the $mode context gives the Turtle graph ($(wc -l <"$TMP/$name.want") triples)"
      else
        fail "$name: pyld with the $mode context gives another graph"
        diff "$TMP/$name.want" "$TMP/$name.$mode.got" | head -10
      fi
    else
      fail "$name: pyld failed"; head -5 "$TMP/err"
    fi
  done
}

same_graph example "$EXAMPLE"
same_graph multi "$top_srcdir/examples/multi/organizations.yaml" \
  "$top_srcdir/examples/multi/forum-2023.yaml"
"$PYTHON" "$top_srcdir/bench/gen-events.py" 1000 >"$TMP/gen.yaml" 2>/dev/null
same_graph generated-1000 "$TMP/gen.yaml"
printf 'base: https://one.example/\nlang: en\nname: Only One\nstartDate: 2024-05-01\n' >"$TMP/one.yaml"
same_graph single-event "$TMP/one.yaml"

# the example nests: organizers as objects with names, the keynote under
# subEvent, the venue with its address
"$PYTHON" - "$TMP/example.jsonld" <<'PY' && ok "example nests organizers, keynote, venue, book" || fail "example nesting"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["@context"] == "https://schema.org/"
forum = [o for o in doc["@graph"] if o["@id"].endswith("/events/global-cities-forum-2022")][0]
orgs = [o for o in forum["organizer"] if "name" in o]
assert len(orgs) == 8, len(orgs)
names = {o["name"]["@value"] for o in orgs}
assert "World Bank" in names and "Shanghai Jiao Tong University" in names, names
roles = [o for o in forum["organizer"] if o.get("@type") == "OrganizationRole"]
assert len(roles) == 8 and all("@id" in r["organizer"] for r in roles)
assert forum["subEvent"]["@id"].endswith("/events/gcf2022-keynote-wu")
assert forum["subEvent"]["performer"]["@id"].endswith("/people/wu-jiannan")
assert forum["location"]["@type"] == "Hotel"
assert forum["location"]["address"]["addressLocality"]["@value"] == "Shanghai"
assert forum["workFeatured"]["@type"] == "Book"
assert forum["startDate"] == {"@value": "2022-11-02", "@type": "http://www.w3.org/2001/XMLSchema#date"}
assert forum["eventStatus"] == {"@id": "http://schema.org/EventScheduled"}
PY
"$PYTHON" - "$TMP/single-event.jsonld" <<'PY' && ok "a single event is one object, not a @graph" || fail "single event shape"
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["@context"] == "https://schema.org/" and "@graph" not in doc
assert doc["@type"] == "Event" and doc["name"]["@value"] == "Only One"
PY

# Google style: plain strings
evpub convert -f jsonld --jsonld-style google "$EXAMPLE" >"$TMP/google.jsonld"
"$PYTHON" - "$TMP/google.jsonld" <<'PY' && ok "google style: plain dates, schema.org enumeration URLs" || fail "google style"
import json, sys
doc = json.load(open(sys.argv[1]))
forum = [o for o in doc["@graph"] if o["@id"].endswith("/events/global-cities-forum-2022")][0]
assert forum["startDate"] == "2022-11-02", forum["startDate"]
assert forum["eventStatus"] == "https://schema.org/EventScheduled"
assert forum["eventAttendanceMode"] == "https://schema.org/MixedEventAttendanceMode"
assert forum["name"] == "2022 Global Cities Forum"
PY
finish
