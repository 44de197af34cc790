/* Unit tests of the entity index, on its own: declarations, references,
 * resolution, findings through a reporter, facts. */
#include <stdlib.h>

#include "map/index.h"
#include "unit.h"

/* ---- description trees by hand ----------------------------------------- */
static evpubp_node *
scalar(const char *s, unsigned long line, unsigned long col)
{
  evpubp_node *n = calloc(1, sizeof(*n));
  n->kind = EVPUBP_N_SCALAR;
  n->str = s;
  n->len = strlen(s);
  n->line = line;
  n->col = col;
  return n;
}

/* A mapping of npairs key/value pairs: keys are strings, values nodes. */
static evpubp_node *
mapping(unsigned long line, size_t npairs, ...)
{
  evpubp_node *n = calloc(1, sizeof(*n));
  va_list ap;
  size_t i;
  n->kind = EVPUBP_N_MAP;
  n->line = line;
  n->col = 3;
  n->n = npairs;
  n->items = calloc(2 * npairs, sizeof(evpubp_node *));
  va_start(ap, npairs);
  for(i = 0; i < npairs; i++) {
    n->items[2 * i] = scalar(va_arg(ap, const char *), line, 3);
    n->items[2 * i + 1] = va_arg(ap, evpubp_node *);
  }
  va_end(ap);
  return n;
}

static void
free_node(evpubp_node *n)
{
  size_t i, k = n->kind == EVPUBP_N_MAP ? 2 * n->n : n->n;
  for(i = 0; n->items && i < k; i++)
    free_node(n->items[i]);
  free(n->items);
  free(n);
}

/* ---- a reporter that keeps what it is told ----------------------------- */
typedef struct {
  int n;
  int stop_after; /* 0: never */
  char first[900];
  unsigned long line;
} findings;

static int
collect(void *user, evpubp_severity sev, const char *file, unsigned long line,
        unsigned long col, const char *text)
{
  findings *f = user;
  (void)sev;
  (void)file;
  (void)col;
  if(!f->n++) {
    snprintf(f->first, sizeof(f->first), "%s", text);
    f->line = line;
  }
  return f->stop_after && f->n >= f->stop_after;
}

/* ---- helpers ------------------------------------------------------------ */
static evpubp_terms terms;
static int p_organizer, t_org;

static int
declare(evpubp_index *ix, evpubp_node *node, const char *id)
{
  evpubp_decl d;
  d.node = node;
  d.coll = EVPUBP_C_ORGANIZATIONS;
  d.type = t_org;
  d.id = id;
  d.given = 1;
  d.iri = NULL;
  d.doc = 0;
  d.file = "orgs.yaml";
  return evpubp_index_declare(ix, &d, 0);
}

/* Record the string reference v under organizer. */
static int
mention(evpubp_index *ix, const evpubp_node *v)
{
  evpubp_mention r;
  evpubp_buf fold;
  int rc;
  evpubp_buf_init(&fold);
  evpubp_fold(&fold, v->str, v->len);
  r.weak = 0;
  r.prop = p_organizer;
  r.coll = EVPUBP_C_ORGANIZATIONS;
  r.type = t_org;
  r.fold = fold.data;
  r.flen = fold.len;
  r.name = v;
  r.node = NULL;
  r.lang = "en";
  r.doc = 0;
  r.file = "events.yaml";
  rc = evpubp_index_mention(ix, &r);
  evpubp_buf_free(&fold);
  return rc;
}

static evpubp_entity *
resolved(evpubp_index *ix, const char *fold)
{
  return evpubp_index_resolved(ix, 0, p_organizer, EVPUBP_C_ORGANIZATIONS,
                               fold, strlen(fold));
}

static evpubp_index *
new_index(void)
{
  evpubp_index *ix = evpubp_new_index(&terms, NULL);
  CHECK(ix && !evpubp_index_add_doc(ix));
  CHECK(!evpubp_index_set_base(ix, 0, "https://ex.org", 14));
  return ix;
}

/* ---- the tests ---------------------------------------------------------- */
static void
test_mint(void)
{
  evpubp_index *ix = evpubp_new_index(&terms, NULL);
  evpubp_buf b;
  evpubp_buf_init(&b);
  CHECK(!evpubp_index_add_doc(ix) && !evpubp_index_add_doc(ix));
  CHECK(evpubp_index_default_base(ix));
  CHECK(!evpubp_index_set_base(ix, 0, "https://ex.org/a#", 17));
  CHECK(!evpubp_index_mint(ix, &b, 0, EVPUBP_C_EVENTS, "gcf 2022"));
  CHECK_STR(b.data, "https://ex.org/a#events/gcf%202022");
  evpubp_buf_reset(&b);
  CHECK(!evpubp_index_mint(ix, &b, 1, EVPUBP_C_PLACES, "x"));
  CHECK_STR(b.data, EVPUBP_DEFAULT_BASE "places/x");
  CHECK(evpubp_index_default_base(ix)); /* document 1 has none */
  CHECK(!evpubp_index_set_base(ix, 1, "urn:x:", 6));
  CHECK(!evpubp_index_default_base(ix));
  evpubp_buf_free(&b);
  evpubp_free_index(ix);
}

