/* choices.c - what the library offers, listed from the stages' tables
 *
 * Help texts, the man page checks and shell completion ask here, so a
 * new reader, writer or server kind reaches them with no other change.
 */
#include "network/network.h"
#include "query/query.h"
#include "read/read.h"
#include "remote/remote.h"
#include "write/write.h"

const evpub_choice *
evpub_choice_at(evpub_choice_kind kind, size_t i)
{
  const evpubp_sink_factory *f;
  const evpubp_reader *r;
  const evpubp_preset *p;
  switch(kind) {
  case EVPUB_WRITERS: f = evpubp_writer_at(i); return f ? &f->info : NULL;
  case EVPUB_READERS: r = evpubp_reader_at(i); return r ? &r->info : NULL;
  case EVPUB_SERVERS: p = evpubp_preset_at(i); return p ? &p->info : NULL;
  case EVPUB_QUERY_FORMATS: return evpubp_query_format_at(i);
  case EVPUB_NETWORK_FORMATS: return evpubp_network_format_at(i);
  }
  return NULL;
}
