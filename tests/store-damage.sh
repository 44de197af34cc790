#!/bin/bash
# A damaged store (doc/store.md, "A damaged store"): every command that
# meets one fails with exit 3, says what is wrong and how to recover, and
# none writes into it.  And what is not damage: a new or empty directory,
# a first publish killed before its commit, a reader during the first
# publish.
. "$(dirname "$0")/lib.sh"
unset EVPUB_STORE
export XDG_DATA_HOME="$TMP/xdg"

S0="$TMP/good"
evpub publish -q --store "$S0" "$EXAMPLE" 2>"$TMP/err"
check "a store holding the example" test -f "$S0/CURRENT"
G=$(cat "$S0/CURRENT")
ASK='ASK { ?s ?p ?o }'

# fingerprint DIR: every file of the store but the locks, with its bytes
fingerprint() {
  (cd "$1" && find . -type f ! -name '*.lock' | LC_ALL=C sort |
    xargs -r sha256sum)
}

# damaged NAME WHAT PATTERN [COMMANDS]: the store $TMP/NAME (made damaged
# by the caller) is refused by query, network, export and publish (or the
# COMMANDS named) with exit 3 and a message matching PATTERN that says
# nothing was changed and how to recover; its files stay as they were
damaged() {
  local d="$TMP/$1" what=$2 pat=$3 cmds=${4:-query network export publish}
  local cmd rc
  fingerprint "$d" >"$TMP/before"
  for cmd in $cmds; do
    case $cmd in
      query) evpub query --store "$d" "$ASK" ;;
      network) evpub network --store "$d" -f csv ;;
      export) evpub export --store "$d" ;;
      publish) evpub publish -q --store "$d" "$EXAMPLE" ;;
    esac >"$TMP/out" 2>"$TMP/err"
    rc=$?
    check "$what: $cmd exits 3" test "$rc" -eq 3
    if grep -q -- "$pat" "$TMP/err" &&
      grep -q "is damaged: .*; nothing was changed; restore the store from a backup, or publish the event descriptions again into a new store directory" "$TMP/err"; then
      ok "$what: $cmd says what is wrong and how to recover"
    else
      fail "$what: $cmd says what is wrong and how to recover"
      sed 's/^/#   /' "$TMP/err" | head -n 5
    fi
    check "$what: $cmd prints no answer" test ! -s "$TMP/out"
  done
  fingerprint "$d" >"$TMP/after"
  check "$what: nothing in the store was changed" cmp -s "$TMP/before" "$TMP/after"
}

# copy NAME: a copy of the good store at $TMP/NAME
copy() { cp -a "$S0" "$TMP/$1"; }

copy nocurrent && rm "$TMP/nocurrent/CURRENT"
damaged nocurrent "CURRENT missing" \
  "CURRENT is missing, but generation $G holds a publish"
check "... and the message names the generation that would restore it" \
  grep -q "a file CURRENT holding the line '$G' restores the store" "$TMP/err"
echo "$G" >"$TMP/nocurrent/CURRENT"
check "CURRENT written back as the message says: the store reads again" \
  test "$(evpub query --store "$TMP/nocurrent" "$ASK" 2>&1)" = true

copy garbled && printf 'g0\001x\n' >"$TMP/garbled/CURRENT"
damaged garbled "CURRENT garbled" "CURRENT does not name a generation (it says 'g0\\\\x01x')"
copy emptycur && : >"$TMP/emptycur/CURRENT"
damaged emptycur "CURRENT empty" "CURRENT does not name a generation"
copy cutcur && printf '%s' "$G" >"$TMP/cutcur/CURRENT"
damaged cutcur "CURRENT without its newline" "CURRENT does not name a generation"

copy nogen && echo g000099 >"$TMP/nogen/CURRENT"
damaged nogen "CURRENT names a generation that is not there" \
  "CURRENT names generation g000099, but there is no directory g000099"

for f in db-contexts.db db-sp2o.db graphs.tsv facts.tsv lexical.tsv; do
  copy "no-$f" && rm "$TMP/no-$f/$G/$f"
  damaged "no-$f" "$f missing" \
    "CURRENT names generation $G, but $G/$f is missing"
done

copy nofiles && rm "$TMP/nofiles/FORMAT"
damaged nofiles "FORMAT missing" "it has a CURRENT file or generations, but no FORMAT"

# a side file cut short: its size is not the one it was committed with
copy cutfacts && : >"$TMP/cutfacts/$G/facts.tsv"
damaged cutfacts "facts.tsv emptied" \
  "$G/facts.tsv holds 0 bytes, but it was committed with"
copy bigdb && printf x >>"$TMP/bigdb/$G/db-po2s.db"
damaged bigdb "a Berkeley DB file grown" "$G/db-po2s.db holds"

