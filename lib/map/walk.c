/* map/walk.c - the tree walk: entities, their properties and relations
 *
 * Every mapping is a node of some type.  An item of a collection, or a
 * mapping with an id or an iri, declares an entity ("strong"); a mapping
 * without them that has a name names an entity ("weak": the index
 * resolves it); any other mapping is a dependent node, whose IRI is its
 * parent's plus a fragment.
 */
#include <stdlib.h>
#include <string.h>

#include "map/mapperp.h"
#include "map/validate.h"

#define MAX_TYPES 8

/* What a step of map_entity() returns to say: skip this node (an error
 * was reported, or nothing is left to do). */
#define SKIP 1

/* The mapping being mapped. */
typedef struct {
  const evpubp_node *node;
  int prop;           /* the property holding it, -1 for an item */
  const char *pname;  /* its name, or NULL */
  int top;            /* an item of collection coll_hint */
  int coll_hint;      /* (top) */
  const char *parent; /* pass 2: the IRI of the node holding it */
  size_t pos;         /* its position in a list, from 1, else 0 */

  const evpubp_node *idv, *namev, *iriv, *rolev;
  int explicit_type;
  int coll;      /* the collection it is a kind of, or EVPUBP_C_NONE */
  evpubp_buf id; /* the given id, or the slug of the name */

  const char *subject; /* pass 2: its IRI */
  int type;            /* its primary type */
  int ntypes;
  int types[MAX_TYPES];
  int is_reference; /* names an entity declared elsewhere */
  int shared;       /* names an entity declared nowhere */
} walk_node;

static int map_entity(evpubp_mapper *m, walk_node *wn, const char **iri_out);

/* ---- properties --------------------------------------------------------- */
/* Does a mapping look like a language map ({en: ..., zh: ...})? */
static int
is_lang_map(const evpubp_node *v)
{
  size_t i;
  if(v->kind != EVPUBP_N_MAP || !v->n)
    return 0;
  for(i = 0; i < v->n; i++) {
    const evpubp_node *k = v->items[2 * i];
    if(!evpubp_lang_tag(k->str, k->len) || evpubp_vocab_prop(k->str) >= 0 ||
       evpubp_streq(k, "id") || evpubp_streq(k, "type") ||
       evpubp_streq(k, "iri"))
      return 0;
  }
  return 1;
}

static int
map_lang_map(evpubp_mapper *m, const char *s, const char *piri,
             const char *pname, const evpubp_node *v)
{
  size_t i, j;
  char qb[80];
  for(i = 0; i < v->n; i++) {
    const evpubp_node *k = v->items[2 * i], *val = v->items[2 * i + 1];
    size_t n = val->kind == EVPUBP_N_SEQ ? val->n : 1;
    for(j = 0; j < n; j++) {
      const evpubp_node *x = val->kind == EVPUBP_N_SEQ ? val->items[j] : val;
      if(x->kind == EVPUBP_N_NULL)
        continue;
      if(x->kind != EVPUBP_N_SCALAR) {
        evpubp_mapper_err(m, x, "the '%s' entry of %s must be text",
                          EVPUBP_Q(qb, k), pname);
        continue;
      }
      if(evpubp_emit_literal(m, s, piri, x, k->str, NULL))
        return -1;
    }
  }
  return 0;
}

/* s[0..n) is a URI scheme: a letter, then letters, digits, + - . */
static int
is_scheme(const char *s, size_t n)
{
  size_t i;
  if(!n || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
    return 0;
  for(i = 1; i < n; i++)
    if(!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
         (s[i] >= '0' && s[i] <= '9') || s[i] == '+' || s[i] == '-' ||
         s[i] == '.'))
      return 0;
  return 1;
}

/* Extension keys: an absolute IRI, or prefix:name with a declared prefix.
 * The IRI a key names is checked (RFC 3987) on the first pass, whatever
 * the prefix expands to, so that no writer and no SPARQL update ever gets
 * a predicate that could end its <...> early.  Returns the predicate IRI
 * (pass 2: in m->out), "" in pass 1 and for a reported bad IRI, or NULL
 * when the key is no extension key. */
