/* publish/journal.c - the journal: which graphs the server has stored,
 * with their content hashes, so that resume skips them
 *
 * A text file: a first line "# evpub journal TARGET", then one line
 * "HASH IRI" per graph stored, written as the server confirms it.  The
 * last line about a graph wins.  A new journal is made readable by its
 * owner alone (0600): what a user publishes where is theirs.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "publish/publish.h"

/* The URL the journal is about. */
static const char *
target_url(const evpub_publisher *p)
{
  return p->method == EVPUBP_M_GSP ? p->gsp : p->update;
}

static int
mkdirs(char *path)
{
  char *s;
  for(s = path + 1; *s; s++)
    if(*s == '/') {
      *s = '\0';
      if(mkdir(path, 0700) && errno != EEXIST) {
        *s = '/';
        return -1;
      }
      *s = '/';
    }
  return 0;
}

static char *
default_journal(const evpub_publisher *p)
{
  const char *state = getenv("XDG_STATE_HOME");
  const char *home = getenv("HOME");
  evpubp_buf b, key;
  char hex[33];
  evpubp_chash h;
  evpubp_buf_init(&b);
  evpubp_buf_init(&key);
  if(state && *state)
    evpubp_buf_printf(&b, "%s/evpub/", state);
  else if(home && *home)
    evpubp_buf_printf(&b, "%s/.local/state/evpub/", home);
  else
    return NULL;
  evpubp_buf_printf(&key, "%s %s %s",
                    p->method == EVPUBP_M_GSP ? "gsp" : "update",
                    target_url(p), p->graph_iri ? p->graph_iri : "");
  evpubp_chash_init(&h);
  evpubp_chash_add(&h, key.data, key.len);
  evpubp_chash_hex(&h, hex);
  evpubp_buf_printf(&b, "journal-%.16s", hex);
  evpubp_buf_free(&key);
  if(b.failed) {
    evpubp_buf_free(&b);
    return NULL;
  }
  return b.data; /* NUL-terminated by evpubp_buf */
}

/* Read the journal at path into p->journal.known, if there is one.
 * Returns EVPUB_OK or EVPUB_E_NOMEM. */
static evpub_status
read_journal(evpub_publisher *p, const char *path)
{
  FILE *fp = fopen(path, "r");
  char line[16384];
  unsigned long lineno = 0;
  if(!fp)
    return EVPUB_OK;
  while(fgets(line, sizeof(line), fp)) {
    size_t n = strlen(line);
    evpubp_map_entry *e;
    lineno++;
    if(n && line[n - 1] == '\n')
      line[--n] = '\0';
    if(lineno == 1)
      continue; /* "# evpub journal TARGET": for people */
    if(n < 34 || line[32] != ' ')
      continue; /* a line cut by a crash */
    e = evpubp_map_put(&p->journal.known, line + 33, n - 33);
    if(e) {
      free(e->value);
      e->value = malloc(33);
    }
    if(!e || !e->value) {
      fclose(fp);
      return EVPUB_E_NOMEM;
    }
    memcpy(e->value, line, 32);
    ((char *)e->value)[32] = '\0';
  }
  fclose(fp);
  return EVPUB_OK;
}

evpub_status
evpubp_journal_open(evpub_publisher *p)
{
  char *path = p->journal_path ? strdup(p->journal_path) : default_journal(p);
  struct stat sb;
  int fd;
  if(!path) {
    if(p->resume) {
      evpubp_log(p->world, EVPUB_LOG_ERROR, NULL, 0, 0,
                 "resume needs a journal: set journal (there is no "
                 "default: neither XDG_STATE_HOME nor HOME is set)");
      return EVPUB_E_USAGE;
    }
    return EVPUB_OK;
  }
  if(p->resume && read_journal(p, path)) {
    free(path);
    return EVPUB_E_NOMEM;
  }
  if(!p->journal_path)
    mkdirs(path);
  /* open(), not fopen(): fopen() creates with 0666 less the umask; an
   * existing journal keeps its mode */
  fd = open(path,
            O_WRONLY | O_CREAT | O_CLOEXEC | (p->resume ? O_APPEND : O_TRUNC),
            0600);
  if(fd >= 0 && !fstat(fd, &sb))
    p->journal.fp = fdopen(fd, p->resume ? "a" : "w");
  if(!p->journal.fp) {
    int err = errno;
    if(fd >= 0)
      close(fd);
    evpubp_log(p->world, EVPUB_LOG_ERROR, path, 0, 0,
               "cannot write the journal: %s", strerror(err));
    free(path);
    return EVPUB_E_IO;
  }
  if(sb.st_size == 0)
    fprintf(p->journal.fp, "# evpub journal %s\n", target_url(p));
  free(path);
  return EVPUB_OK;
}

static const char *
known_hash(const evpub_publisher *p, const char *iri)
{
  evpubp_map_entry *e;
  if(!p->resume)
    return NULL;
  e = evpubp_map_find(&p->journal.known, iri, strlen(iri));
  return e ? e->value : NULL;
}

int
evpubp_journal_has(const evpub_publisher *p, const char *iri, const char *hash)
{
  const char *known = known_hash(p, iri);
  return known && !strcmp(known, hash);
}

int
evpubp_journal_knows(const evpub_publisher *p, const char *iri)
{
  return known_hash(p, iri) != NULL;
}

void
evpubp_journal_add(evpub_publisher *p, const evpubp_done *g)
{
  if(!p->journal.fp)
    return;
  fprintf(p->journal.fp, "%s %s\n", g->hash, g->iri);
  fflush(p->journal.fp);
}

void
evpubp_journal_sync(evpub_publisher *p)
{
  if(p->journal.fp && (fflush(p->journal.fp) || fsync(fileno(p->journal.fp))))
    evpubp_log(p->world, EVPUB_LOG_WARNING, NULL, 0, 0,
               "cannot write the journal: %s", strerror(errno));
}

void
evpubp_journal_close(evpub_publisher *p)
{
  evpubp_map *m = &p->journal.known;
  size_t i;
  for(i = 0; i < m->cap; i++)
    if(m->slots[i].key)
      free(m->slots[i].value);
  evpubp_map_free(m);
  if(p->journal.fp) {
    fclose(p->journal.fp);
    p->journal.fp = NULL;
  }
}
