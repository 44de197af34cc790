/* fuzz_common.h - what the libFuzzer harnesses of evpub share
 *
 * Each harness hands its input bytes to the converter through the public
 * API (src/evpub.h), so that the reader, the mapper, the validator and the
 * sinks all see them.  See doc/fuzzing.md.
 */
#ifndef EVPUB_FUZZ_COMMON_H
#define EVPUB_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>

/* Options of one iteration, derived from the input bytes only, so that a
 * reproducer always takes the same path. */
typedef struct {
  const char *reader;   /* "yaml", "csv" or "ics" */
  unsigned long expand; /* evpub_converter_set_expand(), 0: not called */
  int vary_output;      /* pick format, JSON-LD style and profile */
} evpub_fuzz_opts;

/* Run the converter (and, for some inputs, the validator) on data[size].
 * Everything made here is freed before it returns.  Returns 0. */
int evpub_fuzz_one(const uint8_t *data, size_t size,
                   const evpub_fuzz_opts *opts);

#endif
