/* store/store.c - the local store: Redland hashes (Berkeley DB) in
 * generations, so that a publish killed at any moment leaves a store
 * that opens and holds only whole graphs (doc/store.md)
 *
 *   DIR/FORMAT       "evpub store 1"
 *   DIR/CURRENT      the name of the current generation ("g000042")
 *   DIR/write.lock   flock: one writer at a time
 *   DIR/read.lock    flock: readers hold it shared; a writer removes old
 *                    generations only when it can hold it alone
 *   DIR/gNNNNNN/     db-*.db   Redland "hashes" storage, one context
 *                              per named graph, predicate index on
 *                    graphs.tsv  HASH TAB TRIPLES TAB IRI: what is there
 *                    facts.tsv   the organizer facts (facts.c)
 *                    lexical.tsv the forms rasqal rewrites (lexical.c)
 *                    files.tsv   NAME TAB BYTES of each file above
 *   DIR/gNNNNNN.uncommitted  made before gNNNNNN, removed once CURRENT
 *                    names it: a publish that never committed
 *
 * A generation is never changed once CURRENT names it.  A publish copies
 * the current generation's files into a new one, changes the copy, syncs
 * it, and then renames a new CURRENT into place: the one atomic step.
 * Berkeley DB files without a transaction environment can be left
 * inconsistent by a process that dies while writing them, which is why
 * the files readers see are never written to.
 *
 * What is not one of the states a publish leaves (doc/store.md, "A
 * damaged store") is damage: every command refuses the store (EVPUB_E_IO)
 * and none writes into it.  The uncommitted marker is what tells a
 * publish that never committed (its generation is garbage) from a store
 * whose CURRENT was lost (its generations hold data).
 */
#define _GNU_SOURCE /* copy_file_range, flock */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <redland.h>

#include "store/side.h"

#define FORMAT_LINE "evpub store 1\n"
#define STORAGE_NAME "db"
#define UNCOMMITTED ".uncommitted"
#define FILES_LIST "files.tsv"

/* The files every generation holds (a committed generation lists them,
 * with their sizes, in files.tsv). */
static const char *const gen_files[] = { STORAGE_NAME "-sp2o.db",
                                         STORAGE_NAME "-po2s.db",
                                         STORAGE_NAME "-so2p.db",
                                         STORAGE_NAME "-p2so.db",
                                         STORAGE_NAME "-contexts.db",
                                         "graphs.tsv",
                                         "facts.tsv",
                                         "lexical.tsv" };

#define NGEN_FILES (sizeof(gen_files) / sizeof(gen_files[0]))

typedef struct {
  char hash[33];
  unsigned long triples;
  int changed;
} ginfo;

struct evpubp_store {
  evpub_world *w;
  librdf_world *rdf;
  char *dir;
  int wlock, rlock;
  char cur[32]; /* current generation, "" when none */
  unsigned long next_gen;
  evpubp_map graphs; /* iri -> ginfo */
  /* reading */
  evpubp_lexical lexical;
  librdf_storage *rstorage;
  librdf_model *rmodel;
  /* writing */
  char *work;
  librdf_storage *storage;
  librdf_model *model;
  FILE *side_new[2]; /* the new lines of facts.tsv and lexical.tsv */
  librdf_node *ctx;
  const char *ctx_iri;
  evpubp_buf line;
  unsigned long changed, nul_literals;
  int failed;
};

static char *
path_join(const char *a, const char *b)
{
  size_t n = strlen(a) + strlen(b) + 2;
  char *s = malloc(n);
  if(s)
    snprintf(s, n, "%s/%s", a, b);
  return s;
}

/* DIR/CURRENT-GENERATION/name (malloc'd), NULL when out of memory. */
static char *
gen_file(const evpubp_store *s, const char *name)
{
  char *gen = path_join(s->dir, s->cur), *p;
  p = gen ? path_join(gen, name) : NULL;
  free(gen);
  return p;
}

static int
is_gen_name(const char *s)
{
  size_t i;
  if(s[0] != 'g' || strlen(s) < 7 || strlen(s) > 20)
    return 0;
  for(i = 1; s[i]; i++)
    if(s[i] < '0' || s[i] > '9')
      return 0;
  return 1;
}

static int
mkdirs(const char *path)
{
  char *p = strdup(path), *q;
  int rc = 0;
  if(!p)
    return -1;
  for(q = p + 1; *q; q++) {
    if(*q == '/') {
      *q = '\0';
      if(mkdir(p, 0777) && errno != EEXIST)
        rc = -1;
      *q = '/';
    }
  }
  if(!rc && mkdir(p, 0777) && errno != EEXIST)
    rc = -1;
  free(p);
  return rc;
}

