#!/bin/sh
# build.sh SRCDIR OUTDIR - build evpub's libFuzzer harnesses (doc/fuzzing.md)
#
# Compiles every .c file of lib_libevpubcore_la_SOURCES (read from
# SRCDIR/Makefile.am, so new sources are picked up) and each harness
# tests/fuzz/fuzz_NAME.c (all there are, so a new reader's harness is one
# new file) with clang -fsanitize=fuzzer,address,undefined, into
# OUTDIR/fuzz_NAME (objects in OUTDIR/obj).  Copies the seed corpora, the
# dictionaries, the sanitizer suppressions and the list of harnesses
# (share/harnesses) into OUTDIR/share so that run.sh needs only OUTDIR.
#
# A harness whose reader is still a placeholder (first line of
# lib/read/NAME.c says PLACEHOLDER) is not built.
#
# Environment: CC_FUZZ (default clang), FUZZ_CFLAGS (added to the compile
# flags), EVPUB_BUILDDIR (where configure wrote config.h; default: the
# directory two levels above OUTDIR, then SRCDIR), FUZZ_JOBS (parallel
# compiles, default 2).
#
# Exit status: 0 built, 77 skipped (no clang or no libFuzzer), 1 failed.
set -eu

if [ $# -ne 2 ]; then
  echo "usage: $0 SRCDIR OUTDIR" >&2
  exit 1
fi
srcdir=$(cd "$1" && pwd)
mkdir -p "$2"
outdir=$(cd "$2" && pwd)
fuzzdir=$srcdir/tests/fuzz
cc=${CC_FUZZ:-clang}
jobs=${FUZZ_JOBS:-2}

# The harnesses: tests/fuzz/fuzz_NAME.c, but for the shared fuzz_common.c.
harnesses=$(for f in "$fuzzdir"/fuzz_*.c; do
  h=${f##*/fuzz_}
  h=${h%.c}
  if [ "$h" != common ] && [ "$h" != '*' ]; then echo "$h"; fi
done)
if [ -z "$harnesses" ]; then
  echo "fuzz: no harness tests/fuzz/fuzz_NAME.c in $srcdir" >&2
  exit 1
fi

if ! command -v "$cc" >/dev/null 2>&1; then
  echo "fuzz: SKIP: $cc not found (libFuzzer needs clang)" >&2
  exit 77
fi

san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
base_cflags="-std=c11 -g -O1 -fno-omit-frame-pointer -Wall -Wextra"
pkgs="raptor2 redland rasqal libcurl yaml-0.1 yajl libical"

# libFuzzer present?  (Debian: clang-14 ships it in libclang-rt-14-dev.)
probe=$outdir/probe
printf '%s\n' '#include <stddef.h>' '#include <stdint.h>' \
  'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n);' \
  'int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)' \
  '{ (void)d; (void)n; return 0; }' >"$probe.c"
if ! "$cc" -fsanitize=fuzzer $san "$probe.c" -o "$probe" \
  >"$probe.log" 2>&1; then
  echo "fuzz: SKIP: $cc cannot link -fsanitize=fuzzer:" >&2
  sed 's/^/  /' "$probe.log" >&2
  rm -f "$probe" "$probe.c" "$probe.log"
  exit 77
fi
rm -f "$probe" "$probe.c" "$probe.log"

if ! pkg_cflags=$(pkg-config --cflags $pkgs) ||
  ! pkg_libs=$(pkg-config --libs $pkgs); then
  echo "fuzz: pkg-config does not know all of: $pkgs" >&2
  exit 1
fi

# The .c files of the library: lib_libevpubcore_la_SOURCES as make sees
# it (it is made of one variable per stage in SRCDIR/Makefile.am).
sources=$(printf 'include %s/Makefile.am\nprint:\n\t@echo $(lib_libevpubcore_la_SOURCES)\n' \
  "$srcdir" | make -s -f - print 2>/dev/null |
  tr ' \t' '\n\n' | grep '\.c$' || true)
if [ -z "$sources" ]; then
  echo "fuzz: no lib_libevpubcore_la_SOURCES in $srcdir/Makefile.am" >&2
  exit 1
fi

# config.h (evpub_network.c includes it): configure's, else a stand-in.
confdir=
for d in ${EVPUB_BUILDDIR:-} "$outdir/../.." "$srcdir"; do
  if [ -n "$d" ] && [ -f "$d/config.h" ]; then
    confdir=$(cd "$d" && pwd)
    break
  fi
done
if [ -z "$confdir" ]; then
  confdir=$outdir/include
  mkdir -p "$confdir"
  printf '%s\n' '/* stand-in written by tests/fuzz/build.sh */' \
    '#define DOT_PROGRAM "dot"' >"$confdir/config.h"
  echo "fuzz: no config.h found; using $confdir/config.h" >&2
fi

cppflags="-D_POSIX_C_SOURCE=200809L -I$srcdir/include -I$srcdir/lib -I$confdir $pkg_cflags"
cflags="$base_cflags ${FUZZ_CFLAGS:-}"
objdir=$outdir/obj
mkdir -p "$objdir"

# Recompile everything when the flags change; otherwise only the objects
# older than their source or than any header of include/ and lib/.
stamp="$cc $cppflags $cflags $san"
if [ ! -f "$objdir/flags" ] || [ "$(cat "$objdir/flags")" != "$stamp" ]; then
  rm -f "$objdir"/*.o
  printf '%s\n' "$stamp" >"$objdir/flags"
fi
newest_h=$(ls -t "$srcdir"/include/*.h "$srcdir"/lib/*.h "$srcdir"/lib/*/*.h \
  "$confdir/config.h" | head -1)

list=$objdir/list
: >"$list"
objs=
for s in $sources; do
  o=$objdir/$(printf '%s' "${s%.c}" | tr / _).o
  printf '%s %s\n' "$srcdir/$s" "$o" >>"$list"
  objs="$objs $o"
done
printf '%s %s\n' "$fuzzdir/fuzz_common.c" "$objdir/fuzz_common.o" >>"$list"
for h in $harnesses; do
  printf '%s %s\n' "$fuzzdir/fuzz_$h.c" "$objdir/fuzz_$h.o" >>"$list"
done

# Compile what is out of date, FUZZ_JOBS at a time.
export cc cppflags cflags san newest_h fuzzdir
status=0
xargs -P "$jobs" -n 2 sh -c '
  dep=$newest_h
  case $1 in "$fuzzdir"/*) dep=$fuzzdir/fuzz_common.h ;; esac
  if [ -f "$2" ] && [ ! "$1" -nt "$2" ] && [ ! "$newest_h" -nt "$2" ] &&
    [ ! "$dep" -nt "$2" ]; then exit 0; fi
  echo "  CC ${1##*/}"
  exec $cc $cppflags $cflags -fsanitize=fuzzer-no-link $san -c "$1" -o "$2"
