/* fuzz_json.c - libFuzzer harness: bytes -> the JSON reader (yajl and the
 * scanner of lib/read/json.c), the mapper, the validator and one of the
 * sinks (see doc/fuzzing.md) */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  evpub_fuzz_opts o = { "json", 0, 1 };
  return evpub_fuzz_one(data, size, &o);
}