/* Remove a generation directory (flat: files only). */
static void
remove_gen(const char *path)
{
  DIR *d = opendir(path);
  struct dirent *e;
  if(d) {
    while((e = readdir(d))) {
      char *f;
      if(!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
        continue;
      f = path_join(path, e->d_name);
      if(f)
        unlink(f);
      free(f);
    }
    closedir(d);
  }
  rmdir(path);
}

static int
fsync_path(const char *path, int dir)
{
  int fd = open(path, dir ? O_RDONLY | O_DIRECTORY : O_RDONLY);
  int rc;
  if(fd < 0)
    return -1;
  rc = fsync(fd);
  close(fd);
  return rc;
}

static int
lock_file(evpubp_store *s, const char *name, int how)
{
  char *p = path_join(s->dir, name);
  int fd;
  if(!p)
    return -1;
  fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
  free(p);
  if(fd < 0)
    return -1;
  if(flock(fd, how)) {
    int e = errno;
    close(fd);
    errno = e;
    return -2;
  }
  return fd;
}

/* ---- what a store directory is (doc/store.md, "A damaged store") ---- */
void
evpubp_store_damaged(evpub_world *w, const char *dir, const char *file,
                     unsigned long line, const char *fmt, ...)
{
  evpubp_buf b;
  va_list ap;
  char what[1024];
  va_start(ap, fmt);
  vsnprintf(what, sizeof(what), fmt, ap);
  va_end(ap);
  evpubp_buf_init(&b);
  evpubp_buf_printf(&b,
                    "the store '%s' is damaged: %s; nothing was changed; "
                    "restore the store from a backup, or publish the "
                    "event descriptions again into a new store directory",
                    dir, what);
  evpubp_log(w, EVPUB_LOG_ERROR, file, line, line ? 1 : 0, "%s",
             b.failed ? what : b.data);
  evpubp_buf_free(&b);
}

#define DAMAGED(s, file, line, ...)                                           \
  evpubp_store_damaged((s)->w, (s)->dir, file, line, __VA_ARGS__)

/* 1 when dir holds what only a store holds: CURRENT or a generation. */
static int
has_store_files(const char *dir)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  int found = 0;
  if(!d)
    return 0;
  while(!found && (e = readdir(d)))
    found = !strcmp(e->d_name, "CURRENT") || is_gen_name(e->d_name);
  closedir(d);
  return found;
}

/* The FORMAT file: there and right, or (create) a new or empty directory
 * that becomes a store.  Never takes over a directory of other files. */
static evpub_status
check_format(evpubp_store *s, int create)
{
  char *p = path_join(s->dir, "FORMAT");
  char buf[64] = "";
  FILE *fp;
  evpub_status st = EVPUB_OK;
  if(!p)
    return EVPUB_E_NOMEM;
  fp = fopen(p, "r");
  if(fp) {
    if(!fgets(buf, sizeof(buf), fp) || strcmp(buf, FORMAT_LINE)) {
      evpubp_log(s->w, EVPUB_LOG_ERROR, p, 0, 0,
                 "not a store of this version of evpub (it says '%.*s')",
                 (int)strcspn(buf, "\n"), buf);
      st = EVPUB_E_IO;
    }
    fclose(fp);
  } else if(has_store_files(s->dir)) {
    DAMAGED(s, NULL, 0, "it has a CURRENT file or generations, but no FORMAT");
    st = EVPUB_E_IO;
  } else if(!create) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
               "no evpub store at '%s' (publish into it first, or use "
               "another store directory or an endpoint)",
               s->dir);
    st = EVPUB_E_IO;
  } else {
    DIR *d = opendir(s->dir);
    struct dirent *e;
    int other = 0;
    if(d) {
      while((e = readdir(d)))
        if(strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
          other = 1;
      closedir(d);
    }
    if(other) {
      evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
                 "'%s' is a directory of other files, not an evpub store: "
                 "give an empty or new directory",
                 s->dir);
      st = EVPUB_E_IO;
    } else if(!(fp = fopen(p, "w")) || fputs(FORMAT_LINE, fp) == EOF ||
              fclose(fp)) {
      evpubp_log(s->w, EVPUB_LOG_ERROR, p, 0, 0, "cannot write: %s",
                 strerror(errno));
      st = EVPUB_E_IO;
    }
  }
  free(p);
  return st;
}

/* CURRENT into s->cur: 1 when it names a generation, 0 when there is no
 * CURRENT, -1 when it cannot be read or names none (logged). */
static int
read_current(evpubp_store *s)
{
  char *p = path_join(s->dir, "CURRENT");
  FILE *fp = p ? fopen(p, "r") : NULL;
  char buf[64];
  size_t n = 0;
  int rc = 1, whole;
  s->cur[0] = '\0';
  if(!fp) {
    int e = p ? errno : ENOMEM;
    if(e != ENOENT)
      evpubp_log(s->w, EVPUB_LOG_ERROR, p, 0, 0, "cannot read CURRENT: %s",
                 strerror(e));
    free(p);
    return e == ENOENT ? 0 : -1;
  }
  n = fread(buf, 1, sizeof(buf) - 1, fp);
  buf[n] = '\0';
  /* written whole by a rename: anything but "gNNNNNN\n" is damage */
  whole = n >= 2 && buf[n - 1] == '\n' && strlen(buf) == n;
  if(whole)
    buf[n - 1] = '\0';
  if(ferror(fp)) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, p, 0, 0, "cannot read it");
    rc = -1;
  } else if(!whole || !is_gen_name(buf)) {
    DAMAGED(s, p, 0, "CURRENT does not name a generation (it says '%.*s')",
            (int)strcspn(buf, "\n"), buf);
    rc = -1;
  } else {
    memcpy(s->cur, buf, n);
  }
  fclose(fp);
  free(p);
  return rc;
}

/* DIR/name.uncommitted (malloc'd), NULL when out of memory. */
static char *
marker_path(const evpubp_store *s, const char *name)
{
  char m[64];
  snprintf(m, sizeof(m), "%s" UNCOMMITTED, name);
  return path_join(s->dir, m);
}

/* Remove the marker of generation name: it was committed. */
static void
unmark(evpubp_store *s, const char *name)
{
  char *m = marker_path(s, name);
  if(m && !unlink(m))
    fsync_path(s->dir, 1);
  free(m);
}

/* The newest generation in s->dir that a publish committed, into
 * name[32] ("" when none): one with files and without the marker of a
 * publish that never committed. */