static void
test_resolution(void)
{
  evpubp_index *ix = new_index();
  evpubp_node *sjtu = mapping(2, 3, "id", scalar("sjtu", 2, 9), "name",
                              scalar("Shanghai Jiao Tong University", 3, 11),
                              "address", scalar("Huashan Road", 4, 14));
  evpubp_node *by_alt = scalar("Shanghai  JIAO Tong University", 9, 16);
  evpubp_node *unknown = scalar("UN-Habitat", 10, 16);
  evpubp_node *ev = mapping(8, 1, "organizer", by_alt);
  findings f = { 0, 0, "", 0 };
  evpubp_reporter rep;
  evpubp_entity *e;
  rep.report = collect;
  rep.user = &f;

  CHECK(!declare(ix, sjtu, "sjtu"));
  CHECK(!mention(ix, by_alt));
  CHECK(!mention(ix, by_alt)); /* the same key: recorded once */
  CHECK(!mention(ix, unknown));
  CHECK(!evpubp_index_needs_recheck(ix));
  CHECK(!evpubp_index_finish(ix, &rep));
  CHECK(f.n == 0);

  e = resolved(ix, "shanghai jiao tong university");
  CHECK(e && e->strong && !e->implicit);
  CHECK_STR(e ? e->iri : NULL, "https://ex.org/organizations/sjtu");
  e = resolved(ix, "un-habitat");
  CHECK(e && e->implicit && e->namelen == 10);
  CHECK_STR(e ? e->iri : NULL, "https://ex.org/organizations/un-habitat");
  CHECK_STR(e ? e->lang : NULL, "en");
  CHECK(!resolved(ix, "world bank"));

  /* the validator's question: does the organizer have an address? */
  CHECK(evpubp_index_facts(ix, p_organizer, by_alt) & EVPUBP_HAS_ADDRESS);
  CHECK(!(evpubp_index_facts(ix, p_organizer, unknown) & EVPUBP_HAS_ADDRESS));
  /* a mapping gives its own facts, mentioned or not */
  CHECK(evpubp_index_facts(ix, p_organizer, sjtu) ==
        (EVPUBP_HAS_ADDRESS | EVPUBP_HAS_NAME));

  evpubp_free_index(ix);
  free_node(sjtu);
  free_node(ev);
  free_node(unknown);
}

static void
test_findings(void)
{
  evpubp_index *ix = new_index();
  evpubp_node *a = mapping(2, 2, "id", scalar("a", 2, 9), "alternateName",
                           scalar("UN", 3, 20));
  evpubp_node *b = mapping(5, 2, "id", scalar("b", 5, 9), "alternateName",
                           scalar("un", 6, 20));
  evpubp_node *c = mapping(7, 1, "id", scalar("a", 7, 9));
  evpubp_node *ref = scalar("UN", 12, 16);
  findings f = { 0, 0, "", 0 };
  evpubp_reporter rep;
  rep.report = collect;
  rep.user = &f;

  CHECK(!declare(ix, a, "a") && !declare(ix, b, "b") && !declare(ix, c, "a"));
  CHECK(!mention(ix, ref));
  CHECK(!evpubp_index_finish(ix, &rep));
  /* "a" twice (no name to tell them apart: one entity), "UN" twice */
  CHECK(f.n == 1);
  CHECK(f.line == 12);
  CHECK(!strncmp(f.first,
                 "ambiguous reference 'UN': it names 2 entities: "
                 "<https://ex.org/organizations/a> (orgs.yaml:2:3)",
                 95));
  CHECK(!resolved(ix, "un"));
  evpubp_free_index(ix);

  /* a clash and an ambiguity; a reporter that wants no more after the
   * first stops the resolution */
  for(f.stop_after = 0; f.stop_after < 2; f.stop_after++) {
    evpubp_node *d = mapping(9, 2, "id", scalar("a", 9, 9), "name",
                             scalar("Another A", 10, 11));
    ix = new_index();
    f.n = 0;
    CHECK(!declare(ix, a, "a") && !declare(ix, b, "b"));
    CHECK(!declare(ix, d, "a"));
    CHECK(!mention(ix, ref));
    CHECK(!evpubp_index_finish(ix, &rep));
    CHECK(f.n == (f.stop_after ? 1 : 2));
    CHECK_STR(f.first,
              "two organizations mint the IRI "
              "<https://ex.org/organizations/a>: this one and the "
              "one at orgs.yaml:2:3");
    evpubp_free_index(ix);
    free_node(d);
  }
  free_node(a);
  free_node(b);
  free_node(c);
  free_node(ref);
}

int
main(void)
{
  if(evpubp_terms_init(&terms))
    return 99;
  p_organizer = evpubp_vocab_prop("organizer");
  t_org = evpubp_vocab_type("Organization");
  test_mint();
  test_resolution();
  test_findings();
  evpubp_terms_free(&terms);
  return UNIT_DONE();
}
