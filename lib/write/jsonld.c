/* write/jsonld.c - the JSON-LD and HTML writers
 *
 * Compact, nested JSON-LD with "@context": "https://schema.org/": one
 * object per event, its organizers, performers, location, address,
 * offers, sub-events and works embedded as objects that carry their "@id".
 * A shared entity is embedded fully the first time an event mentions it
 * and by {"@id": ...} after that, within the event.
 *
 * Shared entities (the items of organizations, people, places and works,
 * and entities mentioned but declared nowhere) are kept here, one copy
 * each, so every event can embed them; events are written as they come.
 * Memory grows with the shared entities, not with the events.  Entities
 * no event embedded are written at the end, so nothing is lost.
 *
 * Styles:
 *  exact   every typed literal is a value object with "@type", every IRI
 *          and enumeration member {"@id": ...}, language-tagged text
 *          {"@value", "@language"}: the graph is the Turtle output's, read
 *          with the official context or with it stripped of coercions.
 *  google  what Google's Event documentation shows: plain strings for
 *          dates and text, "https://schema.org/EventScheduled" strings,
 *          JSON numbers and booleans (see doc/input-format.md).
 */
#include <stdlib.h>
#include <string.h>

#include "write/write.h"

#define MAX_DEPTH 64

typedef struct {
  const char *p;
  evpubp_obj_kind okind;
  const char *o;
  size_t olen;
  const char *lang;
  const char *dt;
} jl_st;

typedef struct {
  char *iri;
  jl_st *st;
  size_t n, cap;
  int stored;         /* strings owned (a shared entity) */
  int ever;           /* embedded or written at least once */
  unsigned long mark; /* event number it was last embedded in */
} jl_subj;

typedef struct {
  int google;
  int html;
  evpubp_map store; /* IRI -> jl_subj (shared entities) */
  jl_subj **order;  /* store in order of first appearance */
  size_t norder, caporder;
  evpubp_map local; /* IRI -> jl_subj, the current event only */
  jl_subj *locals;
  size_t nlocals, caplocals;
  unsigned long event_no;
  size_t written; /* top-level objects written (or held) */
} jl_priv;

static const char *const xsd_numeric[] = { EVPUBP_XSD_NS "integer",
                                           EVPUBP_XSD_NS "decimal",
                                           EVPUBP_XSD_NS "double", NULL };

/* ---- the context's terms ------------------------------------------------ */
extern const char *const evpubp_jsonld_coerced[];
extern const size_t evpubp_jsonld_ncoerced;
extern const char *const evpubp_jsonld_other[];
extern const size_t evpubp_jsonld_nother;

static int
sorted_has(const char *const *v, size_t n, const char *name)
{
  size_t lo = 0, hi = n;
  while(lo < hi) {
    size_t mid = (lo + hi) / 2;
    int c = strcmp(name, v[mid]);
    if(!c)
      return 1;
    if(c < 0)
      hi = mid;
    else
      lo = mid + 1;
  }
  return 0;
}

static int
term_coerced(const char *name)
{
  return sorted_has(evpubp_jsonld_coerced, evpubp_jsonld_ncoerced, name);
}

static int
term_ok(const char *name)
{
  return !sorted_has(evpubp_jsonld_other, evpubp_jsonld_nother, name);
}

static int
is_numeric(const char *dt)
{
  size_t i;
  for(i = 0; dt && xsd_numeric[i]; i++)
    if(!strcmp(dt, xsd_numeric[i]))
      return 1;
  return 0;
}

static int
subj_add(jl_subj *sj, const evpubp_stmt *st, int copy)
{
  jl_st *x;
  if(evpubp_grow(&sj->st, sj->n, &sj->cap, sizeof(*sj->st), 8))
    return -1;
  x = &sj->st[sj->n];
  x->okind = st->okind;
  x->olen = st->olen;
  x->dt = st->dt; /* datatype IRIs are static strings */
  if(copy) {
    x->p = evpubp_strndup(st->p, strlen(st->p));
    x->o = evpubp_strndup(st->o, st->olen);
    x->lang = st->lang ? evpubp_strndup(st->lang, strlen(st->lang)) : NULL;
    if(!x->p || !x->o || (st->lang && !x->lang))
      return -1;
  } else {
    x->p = st->p;
    x->o = st->o;
    x->lang = st->lang;
  }
  sj->n++;
  return 0;
}