' sh <"$list" || status=1
if [ $status -ne 0 ]; then
  echo "fuzz: compilation failed" >&2
  exit 1
fi

# Seeds, dictionaries and suppressions, for run.sh.
# (into OUTDIR/share: with an in-tree build OUTDIR is tests/fuzz itself)
share=$outdir/share
mkdir -p "$share"
for f in "$srcdir/tests/lsan.supp" "$srcdir/tests/asan.supp"; do
  if [ -f "$f" ]; then cp "$f" "$share/"; fi
done

printf '%s\n' "$harnesses" >"$share/harnesses"

built=
for h in $harnesses; do
  if [ -f "$srcdir/lib/read/$h.c" ] &&
    head -1 "$srcdir/lib/read/$h.c" | grep -q PLACEHOLDER; then
    echo "fuzz: fuzz_$h not built: lib/read/$h.c is a placeholder" >&2
    rm -f "$outdir/fuzz_$h"
    continue
  fi
  echo "  LD fuzz_$h"
  # shellcheck disable=SC2086
  "$cc" $cflags -fsanitize=fuzzer $san -o "$outdir/fuzz_$h" \
    "$objdir/fuzz_$h.o" "$objdir/fuzz_common.o" $objs $pkg_libs \
    -lcsv -lunistring -lm
  rm -rf "$share/seeds/$h"
  mkdir -p "$share/seeds/$h"
  cp "$fuzzdir/corpus/$h"/* "$share/seeds/$h/" 2>/dev/null || true
  rm -f "$share/$h.dict"
  if [ -f "$fuzzdir/$h.dict" ]; then
    cp "$fuzzdir/$h.dict" "$share/$h.dict"
  fi
  built="$built fuzz_$h"
done
echo "fuzz: built$built in $outdir"
