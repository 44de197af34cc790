/* fuzz_yaml.c - libFuzzer harness: bytes -> the YAML/JSON reader, the
 * mapper, the validator and one of the sinks (see doc/fuzzing.md) */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  evpub_fuzz_opts o = { "yaml", 0, 1 };
  return evpub_fuzz_one(data, size, &o);
}
