#!/bin/bash
# convert -o against hostile file system objects, made in a temporary
# directory: each must survive as evpub(1) and doc/security.md say.  A
# device node (mknod), a FIFO, symbolic links (to a file, dangling, in a
# loop), a 0600 file, a file of another owner, hard links, a read-only
# directory, a directory, a full file system (a 64 KiB tmpfs), and runs
# that fail or are killed half way.  What needs root (mknod, chown,
# mount) is done when permitted and said when not.
. "$(dirname "$0")/lib.sh"

D=$TMP/fs
mkdir -p "$D"
umask 022
IN=$TMP/in.yaml
cat >"$IN" <<'EOF'
base: https://example.org/
events:
  - id: forum
    name: Global Cities Forum
    startDate: 2022-11-02
EOF
BAD=$TMP/bad.yaml
printf 'events:\n  - id: x\n    name: X\n    startDate: 2022-02-30\n' >"$BAD"
evpub convert -f nt "$IN" >"$TMP/expected.nt"
check "the reference output is there" test -s "$TMP/expected.nt"

# out PATH [ARGS...]: convert $IN to PATH as N-Triples; status in $rc
out() {
  local p=$1; shift
  evpub convert -f nt -o "$p" "$@" "$IN" 2>"$TMP/err"
  rc=$?
}
same() { cmp -s "$TMP/expected.nt" "$1"; }
mode_of() { stat -c %a "$1"; }
owner_of() { stat -c %U:%G "$1"; }
no_temp() { ! ls -a "$1" | grep -q '\.tmp\.'; }
root=0
[ "$(id -u)" -eq 0 ] && root=1

# ---- regular files ---------------------------------------------------------
out "$D/new.nt"
check "a new file: written, exit 0" test "$rc" -eq 0 -a -f "$D/new.nt"
check "a new file: the output" same "$D/new.nt"
check "a new file: 0666 less the umask (644)" test "$(mode_of "$D/new.nt")" = 644

echo secret >"$D/private.nt"
chmod 600 "$D/private.nt"
out "$D/private.nt"
check "a 0600 file stays 0600" test "$(mode_of "$D/private.nt")" = 600
check "a 0600 file gets the output" same "$D/private.nt"

echo old >"$D/kept.nt"
evpub convert -f nt -o "$D/kept.nt" "$BAD" 2>/dev/null
rc=$?
check "a failed run: exit 1" test "$rc" -eq 1
check "a failed run leaves the old file as it was" \
  test "$(cat "$D/kept.nt")" = old
check "a failed run leaves no temporary file" no_temp "$D"

echo old >"$D/linked.nt"
ln "$D/linked.nt" "$D/other-name.nt"
out "$D/linked.nt"
check "a hard link: the path named gets the output" same "$D/linked.nt"
check "a hard link: the other name keeps the old content (evpub(1))" \
  test "$(cat "$D/other-name.nt")" = old

# ---- symbolic links ----------------------------------------------------------
echo old >"$D/target.nt"
ln -s target.nt "$D/link.nt"
out "$D/link.nt"
check "a symlink stays a symlink" test -L "$D/link.nt"
check "a symlink: the file it names gets the output" same "$D/target.nt"

ln -s not-yet.nt "$D/dangling.nt"
out "$D/dangling.nt"
check "a dangling symlink: the file it names is made" same "$D/not-yet.nt"
check "a dangling symlink stays a symlink" test -L "$D/dangling.nt"

ln -s loop-b "$D/loop-a"
ln -s loop-a "$D/loop-b"
out "$D/loop-a"
check "a symlink loop: exit 3" test "$rc" -eq 3
check "a symlink loop: said" grep -q 'symbolic links' "$TMP/err"

# ---- what is not a regular file -------------------------------------------
mkfifo "$D/fifo"
timeout 20 cat "$D/fifo" >"$TMP/from-fifo" &
reader=$!
out "$D/fifo"
wait "$reader"
check "a FIFO: exit 0" test "$rc" -eq 0
check "a FIFO stays a FIFO" test -p "$D/fifo"
check "a FIFO: its reader gets the output" same "$TMP/from-fifo"

# Device nodes made here, never /dev's own: an evpub that still replaced
# what -o names would replace them, as root.
if mknod "$D/null" c 1 3 2>/dev/null && mknod "$D/full" c 1 7; then
  out "$D/null"
  check "a device node: exit 0" test "$rc" -eq 0
  check "a device node stays a character device" test -c "$D/null"
  check "a device node: no temporary file" no_temp "$D"
  out "$D/full"
  check "a full device (no space): exit 3" test "$rc" -eq 3
  check "a full device: said" grep -q 'No space left' "$TMP/err"
  check "a full device stays a character device" test -c "$D/full"
