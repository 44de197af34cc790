/* network/local.c - the network from the local store, natively
 *
 * The store keeps the organizer facts of its graphs (evpubp_store_facts:
 * the organizer, roleName, startDate and name statements).  They are
 * read once; every IRI gets a dense id; the organizer links are grouped
 * by event (one sort) and the pairs of each event's organizers counted
 * in a hash table: linear in the number of organizer links.  Not through
 * rasqal: its GROUP BY over the pair join takes minutes at 10,000 events.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "network/network.h"

/* ---- dense ids for the IRIs and names of the facts ---- */
typedef struct {
  evpubp_map map; /* string -> id + 1 */
  const char **str;
  size_t n, cap;
} interner;

static size_t
intern(interner *in, const char *s, size_t len)
{
  evpubp_map_entry *e = evpubp_map_put(&in->map, s, len);
  if(!e)
    return EVPUBP_NET_NONE;
  if(!e->value) {
    if(evpubp_grow(&in->str, in->n, &in->cap, sizeof(*in->str), 1024))
      return EVPUBP_NET_NONE;
    in->str[in->n] = e->key;
    e->value = (void *)(uintptr_t)(++in->n);
  }
  return (size_t)(uintptr_t)e->value - 1;
}

/* ---- id pairs ---- */
typedef struct {
  size_t s, o;
} pair;

typedef struct {
  pair *v;
  size_t n, cap;
} pairs;

static int
pairs_add(pairs *p, size_t s, size_t o)
{
  if(evpubp_grow(&p->v, p->n, &p->cap, sizeof(*p->v), 1024))
    return -1;
  p->v[p->n].s = s;
  p->v[p->n].o = o;
  p->n++;
  return 0;
}

static int
cmp_pair(const void *x, const void *y)
{
  const pair *a = x, *b = y;
  if(a->s != b->s)
    return a->s < b->s ? -1 : 1;
  return a->o < b->o ? -1 : a->o > b->o;
}

static int
cmp_size(const void *x, const void *y)
{
  size_t a = *(const size_t *)x, b = *(const size_t *)y;
  return a < b ? -1 : a > b;
}

/* ---- an open-addressing map of (a, b) id pairs to a count ---- */
typedef struct {
  uint64_t *keys; /* 0: empty; else (a << 32 | b) + 1 */
  unsigned long *counts;
  size_t cap, n;
} pair_counts;

static size_t
pc_slot(uint64_t key, size_t cap)
{
  return (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 20) & (cap - 1);
}

static int
pc_grow(pair_counts *pc)
{
  size_t cap = pc->cap ? pc->cap * 2 : 4096, i, j;
  uint64_t *nk = calloc(cap, sizeof(*nk));
  unsigned long *nc = calloc(cap, sizeof(*nc));
  if(!nk || !nc) {
    free(nk);
    free(nc);
    return -1;
  }
  for(j = 0; j < pc->cap; j++) {
    if(!pc->keys[j])
      continue;
    for(i = pc_slot(pc->keys[j], cap); nk[i]; i = (i + 1) & (cap - 1))
      ;
    nk[i] = pc->keys[j];
    nc[i] = pc->counts[j];
  }
  free(pc->keys);
  free(pc->counts);
  pc->keys = nk;
  pc->counts = nc;
  pc->cap = cap;
  return 0;
}

static int
pc_add(pair_counts *pc, uint64_t key)
{
  size_t i;
  if((pc->n + 1) * 2 > pc->cap && pc_grow(pc))
    return -1;
  key++;
  for(i = pc_slot(key, pc->cap); pc->keys[i] && pc->keys[i] != key;
      i = (i + 1) & (pc->cap - 1))
    ;
  if(!pc->keys[i]) {
    pc->keys[i] = key;
    pc->n++;
  }
  pc->counts[i]++;
  return 0;
}

/* ---- the computation ---- */
/* flags per id */
enum {
  F_SUBJ = 1, /* subject of schema:organizer */
  F_OBJ = 2,  /* object of schema:organizer */
  F_ROLE = 4, /* has the wanted roleName */
  F_DATED = 8 /* has a startDate in [since, until] */
};

#define F_ROLE_NODE (F_SUBJ | F_OBJ)

