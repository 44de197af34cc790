/* publish/graphs.c - graphs being filled, as the run will send them:
 * N-Triples lines (Graph Store Protocol, the local store's records) or
 * SPARQL Update subject groups, with the cuts where a request may start
 * (the parts of a big graph), and a content hash of the text, by which the
 * journal and the local store tell that a graph has not changed
 */
#include <stdlib.h>
#include <string.h>

#include "publish/publish.h"

/* ---- a streaming 128-bit content hash (change detection) ------------ */
void
evpubp_chash_init(evpubp_chash *h)
{
  h->a = 0xcbf29ce484222325ULL;
  h->b = 0x84222325cbf29ce4ULL;
}

void
evpubp_chash_add(evpubp_chash *h, const char *s, size_t n)
{
  size_t i;
  uint64_t a = h->a, b = h->b;
  for(i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    a = (a ^ c) * 0x100000001b3ULL;
    b = (b ^ c) * 0x9e3779b97f4a7c15ULL + 0x632be59bd9b4e019ULL;
  }
  h->a = a;
  h->b = b;
}

void
evpubp_chash_hex(const evpubp_chash *h, char out[33])
{
  uint64_t a = h->a ^ (h->b >> 29), b = h->b ^ (h->a << 17);
  snprintf(out, 33, "%016llx%016llx", (unsigned long long)a,
           (unsigned long long)b);
}

/* ---- graph text ---- */
evpubp_graph *
evpubp_graph_new(const char *iri, size_t n, int spool)
{
  evpubp_graph *g = calloc(1, sizeof(*g));
  if(!g)
    return NULL;
  g->iri = malloc(n + 1);
  if(!g->iri) {
    free(g);
    return NULL;
  }
  memcpy(g->iri, iri, n);
  g->iri[n] = '\0';
  evpubp_buf_init(&g->text);
  evpubp_chash_init(&g->h);
  if(spool && !(g->fp = tmpfile())) {
    free(g->iri);
    free(g);
    return NULL;
  }
  return g;
}

void
evpubp_graph_free(evpubp_graph *g)
{
  if(!g)
    return;
  free(g->iri);
  evpubp_buf_free(&g->text);
  if(g->fp)
    fclose(g->fp);
  free(g->subject);
  free(g->cuts);
  free(g);
}

static void
graph_write(evpubp_graph *g, const char *s, size_t n)
{
  evpubp_chash_add(&g->h, s, n);
  if(g->fp) {
    if(fwrite(s, 1, n, g->fp) != n)
      g->failed = 1;
  } else if(evpubp_buf_add(&g->text, s, n)) {
    g->failed = 1;
  }
  g->size += n;
}

void
evpubp_sparql_iri(evpubp_buf *b, const char *iri, size_t n)
{
  evpubp_buf_addc(b, '<');
  evpubp_escape_iri(b, iri, n);
  evpubp_buf_addc(b, '>');
}

/* Close the open subject group of an update graph. */
void
evpubp_graph_close_group(evpubp_graph *g)
{
  if(g->subject) {
    graph_write(g, " .\n", 3);
    free(g->subject);
    g->subject = NULL;
  }
}

/* A request may start here: a cut of the graph's text. */
static void
add_cut(evpubp_graph *g)
{
  if(g->ncuts == g->capcuts) {
    size_t cap = g->capcuts ? g->capcuts * 2 : 16;
    uint64_t *nc = realloc(g->cuts, cap * sizeof(*nc));
    if(!nc) {
      g->failed = 1;
      return;
    }
    g->cuts = nc;
    g->capcuts = cap;
  }
  g->cuts[g->ncuts++] = g->size;
  g->part_start = g->size;
  g->part_triples = g->part_groups = 0;
}

void
evpubp_graph_add(const evpub_publisher *p, evpubp_graph *g,
                 const evpubp_stmt *st, evpubp_buf *scratch)
{
  evpubp_buf_reset(scratch);
  if(p->store) {
    evpubp_store_record(scratch, st);
  } else if(p->method == EVPUBP_M_GSP) {
    /* a big graph goes as a PUT of its first part and POSTs of the
     * others: Virtuoso can hang for good on one PUT of a million
     * triples (doc/publishing.md) */
    if(p->gsp_chunk && g->part_triples >= (unsigned long)p->gsp_chunk)
      add_cut(g);
    evpubp_nt_statement(scratch, st);
  } else if(g->subject && !strcmp(g->subject, st->s)) {
    evpubp_buf_add(scratch, " ;\n  ", 5);
    evpubp_sparql_iri(scratch, st->p, strlen(st->p));
    evpubp_buf_addc(scratch, ' ');
    evpubp_object_term(scratch, st, 1);
  } else {
    evpubp_graph_close_group(g);
    /* a new group: a new request may start here */
    if(g->part_triples >= (unsigned long)p->batch_limit ||
       g->part_groups >= EVPUBP_MAX_GROUPS ||
       g->size - g->part_start >= EVPUBP_MAX_PART_BYTES)
      add_cut(g);
    g->subject = strdup(st->s);
    if(!g->subject)
      g->failed = 1;
    g->part_groups++;
    g->groups++;
    evpubp_sparql_iri(scratch, st->s, strlen(st->s));
    evpubp_buf_addc(scratch, ' ');
    evpubp_sparql_iri(scratch, st->p, strlen(st->p));
    evpubp_buf_addc(scratch, ' ');
    evpubp_object_term(scratch, st, 1);
  }
  if(scratch->failed)
    g->failed = 1;
  else
    graph_write(g, scratch->data, scratch->len);
  g->triples++;
  g->part_triples++;
}