static void
newest_committed(const evpubp_store *s, char *name)
{
  DIR *d = opendir(s->dir);
  struct dirent *e;
  unsigned long best = 0;
  name[0] = '\0';
  if(!d)
    return;
  while((e = readdir(d))) {
    char *gen, *mark;
    DIR *g;
    struct dirent *f;
    int files = 0;
    if(!is_gen_name(e->d_name) || strlen(e->d_name) >= 32 ||
       strtoul(e->d_name + 1, NULL, 10) < best)
      continue;
    gen = path_join(s->dir, e->d_name);
    mark = marker_path(s, e->d_name);
    if(gen && mark && access(mark, F_OK) && (g = opendir(gen))) {
      while(!files && (f = readdir(g)))
        files = strcmp(f->d_name, ".") && strcmp(f->d_name, "..");
      closedir(g);
    }
    if(files) {
      best = strtoul(e->d_name + 1, NULL, 10);
      memcpy(name, e->d_name, strlen(e->d_name) + 1);
    }
    free(gen);
    free(mark);
  }
  closedir(d);
}

/* The current generation: CURRENT, or none when nothing was ever
 * committed.  EVPUB_E_IO (logged) for a store whose CURRENT is garbled,
 * or missing while a committed generation is there. */
static evpub_status
find_current(evpubp_store *s)
{
  char newest[32];
  int rc = read_current(s);
  if(rc)
    return rc > 0 ? EVPUB_OK : EVPUB_E_IO;
  newest_committed(s, newest);
  if(!newest[0])
    return EVPUB_OK; /* a new store, or publishes that never committed */
  /* the first publish may have committed (and unmarked) it meanwhile */
  rc = read_current(s);
  if(rc)
    return rc > 0 ? EVPUB_OK : EVPUB_E_IO;
  DAMAGED(s, NULL, 0,
          "CURRENT is missing, but generation %s holds a publish (if it "
          "was the last one, a file CURRENT holding the line '%s' "
          "restores the store)",
          newest, newest);
  return EVPUB_E_IO;
}

/* The files of the current generation: each in files.tsv there with its
 * size, each of gen_files there (files.tsv is new in this version: a
 * generation without it is checked for gen_files alone). */
typedef struct {
  evpubp_store *s;
  const char *gen;
} files_check;

static evpub_status
check_file(void *user, char **f, const size_t *len)
{
  files_check *fc = user;
  char *p, *end;
  unsigned long long want;
  struct stat sb;
  int rc;
  if(!len[0] || strchr(f[0], '/') || !strcmp(f[0], ".") ||
     !strcmp(f[0], "..") || !len[1] || f[1][0] < '0' || f[1][0] > '9')
    return EVPUB_E_DATA;
  errno = 0;
  want = strtoull(f[1], &end, 10);
  if(errno || *end)
    return EVPUB_E_DATA;
  p = path_join(fc->gen, f[0]);
  if(!p)
    return EVPUB_E_NOMEM;
  rc = stat(p, &sb) ? errno : 0;
  free(p);
  if(rc) {
    DAMAGED(fc->s, NULL, 0, "CURRENT names generation %s, but %s/%s is %s",
            fc->s->cur, fc->s->cur, f[0],
            rc == ENOENT ? "missing" : strerror(rc));
    return EVPUB_E_IO;
  }
  if((unsigned long long)sb.st_size != want) {
    DAMAGED(fc->s, NULL, 0,
            "%s/%s holds %llu bytes, but it was committed with %llu",
            fc->s->cur, f[0], (unsigned long long)sb.st_size, want);
    return EVPUB_E_IO;
  }
  return EVPUB_OK;
}

static evpub_status
check_generation(evpubp_store *s)
{
  char *gen = path_join(s->dir, s->cur), *p;
  files_check fc;
  struct stat sb;
  evpub_status st = EVPUB_OK;
  unsigned long line;
  FILE *fp;
  size_t i;
  if(!gen)
    return EVPUB_E_NOMEM;
  if(stat(gen, &sb) || !S_ISDIR(sb.st_mode)) {
    DAMAGED(s, NULL, 0,
            "CURRENT names generation %s, but there is no directory %s",
            s->cur, s->cur);
    free(gen);
    return EVPUB_E_IO;
  }
  for(i = 0; i < NGEN_FILES && !st; i++) {
    p = path_join(gen, gen_files[i]);
    if(!p)
      st = EVPUB_E_NOMEM;
    else if(stat(p, &sb) || !S_ISREG(sb.st_mode)) {
      DAMAGED(s, NULL, 0, "CURRENT names generation %s, but %s/%s is missing",
              s->cur, s->cur, gen_files[i]);
      st = EVPUB_E_IO;
    }
    free(p);
  }
  p = st ? NULL : path_join(gen, FILES_LIST);
  fp = p ? fopen(p, "r") : NULL;
  if(fp) {
    fc.s = s;
    fc.gen = gen;
    st = evpubp_side_read(fp, 2, check_file, &fc, &line);
    if(st == EVPUB_E_DATA) {
      DAMAGED(s, p, line, "this line is not a file's name and size");
      st = EVPUB_E_IO;
    }
    fclose(fp);
  } else if(p && errno != ENOENT) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, p, 0, 0, "cannot read: %s",
               strerror(errno));
    st = EVPUB_E_IO;
  }
  free(p);
  free(gen);
  return st;
}