typedef struct {
  evpub_network *n;
  interner in;
  pairs links; /* (event or role node, organizer or role node) */
  pairs names; /* (id, the name in strs) */
  pairs marks; /* (id, F_ROLE or F_DATED) */
  evpubp_arena strs;
  unsigned char *flags;         /* per id */
  size_t *node;                 /* per id: its node, or EVPUBP_NET_NONE */
  size_t *orgs, norgs, caporgs; /* the organizers of one event */
  pair_counts pc;
} local;

/* One fact of the store into the links, the marks and the names. */
static evpub_status
read_fact(void *user, const evpubp_fact *f)
{
  local *l = user;
  const evpub_network *n = l->n;
  size_t s = intern(&l->in, f->subject, f->subject_len), o;
  char *copy;
  if(s == EVPUBP_NET_NONE)
    return EVPUB_E_NOMEM;
  switch(f->kind) {
  case EVPUBP_FACT_ORGANIZER:
    o = intern(&l->in, f->value, f->value_len);
    if(o == EVPUBP_NET_NONE || pairs_add(&l->links, s, o))
      return EVPUB_E_NOMEM;
    break;
  case EVPUBP_FACT_ROLE_NAME:
    if(n->role && !strcmp(f->value, n->role) &&
       pairs_add(&l->marks, s, F_ROLE))
      return EVPUB_E_NOMEM;
    break;
  case EVPUBP_FACT_START_DATE:
    /* the date part of a date or dateTime, as the SPARQL path does */
    if((!n->since || strncmp(f->value, n->since, 10) >= 0) &&
       (!n->until || strncmp(f->value, n->until, 10) <= 0) &&
       pairs_add(&l->marks, s, F_DATED))
      return EVPUB_E_NOMEM;
    break;
  case EVPUBP_FACT_NAME:
    copy = evpubp_arena_strndup(&l->strs, f->value, f->value_len);
    if(!copy || pairs_add(&l->names, s, (size_t)(uintptr_t)copy))
      return EVPUB_E_NOMEM;
    break;
  }
  return EVPUB_OK;
}

/* The flags of every id; links sorted by subject, so that each event's
 * organizers are one run. */
static evpub_status
mark(local *l)
{
  size_t i;
  if(!l->in.n)
    return EVPUB_OK;
  l->flags = calloc(l->in.n, 1);
  l->node = malloc(l->in.n * sizeof(*l->node));
  if(!l->flags || !l->node)
    return EVPUB_E_NOMEM;
  for(i = 0; i < l->in.n; i++)
    l->node[i] = EVPUBP_NET_NONE;
  for(i = 0; i < l->links.n; i++) {
    l->flags[l->links.v[i].s] |= F_SUBJ;
    l->flags[l->links.v[i].o] |= F_OBJ;
  }
  for(i = 0; i < l->marks.n; i++)
    l->flags[l->marks.v[i].s] |= (unsigned char)l->marks.v[i].o;
  if(l->links.n > 1) /* no links: links.v is NULL, which qsort may not get */
    qsort(l->links.v, l->links.n, sizeof(*l->links.v), cmp_pair);
  return EVPUB_OK;
}

static int
add_org(local *l, size_t o)
{
  if(evpubp_grow(&l->orgs, l->norgs, &l->caporgs, sizeof(*l->orgs), 16))
    return -1;
  l->orgs[l->norgs++] = o;
  return 0;
}

/* The organizers of the event whose links are links.v[from..to): the
 * objects that are not role nodes, or with a role filter the
 * organizations of its role nodes with that role. */
static evpub_status
event_organizers(local *l, size_t from, size_t to)
{
  const pairs *links = &l->links;
  size_t j;
  l->norgs = 0;
  for(j = from; j < to; j++) {
    size_t o = links->v[j].o, lo = 0, hi = links->n;
    int o_role = (l->flags[o] & F_ROLE_NODE) == F_ROLE_NODE;
    if(!l->n->role) {
      if(!o_role && add_org(l, o))
        return EVPUB_E_NOMEM;
      continue;
    }
    if(!o_role || !(l->flags[o] & F_ROLE))
      continue;
    /* the role node's organizers: a binary search in links */
    while(lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if(links->v[mid].s < o)
        lo = mid + 1;
      else
        hi = mid;
    }
    for(; lo < links->n && links->v[lo].s == o; lo++)
      if(add_org(l, links->v[lo].o))
        return EVPUB_E_NOMEM;
  }
  return EVPUB_OK;
}