# lines that do not parse, the sizes kept: the line is named by the
# commands that read the file (query and export do not read facts.tsv)
copy badfacts && sed -i '3s/\t/ /g' "$TMP/badfacts/$G/facts.tsv"
damaged badfacts "facts.tsv line 3 garbled" \
  "$TMP/badfacts/$G/facts.tsv:3:1: the store '$TMP/badfacts' is damaged: this line is not a record of the organizer facts" \
  "network publish"
copy badcode && sed -i '2s/\to\t/\tZ\t/' "$TMP/badcode/$G/facts.tsv"
cmp -s "$S0/$G/facts.tsv" "$TMP/badcode/$G/facts.tsv" && sed -i '2s/\t[a-z]\t/\tZ\t/' "$TMP/badcode/$G/facts.tsv"
damaged badcode "facts.tsv: a kind no version wrote" \
  "facts.tsv:2:1: .*is damaged" "network publish"
copy badgraphs && sed -i '5s/^./Z/' "$TMP/badgraphs/$G/graphs.tsv"
damaged badgraphs "graphs.tsv line 5 garbled" \
  "graphs.tsv:5:1: .*is damaged: this line is not a graph's record"
copy badfileslist && sed -i '1s/\t/ /' "$TMP/badfileslist/$G/files.tsv"
damaged badfileslist "files.tsv garbled" "files.tsv:1:1: .*is damaged"
# lexical.tsv: the example has no typed literal rasqal rewrites; a
# dateTime with .500 seconds and a +05:30 offset is one
cat >"$TMP/lex.yaml" <<'EOF'
base: https://lex.example.org/
events:
  - id: e1
    name: An event at half past
    startDate: 2024-05-01T10:00:00.500+05:30
EOF
L="$TMP/lex"
evpub publish -q --store "$L" "$TMP/lex.yaml" 2>"$TMP/err"
LG=$(cat "$L/CURRENT")
check "a store whose lexical.tsv holds records" test -s "$L/$LG/lexical.tsv"
sed -i '1s/\t/ /g' "$L/$LG/lexical.tsv"
damaged lex "lexical.tsv line 1 garbled" \
  "lexical.tsv:1:1: .*is damaged: this line is not a record of lexical forms"

# ---- what is not damage --------------------------------------------------
mkdir "$TMP/empty"
evpub publish -q --store "$TMP/empty" "$EXAMPLE" 2>"$TMP/err"
check "an empty directory becomes a store" test $? -eq 0 -a -f "$TMP/empty/CURRENT"
evpub publish -q --store "$TMP/new/deep" "$EXAMPLE" 2>"$TMP/err"
check "a new directory becomes a store" test $? -eq 0 -a -f "$TMP/new/deep/CURRENT"

# the first publish into a store, stopped before its commit and then
# killed: a reader meanwhile and afterwards sees an empty store, and the
# next publish completes it and removes what the killed one left
events 600 17 first
F="$TMP/first"
$EVPUB_VALGRIND "$EVPUB" publish -q --store "$F" "$TMP/first.yaml" &
wpid=$!
for _ in $(seq 1 600); do
  [ -d "$F/g000001" ] && break
  sleep 0.05
done
kill -STOP "$wpid" 2>/dev/null
check "the first publish is under way (its generation, not committed)" \
  test -d "$F/g000001" -a -e "$F/g000001.uncommitted" -a ! -e "$F/CURRENT"
out=$(evpub query --store "$F" "$ASK" 2>"$TMP/err")
check "a reader during the first publish: an empty store (exit 0, false)" \
  test $? -eq 0 -a "$out" = false
kill -KILL "$wpid" 2>/dev/null
kill -CONT "$wpid" 2>/dev/null
wait "$wpid" 2>/dev/null
out=$(evpub query --store "$F" "$ASK" 2>"$TMP/err")
check "after the first publish was killed: still an empty store" \
  test $? -eq 0 -a "$out" = false
sed 's/^/#   /' "$TMP/err" | head -n 3
evpub publish -q --store "$F" "$TMP/first.yaml" 2>"$TMP/err"
check "the next publish completes it" test $? -eq 0 -a -f "$F/CURRENT"
check "... and leaves one generation and no marker" \
  test "$(cd "$F" && ls -d g* | wc -l)" -eq 1 -a -z "$(cd "$F" && ls -d ./*.uncommitted 2>/dev/null)"

# killed between its commit and the removal of its marker: committed
copy marked && touch "$TMP/marked/$G.uncommitted"
check "the current generation with a leftover marker: it reads" \
  test "$(evpub query --store "$TMP/marked" "$ASK" 2>&1)" = true
evpub publish -q --store "$TMP/marked" "$EXAMPLE" 2>"$TMP/err"
check "... a publish goes on and removes the marker" \
  test $? -eq 0 -a ! -e "$TMP/marked/$G.uncommitted"

finish