/* Has sj already this statement?  (Mentions repeat what is known.) */
static int
subj_has(const jl_subj *sj, const evpubp_stmt *st)
{
  size_t i;
  for(i = 0; i < sj->n; i++) {
    const jl_st *x = &sj->st[i];
    if(x->okind == st->okind && x->olen == st->olen && !strcmp(x->p, st->p) &&
       !memcmp(x->o, st->o, st->olen) &&
       !((x->lang == NULL) ^ (st->lang == NULL)) &&
       (!x->lang || !strcmp(x->lang, st->lang)) &&
       !((x->dt == NULL) ^ (st->dt == NULL)) &&
       (!x->dt || !strcmp(x->dt, st->dt)))
      return 1;
  }
  return 0;
}

static jl_subj *
store_get(jl_priv *jp, const char *iri, int create)
{
  evpubp_map_entry *e;
  jl_subj *sj;
  if(!create) {
    e = evpubp_map_find(&jp->store, iri, strlen(iri));
    return e ? e->value : NULL;
  }
  e = evpubp_map_put(&jp->store, iri, strlen(iri));
  if(!e)
    return NULL;
  if(e->value)
    return e->value;
  sj = calloc(1, sizeof(*sj));
  if(!sj)
    return NULL;
  sj->iri = e->key;
  sj->stored = 1;
  if(jp->norder == jp->caporder) {
    size_t cap = jp->caporder ? jp->caporder * 2 : 64;
    jl_subj **no = realloc(jp->order, cap * sizeof(*no));
    if(!no) {
      free(sj);
      return NULL;
    }
    jp->order = no;
    jp->caporder = cap;
  }
  jp->order[jp->norder++] = sj;
  e->value = sj;
  return sj;
}

static jl_subj *
find_subj(jl_priv *jp, const char *iri)
{
  evpubp_map_entry *e = evpubp_map_find(&jp->local, iri, strlen(iri));
  if(e)
    return &jp->locals[(size_t)(uintptr_t)e->value - 1];
  return store_get(jp, iri, 0);
}

/* ---- writing ---------------------------------------------------------- */
static void
indent(evpubp_buf *b, int depth)
{
  int i;
  evpubp_buf_addc(b, '\n');
  for(i = 0; i < depth; i++)
    evpubp_buf_add(b, "  ", 2);
}

static void
jstr(jl_priv *jp, evpubp_buf *b, const char *s, size_t n)
{
  evpubp_buf_addc(b, '"');
  evpubp_escape_json_string(b, s, n, jp->html);
  evpubp_buf_addc(b, '"');
}

static void
jstrz(jl_priv *jp, evpubp_buf *b, const char *s)
{
  jstr(jp, b, s, strlen(s));
}

/* The key of a property: its schema.org term, else the full IRI. */
static void
key(jl_priv *jp, evpubp_buf *b, const char *p)
{
  static const size_t sl = sizeof(EVPUBP_SCHEMA_NS) - 1;
  if(!strncmp(p, EVPUBP_SCHEMA_NS, sl) && term_ok(p + sl))
    jstrz(jp, b, p + sl);
  else
    jstrz(jp, b, p);
  evpubp_buf_add(b, ": ", 2);
}

static void
type_value(jl_priv *jp, evpubp_buf *b, const char *t)
{
  static const size_t sl = sizeof(EVPUBP_SCHEMA_NS) - 1;
  if(!strncmp(t, EVPUBP_SCHEMA_NS, sl))
    jstrz(jp, b, t + sl);
  else
    jstrz(jp, b, t);
}

static int write_node(evpubp_sink *s, jl_subj *sj, int depth);

