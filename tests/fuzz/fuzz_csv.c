/* fuzz_csv.c - libFuzzer harness: bytes -> the CSV reader, the mapper,
 * the validator and one of the sinks (see doc/fuzzing.md) */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  evpub_fuzz_opts o = { "csv", 0, 1 };
  return evpub_fuzz_one(data, size, &o);
}
