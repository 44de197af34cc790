/* map/scalar.c - scalar values: datatypes, enumerations, references
 *
 * A property's ranges say what a string under it may be; the checks run
 * in a fixed order (enumeration member, date or time, duration, number,
 * boolean, reference, URL, text), and the first that takes the value
 * maps it.  A range that does not take it is an error only when no Text
 * range could take it instead.
 */
#include <stdlib.h>
#include <string.h>

#include "map/mapperp.h"

/* One scalar being mapped. */
typedef struct {
  evpubp_mapper *m;
  const char *s; /* the subject (pass 2) */
  int p;
  const char *piri; /* the property's IRI (pass 2) */
  const char *pname;
  const evpubp_propinfo *pi;
  const evpubp_node *v;
} scalar;

/* What a step returns when the value is not for it. */
#define NEXT 1

static int
literal(const scalar *c, const char *dt)
{
  return evpubp_emit_literal(c->m, c->s, c->piri, c->v, NULL, dt);
}

static int
is_external_iri(const evpubp_node *v)
{
  return evpubp_iri_absolute(v->str, v->len) &&
    (!strncmp(v->str, "http://", 7) || !strncmp(v->str, "https://", 8) ||
     !strncmp(v->str, "urn:", 4));
}

/* v itself as an IRI (a copy, on the writing pass). */
static int
value_iri(const scalar *c)
{
  evpubp_mapper *m = c->m;
  if(m->pass != 2)
    return 0;
  return evpubp_emit_iri(m, c->s, c->piri,
                         evpubp_emit_str(m, c->v->str, c->v->len));
}

static void
list_members(char *out, size_t outlen, int enum_type)
{
  size_t i, o = 0;
  out[0] = '\0';
  for(i = 0; i < evpubp_vocab_nmembers && o + 40 < outlen; i++) {
    if(evpubp_vocab_members[i].type != enum_type)
      continue;
    o += (size_t)snprintf(out + o, outlen - o, "%s%s", o ? ", " : "",
                          evpubp_vocab_members[i].name);
  }
}

static int
enum_value(const scalar *c)
{
  evpubp_mapper *m = c->m;
  const evpubp_node *v = c->v;
  char qb[80], list[400];
  int mem = evpubp_terms_member(&m->terms, c->pi->enum_type, v->str, v->len);
  if(mem < -1)
    return -1;
  if(mem >= 0) {
    const char *o;
    if(m->pass != 2)
      return 0;
    o = evpubp_terms_member_iri(&m->terms, mem);
    return o ? evpubp_emit_iri(m, c->s, c->piri, o) : -1;
  }
  if(c->pi->has_text || (c->pi->has_url && is_external_iri(v)))
    return NEXT;
  list_members(list, sizeof(list), c->pi->enum_type);
  evpubp_mapper_err(m, v, "invalid value '%s' for %s (expected one of %s)",
                    EVPUBP_Q(qb, v), c->pname, list);
  return 0;
}

/* A YAML timestamp whose date and time are apart ("2019-12-01 14:30:00",
 * with an optional offset, as PyYAML writes a datetime; YAML 1.1 allows
 * blanks before the zone too), as an xsd:dateTime: 'T' between them, the
 * blanks dropped.  Only a plain scalar is a YAML timestamp; a quoted one
 * is text and stays refused.  Returns the length written into out[outlen],
 * 0 when v is no such timestamp. */
static size_t
yaml_timestamp(const evpubp_node *v, char *out, size_t outlen)
{
  size_t i = 10, o = 0;
  if(!v->plain || v->len < 12 || v->len >= outlen ||
     !evpubp_is_date(v->str, 10) || (v->str[10] != ' ' && v->str[10] != '\t'))
    return 0;
  memcpy(out, v->str, 10);
  o = 10;
  out[o++] = 'T';
  while(i < v->len && (v->str[i] == ' ' || v->str[i] == '\t'))
    i++;
  for(; i < v->len; i++)
    if(v->str[i] != ' ' && v->str[i] != '\t')
      out[o++] = v->str[i];
    else if(i + 1 < v->len && v->str[i + 1] != ' ' && v->str[i + 1] != '\t' &&
            v->str[i + 1] != 'Z' && v->str[i + 1] != '+' &&
            v->str[i + 1] != '-')
      return 0; /* a blank may stand only before the zone */
  return evpubp_is_datetime(out, o) ? o : 0;
}