/* One line of graphs.tsv into s->graphs. */
static evpub_status
read_graph_record(void *user, char **f, const size_t *len)
{
  evpubp_store *s = user;
  evpubp_map_entry *e;
  ginfo *g;
  char *end;
  if(len[0] != 32 || strspn(f[0], "0123456789abcdef") != 32 || !len[1] ||
     f[1][0] < '0' || f[1][0] > '9' || !len[2])
    return EVPUB_E_DATA;
  e = evpubp_map_put(&s->graphs, f[2], len[2]);
  g = e ? (e->value ? e->value : calloc(1, sizeof(*g))) : NULL;
  if(!g)
    return EVPUB_E_NOMEM;
  e->value = g;
  memcpy(g->hash, f[0], 32);
  g->hash[32] = '\0';
  errno = 0;
  g->triples = strtoul(f[1], &end, 10);
  return errno || *end ? EVPUB_E_DATA : EVPUB_OK;
}

/* graphs.tsv of the current generation into s->graphs. */
static evpub_status
read_manifest(evpubp_store *s)
{
  char *p;
  FILE *fp;
  unsigned long line;
  evpub_status st;
  if(!s->cur[0])
    return EVPUB_OK;
  p = gen_file(s, "graphs.tsv");
  if(!p)
    return EVPUB_E_NOMEM;
  fp = fopen(p, "r");
  if(!fp) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, p, 0, 0, "cannot read: %s",
               strerror(errno));
    free(p);
    return EVPUB_E_IO;
  }
  st = evpubp_side_read(fp, 3, read_graph_record, s, &line);
  if(st == EVPUB_E_DATA) {
    DAMAGED(s, p, line,
            "this line is not a graph's record (content hash, triples, IRI)");
    st = EVPUB_E_IO;
  } else if(st == EVPUB_E_IO) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, p, 0, 0, "cannot read it whole");
  }
  fclose(fp);
  free(p);
  return st;
}

/* lexical.tsv of the current generation into s->lexical, once;
 * EVPUB_E_IO (logged) when it cannot be read or is damaged. */
static evpub_status
load_lexical(evpubp_store *s)
{
  char *p;
  unsigned long line;
  evpub_status st;
  if(s->lexical.loaded)
    return EVPUB_OK;
  p = s->cur[0] ? gen_file(s, "lexical.tsv") : NULL;
  if(s->cur[0] && !p)
    return EVPUB_E_NOMEM;
  st = evpubp_lexical_load(&s->lexical, p, &line);
  if(st == EVPUB_E_DATA)
    DAMAGED(s, p, line,
            "this line is not a record of lexical forms (graph, datatype, "
            "rasqal's form, the stored form)");
  else if(st == EVPUB_E_IO)
    evpubp_log(s->w, EVPUB_LOG_ERROR, p, 0, 0, "cannot read: %s",
               strerror(errno));
  free(p);
  return st == EVPUB_E_DATA ? EVPUB_E_IO : st;
}

/* The side files read whole: a publish carries their records over into
 * the next generation, so it must not start on damaged ones. */
static evpub_status
check_side_files(evpubp_store *s)
{
  char *p = gen_file(s, "facts.tsv");
  evpub_status st;
  if(!p)
    return EVPUB_E_NOMEM;
  st = evpubp_facts_read(s->w, s->dir, p, NULL, NULL);
  free(p);
  return st ? st : load_lexical(s);
}

static evpubp_store *
new_store(evpub_world *w, const char *dir)
{
  evpubp_store *s = calloc(1, sizeof(*s));
  if(!s)
    return NULL;
  s->w = w;
  s->wlock = s->rlock = -1;
  evpubp_map_init(&s->graphs);
  evpubp_lexical_init(&s->lexical);
  evpubp_buf_init(&s->line);
  s->dir = strdup(dir);
  s->rdf = evpubp_rdf_world(w);
  if(!s->dir || !s->rdf) {
    free(s->dir);
    free(s);
    return NULL;
  }
  return s;
}

/* Remove every generation but the current one, and then every marker
 * but its (see unmark()), if no reader is in the store (they hold
 * read.lock shared); called with the write lock. */
static void
collect_garbage(evpubp_store *s)
{
  int fd = lock_file(s, "read.lock", LOCK_EX | LOCK_NB), pass;
  DIR *d;
  struct dirent *e;
  unsigned long max = 0;
  if(fd < 0 && fd != -2)
    return;
  d = opendir(s->dir);
  /* markers after their generations: never a generation without its
   * marker that was not committed */
  for(pass = 0; d && pass < 2; pass++) {
    rewinddir(d);
    while((e = readdir(d))) {
      size_t n = strcspn(e->d_name, ".");
      char *p, gen[32];
      if(n >= sizeof(gen))
        continue;
      memcpy(gen, e->d_name, n);
      gen[n] = '\0';
      if(!is_gen_name(gen) || strcmp(e->d_name + n, pass ? UNCOMMITTED : ""))
        continue;
      if(!pass && strtoul(gen + 1, NULL, 10) > max)
        max = strtoul(gen + 1, NULL, 10);
      if(fd < 0 || !strcmp(gen, s->cur))
        continue;
      p = path_join(s->dir, e->d_name);
      if(p && !pass)
        remove_gen(p);
      else if(p)
        unlink(p);
      free(p);
    }
  }
  if(d)
    closedir(d);
  if(max + 1 > s->next_gen)
    s->next_gen = max + 1;
  if(fd >= 0)
    close(fd);
}