static const char *
extension_iri(evpubp_mapper *m, const evpubp_node *key)
{
  const char *colon = memchr(key->str, ':', key->len), *bad;
  evpubp_map_entry *e;
  evpubp_buf *b = &m->tmp;
  char why[96], qb[80];
  if(!colon)
    return NULL;
  e = evpubp_map_find(&evpubp_mapper_doc(m)->prefixes, key->str,
                      (size_t)(colon - key->str));
  evpubp_buf_reset(b);
  if(e) {
    evpubp_buf_adds(b, (const char *)e->value);
    evpubp_buf_add(b, colon + 1, key->len - (size_t)(colon - key->str) - 1);
  } else if(colon + 1 < key->str + key->len && colon[1] == '/' &&
            is_scheme(key->str, (size_t)(colon - key->str))) {
    evpubp_buf_add(b, key->str, key->len); /* scheme:/..., checked below */
  } else {
    return NULL;
  }
  if(!b->data)
    return NULL;
  if(m->pass != 2) {
    bad = evpubp_iri_problem(b->data, b->len, why, sizeof(why));
    if(bad)
      evpubp_mapper_err(m, key,
                        "the extension key '%s' does not make an IRI "
                        "(RFC 3987): %s",
                        EVPUBP_Q(qb, key), bad);
    return "";
  }
  return evpubp_emit_str(m, b->data, b->len);
}

static int
map_extension(evpubp_mapper *m, const char *s, const char *piri,
              const evpubp_node *v)
{
  size_t i;
  int k;
  if(v->kind == EVPUBP_N_SEQ) {
    for(i = 0; i < v->n; i++)
      if(map_extension(m, s, piri, v->items[i]))
        return -1;
    return 0;
  }
  if(v->kind == EVPUBP_N_NULL)
    return 0;
  if(v->kind == EVPUBP_N_MAP) {
    if(is_lang_map(v))
      return map_lang_map(m, s, piri, "an extension key", v);
    evpubp_mapper_err(m, v,
                      "an extension key takes text, numbers, booleans or a "
                      "language map");
    return 0;
  }
  k = v->plain ? evpubp_number_kind(v->str, v->len) : 0;
  if(k)
    return evpubp_emit_literal(m, s, piri, v, NULL,
                               k == 1     ? EVPUBP_XSD_NS "integer"
                                 : k == 2 ? EVPUBP_XSD_NS "decimal"
                                          : EVPUBP_XSD_NS "double");
  if(v->plain && (evpubp_streq(v, "true") || evpubp_streq(v, "false")))
    return evpubp_emit_literal(m, s, piri, v, NULL, EVPUBP_XSD_NS "boolean");
  return evpubp_emit_literal(m, s, piri, v, evpubp_mapper_doc(m)->lang, NULL);
}

/* A mapping under property p, on subject parent (pass 2). */
static int
map_nested(evpubp_mapper *m, const evpubp_node *node, int p,
           const char *parent, size_t pos)
{
  walk_node wn;
  const char *iri = NULL;
  memset(&wn, 0, sizeof(wn));
  wn.node = node;
  wn.prop = p;
  wn.pname = evpubp_vocab_props[p].name;
  wn.coll_hint = EVPUBP_C_NONE;
  wn.parent = parent;
  wn.pos = pos;
  return map_entity(m, &wn, &iri);
}

/* Map one value (scalar, or mapping) of property p; pos: its position
 * in a list, from 1, else 0. */
