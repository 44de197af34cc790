/* map/mapper.c - description trees to schema.org statements
 *
 * The only module that knows schema.org, driven by the term table
 * (vocab_data.c).  The converter reads the inputs into it more than
 * once (see mapperp.h): the first reading checks every item and fills
 * the index (index.c), which then resolves every reference before
 * anything is written; the writing pass walks the items again and hands
 * each item's statements to the sink.
 *
 * This file holds the mapper object, its passes, the callbacks the
 * readers call, and where errors go.
 */
#include <stdlib.h>
#include <string.h>

#include "map/mapperp.h"

/* ---- where findings go -------------------------------------------------- */
static int
report_finding(void *user, evpubp_severity sev, const char *file,
               unsigned long line, unsigned long col, const char *text)
{
  evpubp_mapper *m = user;
  if(sev == EVPUBP_ERROR)
    m->errors++;
  else
    m->warnings++;
  evpubp_log(m->world,
             sev == EVPUBP_ERROR ? EVPUB_LOG_ERROR : EVPUB_LOG_WARNING, file,
             line, col, "%s", text);
  return 0;
}

static int
report_error(void *user, evpubp_severity sev, const char *file,
             unsigned long line, unsigned long col, const char *text)
{
  evpubp_mapper *m = user;
  if(m->stopped)
    return 1;
  report_finding(user, sev, file, line, col, text);
  if(m->max_errors && m->errors >= m->max_errors) {
    evpubp_log(m->world, EVPUB_LOG_ERROR, NULL, 0, 0,
               "too many errors (%lu), stopping", m->errors);
    m->stopped = 1;
  }
  return m->stopped;
}

/* Was this error said before at the same place?  (Then it is not said,
 * nor counted, again.)  Remembers it otherwise. */
static int
already_said(evpubp_mapper *m, const char *file, unsigned long line,
             unsigned long col, const char *text)
{
  char key[1024];
  int n = snprintf(key, sizeof(key), "%s:%lu:%lu:%s", file ? file : "", line,
                   col, text);
  evpubp_map_entry *e;
  if(n < 0)
    return 0;
  if((size_t)n >= sizeof(key))
    n = (int)sizeof(key) - 1;
  e = evpubp_map_put(&m->said, key, (size_t)n);
  if(!e)
    return 0;
  if(e->value)
    return 1;
  e->value = m; /* any non-NULL mark */
  return 0;
}

void
evpubp_mapper_err(evpubp_mapper *m, const evpubp_node *at, const char *fmt,
                  ...)
{
  char text[900];
  va_list ap;
  if(m->pass != 1 || m->stopped)
    return;
  va_start(ap, fmt);
  vsnprintf(text, sizeof(text), fmt, ap);
  va_end(ap);
  if(at && already_said(m, m->file, at->line, at->col, text))
    return;
  report_error(m, EVPUBP_ERROR, m->file, at ? at->line : 0, at ? at->col : 0,
               text);
}

/* ---- reader callbacks --------------------------------------------------- */
static int
cb_doc_begin(void *user, unsigned long docno)
{
  evpubp_mapper *m = user;
  m->cur_doc = docno;
  m->doc_has_items = 0;
  if(m->pass != 1)
    return 0;
  if(evpubp_grow(&m->docs, m->ndocs, &m->capdocs, sizeof(*m->docs), 8))
    return -1;
  memset(&m->docs[m->ndocs], 0, sizeof(evpubp_docinfo));
  evpubp_map_init(&m->docs[m->ndocs].prefixes);
  m->ndocs++;
  return evpubp_index_add_doc(m->index);
}

static int
header_prefixes(evpubp_mapper *m, const evpubp_node *v)
{
  evpubp_docinfo *d = evpubp_mapper_doc(m);
  char qb[80];
  size_t i;
  if(v->kind != EVPUBP_N_MAP) {
    evpubp_mapper_err(m, v, "prefixes must map prefixes to namespace IRIs");
    return 0;
  }
  for(i = 0; i < v->n; i++) {
    const evpubp_node *k = v->items[2 * i], *ns = v->items[2 * i + 1];
    evpubp_map_entry *e;
    char why[96];
    const char *bad = ns->kind != EVPUBP_N_SCALAR
      ? "it is not a string"
      : evpubp_iri_problem(ns->str, ns->len, why, sizeof(why));
    if(bad) {
      evpubp_mapper_err(m, ns,
                        "the namespace of prefix '%s' must be an absolute "
                        "IRI: %s",
                        EVPUBP_Q(qb, k), bad);
      continue;
    }
    e = evpubp_map_put(&d->prefixes, k->str, k->len);
    if(!e)
      return -1;
    free(e->value);
    e->value = evpubp_strndup(ns->str, ns->len);
  }
  return 0;
}

static int
cb_header(void *user, const evpubp_node *key, const evpubp_node *v)
{
  evpubp_mapper *m = user;
  evpubp_docinfo *d = evpubp_mapper_doc(m);
  char qb[80];
  if(m->pass != 1)
    return 0;
  if(evpubp_streq(key, "base")) {
    if(m->doc_has_items)
      m->late_base = 1; /* events before it were hashed with another */
    char why[96];
    const char *bad = v->kind != EVPUBP_N_SCALAR
      ? "it is not a string"
      : evpubp_iri_problem(v->str, v->len, why, sizeof(why));
    if(!bad)
      return evpubp_index_set_base(m->index, m->cur_doc, v->str, v->len);
    evpubp_mapper_err(m, v, "base must be an absolute IRI, not '%s': %s",
                      EVPUBP_Q(qb, v), bad);
  } else if(evpubp_streq(key, "lang")) {
    if(v->kind == EVPUBP_N_SCALAR && evpubp_lang_tag(v->str, v->len)) {
      free(d->lang);
      d->lang = evpubp_strndup(v->str, v->len);
      return d->lang ? 0 : -1;
    }
    evpubp_mapper_err(m, v,
                      "lang must be a language tag such as en or zh-Hans, "
                      "not '%s'",
                      EVPUBP_Q(qb, v));
  } else if(evpubp_streq(key, "prefixes")) {
    return header_prefixes(m, v);
  }
  return 0;
}