static int
write_value(evpubp_sink *s, const char *p, const jl_st *x, int depth)
{
  jl_priv *jp = s->priv;
  evpubp_buf *b = &s->buf;
  static const size_t sl = sizeof(EVPUBP_SCHEMA_NS) - 1;
  if(x->okind == EVPUBP_O_IRI) {
    jl_subj *o = find_subj(jp, x->o);
    if(o && o->mark != jp->event_no && depth < MAX_DEPTH)
      return write_node(s, o, depth);
    if(jp->google && !o && !strncmp(x->o, EVPUBP_SCHEMA_NS, sl)) {
      /* enumeration members as Google shows them */
      evpubp_buf_adds(b, "\"https://schema.org/");
      evpubp_escape_json_string(b, x->o + sl, strlen(x->o + sl), jp->html);
      evpubp_buf_addc(b, '"');
      return 0;
    }
    evpubp_buf_adds(b, "{\"@id\": ");
    jstrz(jp, b, x->o);
    evpubp_buf_addc(b, '}');
    return 0;
  }
  if(jp->google) {
    if(x->dt &&
       (is_numeric(x->dt) || !strcmp(x->dt, EVPUBP_XSD_NS "boolean")) &&
       evpubp_number_kind(x->o, x->olen) != 3 && x->o[0] != '+' &&
       !(x->olen > 1 && x->o[0] == '0' && x->o[1] != '.') &&
       !(x->o[0] == '.' || x->o[x->olen - 1] == '.'))
      return evpubp_buf_add(b, x->o, x->olen);
    jstr(jp, b, x->o, x->olen);
    return 0;
  }
  if(x->lang) {
    evpubp_buf_adds(b, "{\"@value\": ");
    jstr(jp, b, x->o, x->olen);
    evpubp_buf_adds(b, ", \"@language\": ");
    jstrz(jp, b, x->lang);
    evpubp_buf_addc(b, '}');
  } else if(x->dt) {
    evpubp_buf_adds(b, "{\"@value\": ");
    jstr(jp, b, x->o, x->olen);
    evpubp_buf_adds(b, ", \"@type\": ");
    jstrz(jp, b, x->dt);
    evpubp_buf_addc(b, '}');
  } else if(!strncmp(p, EVPUBP_SCHEMA_NS, sl) && term_coerced(p + sl)) {
    /* the official context would give a bare string a type */
    evpubp_buf_adds(b, "{\"@value\": ");
    jstr(jp, b, x->o, x->olen);
    evpubp_buf_addc(b, '}');
  } else {
    jstr(jp, b, x->o, x->olen);
  }
  return 0;
}

static int
write_node(evpubp_sink *s, jl_subj *sj, int depth)
{
  jl_priv *jp = s->priv;
  evpubp_buf *b = &s->buf;
  size_t i, j, ntypes = 0;
  sj->mark = jp->event_no;
  sj->ever = 1;
  evpubp_buf_addc(b, '{');
  indent(b, depth + 1);
  evpubp_buf_adds(b, "\"@id\": ");
  jstrz(jp, b, sj->iri);
  for(i = 0; i < sj->n; i++)
    if(!strcmp(sj->st[i].p, EVPUBP_RDF_TYPE))
      ntypes++;
  if(ntypes) {
    size_t k = 0;
    evpubp_buf_addc(b, ',');
    indent(b, depth + 1);
    evpubp_buf_adds(b, "\"@type\": ");
    if(ntypes > 1)
      evpubp_buf_addc(b, '[');
    for(i = 0; i < sj->n; i++) {
      if(strcmp(sj->st[i].p, EVPUBP_RDF_TYPE))
        continue;
      if(k++)
        evpubp_buf_add(b, ", ", 2);
      type_value(jp, b, sj->st[i].o);
    }
    if(ntypes > 1)
      evpubp_buf_addc(b, ']');
  }
  for(i = 0; i < sj->n; i++) {
    const char *p = sj->st[i].p;
    size_t count = 0, k = 0;
    int seen = 0;
    if(!strcmp(p, EVPUBP_RDF_TYPE))
      continue;
    for(j = 0; j < i && !seen; j++)
      seen = !strcmp(sj->st[j].p, p);
    if(seen)
      continue;
    for(j = i; j < sj->n; j++)
      if(!strcmp(sj->st[j].p, p))
        count++;
    evpubp_buf_addc(b, ',');
    indent(b, depth + 1);
    key(jp, b, p);
    if(count > 1)
      evpubp_buf_addc(b, '[');
    for(j = i; j < sj->n; j++) {
      if(strcmp(sj->st[j].p, p))
        continue;
      if(k++)
        evpubp_buf_addc(b, ',');
      if(count > 1)
        indent(b, depth + 2);
      if(write_value(s, p, &sj->st[j], depth + (count > 1 ? 2 : 1)))
        return -1;
    }
    if(count > 1) {
      indent(b, depth + 1);
      evpubp_buf_addc(b, ']');
    }
  }
  indent(b, depth);
  evpubp_buf_addc(b, '}');
  return b->failed ? -1 : 0;
}

