"""Acceptance checks on the Global Cities Forum 2022 output, by SPARQL
over rdflib (a parser and query engine evpub did not write).

Usage: check_example.py TURTLE_FILE QUERY_DIR
Prints ok/FAIL lines and exits 1 on any failure.
"""
import sys

import rdflib

g = rdflib.Graph()
g.parse(sys.argv[1], format="turtle")
qdir = sys.argv[2]
BASE = "https://events.example.org/"
PRE = "PREFIX schema: <http://schema.org/>\nPREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n"
FORUM = "<%sevents/global-cities-forum-2022>" % BASE
failed = 0


def q(text):
    return list(g.query(PRE + text))


def check(what, cond, detail=""):
    global failed
    if cond:
        print("ok - " + what)
    else:
        failed += 1
        print("FAIL - %s %s" % (what, detail))


ORG_TYPES = {"Organization", "CollegeOrUniversity", "GovernmentOrganization",
             "NGO", "ResearchOrganization"}

rows = q("SELECT DISTINCT ?o WHERE { %s schema:organizer ?o . ?o a ?t . "
         "FILTER NOT EXISTS { ?o schema:roleName ?r } }" % FORUM)
orgs = {str(r[0]) for r in rows}
check("the forum has exactly 8 organizers", len(orgs) == 8, sorted(orgs))
types = q("SELECT ?o ?t WHERE { %s schema:organizer ?o . ?o a ?t . "
          "FILTER NOT EXISTS { ?o schema:roleName ?r } }" % FORUM)
check("each organizer is an Organization or a subtype",
      all(str(t).replace("http://schema.org/", "") in ORG_TYPES
          for _, t in types) and len(types) == 8, types)

# the role query the README shows
with open(qdir + "/organizers-by-role.rq") as f:
    role_rows = list(g.query(f.read()))
by_role = {}
for ev, role, name in role_rows:
    if str(ev) == FORUM[1:-1]:
        by_role.setdefault(str(role) if role is not None else None,
                           set()).add(str(name))
check("5 co-organizers by role", len(by_role.get("co-organizer", ())) == 5,
      by_role)
check("3 organizers by role", len(by_role.get("organizer", ())) == 3, by_role)
check("co-organizers are the five the article names",
      by_role.get("co-organizer") == {
          "The Development Research Center of Shanghai Municipal People's Government",
          "Shanghai Municipal Administrative Committee of Housing and Urban-Rural Development",
          "Shanghai Jiao Tong University", "UN-Habitat", "World Bank"},
      by_role.get("co-organizer"))

rows = q("SELECT ?d WHERE { %s schema:startDate ?d }" % FORUM)
check("startDate is \"2022-11-02\"^^xsd:date",
      len(rows) == 1 and rows[0][0] == rdflib.Literal(
          "2022-11-02", datatype=rdflib.XSD.date), rows)
check("attendance mode Mixed", g.query(
    PRE + "ASK { %s schema:eventAttendanceMode schema:MixedEventAttendanceMode }"
    % FORUM).askAnswer)
check("status Scheduled", g.query(
    PRE + "ASK { %s schema:eventStatus schema:EventScheduled }" % FORUM).askAnswer)

rows = q("SELECT ?loc ?city WHERE { %s schema:location ?loc . "
         "?loc a schema:Hotel ; schema:address ?a . ?a a schema:PostalAddress ;"
         " schema:addressLocality ?city }" % FORUM)
check("location is a Hotel with a PostalAddress in Shanghai",
      len(rows) == 1 and str(rows[0][1]) == "Shanghai", rows)

rows = q("SELECT ?s ?n WHERE { %s schema:superEvent ?s . ?s schema:name ?n }"
         % FORUM)
check("superEvent is the World Cities Day event",
      len(rows) == 1 and str(rows[0][0]) == BASE + "events/world-cities-day-2022"
      and "World Cities Day" in str(rows[0][1]), rows)

rows = q("SELECT DISTINCT ?p ?t WHERE { %s schema:performer ?p . ?p a ?t . "
         "FILTER NOT EXISTS { ?p schema:roleName ?r } }" % FORUM)
check("3 performers, all Persons",
      len(rows) == 3 and all(str(t) == "http://schema.org/Person"
                             for _, t in rows), rows)

rows = q("SELECT ?org ?role WHERE { ?wu schema:name \"Wu Jiannan\"@en ; "
         "schema:affiliation ?org, ?r . ?r schema:roleName ?role ; "
         "schema:affiliation ?org . ?org a ?t . "
         "FILTER NOT EXISTS { ?org schema:roleName ?x } }")
roles = {(str(o).rsplit("/", 1)[1], str(r)) for o, r in rows}
check("Wu Jiannan has 3 affiliations, each with its role name",
      roles == {("ciug", "Executive Vice President"), ("sipa", "Dean"),
                ("aspa", "President")}, roles)

rows = q("SELECT ?k ?n WHERE { %s schema:subEvent ?k . ?k schema:performer ?p ."
         " ?p schema:name \"Wu Jiannan\"@en . ?k schema:name ?n }" % FORUM)
check("the keynote is a subEvent performed by Wu Jiannan",
      len(rows) == 1 and "High-Level Openness" in str(rows[0][1]), rows)

rows = q("SELECT ?w ?a WHERE { %s schema:workFeatured ?w . ?w a schema:Book ;"
         " schema:author ?a }" % FORUM)
authors = {str(a).rsplit("/", 1)[1] for _, a in rows}
check("the featured work is a Book authored by the two organizations",
      authors == {"ciug", "jiading-district"}, rows)

rows = q("SELECT ?p WHERE { ?c schema:name \"China Institute for Urban "
         "Governance\"@en ; schema:parentOrganization ?p . ?p schema:name "
         "\"Shanghai Jiao Tong University\"@en }")
check("CIUG's parentOrganization is Shanghai Jiao Tong University",
      len(rows) == 1 and str(rows[0][0]) == BASE + "organizations/sjtu", rows)

rows = q("SELECT ?n WHERE { ?s schema:name ?n }")
check("names carry @en", rows and all(getattr(n, "language", None) == "en"
                                      for (n,) in rows), [
    n for (n,) in rows if getattr(n, "language", None) != "en"])

bnodes = [t for t in g if any(isinstance(x, rdflib.BNode) for x in t)]
check("no blank nodes", not bnodes, bnodes[:3])

sys.exit(1 if failed else 0)
