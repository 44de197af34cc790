/* convert.h - the pipeline: inputs -> readers -> mapper -> a writer */
#ifndef EVPUB_CONVERT_H
#define EVPUB_CONVERT_H

#include "write/write.h"

/* prepare the converter's inputs and write every
 * statement to sink (start and finish are called). */
evpub_status evpubp_converter_run_sink(evpub_converter *conv,
                                       evpubp_sink *sink);

#endif /* EVPUB_CONVERT_H */