static int
flush_buf(evpubp_sink *s, int force)
{
  if(s->buf.failed)
    return -1;
  if((force || s->buf.len >= 65536) && s->buf.len) {
    if(fwrite(s->buf.data, 1, s->buf.len, s->out) != s->buf.len)
      return -1;
    evpubp_buf_reset(&s->buf);
  }
  return 0;
}

static const char context_line[] =
  "\n  \"@context\": \"https://schema.org/\",";

/* Insert the context line right after the '{' at pos. */
static int
insert_context(evpubp_buf *b, size_t pos)
{
  size_t n = sizeof(context_line) - 1;
  if(evpubp_buf_reserve(b, n))
    return -1;
  memmove(b->data + pos + 1 + n, b->data + pos + 1, b->len - pos);
  memcpy(b->data + pos + 1, context_line, n);
  b->len += n;
  return 0;
}

/* The first object is held back: alone, it is the whole document (with
 * the context in it); when a second one comes, both go into "@graph". */
static int
open_graph(evpubp_sink *s)
{
  evpubp_buf first, *b = &s->buf;
  size_t i;
  evpubp_buf_init(&first);
  evpubp_buf_adds(&first,
                  "{\n  \"@context\": \"https://schema.org/\",\n"
                  "  \"@graph\": [\n    ");
  for(i = 0; i < b->len; i++) {
    if(b->data[i] == '\n')
      evpubp_buf_adds(&first, "\n    ");
    else
      evpubp_buf_addc(&first, b->data[i]);
  }
  if(first.failed) {
    evpubp_buf_free(&first);
    return -1;
  }
  evpubp_buf_free(b);
  *b = first;
  return 0;
}

static int
write_top(evpubp_sink *s, jl_subj *sj)
{
  jl_priv *jp = s->priv;
  evpubp_buf *b = &s->buf;
  if(jp->html) {
    size_t pos;
    evpubp_buf_adds(b, "<script type=\"application/ld+json\">\n");
    pos = b->len;
    if(write_node(s, sj, 0) || insert_context(b, pos))
      return -1;
    evpubp_buf_adds(b, "\n</script>\n");
    jp->written++;
    return flush_buf(s, 0);
  }
  if(jp->written == 0) {
    jp->written++;
    return write_node(s, sj, 0); /* held in the buffer */
  }
  if(jp->written == 1 && open_graph(s))
    return -1;
  evpubp_buf_add(b, ",\n    ", 6);
  if(write_node(s, sj, 2))
    return -1;
  jp->written++;
  return flush_buf(s, 0);
}

static int
jl_start(evpubp_sink *s)
{
  jl_priv *jp = s->priv;
  jp->html = !strcmp(s->factory->info.name, "html");
  jp->google = jp->html || (s->opts.style && !strcmp(s->opts.style, "google"));
  return 0;
}