static int
map_value(evpubp_mapper *m, const char *s, int p, const char *piri,
          const evpubp_node *v, size_t pos)
{
  evpubp_propinfo *pi = evpubp_terms_prop(&m->terms, p);
  const char *pname = evpubp_vocab_props[p].name;
  if(v->kind == EVPUBP_N_NULL)
    return 0;
  if(v->kind == EVPUBP_N_SCALAR)
    return evpubp_walk_scalar(m, s, p, piri, v);
  if(v->kind == EVPUBP_N_SEQ) {
    evpubp_mapper_err(m, v, "a list inside a list is not allowed for %s",
                      pname);
    return 0;
  }
  if(pi->has_text && is_lang_map(v) && (!pi->has_class || !pi->is_ref))
    return map_lang_map(m, s, piri, pname, v);
  if(pi->has_class || pi->default_type >= 0 || pi->has_duration)
    return map_nested(m, v, p, s, pos);
  if(pi->has_text && !pi->is_code)
    evpubp_mapper_err(m, v,
                      "%s takes text or a language map such as {en: ..., "
                      "zh: ...}",
                      pname);
  else
    evpubp_mapper_err(m, v, "%s takes a single value, not a mapping", pname);
  return 0;
}

static void
unknown_property(evpubp_mapper *m, const evpubp_node *key, int type)
{
  const char *sugg = evpubp_vocab_suggest(key->str, type);
  const char *colon = memchr(key->str, ':', key->len);
  const char *tname = evpubp_vocab_types[type].name;
  char qb[80];
  if(colon && colon > key->str && colon[1] != '/')
    evpubp_mapper_err(m, key,
                      "unknown property '%s' for %s (prefix '%.*s' is not "
                      "declared in 'prefixes')",
                      EVPUBP_Q(qb, key), tname,
                      (int)(colon - key->str < 40 ? colon - key->str : 40),
                      key->str);
  else if(sugg)
    evpubp_mapper_err(m, key,
                      "unknown property '%s' for %s (did you mean '%s'?)",
                      EVPUBP_Q(qb, key), tname, sugg);
  else
    evpubp_mapper_err(m, key, "unknown property '%s' for %s",
                      EVPUBP_Q(qb, key), tname);
}

/* The property a key names on a node of these types, or -1. */
static int
allowed_prop(evpubp_mapper *m, const evpubp_node *key, const walk_node *wn)
{
  int p = evpubp_terms_lookup_prop(&m->terms, key->str, key->len), t;
  if(p < 0)
    return -1;
  for(t = 0; t < wn->ntypes; t++)
    if(evpubp_terms_prop_allowed(&m->terms, p, wn->types[t]))
      return p;
  return -1;
}

/* Map the properties of a mapping onto wn->subject. */
static int
map_properties(evpubp_mapper *m, const walk_node *wn, int skip_name)
{
  const evpubp_node *node = wn->node;
  size_t i, j;
  for(i = 0; i < node->n && !m->stopped; i++) {
    const evpubp_node *key = node->items[2 * i];
    const evpubp_node *val = node->items[2 * i + 1];
    const char *piri = NULL, *ext;
    int p;
    if(evpubp_streq(key, "id") || evpubp_streq(key, "type") ||
       evpubp_streq(key, "iri") || evpubp_streq(key, "roleName") ||
       (skip_name && evpubp_streq(key, "name")))
      continue;
    p = allowed_prop(m, key, wn);
    if(p < 0) {
      ext = extension_iri(m, key);
      if(!ext)
        unknown_property(m, key, wn->type);
      else if(map_extension(m, wn->subject, ext, val))
        return -1;
      continue;
    }
    if(m->pass == 2)
      piri = evpubp_terms_prop_iri(&m->terms, p);
    if(val->kind != EVPUBP_N_SEQ) {
      if(map_value(m, wn->subject, p, piri, val, 0))
        return -1;
      continue;
    }
    for(j = 0; j < val->n; j++)
      if(map_value(m, wn->subject, p, piri, val->items[j], j + 1))
        return -1;
  }
  return 0;
}

