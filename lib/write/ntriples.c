/* write/ntriples.c - the N-Triples and N-Quads writers */
#include <stdlib.h>
#include <string.h>

#include "write/write.h"

/* Statements about one subject come in runs: its escaped form is reused
 * (held in s->priv's buffer) while the subject string stays the same. */
static int
nt_batch(evpubp_sink *s, const evpubp_batch *b)
{
  const evpubp_stmt *st = b->st;
  size_t n = b->n;
  evpubp_buf *subj = s->priv;
  const char *last = NULL;
  size_t i;
  for(i = 0; i < n; i++) {
    if(!last || (last != st[i].s && strcmp(last, st[i].s))) {
      evpubp_buf_reset(subj);
      evpubp_put_iri(subj, st[i].s);
      evpubp_buf_addc(subj, ' ');
      if(subj->failed)
        return -1;
      last = st[i].s;
    }
    evpubp_buf_add(&s->buf, subj->data, subj->len);
    evpubp_put_iri(&s->buf, st[i].p);
    evpubp_buf_addc(&s->buf, ' ');
    evpubp_object_term(&s->buf, &st[i], 0);
    evpubp_buf_add(&s->buf, " .\n", 3);
    if(evpubp_sink_maybe_flush(s))
      return -1;
  }
  return 0;
}

static void
nt_free(evpubp_sink *s)
{
  evpubp_buf_free(s->priv);
}

/* clang-format off */
const evpubp_sink_factory evpubp_writer_ntriples = {
  .info = { "ntriples", "N-Triples, a statement a line", ".nt" },
  .aliases = "nt", .mime = "application/n-triples",
  .priv_size = sizeof(evpubp_buf), /* the escaped subject, reused */
  .batch = nt_batch, .free = nt_free
};
/* clang-format on */

/* N-Quads: N-Triples with the graph of doc/publishing.md */
static int
nq_batch(evpubp_sink *s, const evpubp_batch *b)
{
  const evpubp_stmt *st = b->st;
  size_t i;
  for(i = 0; i < b->n; i++) {
    size_t glen;
    const char *g = evpubp_stmt_graph(s, b, &st[i], &glen);
    evpubp_nt_statement(&s->buf, &st[i]);
    s->buf.len -= 2; /* " .\n" becomes " <g> .\n" */
    evpubp_buf_addc(&s->buf, '<');
    evpubp_escape_iri(&s->buf, g, glen);
    evpubp_buf_add(&s->buf, "> .\n", 4);
    if(evpubp_sink_maybe_flush(s))
      return -1;
  }
  return 0;
}

const evpubp_sink_factory evpubp_writer_nquads = {
  .info = { "nquads", "N-Quads, in the graphs publish uses", ".nq" },
  .aliases = "nq",
  .mime = "application/n-quads",
  .batch = nq_batch
};