evpub_status
evpubp_store_open(evpub_world *w, const char *dir, int write,
                  evpubp_store **out)
{
  evpubp_store *s = new_store(w, dir);
  evpub_status st;
  *out = NULL;
  if(!s)
    return EVPUB_E_NOMEM;
  if(write && mkdirs(dir)) {
    evpubp_log(w, EVPUB_LOG_ERROR, NULL, 0, 0,
               "cannot create the store directory '%s': %s", dir,
               strerror(errno));
    evpubp_store_close(s);
    return EVPUB_E_IO;
  }
  st = check_format(s, write);
  if(st == EVPUB_OK && write) {
    s->wlock = lock_file(s, "write.lock", LOCK_EX | LOCK_NB);
    if(s->wlock < 0) {
      evpubp_log(w, EVPUB_LOG_ERROR, NULL, 0, 0,
                 s->wlock == -2 ? "the store '%s' is being written by "
                                  "another evpub process: try again when "
                                  "it is done"
                                : "cannot lock the store '%s'",
                 dir);
      st = EVPUB_E_IO;
    }
  } else if(st == EVPUB_OK) {
    s->rlock = lock_file(s, "read.lock", LOCK_SH);
    if(s->rlock < 0) {
      evpubp_log(w, EVPUB_LOG_ERROR, NULL, 0, 0,
                 "cannot lock the store '%s': %s", dir, strerror(errno));
      st = EVPUB_E_IO;
    }
  }
  /* all that a store is checked before anything is written into it */
  if(st == EVPUB_OK)
    st = find_current(s);
  if(st == EVPUB_OK && s->cur[0])
    st = check_generation(s);
  if(st == EVPUB_OK)
    st = read_manifest(s);
  if(st == EVPUB_OK && write && s->cur[0])
    st = check_side_files(s);
  else if(st == EVPUB_OK)
    st = load_lexical(s); /* the forms query answers are given back in */
  if(st == EVPUB_OK && write) {
    if(s->cur[0])
      unmark(s, s->cur); /* a publish killed right after its commit */
    collect_garbage(s);  /* what a killed publish left */
  }
  if(st != EVPUB_OK) {
    evpubp_store_close(s);
    return st;
  }
  *out = s;
  return EVPUB_OK;
}

int
evpubp_store_has(const evpubp_store *s, const char *iri, const char *hash)
{
  evpubp_map_entry *e = evpubp_map_find(&s->graphs, iri, strlen(iri));
  return e && e->value && !strcmp(((ginfo *)e->value)->hash, hash);
}

/* ---- writing ---- */
static int
copy_file(const char *from, const char *to)
{
  int in = open(from, O_RDONLY | O_CLOEXEC), outfd;
  struct stat sb;
  off_t left;
  int rc = 0;
  if(in < 0)
    return -1;
  outfd = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if(outfd < 0 || fstat(in, &sb)) {
    close(in);
    if(outfd >= 0)
      close(outfd);
    return -1;
  }
  left = sb.st_size;
  while(left > 0) {
    ssize_t n = copy_file_range(in, NULL, outfd, NULL, (size_t)left, 0);
    if(n <= 0) {
      /* not supported here (or an old kernel): plain reads and writes */
      char buf[1 << 16];
      ssize_t r = read(in, buf, sizeof(buf)), off = 0;
      if(r <= 0) {
        rc = -1;
        break;
      }
      while(off < r) {
        ssize_t wr = write(outfd, buf + off, (size_t)(r - off));
        if(wr <= 0) {
          rc = -1;
          break;
        }
        off += wr;
      }
      if(rc)
        break;
      n = r;
    }
    left -= n;
  }
  if(close(outfd))
    rc = -1;
  close(in);
  return rc;
}

static const char *const side_names[2] = { "facts", "lexical" };
enum { SIDE_FACTS, SIDE_LEXICAL };

static void
put_statement(evpubp_store *s, raptor_statement *st)
{
  const raptor_term *o = st->object;
  if(s->failed)
    return;
  if(librdf_model_context_add_statement(s->model, s->ctx, st)) {
    s->failed = 1;
    return;
  }
  if(o->type == RAPTOR_TERM_TYPE_LITERAL && o->value.literal.datatype &&
     evpubp_lexical_put(s->rdf, s->side_new[SIDE_LEXICAL], &s->line,
                        s->ctx_iri, &o->value.literal))
    s->failed = 1;
  if(o->type == RAPTOR_TERM_TYPE_LITERAL &&
     memchr(o->value.literal.string, 0, o->value.literal.string_len))
    s->nul_literals++;
  if(evpubp_facts_put(s->side_new[SIDE_FACTS], &s->line, s->ctx_iri, st))
    s->failed = 1;
}

/* The first change: make the work generation from the current one. */
static evpub_status
begin_work(evpubp_store *s)
{
  char name[32], opts[512];
  char *cur = NULL, *mark;
  int copied = 0, k, fd;
  DIR *d;
  struct dirent *e;
  snprintf(name, sizeof(name), "g%06lu", s->next_gen);
  s->work = path_join(s->dir, name);
  mark = marker_path(s, name);
  if(!s->work || !mark) {
    free(mark);
    return EVPUB_E_NOMEM;
  }
  remove_gen(s->work);
  /* the marker first, synced: a generation without one was committed */
  fd = open(mark, O_WRONLY | O_CREAT | O_CLOEXEC, 0666);
  if(fd < 0 || close(fd) || fsync_path(s->dir, 1)) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0, "cannot create '%s': %s",
               mark, strerror(errno));
    free(mark);
    return EVPUB_E_IO;
  }
  free(mark);
  if(mkdir(s->work, 0777)) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0, "cannot create '%s': %s",
               s->work, strerror(errno));
    return EVPUB_E_IO;
  }
  if(s->cur[0] && (cur = path_join(s->dir, s->cur)) && (d = opendir(cur))) {
    while((e = readdir(d))) {
      char *from, *to;
      int rc;
      if(strncmp(e->d_name, STORAGE_NAME "-", sizeof(STORAGE_NAME)))
        continue;
      from = path_join(cur, e->d_name);
      to = path_join(s->work, e->d_name);
      rc = from && to ? copy_file(from, to) : -1;
      free(from);
      free(to);
      if(rc) {
        evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
                   "cannot copy the store's files into '%s': %s", s->work,
                   strerror(errno));
        closedir(d);
        free(cur);
        return EVPUB_E_IO;
      }
      copied = 1;
    }
    closedir(d);
  }
  free(cur);
  snprintf(opts, sizeof(opts),
           "hash-type='bdb',dir='%s',contexts='yes',"
           "index-predicates='yes',new='%s',write='yes'",
           s->work, copied ? "no" : "yes");
  s->storage = librdf_new_storage(s->rdf, "hashes", STORAGE_NAME, opts);
  s->model = s->storage ? librdf_new_model(s->rdf, s->storage, NULL) : NULL;
  if(!s->model) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
               "cannot open the Redland store in '%s'", s->work);
    return EVPUB_E_INTERNAL;
  }
  for(k = 0; k < 2; k++) {
    char *fp;
    snprintf(name, sizeof(name), "%s.new", side_names[k]);
    fp = path_join(s->work, name);
    s->side_new[k] = fp ? fopen(fp, "w+") : NULL;
    free(fp);
    if(!s->side_new[k])
      return EVPUB_E_IO;
  }
  return EVPUB_OK;
}