/* ---- entities ----------------------------------------------------------- */
/* The types of a mapping: its `type` key, else the default. */
static int
node_types(evpubp_mapper *m, walk_node *wn, int default_type, int coll_root)
{
  const evpubp_node *tv = evpubp_node_get(wn->node, "type");
  size_t j, n = tv && tv->kind == EVPUBP_N_SEQ ? tv->n : 1;
  char qb[80];
  for(j = 0; tv && j < n && wn->ntypes < MAX_TYPES; j++) {
    const evpubp_node *x = tv->kind == EVPUBP_N_SEQ ? tv->items[j] : tv;
    const char *name, *sugg;
    int t;
    if(x->kind != EVPUBP_N_SCALAR) {
      evpubp_mapper_err(m, x, "type must be a schema.org type name");
      return SKIP;
    }
    name = x->str;
    if(x->len > 7 && !strncmp(name, "schema:", 7))
      name += 7;
    t = evpubp_terms_lookup_type(&m->terms, name);
    if(t < 0 || evpubp_vocab_types[t].kind != EVPUBP_VK_CLASS) {
      sugg = evpubp_vocab_suggest_type(name);
      if(sugg)
        evpubp_mapper_err(m, x, "unknown type '%s' (did you mean '%s'?)",
                          EVPUBP_Q(qb, x), sugg);
      else
        evpubp_mapper_err(m, x, "unknown type '%s'", EVPUBP_Q(qb, x));
      return SKIP;
    }
    if(coll_root >= 0 && !evpubp_terms_is_subtype(&m->terms, t, coll_root)) {
      evpubp_mapper_err(m, x, "type '%s' is not a kind of %s", name,
                        evpubp_vocab_types[coll_root].name);
      return SKIP;
    }
    if(wn->prop >= 0 && !evpubp_terms_in_range(&m->terms, wn->prop, t)) {
      evpubp_mapper_err(m, x, "type '%s' is not allowed for %s", name,
                        wn->pname);
      return SKIP;
    }
    wn->types[wn->ntypes++] = t;
  }
  if(!wn->ntypes) {
    int t = default_type;
    if(t == m->terms.t_place && wn->node->n == 1 &&
       evpubp_streq(wn->node->items[0], "url"))
      t = m->terms.t_virtual;
    wn->types[wn->ntypes++] = t < 0 ? m->terms.t_thing : t;
  }
  wn->type = wn->types[0];
  return 0;
}

/* Its types, and the collection it is a kind of. */
static int
entity_types(evpubp_mapper *m, walk_node *wn)
{
  int default_type, coll_root = -1, prefer;
  if(wn->top) {
    coll_root = m->terms.root[wn->coll_hint];
    default_type = coll_root;
  } else {
    evpubp_propinfo *pi = evpubp_terms_prop(&m->terms, wn->prop);
    default_type = pi->default_type;
    if(pi->has_duration && default_type < 0)
      default_type = m->terms.t_quantity;
  }
  if(node_types(m, wn, default_type, coll_root))
    return SKIP;
  wn->explicit_type = evpubp_node_get(wn->node, "type") != NULL;
  prefer = wn->top
    ? wn->coll_hint
    : evpubp_terms_family(&m->terms,
                          default_type >= 0 ? default_type : wn->type, -1);
  wn->coll = evpubp_terms_family(&m->terms, wn->type, prefer);
  return 0;
}

