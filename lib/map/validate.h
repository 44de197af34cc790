/* map/validate.h - checks beyond the format (validate.c) */
#ifndef EVPUB_MAP_VALIDATE_H
#define EVPUB_MAP_VALIDATE_H

#include "read/read.h"
#include "map/index.h"
#include "map/report.h"

/* Check one event's description tree, read from file: the sanity rules,
 * and Google's Event rules too when google is set.  What is known of
 * the entities it names comes from ix (finished); findings go to rep. */
void evpubp_validate_event(evpubp_index *ix, const evpubp_reporter *rep,
                           const char *file, const evpubp_node *ev,
                           int google);

#endif /* EVPUB_MAP_VALIDATE_H */
