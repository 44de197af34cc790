/* map/map.h - the mapper, as the converter sees it (private)
 *
 * The converter creates a mapper, hands it the readers' callbacks
 * (evpubp_mapper_callbacks) for each pass over the inputs, and asks it
 * what it found.
 */
#ifndef EVPUB_MAP_H
#define EVPUB_MAP_H

#include "read/read.h"
#include "write/write.h"
#include "map/vocab.h" /* for schema.c */

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

/* The pass that validates (evpub validate, convert --validate): after the
 * index is built, the spool is replayed and every event is checked. */
#define EVPUBP_PASS_VALIDATE 4
#define EVPUBP_PROFILE_NONE 0
#define EVPUBP_PROFILE_SCHEMA 1 /* the sanity rules */
#define EVPUBP_PROFILE_GOOGLE 2 /* and Google's Event rules */
void evpubp_mapper_set_profile(evpubp_mapper *m, int profile);
unsigned long evpubp_mapper_warnings(const evpubp_mapper *m);
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
/* Items of events read by pass 1. */
unsigned long evpubp_mapper_event_items(const evpubp_mapper *m);

extern const evpubp_reader_cb evpubp_mapper_callbacks;
/* What readers ask about schema.org (map/schema.c). */
extern const evpubp_schema evpubp_map_schema;

#endif /* EVPUB_MAP_H */