/* The reserved keys' values. */
static int
check_keys(evpubp_mapper *m, walk_node *wn)
{
  const evpubp_node *node = wn->node;
  char qb[80];
  wn->idv = evpubp_node_get(node, "id");
  wn->namev = evpubp_node_get(node, "name");
  wn->iriv = evpubp_node_get(node, "iri");
  wn->rolev = evpubp_node_get(node, "roleName");
  if(wn->rolev && wn->top) {
    evpubp_mapper_err(m, wn->rolev,
                      "roleName qualifies an entity listed under a "
                      "relation, not an item of '%s'",
                      evpubp_collection_names[wn->coll_hint]);
    wn->rolev = NULL;
  }
  if(wn->idv && wn->idv->kind != EVPUBP_N_SCALAR) {
    evpubp_mapper_err(m, wn->idv, "id must be a string");
    return SKIP;
  }
  if(wn->iriv) {
    char why[96];
    const char *bad = wn->iriv->kind != EVPUBP_N_SCALAR
      ? "it is not a string"
      : evpubp_iri_problem(wn->iriv->str, wn->iriv->len, why, sizeof(why));
    if(bad) {
      evpubp_mapper_err(m, wn->iriv,
                        "iri must be an absolute IRI, not '%s': %s",
                        EVPUBP_Q(qb, wn->iriv), bad);
      return SKIP;
    }
  }
  if(wn->idv && !wn->idv->len) {
    evpubp_mapper_err(m, wn->idv, "id must not be empty");
    return SKIP;
  }
  if(wn->idv && (evpubp_streq(wn->idv, ".") || evpubp_streq(wn->idv, ".."))) {
    /* {base}events/.. is the base itself once resolved */
    evpubp_mapper_err(m, wn->idv,
                      "id '%s' would name its collection or the base, not "
                      "an item: choose another id",
                      EVPUBP_Q(qb, wn->idv));
    return SKIP;
  }
  return 0;
}

/* The name an id is made from: the first name, or in a language map the
 * document language's (else the first) entry. */
static const evpubp_node *
id_name(evpubp_mapper *m, const evpubp_node *namev)
{
  const evpubp_node *ns = namev;
  if(namev->kind == EVPUBP_N_MAP) {
    const char *lang = evpubp_mapper_doc(m)->lang;
    ns = lang ? evpubp_node_get(namev, lang) : NULL;
    if(!ns && namev->n)
      ns = namev->items[1];
  }
  return evpubp_first_scalar(ns);
}

/* wn->id: the given id, or the slug of the name; and what an entity
 * needs to have one. */
static int
entity_id(evpubp_mapper *m, walk_node *wn)
{
  const evpubp_node *ns;
  char qb[80];
  if(wn->idv)
    evpubp_buf_add(&wn->id, wn->idv->str, wn->idv->len);
  ns = !wn->idv && wn->namev ? id_name(m, wn->namev) : NULL;
  if(ns)
    evpubp_slug(&wn->id, ns->str, ns->len);
  if(ns && !wn->id.len && wn->coll != EVPUBP_C_NONE && !wn->iriv)
    evpubp_mapper_err(m, ns,
                      "cannot make an IRI from the name '%s'; give an id",
                      EVPUBP_Q(qb, ns));
  else if(wn->coll == EVPUBP_C_EVENTS && !wn->idv && !wn->namev && !wn->iriv)
    evpubp_mapper_err(m, wn->node, "an event needs an id or a name");
  else if(wn->top && !wn->id.len && !wn->iriv)
    evpubp_mapper_err(m, wn->node, "an item of '%s' needs an id or a name",
                      evpubp_collection_names[wn->coll_hint]);
  else if(wn->rolev && wn->prop >= 0 && !wn->idv && !wn->iriv && !wn->namev &&
          wn->coll != EVPUBP_C_NONE)
    evpubp_mapper_err(m, wn->node,
                      "a %s with a roleName needs a name or an id", wn->pname);
  else
    return 0;
  return SKIP;
}

/* A node without identity of its own: parent IRI + fragment. */
static void
dependent_subject(evpubp_mapper *m, walk_node *wn)
{
  if(m->pass != 2)
    return;
  if(wn->idv)
    wn->subject = evpubp_emit_dependent_iri(m, wn->parent, wn->id.data, 0);
  else
    wn->subject = evpubp_emit_dependent_iri(
      m, wn->parent, wn->pname ? wn->pname : "node", wn->pos);
}

/* A declaration: recorded on the first readings, minted on the writing
 * pass. */
