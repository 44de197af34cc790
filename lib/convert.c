/* convert.c - the converter: inputs -> two passes -> a sink */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "convert.h"
#include "map/map.h"

typedef struct {
  char *path;
  const evpubp_reader *reader; /* named by the caller, or NULL */
} input;

struct evpub_converter_s {
  evpub_world *world;
  char *format;
  char *base;
  unsigned long max_errors;
  unsigned long expand; /* iCalendar: occurrences listed as subEvents */
  input *inputs;
  size_t ninputs;
  unsigned long triples;
  unsigned long events;
  int jsonld_google;
  int profile; /* EVPUBP_PROFILE_* */
  unsigned long warnings, errors;
};

evpub_converter *
evpub_new_converter(evpub_world *world)
{
  evpub_converter *c = calloc(1, sizeof(*c));
  if(!c)
    return NULL;
  c->world = world;
  c->max_errors = 50;
  c->format = strdup("turtle");
  if(!c->format) {
    free(c);
    return NULL;
  }
  return c;
}

void
evpub_free_converter(evpub_converter *conv)
{
  size_t i;
  if(!conv)
    return;
  for(i = 0; i < conv->ninputs; i++) {
    free(conv->inputs[i].path);
  }
  free(conv->inputs);
  free(conv->format);
  free(conv->base);
  free(conv);
}

evpub_status
evpub_converter_set_format(evpub_converter *conv, const char *name)
{
  char *f;
  const char *variant;
  if(!name || !evpubp_writer_find(conv->world, name, &variant))
    return EVPUB_E_USAGE;
  f = strdup(name);
  if(!f)
    return EVPUB_E_NOMEM;
  free(conv->format);
  conv->format = f;
  return EVPUB_OK;
}

evpub_status
evpub_converter_set_base(evpub_converter *conv, const char *base)
{
  size_t n;
  char *b;
  if(!base || !evpubp_iri_absolute(base, strlen(base)))
    return EVPUB_E_USAGE;
  n = strlen(base);
  b = malloc(n + 2);
  if(!b)
    return EVPUB_E_NOMEM;
  memcpy(b, base, n + 1);
  if(base[n - 1] != '/' && base[n - 1] != '#') {
    b[n] = '/';
    b[n + 1] = '\0';
  }
  free(conv->base);
  conv->base = b;
  return EVPUB_OK;
}

evpub_status
evpub_converter_set_jsonld_style(evpub_converter *conv, const char *style)
{
  if(!style || (strcmp(style, "exact") && strcmp(style, "google")))
    return EVPUB_E_USAGE;
  conv->jsonld_google = !strcmp(style, "google");
  return EVPUB_OK;
}

evpub_status
evpub_converter_set_profile(evpub_converter *conv, const char *profile)
{
  if(!profile || !strcmp(profile, "none"))
    conv->profile = EVPUBP_PROFILE_NONE;
  else if(!strcmp(profile, "schema"))
    conv->profile = EVPUBP_PROFILE_SCHEMA;
  else if(!strcmp(profile, "google"))
    conv->profile = EVPUBP_PROFILE_GOOGLE;
  else
    return EVPUB_E_USAGE;
  return EVPUB_OK;
}

void
evpub_converter_set_max_errors(evpub_converter *conv, unsigned long max_errors)
{
  conv->max_errors = max_errors;
}

void
evpub_converter_set_expand(evpub_converter *conv, unsigned long n)
{
  conv->expand = n;
}

evpub_status
evpub_converter_add_input(evpub_converter *conv, const char *path,
                          const char *from)
{
  input *ni;
  const evpubp_reader *rd = NULL;
  if(!path)
    return EVPUB_E_USAGE;
  if(from) {
    rd = evpubp_reader_find(from);
    if(!rd)
      return EVPUB_E_USAGE;
  }
  ni = realloc(conv->inputs, (conv->ninputs + 1) * sizeof(*ni));
  if(!ni)
    return EVPUB_E_NOMEM;
  conv->inputs = ni;
  ni[conv->ninputs].path = strdup(path);
  ni[conv->ninputs].reader = rd;
  if(!ni[conv->ninputs].path)
    return EVPUB_E_NOMEM;
  conv->ninputs++;
  return EVPUB_OK;
}

