#!/bin/bash
# Acceptance 3: one organization named in several input files of one run
# is one node; alternateName and case/space variants resolve to it.
. "$(dirname "$0")/lib.sh"
need_rapper
M="$top_srcdir/examples/multi"

evpub convert -f ntriples "$M/organizations.yaml" "$M/forum-2023.yaml" >"$TMP/out.nt"
check "converting two files exits 0" test $? -eq 0
"$RAPPER" -q -i ntriples -o ntriples "$TMP/out.nt" | LC_ALL=C sort -u >"$TMP/g.nt"

S='<http://schema.org/'
B='<https://events.example.org/'
org_of() {  # organizers (not role nodes) of an event, one per line
  grep "^${B}events/$1> ${S}organizer> " "$TMP/g.nt" | grep -v '#organizer' |
    sed 's/.* <\(.*\)> \.$/\1/' | sort -u
}
check "forum: variant name resolves to sjtu" \
  grep -qx "https://events.example.org/organizations/sjtu" <(org_of global-cities-forum-2023)
check "forum: alternateName in a mapping resolves to un-habitat" \
  grep -qx "https://events.example.org/organizations/un-habitat" <(org_of global-cities-forum-2023)
check "forum has 3 distinct organizers" test "$(org_of global-cities-forum-2023 | wc -l)" -eq 3
check "lab: SJTU and 上海交通大学 are one node, with world bank: 2 organizers" \
  test "$(org_of urban-lab-2023 | wc -l)" -eq 2
check "World Bank, named only, in both events is one node" \
  test "$(grep -c "${B}organizations/world-bank> ${S}name> " "$TMP/g.nt")" -eq 1
check "no stray organization minted from a variant" \
  test "$(grep -c "^${B}organizations/[^ #]*> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>" "$TMP/g.nt")" -eq 3
check "the role node points at un-habitat" \
  grep -q "^${B}events/global-cities-forum-2023#organizer-2> ${S}organizer> ${B}organizations/un-habitat> \.$" "$TMP/g.nt"

# the same in the other order of files: references may come first
evpub convert -f ntriples "$M/forum-2023.yaml" "$M/organizations.yaml" |
  "$RAPPER" -q -i ntriples -o ntriples - http://x/ | LC_ALL=C sort -u >"$TMP/g2.nt"
check "file order does not change the graph" cmp -s "$TMP/g.nt" "$TMP/g2.nt"

# standard input is one of the inputs
evpub convert -f ntriples "$M/organizations.yaml" - <"$M/forum-2023.yaml" |
  "$RAPPER" -q -i ntriples -o ntriples - http://x/ | LC_ALL=C sort -u >"$TMP/g3.nt"
check "reading one file from standard input gives the same graph" cmp -s "$TMP/g.nt" "$TMP/g3.nt"
finish
