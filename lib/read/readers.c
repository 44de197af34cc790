/* read/readers.c - the table of readers
 *
 * Each reader's file defines its row (const evpubp_reader
 * evpubp_reader_NAME); this list is the only place that names them all,
 * so a new syntax is its file plus one X(NAME) here.  The order is the
 * order of help texts and of guessing, and the first reads whatever no
 * other reader claims.
 */
#include <string.h>

#include "read/read.h"

#define EVPUBP_READERS(X) X(yaml) X(json) X(csv) X(ics)

#define DECLARE(name) extern const evpubp_reader evpubp_reader_##name;
EVPUBP_READERS(DECLARE)
#undef DECLARE

#define ROW(name) &evpubp_reader_##name,
static const evpubp_reader *const readers[] = { EVPUBP_READERS(ROW) };
#undef ROW

#define NREADERS (sizeof(readers) / sizeof(readers[0]))

/* How much of a file the sniffers see. */
#define SNIFF_SIZE 4096

const evpubp_reader *
evpubp_reader_at(size_t i)
{
  return i < NREADERS ? readers[i] : NULL;
}

const evpubp_reader *
evpubp_reader_find(const char *name)
{
  size_t i;
  for(i = 0; i < NREADERS; i++)
    if(!strcmp(readers[i]->info.name, name))
      return readers[i];
  return NULL;
}

size_t
evpubp_sniff_skip(const char *head, size_t len)
{
  size_t i = 0;
  if(len >= 3 && !memcmp(head, "\xEF\xBB\xBF", 3))
    i = 3;
  while(
    i < len &&
    (head[i] == ' ' || head[i] == '\t' || head[i] == '\r' || head[i] == '\n'))
    i++;
  return i;
}

static int
lower(int c)
{
  return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

/* Is ext (".csv") in the space-separated list, in any case? */
static int
claims(const char *list, const char *ext)
{
  size_t n = strlen(ext), k, i;
  while(*list) {
    k = strcspn(list, " ");
    for(i = 0; i < k && i < n; i++)
      if(lower((unsigned char)list[i]) != lower((unsigned char)ext[i]))
        break;
    if(i == k && k == n)
      return 1;
    list += k;
    list += strspn(list, " ");
  }
  return 0;
}

static const evpubp_reader *
by_extension(const char *path)
{
  const char *dot = strrchr(path, '.');
  size_t i;
  if(!dot || strchr(dot, '/'))
    return NULL; /* a dot in a directory's name is no extension */
  for(i = 0; i < NREADERS; i++)
    if(claims(readers[i]->info.extensions, dot))
      return readers[i];
  return NULL;
}

/* Sniff only what can be read again: a pipe's bytes, once read, are gone
 * for the reader. */
static const evpubp_reader *
by_content(FILE *fp)
{
  char head[SNIFF_SIZE];
  long start = ftell(fp);
  size_t n, i;
  if(start < 0)
    return NULL;
  n = fread(head, 1, sizeof(head), fp);
  if(fseek(fp, start, SEEK_SET))
    return NULL;
  for(i = 0; i < NREADERS; i++)
    if(readers[i]->sniff && readers[i]->sniff(head, n))
      return readers[i];
  return NULL;
}

const evpubp_reader *
evpubp_reader_for_path(const char *path, FILE *fp)
{
  const evpubp_reader *r = by_extension(path);
  if(!r && fp)
    r = by_content(fp);
  return r ? r : readers[0];
}