/* Pass 1 hands what it reads to the mapper and to the spool. */
typedef struct {
  evpubp_mapper *m;
  evpubp_spool *sp;
  int spool_failed;
} tee;

/* rc: what the spool said; nonzero marks the spool failed. */
/* Is fp a directory?  fopen() opens one for reading; its first read fails
 * with EISDIR, which readers would report as a bad byte at 1:1. */
static int
is_directory(FILE *fp)
{
  struct stat sb;
  return fstat(fileno(fp), &sb) == 0 && S_ISDIR(sb.st_mode);
}

static int
spooled(tee *t, int rc)
{
  if(rc)
    t->spool_failed = 1;
  return rc;
}

static int
tee_doc(void *user, unsigned long docno)
{
  tee *t = user;
  return spooled(t, evpubp_spool_doc(t->sp, docno))
    ? -1
    : evpubp_mapper_callbacks.doc_begin(t->m, docno);
}

static int
tee_header(void *user, const evpubp_node *key, const evpubp_node *v)
{
  tee *t = user;
  return spooled(t, evpubp_spool_header(t->sp, key, v))
    ? -1
    : evpubp_mapper_callbacks.header(t->m, key, v);
}

static int
tee_item(void *user, evpubp_collection c, const evpubp_node *node)
{
  tee *t = user;
  return spooled(t, evpubp_spool_item(t->sp, c, node))
    ? -1
    : evpubp_mapper_callbacks.item(t->m, c, node);
}

static void
tee_error(void *user, unsigned long line, unsigned long col, const char *text)
{
  tee *t = user;
  evpubp_mapper_callbacks.error(t->m, line, col, text);
}

static const evpubp_reader_cb tee_callbacks = { tee_doc, tee_header, tee_item,
                                                tee_error };

static void
set_file(void *user, const char *name)
{
  evpubp_mapper_set_file(user, name);
}

/* Pass 1: parse every input, checking, indexing and spooling. */
static evpub_status
read_inputs(evpub_converter *conv, evpubp_mapper *m, evpubp_spool *sp)
{
  size_t i;
  unsigned long docno = 0;
  evpubp_arena arena;
  evpub_status st = EVPUB_OK;
  tee t;
  t.m = m;
  t.sp = sp;
  t.spool_failed = 0;
  evpubp_arena_init(&arena);
  for(i = 0; i < conv->ninputs && !t.spool_failed; i++) {
    const input *in = &conv->inputs[i];
    int is_stdin = !strcmp(in->path, "-");
    const char *name = is_stdin ? "<stdin>" : in->path;
    const evpubp_reader *rd = in->reader;
    evpubp_read_ctx rctx;
    FILE *fp;
    fp = is_stdin ? stdin : fopen(in->path, "rb");
    if(!fp || (!is_stdin && is_directory(fp))) {
      evpubp_log(conv->world, EVPUB_LOG_ERROR, name, 0, 0, "cannot read: %s",
                 fp ? strerror(EISDIR) : strerror(errno));
      if(fp)
        fclose(fp);
      st = EVPUB_E_IO;
      continue;
    }
    if(!rd) /* standard input is not guessed at: it cannot be read twice */
      rd = evpubp_reader_for_path(in->path, is_stdin ? NULL : fp);
    evpubp_mapper_set_file(m, name);
    rctx.fp = fp;
    rctx.file = name;
    rctx.world = conv->world;
    rctx.arena = &arena;
    rctx.cb = &tee_callbacks;
    rctx.user = &t;
    rctx.docno = &docno;
    rctx.expand = conv->expand;
    rctx.schema = &evpubp_map_schema;
    if(evpubp_spool_file(sp, name))
      t.spool_failed = 1;
    else
      rd->read(&rctx);
    if(ferror(fp)) { /* a reader that stopped on it said where */
      evpubp_log(conv->world, EVPUB_LOG_ERROR, name, 0, 0,
                 "cannot read: input/output error");
      st = EVPUB_E_IO;
    }
    if(!is_stdin)
      fclose(fp);
  }
  evpubp_arena_free(&arena);
  if(t.spool_failed) {
    evpubp_log(conv->world, EVPUB_LOG_ERROR, NULL, 0, 0,
               "cannot write the temporary spool: %s", strerror(errno));
    st = EVPUB_E_IO;
  }
  return st;
}

