/* core/outfile.c - writing an output file without harming what is there
 *
 * What `convert -o PATH` promises (doc/security.md, evpub(1)):
 *
 * - A symbolic link is followed to the file it names (up to 40 links):
 *   that file gets the output, the link stays a link.
 * - What is not a regular file (a device such as /dev/null, a FIFO, a
 *   terminal) is written to as it is, never replaced.  A directory or a
 *   socket is an error.
 * - A regular file, or a new one, is replaced atomically: the output goes
 *   to a nameless file in the same directory (O_TMPFILE), which gets a
 *   name only when it is complete, so a run that fails or is killed
 *   leaves the old file as it was and no temporary file behind.  The new
 *   file keeps the old one's permission bits, owner and group; a new one
 *   gets 0666 less the umask.  Other hard links to the old file keep the
 *   old content.
 * - When the replacement cannot keep the owner (the file belongs to
 *   someone else, who let us write it), or the directory cannot hold a
 *   new file, the existing file is overwritten in place instead: owner,
 *   mode and hard links stay, but a failed run leaves it partly written.
 * - Where O_TMPFILE is missing (some file systems, no /proc), the
 *   temporary file is PATH.tmp.XXXXXX, removed on every failure the
 *   library sees; only a kill can leave it.
 */
#define _GNU_SOURCE /* O_TMPFILE, linkat */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/core.h"

#define MAX_LINKS 40

/* The file path names once symbolic links are followed (a malloc'd
 * string; NULL and errno set on failure, ELOOP after MAX_LINKS). */
static char *
follow_links(const char *path)
{
  char *cur = strdup(path);
  int hops;
  for(hops = 0; cur; hops++) {
    struct stat sb;
    char target[PATH_MAX];
    ssize_t len;
    char *next, *slash;
    if(lstat(cur, &sb) || !S_ISLNK(sb.st_mode))
      return cur; /* not there (a new file), or not a link */
    if(hops == MAX_LINKS) {
      free(cur);
      errno = ELOOP;
      return NULL;
    }
    len = readlink(cur, target, sizeof(target) - 1);
    if(len < 0) {
      free(cur);
      return NULL;
    }
    target[len] = '\0';
    slash = strrchr(cur, '/');
    if(target[0] == '/' || !slash) {
      next = strdup(target);
    } else { /* relative to the link's directory */
      size_t dlen = (size_t)(slash - cur) + 1;
      next = malloc(dlen + (size_t)len + 1);
      if(next) {
        memcpy(next, cur, dlen);
        memcpy(next + dlen, target, (size_t)len + 1);
      }
    }
    free(cur);
    cur = next;
  }
  return NULL;
}

/* The directory part of path ("." when it has none), malloc'd. */
static char *
dir_of(const char *path)
{
  const char *slash = strrchr(path, '/');
  char *d;
  if(!slash)
    return strdup(".");
  if(slash == path)
    return strdup("/");
  d = malloc((size_t)(slash - path) + 1);
  if(d) {
    memcpy(d, path, (size_t)(slash - path));
    d[slash - path] = '\0';
  }
  return d;
}

static int
open_tmpfile(evpubp_outfile *of)
{
#ifdef O_TMPFILE
  char *dir = dir_of(of->path);
  int fd;
  if(!dir)
    return -1;
  fd = access("/proc/self/fd", X_OK)
    ? -1
    : open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
  free(dir);
  if(fd >= 0) {
    of->nameless = 1;
    return fd;
  }
#endif
  {
    size_t n = strlen(of->path);
    int fd2;
    of->tmp = malloc(n + 16);
    if(!of->tmp)
      return -1;
    snprintf(of->tmp, n + 16, "%s.tmp.XXXXXX", of->path);
    fd2 = mkstemp(of->tmp);
    if(fd2 < 0) {
      int e = errno;
      free(of->tmp);
      of->tmp = NULL;
      errno = e;
    }
    return fd2;
  }
}

/* Give the temporary file the mode, owner and group it should have.
 * 0, or -1 when the owner cannot be kept (EPERM). */
static int
set_attributes(int fd, const struct stat *old)
{
  if(!old) {
    mode_t um = umask(0);
    umask(um);
    return fchmod(fd, 0666 & ~um) ? -1 : 0;
  }
  if((old->st_uid != geteuid() || old->st_gid != getegid()) &&
     fchown(fd, old->st_uid, old->st_gid))
    return -1;
  return fchmod(fd, old->st_mode & 07777) ? -1 : 0;
}