static int
strong_subject(evpubp_mapper *m, walk_node *wn)
{
  evpubp_buf *b = &m->tmp;
  if(m->pass == 1 || m->pass == EVPUBP_PASS_RECHECK) {
    evpubp_decl d;
    d.node = wn->node;
    d.coll = wn->coll;
    d.type = wn->type;
    d.id = wn->id.data ? wn->id.data : "";
    d.given = wn->idv != NULL;
    d.iri = wn->iriv;
    d.doc = m->cur_doc;
    d.file = m->file;
    return evpubp_index_declare(m->index, &d, m->pass != 1);
  }
  if(m->pass != 2)
    return 0;
  if(wn->iriv) {
    wn->subject = evpubp_emit_str(m, wn->iriv->str, wn->iriv->len);
    return 0;
  }
  evpubp_buf_reset(b);
  if(evpubp_index_mint(m->index, b, m->cur_doc, wn->coll, wn->id.data))
    return -1;
  wn->subject = evpubp_emit_str(m, b->data, b->len);
  return 0;
}

/* A mapping without id or iri that has a name: recorded on the first
 * reading, resolved by the index on the others. */
static int
weak_subject(evpubp_mapper *m, walk_node *wn, const evpubp_node *ns)
{
  evpubp_buf fb;
  evpubp_entity *e = NULL;
  int rc = 0;
  evpubp_buf_init(&fb);
  evpubp_fold(&fb, ns->str, ns->len);
  if(m->pass == 1) {
    evpubp_mention r;
    r.weak = 1;
    r.prop = wn->prop;
    r.coll = wn->coll;
    r.type = wn->type;
    r.fold = fb.data ? fb.data : "";
    r.flen = fb.len;
    r.name = ns;
    r.node = wn->node;
    r.lang = evpubp_mapper_doc(m)->lang;
    r.doc = m->cur_doc;
    r.file = m->file;
    rc = evpubp_index_mention(m->index, &r);
  } else {
    e = evpubp_index_resolved(m->index, 1, wn->prop, wn->coll,
                              fb.data ? fb.data : "", fb.len);
    if(!e) {
      evpubp_log(m->world, EVPUB_LOG_ERROR, m->file, wn->node->line,
                 wn->node->col, "internal error: unresolved mapping");
      rc = -1;
    }
  }
  evpubp_buf_free(&fb);
  if(e) {
    wn->subject = e->iri;
    wn->is_reference = e->strong;
    wn->shared = !e->strong;
  }
  return rc;
}

/* The name of a weak mapping: its first name, or a language map's first
 * entry. */
static const evpubp_node *
weak_name(evpubp_mapper *m, const walk_node *wn)
{
  const evpubp_node *ns = evpubp_first_scalar(wn->namev);
  if(!ns && wn->namev->kind == EVPUBP_N_MAP && wn->namev->n)
    ns = evpubp_first_scalar(wn->namev->items[1]);
  if(!ns)
    evpubp_mapper_err(m, wn->namev, "name must be text");
  return ns;
}

/* Which kind of node is it, and its subject. */
static int
entity_subject(evpubp_mapper *m, walk_node *wn)
{
  const evpubp_node *ns;
  int rc;
  if(wn->coll == EVPUBP_C_NONE || (!wn->idv && !wn->iriv && !wn->namev)) {
    dependent_subject(m, wn);
    return 0;
  }
  if(wn->idv || wn->iriv || wn->top)
    return strong_subject(m, wn);
  ns = weak_name(m, wn);
  if(!ns)
    return SKIP;
  if(m->pass != EVPUBP_PASS_RECHECK)
    return weak_subject(m, wn, ns);
  /* events it may name are declared in its properties */
  rc = map_properties(m, wn, 0);
  return rc ? rc : SKIP;
}

static int
role_type(evpubp_mapper *m, const char *pname, int target_type)
{
  if(!strcmp(pname, "performer"))
    return m->terms.t_perfrole;
  if(!strcmp(pname, "worksFor"))
    return m->terms.t_emprole;
  if(evpubp_terms_is_subtype(&m->terms, target_type, m->terms.t_org))
    return m->terms.t_orgrole;
  return m->terms.t_role;
}