/* The recheck and the writing pass replay the spool. */
static evpub_status
replay(evpub_converter *conv, evpubp_mapper *m, evpubp_spool *sp)
{
  evpubp_arena arena;
  int rc;
  evpubp_arena_init(&arena);
  rc = evpubp_spool_replay(sp, &arena, &evpubp_mapper_callbacks, m, set_file);
  evpubp_arena_free(&arena);
  if(rc > 0)
    return EVPUB_E_DATA; /* the sink refused a statement (logged) */
  if(rc < 0) {
    evpubp_log(conv->world, EVPUB_LOG_ERROR, NULL, 0, 0,
               "cannot write the output: %s", strerror(errno));
    return EVPUB_E_IO;
  }
  return EVPUB_OK;
}

/* A run's mapper and spool. */
static evpub_status
begin(evpub_converter *conv, evpubp_mapper **m, evpubp_spool **sp)
{
  *m = evpubp_new_mapper(conv->world, conv->base, conv->max_errors);
  if(!*m)
    return EVPUB_E_NOMEM;
  *sp = evpubp_new_spool();
  if(!*sp) {
    evpubp_free_mapper(*m);
    evpubp_log(conv->world, EVPUB_LOG_ERROR, NULL, 0, 0,
               "cannot create a temporary file: %s", strerror(errno));
    return EVPUB_E_IO;
  }
  return EVPUB_OK;
}

/* Pass 1, the recheck when needed, the index, and the validating pass
 * when a profile is set.  Everything that can be wrong is reported here,
 * before anything is written. */
static evpub_status
prepare(evpub_converter *conv, evpubp_mapper *m, evpubp_spool *sp)
{
  evpub_status st;
  int rc;
  evpubp_mapper_start_pass(m, 1, NULL);
  st = read_inputs(conv, m, sp);
  if(st == EVPUB_OK && evpubp_mapper_needs_recheck(m)) {
    evpubp_mapper_start_pass(m, EVPUBP_PASS_RECHECK, NULL);
    st = replay(conv, m, sp);
  }
  if(st == EVPUB_OK) {
    /* also after errors: clashes and ambiguities are reported with them */
    rc = evpubp_mapper_finish(m);
    if(rc < 0)
      st = EVPUB_E_NOMEM;
  }
  if(st == EVPUB_OK && !evpubp_mapper_errors(m) && conv->profile) {
    evpubp_mapper_set_profile(m, conv->profile);
    evpubp_mapper_start_pass(m, EVPUBP_PASS_VALIDATE, NULL);
    st = replay(conv, m, sp);
  }
  if(st == EVPUB_OK && evpubp_mapper_errors(m))
    st = EVPUB_E_DATA;
  return st;
}

evpub_status
evpub_converter_validate(evpub_converter *conv)
{
  evpubp_mapper *m;
  evpubp_spool *sp;
  evpub_status st;
  if(!conv->profile)
    conv->profile = EVPUBP_PROFILE_SCHEMA;
  st = begin(conv, &m, &sp);
  if(st != EVPUB_OK)
    return st;
  st = prepare(conv, m, sp);
  conv->warnings = evpubp_mapper_warnings(m);
  conv->errors = evpubp_mapper_errors(m);
  evpubp_free_mapper(m);
  evpubp_free_spool(sp);
  return st;
}