evpub_status
evpubp_outfile_open(evpub_world *w, const char *path, evpubp_outfile *of)
{
  struct stat sb;
  int fd = -1, exists;
  memset(of, 0, sizeof(*of));
  of->world = w;
  of->shown = path;
  of->path = follow_links(path);
  if(!of->path) {
    evpubp_log(w, EVPUB_LOG_ERROR, path, 0, 0, "cannot write: %s",
               strerror(errno));
    return errno == ENOMEM ? EVPUB_E_NOMEM : EVPUB_E_IO;
  }
  exists = stat(of->path, &sb) == 0;
  if(exists && S_ISDIR(sb.st_mode)) {
    evpubp_log(w, EVPUB_LOG_ERROR, path, 0, 0, "cannot write: %s",
               strerror(EISDIR));
    evpubp_outfile_close(of, 0);
    return EVPUB_E_IO;
  }
  if(exists && !S_ISREG(sb.st_mode)) {
    /* a device, a FIFO: written through, never replaced */
    of->direct = 1;
    fd = open(of->path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
  } else {
    fd = open_tmpfile(of);
    if(fd >= 0 && set_attributes(fd, exists ? &sb : NULL)) {
      close(fd); /* nameless: gone; named: removed below */
      if(of->tmp)
        unlink(of->tmp);
      free(of->tmp);
      of->tmp = NULL;
      of->nameless = 0;
      fd = -1;
      errno = EPERM;
    }
    if(fd < 0 && exists &&
       (errno == EPERM || errno == EACCES || errno == EROFS)) {
      of->in_place = 1;
      fd = open(of->path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    }
  }
  if(fd < 0 || !(of->fp = fdopen(fd, "wb"))) {
    evpubp_log(w, EVPUB_LOG_ERROR, path, 0, 0, "cannot write: %s",
               strerror(errno));
    if(fd >= 0)
      close(fd);
    evpubp_outfile_close(of, 0);
    return EVPUB_E_IO;
  }
  return EVPUB_OK;
}

/* Name the finished nameless file path: link it under a temporary name,
 * then rename that over path (linkat cannot replace). */
static int
name_it(evpubp_outfile *of)
{
  char proc[64];
  size_t n = strlen(of->path);
  int tries, rc = -1;
  char *tmp = malloc(n + 24);
  if(!tmp)
    return -1;
  snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fileno(of->fp));
  for(tries = 0; tries < 100 && rc; tries++) {
    snprintf(tmp, n + 24, "%s.tmp.%ld.%d", of->path, (long)getpid(), tries);
    rc = linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW);
    if(rc && errno != EEXIST)
      break;
  }
  if(!rc && rename(tmp, of->path)) {
    int e = errno;
    unlink(tmp);
    errno = e;
    rc = -1;
  }
  free(tmp);
  return rc;
}

evpub_status
evpubp_outfile_close(evpubp_outfile *of, int keep)
{
  evpub_status st = EVPUB_OK;
  const char *what = "cannot write";
  if(of->fp) {
    int fd = fileno(of->fp), bad = fflush(of->fp) != 0;
    if(keep && !bad && of->in_place) {
      off_t end = lseek(fd, 0, SEEK_CUR);
      bad = end < 0 || ftruncate(fd, end);
    }
    if(keep && !bad && !of->direct)
      bad = fsync(fd) != 0;
    if(keep && !bad && of->nameless) {
      what = "cannot put the output in place";
      bad = name_it(of) != 0;
    }
    if(fclose(of->fp))
      bad = 1;
    if(keep && !bad && of->tmp) {
      what = "cannot rename the output into place";
      bad = rename(of->tmp, of->path) != 0;
    }
    if(keep && bad) {
      evpubp_log(of->world, EVPUB_LOG_ERROR, of->shown, 0, 0, "%s: %s", what,
                 strerror(errno));
      st = EVPUB_E_IO;
    }
    if((!keep || bad) && of->tmp)
      unlink(of->tmp);
  }
  free(of->tmp);
  free(of->path);
  memset(of, 0, sizeof(*of));
  return st;
}