else
  echo "# mknod not permitted here: the device nodes are left out"
fi

mkdir "$D/adir"
out "$D/adir"
check "a directory: exit 3" test "$rc" -eq 3
check "a directory: said" grep -q 'Is a directory' "$TMP/err"
check "a directory stays a directory" test -d "$D/adir"

# ---- owners and read-only directories --------------------------------------
if [ "$root" = 1 ] && chown nobody:nogroup "$D/private.nt" 2>/dev/null; then
  chmod 640 "$D/private.nt"
  out "$D/private.nt"
  check "another owner's file keeps its owner" \
    test "$(owner_of "$D/private.nt")" = nobody:nogroup
  check "another owner's file keeps its mode" \
    test "$(mode_of "$D/private.nt")" = 640
  check "another owner's file gets the output" same "$D/private.nt"
fi
# as a user who may write the file and the directory but not chown: the
# file is written in place, so its owner stays
as_nobody=
if [ "$root" = 1 ] && command -v setpriv >/dev/null; then
  as_nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
fi
if [ -n "$as_nobody" ] && [ -z "$EVPUB_VALGRIND" ]; then
  U=$TMP/shared
  mkdir -m 1777 "$U"
  echo old >"$U/roots.nt"
  chmod 666 "$U/roots.nt"
  chmod o+x "$TMP"
  $as_nobody "$EVPUB" convert -f nt -o "$U/roots.nt" "$IN" 2>"$TMP/err"
  rc=$?
  check "a user writing root's 0666 file: exit 0" test "$rc" -eq 0
  check "... the file keeps its owner (written in place)" \
    test "$(owner_of "$U/roots.nt")" = root:root
  check "... and gets the output" same "$U/roots.nt"
  R=$TMP/readonly
  mkdir "$R"
  echo old >"$R/file.nt"
  chown -R nobody:nogroup "$R"
  chmod 555 "$R"
  $as_nobody "$EVPUB" convert -f nt -o "$R/file.nt" "$IN" 2>"$TMP/err"
  rc=$?
  check "a read-only directory, a writable file: written in place" \
    test "$rc" -eq 0
  check "... with the output" same "$R/file.nt"
  $as_nobody "$EVPUB" convert -f nt -o "$R/new.nt" "$IN" 2>"$TMP/err"
  rc=$?
  check "a read-only directory, a new file: exit 3" test "$rc" -eq 3
  check "... said" grep -q 'Permission denied' "$TMP/err"
  check "... nothing made" test ! -e "$R/new.nt"
  chmod 755 "$R"
else
  echo "# not root (or under valgrind): the other-user checks are left out"
fi

# ---- a full file system ------------------------------------------------------
F=$TMP/full
mkdir "$F"
if [ "$root" = 1 ] && mount -t tmpfs -o size=64k tmpfs "$F" 2>/dev/null; then
  on_exit "umount '$F' 2>/dev/null"
  echo old >"$F/out.nt"
  { echo "base: https://example.org/"; echo "events:"
    seq 2000 | sed 's/.*/  - id: e&\n    name: Event number &/'
  } >"$TMP/big.yaml"
  evpub convert -f nt -o "$F/out.nt" "$TMP/big.yaml" 2>"$TMP/err"
  rc=$?
  check "a full file system: exit 3" test "$rc" -eq 3
  check "a full file system: said" grep -q 'No space left' "$TMP/err"
  check "a full file system: the old file as it was" \
    test "$(cat "$F/out.nt")" = old
  check "a full file system: no temporary file" no_temp "$F"
  umount "$F"
else
  echo "# no tmpfs could be mounted: the full file system is left out"
fi

# ---- killed half way -----------------------------------------------------------
if [ -z "$EVPUB_VALGRIND" ]; then
  K=$TMP/killed
  mkdir "$K"
  { echo "base: https://example.org/"; echo "events:"
    seq 250000 | sed 's/.*/  - id: e&\n    name: Event &\n    startDate: 2022-11-02/'
  } >"$TMP/huge.yaml"
  for sig in INT TERM KILL; do
    echo old >"$K/out.nt"
    # a background job of a script ignores SIGINT: give it back its default
    env --default-signal=INT "$EVPUB" convert -f nt -o "$K/out.nt" \
      "$TMP/huge.yaml" 2>/dev/null &
    pid=$!
    sleep 1
    kill -s "$sig" "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    rc=$?
    check "SIG$sig half way: killed (status $rc)" test "$rc" -gt 128
    check "SIG$sig half way: the old file as it was" \
      test "$(cat "$K/out.nt")" = old
    check "SIG$sig half way: no temporary file left" no_temp "$K"
  done
fi

finish