static int
date_value(const scalar *c)
{
  const evpubp_propinfo *pi = c->pi;
  const evpubp_node *v = c->v;
  char qb[80], ts[64];
  size_t tslen;
  if((pi->has_date || pi->has_datetime) && evpubp_is_date(v->str, v->len))
    return literal(c, EVPUBP_XSD_NS "date");
  tslen =
    pi->has_datetime || pi->has_date ? yaml_timestamp(v, ts, sizeof(ts)) : 0;
  if(tslen)
    return evpubp_emit_text(c->m, c->s, c->piri, ts, tslen, NULL,
                            EVPUBP_XSD_NS "dateTime");
  if((pi->has_datetime || pi->has_date) && evpubp_is_datetime(v->str, v->len))
    return literal(c, EVPUBP_XSD_NS "dateTime");
  if(pi->has_time && evpubp_is_time(v->str, v->len))
    return literal(c, EVPUBP_XSD_NS "time");
  if(pi->has_text)
    return NEXT;
  if(memchr(v->str, 'T', v->len) || pi->has_time ||
     (v->len > 10 && (v->str[10] == ' ' || v->str[10] == '\t')))
    evpubp_mapper_err(c->m, v,
                      "invalid %s '%s' for %s (expected YYYY-MM-DD or "
                      "YYYY-MM-DDThh:mm:ss with an optional offset)",
                      pi->has_datetime ? "dateTime" : "date", EVPUBP_Q(qb, v),
                      c->pname);
  else if(v->len == 10 && v->str[4] == '-' && v->str[7] == '-')
    evpubp_mapper_err(c->m, v, "invalid date '%s' for %s (no such day)",
                      EVPUBP_Q(qb, v), c->pname);
  else
    evpubp_mapper_err(c->m, v,
                      "invalid date '%s' for %s (expected YYYY-MM-DD)",
                      EVPUBP_Q(qb, v), c->pname);
  return 0;
}

static int
duration_value(const scalar *c)
{
  char qb[80];
  if(evpubp_is_duration(c->v->str, c->v->len))
    return literal(c, EVPUBP_XSD_NS "duration");
  if(c->pi->has_text)
    return NEXT;
  evpubp_mapper_err(c->m, c->v,
                    "invalid duration '%s' for %s (expected ISO 8601, e.g. "
                    "PT2H30M)",
                    EVPUBP_Q(qb, c->v), c->pname);
  return 0;
}

static int
number_value(const scalar *c)
{
  int k = evpubp_number_kind(c->v->str, c->v->len);
  char qb[80];
  if(k == 1)
    return literal(c, EVPUBP_XSD_NS "integer");
  if(k && !c->pi->has_number)
    evpubp_mapper_err(c->m, c->v, "invalid integer '%s' for %s",
                      EVPUBP_Q(qb, c->v), c->pname);
  else if(k == 2)
    return literal(c, EVPUBP_XSD_NS "decimal");
  else if(k == 3)
    return literal(c, EVPUBP_XSD_NS "double");
  else
    evpubp_mapper_err(c->m, c->v, "invalid number '%s' for %s",
                      EVPUBP_Q(qb, c->v), c->pname);
  return 0;
}

static int
boolean_value(const scalar *c)
{
  const evpubp_node *v = c->v;
  char qb[80];
  if(evpubp_streq(v, "true") || evpubp_streq(v, "false"))
    return literal(c, EVPUBP_XSD_NS "boolean");
  if(c->pi->has_text)
    return NEXT;
  evpubp_mapper_err(c->m, v,
                    "invalid boolean '%s' for %s (expected true or false)",
                    EVPUBP_Q(qb, v), c->pname);
  return 0;
}

/* An entity made from a string reference is described where it is
 * first named: its type and name, once. */
static int
describe_implicit(evpubp_mapper *m, evpubp_entity *e)
{
  int rc;
  e->emitted = 1;
  m->shared_depth++;
  rc = evpubp_emit_type(m, e->iri, e->type);
  if(!rc)
    rc = evpubp_emit_text(m, e->iri,
                          evpubp_terms_prop_iri(&m->terms, m->terms.p_name),
                          e->name, e->namelen, e->lang, NULL);
  m->shared_depth--;
  return rc;
}

/* A string that names an entity: recorded on the first reading, looked
 * up (*iri) on the others. */
