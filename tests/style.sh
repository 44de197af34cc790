#!/bin/bash
# Style: the .clang-format style (curl/raptor/librdf), no tabs, 79 columns,
# and none of curl's banned functions.
. "$(dirname "$0")/lib.sh"
cd "$top_srcdir" || exit 1
files=$(ls include/*.h lib/*.c lib/*.h lib/*/*.c lib/*/*.h src/*.c src/*.h tests/unit/*.c tests/unit/*.h examples/*.c | grep -v vocab_data.c)
if command -v clang-format >/dev/null 2>&1; then
  bad=""
  for f in $files; do
    clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || bad="$bad $f"
  done
  check "clang-format: no changes needed${bad:+ (run clang-format -i$bad)}" test -z "$bad"
elif [ "${EVPUB_CI:-}" = 1 ]; then
  fail "clang-format: not installed (required in CI: EVPUB_CI=1)"
else
  echo "# clang-format not installed: the format check is skipped"
fi
# shellcheck disable=SC2086
check "no tabs" test -z "$(grep -l "$(printf '\t')" $files)"
# shellcheck disable=SC2086
check "lines of at most 79 columns" test -z "$(awk 'length > 79 { print FILENAME ":" FNR }' $files)"
# shellcheck disable=SC2086
check "no strcpy, sprintf, atoi, strtok, gets" \
  test -z "$(grep -nE '\b(strcpy|strcat|sprintf|vsprintf|atoi|atol|strtok|gets)\(' $files)"
# shellcheck disable=SC2086
check "no assignment inside if(" \
  test -z "$(grep -nE '\bif\(\(?[a-z_>.-]+ = ' $files)"
finish
