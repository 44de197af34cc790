/* core/text.c - slugs, folding, IRI and language tag checks
 *
 * Case mapping is Unicode's simple one (one code point to one, no locale),
 * through libunistring's uc_tolower(), as the format's spec asks.
 */
#include <string.h>

#include <unictype.h>
#include <unicase.h>
#include <unistr.h>

#include "core/core.h"

/* Decode one code point at s[*i]; invalid bytes decode as U+FFFD and
 * advance by one, so every loop terminates on any input. */
static ucs4_t
next_cp(const char *s, size_t n, size_t *i)
{
  ucs4_t uc;
  if((unsigned char)s[*i] < 0x80)
    return (ucs4_t)(unsigned char)s[(*i)++];
  int len = u8_mbtouc(&uc, (const uint8_t *)s + *i, n - *i);
  if(len <= 0)
    len = 1;
  *i += (size_t)len;
  return uc;
}

static int
add_cp(evpubp_buf *out, ucs4_t uc)
{
  uint8_t tmp[6];
  int len = u8_uctomb(tmp, uc, sizeof(tmp));
  if(len <= 0)
    return 0;
  return evpubp_buf_add(out, (const char *)tmp, (size_t)len);
}

/* Append uc in simple lower case (ASCII without a table look-up). */
static int
add_lower(evpubp_buf *out, ucs4_t uc)
{
  if(uc < 0x80) {
    char c = (char)uc;
    if(c >= 'A' && c <= 'Z')
      c = (char)(c - 'A' + 'a');
    return evpubp_buf_addc(out, c);
  }
  return add_cp(out, uc_tolower(uc));
}

static int
is_slug_char(ucs4_t uc)
{
  if(uc < 0x80)
    return (uc >= 'a' && uc <= 'z') || (uc >= 'A' && uc <= 'Z') ||
      (uc >= '0' && uc <= '9');
  return uc_is_general_category(uc, UC_CATEGORY_L) ||
    uc_is_general_category(uc, UC_CATEGORY_Nd);
}

/* Append s lower-cased with every run of separators (is_sep) as one
 * sep between kept characters, none at either end. */
static int
squeeze(evpubp_buf *out, const char *s, size_t n, int (*is_sep)(ucs4_t),
        char sep)
{
  size_t i = 0;
  int pending = 0, any = 0;
  while(i < n) {
    ucs4_t uc = next_cp(s, n, &i);
    if(is_sep(uc)) {
      pending = 1;
      continue;
    }
    if(pending && any && evpubp_buf_addc(out, sep))
      return -1;
    pending = 0;
    any = 1;
    if(add_lower(out, uc))
      return -1;
  }
  return out->failed ? -1 : 0;
}

static int
not_slug_char(ucs4_t uc)
{
  return !is_slug_char(uc);
}

int
evpubp_slug(evpubp_buf *out, const char *s, size_t n)
{
  return squeeze(out, s, n, not_slug_char, '-');
}

static int
is_space_cp(ucs4_t uc)
{
  if(uc < 0x80)
    return uc == ' ' || uc == '\t' || uc == '\n' || uc == '\r' || uc == '\f' ||
      uc == '\v';
  return uc == 0x85 || uc_is_general_category(uc, UC_CATEGORY_Z);
}

int
evpubp_fold(evpubp_buf *out, const char *s, size_t n)
{
  return squeeze(out, s, n, is_space_cp, ' ');
}

/* ipchar without '%' handling: iunreserved / sub-delims / ':' / '@' */
static int
is_segment_ascii(unsigned char c)
{
  if((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
     (c >= '0' && c <= '9'))
    return 1;
  switch(c) {
  case '-':
  case '.':
  case '_':
  case '~':
  case '!':
  case '$':
  case '&':
  case '\'':
  case '(':
  case ')':
  case '*':
  case '+':
  case ',':
  case ';':
  case '=':
  case ':':
  case '@': return 1;
  default: return 0;
  }
}

static int
segment_keeps(unsigned char c)
{
  /* UTF-8 bytes of ucschar are allowed in an IRI as they are */
  return c >= 0x80 || is_segment_ascii(c);
}

int
evpubp_iri_segment(evpubp_buf *out, const char *s, size_t n)
{
  return evpubp_percent_encode(out, s, n, segment_keeps);
}

int
evpubp_utf8_valid(const char *s, size_t n)
{
  return u8_check((const uint8_t *)s, n) == NULL;
}

int
evpubp_iri_absolute(const char *s, size_t n)
{
  size_t i;
  if(!n || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
    return 0;
  for(i = 1; i < n; i++) {
    char c = s[i];
    if(c == ':')
      break;
    if(!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))
      return 0;
  }
  if(i >= n || i + 1 >= n)
    return 0; /* no ':' or nothing after it */
  for(i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if(c <= 0x20 || c == 0x7f || strchr("<>\"{}|\\^`", c))
      return 0;
  }
  if(!evpubp_utf8_valid(s, n))
    return 0;
  /* http(s) needs an authority */
  if((n > 5 && !strncmp(s, "http:", 5)) ||
     (n > 6 && !strncmp(s, "https:", 6))) {
    const char *colon = memchr(s, ':', n);
    size_t rest = n - (size_t)(colon - s) - 1;
    if(rest < 3 || colon[1] != '/' || colon[2] != '/' ||
       (rest > 2 && (colon[3] == '/' || colon[3] == '\0')))
      return 0;
  }
  return 1;
}

/* BCP 47 shape: 2-8 letters, then -subtags of 1-8 alphanumerics. */
int
evpubp_lang_tag(const char *s, size_t n)
{
  size_t i = 0, run = 0;
  int first = 1;
  if(!n)
    return 0;
  for(i = 0; i <= n; i++) {
    char c = i < n ? s[i] : '-';
    if(c == '-') {
      if(run < (first ? 2u : 1u) || run > 8)
        return 0;
      first = 0;
      run = 0;
    } else if((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (!first && c >= '0' && c <= '9')) {
      run++;
    } else {
      return 0;
    }
  }
  return 1;
}

size_t
evpubp_edit_distance(const char *a, const char *b)
{
  size_t la = strlen(a), lb = strlen(b), i, j;
  size_t row[64], prev, tmp;
  if(lb >= 64 || la >= 64)
    return (size_t)-1;
  for(j = 0; j <= lb; j++)
    row[j] = j;
  for(i = 1; i <= la; i++) {
    prev = row[0];
    row[0] = i;
    for(j = 1; j <= lb; j++) {
      char ca = a[i - 1], cb = b[j - 1];
      size_t cost;
      if(ca >= 'A' && ca <= 'Z')
        ca = (char)(ca - 'A' + 'a');
      if(cb >= 'A' && cb <= 'Z')
        cb = (char)(cb - 'A' + 'a');
      cost = ca == cb ? 0 : 1;
      tmp = row[j];
      row[j] = row[j] + 1;
      if(row[j - 1] + 1 < row[j])
        row[j] = row[j - 1] + 1;
      if(prev + cost < row[j])
        row[j] = prev + cost;
      prev = tmp;
    }
  }
  return row[lb];
}