static int
string_ref(evpubp_mapper *m, const evpubp_node *v, int prop, int type,
           int coll, const char **iri)
{
  evpubp_buf *fb = &m->tmp;
  evpubp_entity *e;
  char qb[80];
  if(m->pass == EVPUBP_PASS_RECHECK)
    return 0;
  evpubp_buf_reset(fb);
  if(evpubp_fold(fb, v->str, v->len))
    return -1;
  if(!fb->len) {
    evpubp_mapper_err(m, v, "empty reference '%s'", EVPUBP_Q(qb, v));
    return 0;
  }
  if(m->pass == 1) {
    evpubp_mention r;
    r.weak = 0;
    r.prop = prop;
    r.coll = coll;
    r.type = type;
    r.fold = fb->data;
    r.flen = fb->len;
    r.name = v;
    r.node = NULL;
    r.lang = evpubp_mapper_doc(m)->lang;
    r.doc = m->cur_doc;
    r.file = m->file;
    return evpubp_index_mention(m->index, &r);
  }
  e = evpubp_index_resolved(m->index, 0, prop, coll, fb->data, fb->len);
  if(!e) {
    evpubp_log(m->world, EVPUB_LOG_ERROR, m->file, v->line, v->col,
               "internal error: reference not resolved");
    return -1;
  }
  *iri = e->iri;
  if(e->implicit && !e->emitted && m->pass == 2)
    return describe_implicit(m, e);
  return 0;
}

/* location: "https://..." is a virtual location. */
static int
virtual_location(const scalar *c)
{
  evpubp_mapper *m = c->m;
  const char *d;
  if(m->pass != 2)
    return 0;
  d = evpubp_emit_dependent_iri(m, c->s, c->pname, 0);
  evpubp_emit_iri(m, c->s, c->piri, d);
  evpubp_emit_type(m, d, m->terms.t_virtual);
  return evpubp_emit_iri(m, d,
                         evpubp_terms_prop_iri(&m->terms, m->terms.p_url),
                         evpubp_emit_str(m, c->v->str, c->v->len));
}

static int
reference_value(const scalar *c)
{
  evpubp_mapper *m = c->m;
  const evpubp_propinfo *pi = c->pi;
  const char *iri = NULL;
  if(is_external_iri(c->v))
    return value_iri(c);
  if(pi->default_type == m->terms.t_place && pi->has_text == 1 &&
     evpubp_iri_absolute(c->v->str, c->v->len))
    return virtual_location(c);
  if(string_ref(m, c->v, c->p, pi->default_type,
                evpubp_terms_family(&m->terms, pi->default_type, -1), &iri))
    return -1;
  return evpubp_emit_iri(m, c->s, c->piri, iri);
}

/* What is left: a URL, text, or an error. */
static int
other_value(const scalar *c)
{
  const evpubp_propinfo *pi = c->pi;
  char qb[80];
  if(pi->has_url && !pi->has_text) {
    char why[96];
    const char *bad =
      evpubp_iri_problem(c->v->str, c->v->len, why, sizeof(why));
    if(!bad)
      return value_iri(c);
    evpubp_mapper_err(c->m, c->v, "'%s' is not an absolute URL (for %s): %s",
                      EVPUBP_Q(qb, c->v), c->pname, bad);
  } else if(pi->has_text) {
    return evpubp_emit_literal(c->m, c->s, c->piri, c->v,
                               evpubp_mapper_doc(c->m)->lang, NULL);
  } else if(pi->has_class) {
    int d = pi->default_type;
    evpubp_mapper_err(c->m, c->v, "%s takes a mapping (%s), not a string",
                      c->pname,
                      d >= 0 ? evpubp_vocab_types[d].name : "an entity");
  } else {
    evpubp_mapper_err(c->m, c->v, "%s cannot take the value '%s'", c->pname,
                      EVPUBP_Q(qb, c->v));
  }
  return 0;
}

int
evpubp_walk_scalar(evpubp_mapper *m, const char *s, int p, const char *piri,
                   const evpubp_node *v)
{
  scalar c;
  const evpubp_propinfo *pi = evpubp_terms_prop(&m->terms, p);
  int rc = NEXT;
  c.m = m;
  c.s = s;
  c.p = p;
  c.piri = piri;
  c.pname = evpubp_vocab_props[p].name;
  c.pi = pi;
  c.v = v;
  if(pi->is_code)
    return literal(&c, NULL);
  if(pi->enum_type >= 0)
    rc = enum_value(&c);
  if(rc == NEXT && (pi->has_date || pi->has_datetime || pi->has_time))
    rc = date_value(&c);
  if(rc == NEXT && pi->has_duration)
    rc = duration_value(&c);
  if(rc == NEXT && (pi->has_number || pi->has_integer))
    rc = number_value(&c);
  if(rc == NEXT && pi->has_boolean)
    rc = boolean_value(&c);
  if(rc == NEXT && pi->is_ref)
    rc = reference_value(&c);
  if(rc == NEXT)
    rc = other_value(&c);
  return rc;
}