/* ---- statement records ----
 * What the publisher hands over for a graph: per statement a kind byte
 * ('u' IRI object, 'l' literal) and five length-prefixed fields: subject,
 * predicate, object, language, datatype.  Unlike N-Triples through
 * raptor's parser, this keeps every byte of a literal, U+0000 included. */
void
evpubp_store_record(evpubp_buf *b, const evpubp_stmt *st)
{
  const char *f[5];
  size_t n[5], i;
  f[0] = st->s;
  f[1] = st->p;
  f[2] = st->o;
  f[3] = st->lang ? st->lang : "";
  f[4] = st->dt ? st->dt : "";
  n[0] = strlen(f[0]);
  n[1] = strlen(f[1]);
  n[2] = st->okind == EVPUBP_O_LITERAL ? st->olen : strlen(f[2]);
  n[3] = strlen(f[3]);
  n[4] = strlen(f[4]);
  evpubp_buf_addc(b, st->okind == EVPUBP_O_LITERAL ? 'l' : 'u');
  for(i = 0; i < 5; i++) {
    unsigned char len[4];
    len[0] = (unsigned char)(n[i] & 255);
    len[1] = (unsigned char)((n[i] >> 8) & 255);
    len[2] = (unsigned char)((n[i] >> 16) & 255);
    len[3] = (unsigned char)((n[i] >> 24) & 255);
    evpubp_buf_add(b, (const char *)len, 4);
    evpubp_buf_add(b, f[i], n[i]);
  }
}

/* Reads records from memory or from a file. */
typedef struct {
  const unsigned char *p, *end;
  FILE *fp;
  evpubp_buf field[5];
} rec_reader;

static int
rec_bytes(rec_reader *r, unsigned char *dst, size_t n)
{
  if(r->fp)
    return fread(dst, 1, n, r->fp) == n ? 0 : -1;
  if((size_t)(r->end - r->p) < n)
    return -1;
  memcpy(dst, r->p, n);
  r->p += n;
  return 0;
}

/* The next record's kind into *kind, its fields into r->field; 1 at the
 * end, -1 on a damaged record. */
static int
rec_next(rec_reader *r, char *kind)
{
  unsigned char k, len[4];
  size_t i;
  if(r->fp ? fread(&k, 1, 1, r->fp) != 1 : r->p == r->end)
    return 1;
  if(!r->fp)
    k = *r->p++;
  *kind = (char)k;
  for(i = 0; i < 5; i++) {
    size_t n;
    evpubp_buf *f = &r->field[i];
    if(rec_bytes(r, len, 4))
      return -1;
    n = (size_t)len[0] | (size_t)len[1] << 8 | (size_t)len[2] << 16 |
      (size_t)len[3] << 24;
    evpubp_buf_reset(f);
    if(evpubp_buf_reserve(f, n + 1) ||
       rec_bytes(r, (unsigned char *)f->data, n))
      return -1;
    f->len = n;
    f->data[n] = '\0';
  }
  return 0;
}

static int
put_records(evpubp_store *s, const char *text, size_t len, FILE *fp)
{
  rec_reader r;
  raptor_world *rw = s->w->raptor;
  char kind;
  int rc, i;
  memset(&r, 0, sizeof(r));
  for(i = 0; i < 5; i++)
    evpubp_buf_init(&r.field[i]);
  r.p = (const unsigned char *)text;
  r.end = r.p + len;
  r.fp = fp;
  if(fp)
    rewind(fp);
  while(!s->failed && !(rc = rec_next(&r, &kind))) {
    raptor_statement st;
    raptor_uri *dt = NULL;
    memset(&st, 0, sizeof(st));
    st.world = rw;
    st.subject = raptor_new_term_from_counted_uri_string(
      rw, (const unsigned char *)r.field[0].data, r.field[0].len);
    st.predicate = raptor_new_term_from_counted_uri_string(
      rw, (const unsigned char *)r.field[1].data, r.field[1].len);
    if(kind == 'u') {
      st.object = raptor_new_term_from_counted_uri_string(
        rw, (const unsigned char *)r.field[2].data, r.field[2].len);
    } else if(r.field[2].len && !r.field[2].data[0]) {
      /* raptor reads a literal that starts with U+0000 as "" */
      evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
                 "graph <%s>: a literal of <%s> starts with U+0000, which "
                 "the local store (Redland) cannot hold",
                 s->ctx_iri, r.field[1].data);
      s->failed = 1;
    } else {
      if(r.field[4].len)
        dt = raptor_new_uri_from_counted_string(
          rw, (const unsigned char *)r.field[4].data, r.field[4].len);
      st.object = raptor_new_term_from_counted_literal(
        rw, (const unsigned char *)r.field[2].data, r.field[2].len, dt,
        r.field[3].len ? (const unsigned char *)r.field[3].data : NULL,
        (unsigned char)r.field[3].len);
    }
    if(st.subject && st.predicate && st.object)
      put_statement(s, &st);
    else
      s->failed = 1;
    if(dt)
      raptor_free_uri(dt);
    if(st.subject)
      raptor_free_term(st.subject);
    if(st.predicate)
      raptor_free_term(st.predicate);
    if(st.object)
      raptor_free_term(st.object);
  }
  for(i = 0; i < 5; i++)
    evpubp_buf_free(&r.field[i]);
  return rc < 0 || s->failed ? -1 : 0;
}