static int
cb_item(void *user, evpubp_collection c, const evpubp_node *node)
{
  evpubp_mapper *m = user;
  const char *iri = NULL;
  int rc;
  if(m->stopped)
    return 1;
  if(node->kind != EVPUBP_N_MAP) {
    evpubp_mapper_err(m, node, "an item of '%s' must be a mapping",
                      evpubp_collection_names[c]);
    return 0;
  }
  m->doc_has_items = 1;
  if(m->pass == 1 && c == EVPUBP_C_EVENTS)
    m->event_items++;
  if(m->pass == 2 && m->only >= 0 &&
     (m->only == EVPUBP_C_EVENTS) != (c == EVPUBP_C_EVENTS))
    return 0;
  m->cur_coll = (int)c;
  rc = evpubp_walk_item(m, c, node, &iri);
  if(rc)
    return rc;
  return evpubp_emit_flush(m, iri);
}

static void
cb_error(void *user, unsigned long line, unsigned long col, const char *text)
{
  evpubp_mapper *m = user;
  if(m->pass == 1)
    report_error(m, EVPUBP_ERROR, m->file, line, col, text);
}

const evpubp_reader_cb evpubp_mapper_callbacks = { cb_doc_begin, cb_header,
                                                   cb_item, cb_error };

/* ---- life cycle --------------------------------------------------------- */
evpubp_mapper *
evpubp_new_mapper(evpub_world *w, const char *base_override,
                  unsigned long max_errors)
{
  evpubp_mapper *m = calloc(1, sizeof(*m));
  if(!m)
    return NULL;
  if(evpubp_terms_init(&m->terms)) {
    free(m);
    return NULL;
  }
  m->index = evpubp_new_index(&m->terms, base_override);
  if(!m->index) {
    evpubp_terms_free(&m->terms);
    free(m);
    return NULL;
  }
  m->world = w;
  m->max_errors = max_errors;
  m->on_error.report = report_error;
  m->on_error.user = m;
  m->on_finding.report = report_finding;
  m->on_finding.user = m;
  m->pass = 1;
  m->only = -1;
  evpubp_map_init(&m->said);
  evpubp_map_init(&m->files);
  evpubp_arena_init(&m->out);
  evpubp_map_init(&m->written);
  evpubp_buf_init(&m->tmp);
  return m;
}

void
evpubp_free_mapper(evpubp_mapper *m)
{
  size_t i, j;
  if(!m)
    return;
  for(i = 0; i < m->ndocs; i++) {
    free(m->docs[i].lang);
    for(j = 0; j < m->docs[i].prefixes.cap; j++)
      free(m->docs[i].prefixes.slots[j].value);
    evpubp_map_free(&m->docs[i].prefixes);
  }
  free(m->docs);
  evpubp_free_index(m->index);
  evpubp_terms_free(&m->terms);
  evpubp_map_free(&m->said);
  evpubp_map_free(&m->files);
  evpubp_arena_free(&m->out);
  free(m->stmts);
  evpubp_map_free(&m->written);
  free(m->slots);
  evpubp_buf_free(&m->tmp);
  free(m);
}

void
evpubp_mapper_set_file(evpubp_mapper *m, const char *name)
{
  evpubp_map_entry *e = evpubp_map_put(&m->files, name, strlen(name));
  m->file = e ? e->key : name;
}

/* ---- passes ------------------------------------------------------------- */
void
evpubp_mapper_start_pass(evpubp_mapper *m, int pass, evpubp_sink *sink)
{
  if(pass == EVPUBP_PASS_RECHECK)
    evpubp_index_start_recheck(m->index);
  m->pass = pass;
  m->sink = sink;
  m->triples = 0;
  m->events = 0;
}

int
evpubp_mapper_needs_recheck(const evpubp_mapper *m)
{
  return m->late_base || evpubp_index_needs_recheck(m->index);
}

int
evpubp_mapper_finish(evpubp_mapper *m)
{
  /* after too many errors, nothing more is looked at */
  if(!m->stopped && evpubp_index_finish(m->index, &m->on_error))
    return -1;
  return m->errors ? 1 : 0;
}

void
evpubp_mapper_set_profile(evpubp_mapper *m, int profile)
{
  m->profile = profile;
}

void
evpubp_mapper_only(evpubp_mapper *m, int only)
{
  m->only = only;
}

int
evpubp_mapper_warn_base(evpubp_mapper *m)
{
  return evpubp_index_default_base(m->index);
}

unsigned long
evpubp_mapper_errors(const evpubp_mapper *m)
{
  return m->errors;
}

unsigned long
evpubp_mapper_warnings(const evpubp_mapper *m)
{
  return m->warnings;
}

unsigned long
evpubp_mapper_triples(const evpubp_mapper *m)
{
  return m->triples;
}

unsigned long
evpubp_mapper_events(const evpubp_mapper *m)
{
  return m->events;
}

unsigned long
evpubp_mapper_event_items(const evpubp_mapper *m)
{
  return m->event_items;
}