/* The relation from the parent, and the role node when a roleName
 * qualifies it (spec section 5). */
static int
relate(evpubp_mapper *m, const walk_node *wn)
{
  const evpubp_node *rolev = wn->rolev;
  size_t j, n = rolev && rolev->kind == EVPUBP_N_SEQ ? rolev->n : 1;
  const char *piri, *role, *rn;
  if(m->pass == 2 && wn->parent && wn->prop >= 0 &&
     evpubp_emit_iri(m, wn->parent, evpubp_terms_prop_iri(&m->terms, wn->prop),
                     wn->subject))
    return -1;
  if(!rolev || wn->prop < 0)
    return 0;
  for(j = 0; j < n; j++) {
    const evpubp_node *x =
      rolev->kind == EVPUBP_N_SEQ ? rolev->items[j] : rolev;
    if(x->kind != EVPUBP_N_SCALAR) {
      evpubp_mapper_err(m, x, "roleName must be text");
      return SKIP;
    }
  }
  if(m->pass != 2)
    return 0;
  role = evpubp_emit_dependent_iri(m, wn->parent, wn->pname, wn->pos);
  piri = evpubp_terms_prop_iri(&m->terms, wn->prop);
  rn = evpubp_terms_prop_iri(&m->terms, m->terms.p_rolename);
  evpubp_emit_iri(m, wn->parent, piri, role);
  evpubp_emit_type(m, role, role_type(m, wn->pname, wn->type));
  for(j = 0; j < n; j++)
    evpubp_emit_literal(m, role, rn,
                        rolev->kind == EVPUBP_N_SEQ ? rolev->items[j] : rolev,
                        NULL, NULL);
  return evpubp_emit_iri(m, role, piri, wn->subject);
}

/* Its types, its properties, and a check of each event. */
static int
describe(evpubp_mapper *m, const walk_node *wn)
{
  int t, rc = 0;
  if(wn->shared)
    m->shared_depth++; /* described once, wherever it is mentioned */
  if(m->pass == 2 && (!wn->is_reference || wn->explicit_type)) {
    for(t = 0; t < wn->ntypes && !rc; t++)
      rc = evpubp_emit_type(m, wn->subject, wn->types[t]);
  }
  if(wn->coll == EVPUBP_C_EVENTS && !wn->is_reference) {
    if(m->pass == 2)
      m->events++;
    if(m->pass == EVPUBP_PASS_VALIDATE && m->profile)
      evpubp_validate_event(m->index, &m->on_finding, m->file, wn->node,
                            m->profile >= EVPUBP_PROFILE_GOOGLE);
  }
  if(!rc)
    rc = map_properties(m, wn, wn->is_reference);
  if(wn->shared)
    m->shared_depth--;
  return rc;
}

/* Map a mapping that is a node (an entity, or a node of its parent). */
static int
map_entity(evpubp_mapper *m, walk_node *wn, const char **iri_out)
{
  int rc;
  evpubp_buf_init(&wn->id);
  rc = entity_types(m, wn);
  if(!rc)
    rc = check_keys(m, wn);
  if(!rc)
    rc = entity_id(m, wn);
  if(!rc)
    rc = entity_subject(m, wn);
  evpubp_buf_free(&wn->id);
  if(!rc)
    rc = describe(m, wn);
  if(!rc)
    rc = relate(m, wn);
  if(rc)
    return rc == SKIP ? 0 : rc;
  *iri_out = wn->subject;
  return 0;
}

int
evpubp_walk_item(evpubp_mapper *m, evpubp_collection c,
                 const evpubp_node *node, const char **iri)
{
  walk_node wn;
  memset(&wn, 0, sizeof(wn));
  wn.node = node;
  wn.prop = -1;
  wn.top = 1;
  wn.coll_hint = (int)c;
  return map_entity(m, &wn, iri);
}