evpub_status
evpubp_store_put(evpubp_store *s, const char *iri, const char *hash,
                 unsigned long triples, const char *text, size_t len, FILE *fp)
{
  evpubp_map_entry *e;
  ginfo *g;
  evpub_status st = EVPUB_OK;
  int rc;
  if(s->failed)
    return EVPUB_E_IO;
  if(!s->model && (st = begin_work(s)) != EVPUB_OK) {
    s->failed = 1;
    return st;
  }
  e = evpubp_map_put(&s->graphs, iri, strlen(iri));
  if(!e || (!e->value && !(e->value = calloc(1, sizeof(ginfo))))) {
    s->failed = 1;
    return EVPUB_E_NOMEM;
  }
  g = e->value;
  s->ctx = librdf_new_node_from_uri_string(s->rdf, (const unsigned char *)iri);
  if(!s->ctx) {
    s->failed = 1;
    return EVPUB_E_NOMEM;
  }
  s->ctx_iri = iri;
  if(g->hash[0] && librdf_model_context_remove_statements(s->model, s->ctx))
    s->failed = 1;
  rc = put_records(s, text, len, fp);
  librdf_free_node(s->ctx);
  s->ctx = NULL;
  if(rc || s->failed) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
               "graph <%s>: cannot write it into the store", iri);
    s->failed = 1;
    return EVPUB_E_IO;
  }
  memcpy(g->hash, hash, 32);
  g->hash[32] = '\0';
  g->triples = triples;
  g->changed = 1;
  s->changed++;
  return EVPUB_OK;
}

static int
graph_replaced(void *user, const char *graph, size_t len)
{
  const evpubp_store *s = user;
  evpubp_map_entry *e = evpubp_map_find(&s->graphs, graph, len);
  return e && e->value && ((ginfo *)e->value)->changed;
}

/* NAME.tsv of the work generation: the current one's records of graphs
 * that did not change, then the new records. */
static int
write_side(evpubp_store *s, int k)
{
  char name[32], *path;
  FILE *out, *in = NULL;
  int rc = 0;
  snprintf(name, sizeof(name), "%s.tsv", side_names[k]);
  path = path_join(s->work, name);
  out = path ? fopen(path, "w") : NULL;
  free(path);
  if(!out)
    return -1;
  if(s->cur[0]) {
    path = gen_file(s, name);
    in = path ? fopen(path, "r") : NULL;
    free(path);
    if(!in)
      rc = -1;
  }
  if(evpubp_side_merge(out, in, s->side_new[k], graph_replaced, s))
    rc = -1;
  if(in)
    fclose(in);
  fclose(s->side_new[k]);
  s->side_new[k] = NULL;
  snprintf(name, sizeof(name), "%s.new", side_names[k]);
  path = path_join(s->work, name);
  if(path)
    unlink(path);
  free(path);
  if(fclose(out))
    rc = -1;
  return rc;
}

static int
write_manifest(evpubp_store *s)
{
  char *path = path_join(s->work, "graphs.tsv");
  FILE *out = path ? fopen(path, "w") : NULL;
  size_t i;
  int rc = 0;
  free(path);
  if(!out)
    return -1;
  for(i = 0; i < s->graphs.cap; i++) {
    evpubp_map_entry *e = &s->graphs.slots[i];
    ginfo *g = e->value;
    if(!e->key || !g || !g->hash[0])
      continue;
    if(fprintf(out, "%s\t%lu\t%s\n", g->hash, g->triples, e->key) < 0)
      rc = -1;
  }
  if(fclose(out))
    rc = -1;
  return rc;
}

static int
sync_dir_files(const char *dir)
{
  DIR *d = opendir(dir);
  struct dirent *e;
  int rc = 0;
  if(!d)
    return -1;
  while((e = readdir(d))) {
    char *p;
    if(e->d_name[0] == '.')
      continue;
    p = path_join(dir, e->d_name);
    if(!p || fsync_path(p, 0))
      rc = -1;
    free(p);
  }
  closedir(d);
  return rc || fsync_path(dir, 1) ? -1 : 0;
}

/* files.tsv of the work generation: the name and size of every other
 * file, written once its Berkeley DB files are closed. */
static int
write_files_list(const char *dir)
{
  char *path = path_join(dir, FILES_LIST);
  FILE *out = path ? fopen(path, "w") : NULL;
  DIR *d = out ? opendir(dir) : NULL;
  struct dirent *e;
  int rc = d ? 0 : -1;
  free(path);
  while(d && (e = readdir(d))) {
    struct stat sb;
    char *p;
    if(e->d_name[0] == '.' || !strcmp(e->d_name, FILES_LIST))
      continue;
    p = path_join(dir, e->d_name);
    if(!p || stat(p, &sb) ||
       fprintf(out, "%s\t%llu\n", e->d_name, (unsigned long long)sb.st_size) <
         0)
      rc = -1;
    free(p);
  }
  if(d)
    closedir(d);
  if(out && fclose(out))
    rc = -1;
  return rc;
}