static int
jl_batch(evpubp_sink *s, const evpubp_batch *b)
{
  const evpubp_stmt *st = b->st;
  size_t n = b->n;
  jl_priv *jp = s->priv;
  size_t i;
  jl_subj *root;
  if(!n)
    return 0;
  /* declarations of shared entities, and mentions of entities declared
   * nowhere, are kept to be embedded */
  for(i = 0; i < n; i++) {
    if(!b->event || st[i].shared) {
      jl_subj *sj = store_get(jp, st[i].s, 1);
      if(!sj)
        return -1;
      if(!subj_has(sj, &st[i]) && subj_add(sj, &st[i], 1))
        return -1;
    }
  }
  if(!b->event)
    return 0;
  /* the event: its statements grouped by subject, for this batch only */
  jp->event_no++;
  evpubp_map_free(&jp->local);
  for(i = 0; i < jp->nlocals; i++)
    free(jp->locals[i].st);
  jp->nlocals = 0;
  for(i = 0; i < n; i++) {
    evpubp_map_entry *e;
    jl_subj *sj;
    if(st[i].shared)
      continue; /* kept in the store, embedded from there */
    e = evpubp_map_put(&jp->local, st[i].s, strlen(st[i].s));
    if(!e)
      return -1;
    if(!e->value) {
      if(evpubp_grow(&jp->locals, jp->nlocals, &jp->caplocals,
                     sizeof(*jp->locals), 32))
        return -1;
      memset(&jp->locals[jp->nlocals], 0, sizeof(jl_subj));
      jp->locals[jp->nlocals].iri = e->key;
      e->value = (void *)(uintptr_t)(++jp->nlocals);
    }
    sj = &jp->locals[(size_t)(uintptr_t)e->value - 1];
    if(subj_add(sj, &st[i], 0))
      return -1;
  }
  if(!jp->nlocals)
    return 0;
  root = find_subj(jp, st[0].s);
  if(!root)
    root = &jp->locals[0];
  if(write_top(s, root))
    return -1;
  /* anything of the batch not reached from its root stands on its own */
  for(i = 0; i < jp->nlocals; i++) {
    if(jp->locals[i].mark != jp->event_no && write_top(s, &jp->locals[i]))
      return -1;
  }
  return 0;
}

static int
jl_finish(evpubp_sink *s)
{
  jl_priv *jp = s->priv;
  size_t i;
  /* shared entities no event embedded */
  jp->event_no++;
  for(i = 0; i < jp->norder; i++) {
    jl_subj *sj = jp->order[i];
    if(sj->ever)
      continue;
    if(write_top(s, sj))
      return -1;
  }
  if(!jp->html) {
    if(jp->written == 0)
      evpubp_buf_adds(&s->buf,
                      "{\n  \"@context\": \"https://schema.org/\",\n"
                      "  \"@graph\": []\n}\n");
    else if(jp->written == 1) {
      if(insert_context(&s->buf, 0))
        return -1;
      evpubp_buf_addc(&s->buf, '\n');
    } else
      evpubp_buf_adds(&s->buf, "\n  ]\n}\n");
  }
  return flush_buf(s, 1);
}

static void
jl_free(evpubp_sink *s)
{
  jl_priv *jp = s->priv;
  size_t i, j;
  for(i = 0; i < jp->norder; i++) {
    jl_subj *sj = jp->order[i];
    for(j = 0; j < sj->n; j++) {
      free((char *)sj->st[j].p);
      free((char *)sj->st[j].o);
      free((char *)sj->st[j].lang);
    }
    free(sj->st);
    free(sj);
  }
  free(jp->order);
  for(i = 0; i < jp->nlocals; i++)
    free(jp->locals[i].st);
  free(jp->locals);
  evpubp_map_free(&jp->store);
  evpubp_map_free(&jp->local);
}

/* clang-format off */
#define JSONLD_STEPS                                                         \
  .flags = EVPUBP_W_ENTITIES_FIRST, .priv_size = sizeof(jl_priv),            \
  .start = jl_start, .batch = jl_batch, .finish = jl_finish, .free = jl_free

const evpubp_sink_factory evpubp_writer_jsonld = {
  .info = { "jsonld", "compact, nested JSON-LD (schema.org)", ".jsonld" },
  .aliases = "json-ld", .mime = "application/ld+json", JSONLD_STEPS
};

const evpubp_sink_factory evpubp_writer_html = {
  .info = { "html", "a JSON-LD <script> per event", ".html" },
  .mime = "text/html", JSONLD_STEPS
};
/* clang-format on */
