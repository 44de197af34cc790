/* store/side.c - the side files of a generation (side.h): records of
 * TSV fields, one per line, the first field the record's graph
 */
#include <stdlib.h>
#include <string.h>

#include "store/side.h"

int
evpubp_side_put(FILE *fp, evpubp_buf *line, size_t n, const char *const *f,
                const size_t *len)
{
  size_t i;
  evpubp_buf_reset(line);
  for(i = 0; i < n; i++) {
    if(i)
      evpubp_buf_addc(line, '\t');
    evpubp_escape_tsv_field(line, f[i], len[i]);
  }
  evpubp_buf_addc(line, '\n');
  if(line->failed || fwrite(line->data, 1, line->len, fp) != line->len)
    return -1;
  return 0;
}

/* Split line into its n fields, unescaped in place.  0 when it does not
 * have exactly n (escaped fields hold no tab). */
static int
split(char *line, size_t n, char **f, size_t *len)
{
  size_t k;
  char *p = line;
  for(k = 0; k < n; k++) {
    f[k] = p;
    len[k] = strcspn(p, "\t");
    p += len[k];
    if(k + 1 < n) {
      if(!*p)
        return 0;
      *p++ = '\0';
    }
  }
  if(*p)
    return 0;
  /* most fields have nothing escaped: a scan instead of a copy */
  for(k = 0; k < n; k++)
    if(memchr(f[k], '\\', len[k]))
      len[k] = evpubp_unescape_tsv_field(f[k]);
  return 1;
}

evpub_status
evpubp_side_read(FILE *fp, size_t n, evpubp_side_fn fn, void *user,
                 unsigned long *line)
{
  char *text = NULL, *f[EVPUBP_SIDE_MAX_FIELDS];
  size_t cap = 0, len[EVPUBP_SIDE_MAX_FIELDS];
  ssize_t got;
  evpub_status st = EVPUB_OK;
  *line = 0;
  if(n > EVPUBP_SIDE_MAX_FIELDS)
    return EVPUB_E_INTERNAL;
  while(!st && (got = getline(&text, &cap, fp)) > 0) {
    ++*line;
    /* every record is written whole, with its newline: a line without
     * one is a file cut short */
    if(text[got - 1] != '\n' || memchr(text, '\0', (size_t)got)) {
      st = EVPUB_E_DATA;
      break;
    }
    text[--got] = '\0';
    st = split(text, n, f, len) ? fn(user, f, len) : EVPUB_E_DATA;
  }
  if(!st && ferror(fp))
    st = EVPUB_E_IO;
  free(text);
  return st;
}

int
evpubp_side_merge(FILE *out, FILE *old, FILE *fresh,
                  evpubp_side_replaced_fn replaced, void *user)
{
  char *line = NULL, buf[1 << 16];
  size_t cap = 0, n;
  ssize_t len;
  int rc = 0;
  while(old && (len = getline(&line, &cap, old)) > 0) {
    /* graph IRIs never hold a backslash, tab or newline: the first
     * field is the IRI as it is */
    if(replaced(user, line, strcspn(line, "\t")))
      continue;
    if(fwrite(line, 1, (size_t)len, out) != (size_t)len)
      rc = -1;
  }
  free(line);
  if(fflush(fresh))
    rc = -1;
  rewind(fresh);
  while((n = fread(buf, 1, sizeof(buf), fresh)) > 0)
    if(fwrite(buf, 1, n, out) != n)
      rc = -1;
  if(ferror(fresh))
    rc = -1;
  return rc;
}