static void
end_work(evpubp_store *s)
{
  int k;
  if(s->model)
    librdf_free_model(s->model);
  s->model = NULL;
  if(s->storage)
    librdf_free_storage(s->storage);
  s->storage = NULL;
  for(k = 0; k < 2; k++) {
    if(s->side_new[k])
      fclose(s->side_new[k]);
    s->side_new[k] = NULL;
  }
}

evpub_status
evpubp_store_commit(evpubp_store *s)
{
  char name[32], *tmp, *cur;
  FILE *fp;
  int rc;
  if(s->failed)
    return EVPUB_E_IO;
  if(!s->work)
    return EVPUB_OK; /* nothing changed */
  librdf_model_sync(s->model);
  rc = write_side(s, SIDE_FACTS) || write_side(s, SIDE_LEXICAL) ||
    write_manifest(s);
  end_work(s); /* closes the Berkeley DB files */
  rc = rc || write_files_list(s->work) || sync_dir_files(s->work);
  snprintf(name, sizeof(name), "g%06lu", s->next_gen);
  tmp = path_join(s->dir, "CURRENT.tmp");
  cur = path_join(s->dir, "CURRENT");
  if(!rc && tmp && cur && (fp = fopen(tmp, "w"))) {
    rc = fprintf(fp, "%s\n", name) < 0;
    rc = fflush(fp) || rc;
    rc = fsync(fileno(fp)) || rc;
    rc = fclose(fp) || rc;
    /* the commit */
    rc = rc || rename(tmp, cur) || fsync_path(s->dir, 1);
  } else {
    rc = 1;
  }
  free(tmp);
  free(cur);
  if(rc) {
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
               "cannot commit the store '%s': %s", s->dir, strerror(errno));
    s->failed = 1;
    return EVPUB_E_IO;
  }
  if(s->nul_literals)
    evpubp_log(s->w, EVPUB_LOG_WARNING, NULL, 0, 0,
               "%lu literal%s U+0000: the store keeps %s (an export "
               "gives %s back), but queries see %s cut there (rasqal, the "
               "local query engine, reads C strings)",
               s->nul_literals, s->nul_literals == 1 ? " holds" : "s hold",
               s->nul_literals == 1 ? "it" : "them",
               s->nul_literals == 1 ? "it" : "them",
               s->nul_literals == 1 ? "it" : "them");
  memcpy(s->cur, name, strlen(name) + 1);
  free(s->work);
  s->work = NULL;
  s->next_gen++;
  unmark(s, s->cur);
  collect_garbage(s);
  return EVPUB_OK;
}

void
evpubp_store_close(evpubp_store *s)
{
  size_t i;
  if(!s)
    return;
  end_work(s);
  if(s->work) /* not committed: the current generation stays */
    remove_gen(s->work);
  free(s->work);
  if(s->rmodel)
    librdf_free_model(s->rmodel);
  if(s->rstorage)
    librdf_free_storage(s->rstorage);
  for(i = 0; i < s->graphs.cap; i++)
    free(s->graphs.slots[i].value);
  evpubp_map_free(&s->graphs);
  evpubp_lexical_free(&s->lexical);
  evpubp_buf_free(&s->line);
  if(s->wlock >= 0)
    close(s->wlock);
  if(s->rlock >= 0)
    close(s->rlock);
  free(s->dir);
  free(s);
}

/* ---- reading ---- */
librdf_model *
evpubp_store_model(evpubp_store *s)
{
  char opts[512];
  char *gen;
  if(s->rmodel)
    return s->rmodel;
  if(!s->cur[0]) { /* an empty store */
    s->rstorage = librdf_new_storage(s->rdf, "memory", NULL, "contexts='yes'");
  } else {
    gen = path_join(s->dir, s->cur);
    if(!gen)
      return NULL;
    snprintf(opts, sizeof(opts),
             "hash-type='bdb',dir='%s',contexts='yes',"
             "index-predicates='yes',new='no',write='no'",
             gen);
    free(gen);
    s->rstorage = librdf_new_storage(s->rdf, "hashes", STORAGE_NAME, opts);
  }
  if(s->rstorage)
    s->rmodel = librdf_new_model(s->rdf, s->rstorage, NULL);
  if(!s->rmodel)
    evpubp_log(s->w, EVPUB_LOG_ERROR, NULL, 0, 0,
               "cannot open the Redland store in '%s'", s->dir);
  return s->rmodel;
}

evpub_status
evpubp_store_facts(evpubp_store *s, evpubp_fact_fn fn, void *user)
{
  char *p;
  evpub_status st;
  if(!s->cur[0])
    return EVPUB_OK; /* an empty store */
  p = gen_file(s, "facts.tsv");
  if(!p)
    return EVPUB_E_NOMEM;
  st = evpubp_facts_read(s->w, s->dir, p, fn, user);
  free(p);
  return st;
}

const char *
evpubp_store_lexical(evpubp_store *s, const char *dt, const char *value,
                     size_t len)
{
  /* loaded when the store was opened */
  return evpubp_lexical_find(&s->lexical, dt, value, len);
}

char *
evpub_store_default_dir(void)
{
  const char *env = getenv("EVPUB_STORE"), *base;
  if(env && *env)
    return strdup(env);
  base = getenv("XDG_DATA_HOME");
  if(base && *base == '/')
    return path_join(base, "evpub/store");
  base = getenv("HOME");
  if(base && *base)
    return path_join(base, ".local/share/evpub/store");
  return NULL;
}
