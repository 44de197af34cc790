/* fuzz_ics.c - libFuzzer harness: bytes -> the iCalendar reader (with
 * recurrence expansion for inputs of odd size), the mapper, the validator
 * and one of the sinks (see doc/fuzzing.md) */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  evpub_fuzz_opts o = { "ics", (size & 1) ? 3 : 0, 1 };
  return evpub_fuzz_one(data, size, &o);
}