/* The distinct organizers of one event, counted, then their pairs. */
static evpub_status
count_event(local *l)
{
  evpub_network *n = l->n;
  size_t a, b, *orgs = l->orgs;
  if(l->norgs > 1) /* none yet: orgs is NULL */
    qsort(orgs, l->norgs, sizeof(*orgs), cmp_size);
  for(a = b = 0; a < l->norgs; a++)
    if(!b || orgs[b - 1] != orgs[a])
      orgs[b++] = orgs[a];
  l->norgs = b;
  for(a = 0; a < l->norgs; a++) {
    size_t x = orgs[a];
    if(l->node[x] == EVPUBP_NET_NONE) {
      l->node[x] = evpubp_net_node_of(n, l->in.str[x], strlen(l->in.str[x]));
      if(l->node[x] == EVPUBP_NET_NONE)
        return EVPUB_E_NOMEM;
    }
    n->nodes[l->node[x]].events++;
    for(b = 0; b < a; b++) {
      size_t y = orgs[b], lo = x < y ? x : y, hi = x < y ? y : x;
      if(pc_add(&l->pc, ((uint64_t)lo << 32) | (uint64_t)hi))
        return EVPUB_E_NOMEM;
    }
  }
  return EVPUB_OK;
}

/* Each event (a subject of schema:organizer that is not a role node,
 * dated in range when a date filter is set) counted. */
static evpub_status
count_events(local *l)
{
  const evpub_network *n = l->n;
  size_t i, end;
  evpub_status st = EVPUB_OK;
  for(i = 0; i < l->links.n && !st; i = end) {
    size_t e = l->links.v[i].s;
    for(end = i; end < l->links.n && l->links.v[end].s == e; end++)
      ;
    if((l->flags[e] & F_ROLE_NODE) == F_ROLE_NODE)
      continue;
    if((n->since || n->until) && !(l->flags[e] & F_DATED))
      continue;
    st = event_organizers(l, i, end);
    if(!st)
      st = count_event(l);
  }
  return st;
}

/* The counted pairs as edges, and the names of the nodes. */
static evpub_status
make_edges(local *l)
{
  size_t i;
  for(i = 0; i < l->pc.cap; i++) {
    uint64_t key;
    if(!l->pc.keys[i])
      continue;
    key = l->pc.keys[i] - 1;
    if(evpubp_net_add_edge(l->n, l->node[key >> 32],
                           l->node[key & 0xffffffffu], l->pc.counts[i]))
      return EVPUB_E_NOMEM;
  }
  for(i = 0; i < l->names.n; i++) {
    size_t s = l->names.v[i].s;
    const char *nm = (const char *)(uintptr_t)l->names.v[i].o;
    if(l->node[s] == EVPUBP_NET_NONE)
      continue;
    if(evpubp_net_set_name(l->n, l->node[s], nm, strlen(nm)))
      return EVPUB_E_NOMEM;
  }
  return EVPUB_OK;
}

evpub_status
evpubp_net_compute_local(evpub_network *n, evpub_source *src)
{
  evpubp_store *store;
  local l;
  evpub_status st = evpubp_source_open_store(src, &store);
  if(st)
    return st;
  memset(&l, 0, sizeof(l));
  l.n = n;
  evpubp_map_init(&l.in.map);
  evpubp_arena_init(&l.strs);
  st = evpubp_store_facts(store, read_fact, &l);
  if(!st)
    st = mark(&l);
  if(!st)
    st = count_events(&l);
  if(!st)
    st = make_edges(&l);
  free(l.links.v);
  free(l.names.v);
  free(l.marks.v);
  free(l.flags);
  free(l.node);
  free(l.orgs);
  free(l.pc.keys);
  free(l.pc.counts);
  free(l.in.str);
  evpubp_map_free(&l.in.map);
  evpubp_arena_free(&l.strs);
  return st;
}
