/* evpub_mapper.h - the mapper's interface to the converter (private) */
#ifndef EVPUB_MAPPER_H
#define EVPUB_MAPPER_H

#include "evpub_private.h"

typedef struct evpubp_mapper evpubp_mapper;

/* base_override is borrowed and must outlive the mapper. */
evpubp_mapper *evpubp_new_mapper(evpub_world *w, const char *base_override,
                                 unsigned long max_errors);
void evpubp_free_mapper(evpubp_mapper *m);
/* Name of the input being read (copied). */
void evpubp_mapper_set_file(evpubp_mapper *m, const char *name);
/* Pass 1 checks and indexes; pass 2 writes to sink (borrowed). */
void evpubp_mapper_start_pass(evpubp_mapper *m, int pass, evpubp_sink *sink);
/* The pass that reads the inputs again after pass 1, when references
 * may mean events read before them or event IRIs may clash; it records
 * those events in full.  Needed when evpubp_mapper_needs_recheck(). */
#define EVPUBP_PASS_RECHECK 3
int evpubp_mapper_needs_recheck(const evpubp_mapper *m);
/* Pass 2 maps only the items of events (EVPUBP_C_EVENTS), only the
 * others (EVPUBP_C_ORGANIZATIONS: any other collection), or all (-1). */
void evpubp_mapper_only(evpubp_mapper *m, int only);
/* After pass 1: build the index.  0 ok, 1 errors reported, -1 no memory */
int evpubp_mapper_finish(evpubp_mapper *m);
/* 1 when some document has no base and none was given */
int evpubp_mapper_warn_base(evpubp_mapper *m);
unsigned long evpubp_mapper_errors(const evpubp_mapper *m);
unsigned long evpubp_mapper_triples(const evpubp_mapper *m);
unsigned long evpubp_mapper_events(const evpubp_mapper *m);

extern const evpubp_reader_cb evpubp_mapper_callbacks;

#endif