/* Prepare, then write every statement to sink (borrowed; its factory's
 * start and finish are called here).  Used by evpub_converter_run() and
 * by the publisher. */
evpub_status
evpubp_converter_run_sink(evpub_converter *conv, evpubp_sink *sink)
{
  evpubp_mapper *m;
  evpubp_spool *sp = NULL;
  evpub_status st;

  conv->triples = 0;
  conv->events = 0;
  st = begin(conv, &m, &sp);
  if(st != EVPUB_OK)
    return st;
  st = prepare(conv, m, sp);
  if(st != EVPUB_OK)
    goto done;
  if(evpubp_mapper_warn_base(m))
    evpubp_log(conv->world, EVPUB_LOG_WARNING, NULL, 0, 0,
               "no base IRI given; using %s, so the IRIs are not your own "
               "(set 'base:' in the input, or the base option)",
               EVPUBP_DEFAULT_BASE);
  sink->event_items = evpubp_mapper_event_items(m);
  if(evpubp_sink_start(sink)) {
    st = sink->failed_status ? sink->failed_status : EVPUB_E_INTERNAL;
    goto done;
  }
  evpubp_mapper_start_pass(m, 2, sink);
  if(sink->factory->flags & EVPUBP_W_ENTITIES_FIRST) {
    /* shared entities first, so that every event can embed them */
    evpubp_mapper_only(m, EVPUBP_C_ORGANIZATIONS);
    st = replay(conv, m, sp);
    evpubp_mapper_only(m, EVPUBP_C_EVENTS);
  }
  if(st == EVPUB_OK)
    st = replay(conv, m, sp);
  if(st == EVPUB_OK && evpubp_sink_finish(sink)) {
    st = sink->failed_status ? sink->failed_status : EVPUB_E_IO;
    if(!sink->failed_status)
      evpubp_log(conv->world, EVPUB_LOG_ERROR, NULL, 0, 0,
                 "cannot write the output: %s", strerror(errno));
  }
  if(st == EVPUB_E_IO && sink->failed_status)
    st = sink->failed_status;
  conv->triples = evpubp_mapper_triples(m);
  conv->events = evpubp_mapper_events(m);
done:
  evpubp_free_mapper(m);
  evpubp_free_spool(sp);
  return st;
}

evpub_status
evpub_converter_run(evpub_converter *conv, FILE *out)
{
  evpubp_sink_opts opts;
  evpubp_sink *sink;
  opts.style = conv->jsonld_google ? "google" : NULL;
  opts.graph = NULL;
  sink = evpubp_new_sink(conv->world, conv->format, out, &opts);
  evpub_status st;
  if(!sink)
    return EVPUB_E_NOMEM;
  st = evpubp_converter_run_sink(conv, sink);
  if(st == EVPUB_OK && (fflush(out) || ferror(out))) {
    evpubp_log(conv->world, EVPUB_LOG_ERROR, NULL, 0, 0,
               "cannot write the output: %s", strerror(errno));
    st = EVPUB_E_IO;
  }
  evpubp_free_sink(sink);
  return st;
}

evpub_status
evpub_converter_run_to_file(evpub_converter *conv, const char *path)
{
  evpubp_outfile of;
  evpub_status st = evpubp_outfile_open(conv->world, path, &of), st2;
  if(st != EVPUB_OK)
    return st;
  st = evpub_converter_run(conv, of.fp);
  st2 = evpubp_outfile_close(&of, st == EVPUB_OK);
  return st != EVPUB_OK ? st : st2;
}

unsigned long
evpub_converter_triples(const evpub_converter *conv)
{
  return conv->triples;
}

unsigned long
evpub_converter_events(const evpub_converter *conv)
{
  return conv->events;
}

unsigned long
evpub_converter_warnings(const evpub_converter *conv)
{
  return conv->warnings;
}
