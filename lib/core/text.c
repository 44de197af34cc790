/* core/text.c - slugs, folding, IRI and language tag checks
 *
 * Case mapping is Unicode's simple one (one code point to one, no locale),
 * through libunistring's uc_tolower(), as the format's spec asks.
 */
#include <stdio.h>
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

static int iri_ucs_ok(ucs4_t u, int part_query);

/* An id as one IRI path segment: ipchar (RFC 3987) kept as it is, every
 * other byte percent-encoded, including each byte of a code point that
 * is no ucschar (C1 controls, bidirectional formatting characters,
 * private use, noncharacters) and of bytes that are not UTF-8. */
int
evpubp_iri_segment(evpubp_buf *out, const char *s, size_t n)
{
  static const char hex[] = "0123456789ABCDEF";
  size_t i = 0, run = 0, k;
  while(i < n) {
    unsigned char c = (unsigned char)s[i];
    ucs4_t u;
    int len = 1, keep;
    if(c < 0x80) {
      keep = is_segment_ascii(c);
    } else {
      len = u8_mbtouc(&u, (const uint8_t *)s + i, n - i);
      keep = len > 0 && iri_ucs_ok(u, 0) &&
        (u != 0xFFFD || !memcmp(s + i, "\xEF\xBF\xBD", 3));
      if(len <= 0)
        len = 1;
    }
    if(keep) {
      run += (size_t)len;
    } else {
      if(evpubp_buf_add(out, s + i - run, run))
        return -1;
      run = 0;
      for(k = 0; k < (size_t)len; k++) {
        unsigned char b = (unsigned char)s[i + k];
        char e[3] = { '%', hex[b >> 4], hex[b & 15] };
        if(evpubp_buf_add(out, e, 3))
          return -1;
      }
    }
    i += (size_t)len;
  }
  return evpubp_buf_add(out, s + n - run, run);
}

int
evpubp_utf8_valid(const char *s, size_t n)
{
  return u8_check((const uint8_t *)s, n) == NULL;
}

/* ---- RFC 3987 IRIs --------------------------------------------------- */
/* The parts of an IRI, for the characters each may hold. */
enum iri_part {
  IRI_USERINFO,
  IRI_HOST,
  IRI_PORT,
  IRI_PATH,
  IRI_QUERY,
  IRI_FRAGMENT
};

static int
is_sub_delim(unsigned char c)
{
  return c && strchr("!$&'()*+,;=", c) != NULL;
}

static int
is_hex(unsigned char c)
{
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
    (c >= 'A' && c <= 'F');
}

/* ucschar, and iprivate where the query may hold it (RFC 3987, 2.2) */
static int
iri_ucs_ok(ucs4_t u, int part_query)
{
  /* "IRIs MUST NOT contain bidirectional formatting characters" (4.1) */
  if(u == 0x200E || u == 0x200F || (u >= 0x202A && u <= 0x202E))
    return 0;
  if((u >= 0xA0 && u <= 0xD7FF) || (u >= 0xF900 && u <= 0xFDCF) ||
     (u >= 0xFDF0 && u <= 0xFFEF))
    return 1;
  if(u >= 0x10000 && u <= 0xEFFFD && (u & 0xFFFE) != 0xFFFE &&
     !(u >= 0xE0000 && u <= 0xE0FFF))
    return 1;
  return part_query &&
    ((u >= 0xE000 && u <= 0xF8FF) ||
     (u >= 0xF0000 && u <= 0x10FFFD && (u & 0xFFFE) != 0xFFFE));
}

/* An ASCII character other than '%' where part stands. */
static int
iri_ascii_ok(unsigned char c, enum iri_part part)
{
  int unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
  switch(part) {
  case IRI_PORT: return c >= '0' && c <= '9';
  case IRI_HOST: return unreserved || is_sub_delim(c);
  case IRI_USERINFO: return unreserved || is_sub_delim(c) || c == ':';
  case IRI_PATH:
    return unreserved || is_sub_delim(c) || c == ':' || c == '@' || c == '/';
  case IRI_QUERY:
  case IRI_FRAGMENT:
    return unreserved || is_sub_delim(c) || c == ':' || c == '@' || c == '/' ||
      c == '?';
  }
  return 0;
}

/* Say what is wrong at s[i] (a character part may not hold). */
static const char *
iri_bad_char(const char *s, size_t n, size_t i, char *why, size_t whysz)
{
  unsigned char c = (unsigned char)s[i];
  ucs4_t u;
  size_t k, at = 1; /* characters, not bytes, as editors count them */
  for(k = 0; k < i; k++)
    at += ((unsigned char)s[k] & 0xC0) != 0x80;
  if(c == '#')
    snprintf(why, whysz, "a second '#' at character %zu", at);
  else if(c == '%')
    snprintf(why, whysz,
             "'%%' at character %zu does not start a "
             "%%HH escape",
             at);
  else if(c > 0x20 && c < 0x7f)
    snprintf(why, whysz, "'%c' at character %zu is not allowed there", c, at);
  else if(c < 0x80)
    snprintf(why, whysz,
             "character %zu is a space or control character "
             "(\\x%02X)",
             at, c);
  else if(u8_mbtouc(&u, (const uint8_t *)s + i, n - i) < 0 ||
          (u == 0xFFFD && (n - i < 3 || memcmp(s + i, "\xEF\xBF\xBD", 3))))
    snprintf(why, whysz, "character %zu is not valid UTF-8", at);
  else
    snprintf(why, whysz, "U+%04X at character %zu may not stand in an IRI",
             (unsigned)u, at);
  return why;
}

/* Check s[*i..end) as part; returns NULL, or what is wrong. */
static const char *
iri_part_check(const char *s, size_t n, size_t *i, size_t end,
               enum iri_part part, char *why, size_t whysz)
{
  while(*i < end) {
    unsigned char c = (unsigned char)s[*i];
    if(c == '%') {
      if(part == IRI_PORT || *i + 2 >= end ||
         !is_hex((unsigned char)s[*i + 1]) ||
         !is_hex((unsigned char)s[*i + 2]))
        return iri_bad_char(s, n, *i, why, whysz);
      *i += 3;
    } else if(c < 0x80) {
      if(!iri_ascii_ok(c, part))
        return iri_bad_char(s, n, *i, why, whysz);
      (*i)++;
    } else {
      ucs4_t u;
      int len = u8_mbtouc(&u, (const uint8_t *)s + *i, end - *i);
      if(len <= 0 ||
         (u == 0xFFFD &&
          (end - *i < 3 || memcmp(s + *i, "\xEF\xBF\xBD", 3))) ||
         !iri_ucs_ok(u, part == IRI_QUERY))
        return iri_bad_char(s, n, *i, why, whysz);
      *i += (size_t)len;
    }
  }
  return NULL;
}

/* iauthority = [ iuserinfo "@" ] ihost [ ":" port ], from s[*i] to end */
static const char *
iri_authority(const char *s, size_t n, size_t *i, size_t end, char *why,
              size_t whysz)
{
  const char *at = memchr(s + *i, '@', end - *i), *err;
  size_t host_end = end, k;
  if(at) {
    size_t u_end = (size_t)(at - s);
    err = iri_part_check(s, n, i, u_end, IRI_USERINFO, why, whysz);
    if(err)
      return err;
    *i = u_end + 1;
  }
  if(*i < end && s[*i] == '[') {
    /* IP-literal: hex digits, ':', '.' and IPvFuture's letters */
    for(k = *i + 1; k < end && s[k] != ']'; k++)
      if(!iri_ascii_ok((unsigned char)s[k], IRI_USERINFO))
        return iri_bad_char(s, n, k, why, whysz);
    if(k >= end)
      return iri_bad_char(s, n, *i, why, whysz);
    *i = k + 1;
    host_end = *i;
  } else {
    for(k = end; k > *i; k--)
      if(s[k - 1] == ':')
        break;
    if(k > *i)
      host_end = k - 1;
    err = iri_part_check(s, n, i, host_end, IRI_HOST, why, whysz);
    if(err)
      return err;
  }
  if(*i < end) {
    if(s[*i] != ':')
      return iri_bad_char(s, n, *i, why, whysz);
    (*i)++;
    return iri_part_check(s, n, i, end, IRI_PORT, why, whysz);
  }
  return NULL;
}

static size_t
find_any(const char *s, size_t from, size_t n, const char *set)
{
  while(from < n && !strchr(set, s[from]))
    from++;
  return from;
}

const char *
evpubp_iri_problem(const char *s, size_t n, char *why, size_t whysz)
{
  size_t i, end;
  const char *err;
  if(!n)
    return "it is empty";
  if(!((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z')))
    return "it does not start with a scheme (such as https:)";
  for(i = 1; i < n && s[i] != ':'; i++) {
    char c = s[i];
    if(!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.'))
      return "it does not start with a scheme (such as https:)";
  }
  if(i >= n || i + 1 >= n)
    return i >= n ? "it does not start with a scheme (such as https:)"
                  : "nothing follows its scheme";
  i++;
  if(n - i >= 2 && s[i] == '/' && s[i + 1] == '/') {
    size_t a = i + 2;
    end = find_any(s, a, n, "/?#");
    i = a;
    err = iri_authority(s, n, &i, end, why, whysz);
    if(err)
      return err;
    if(end == a &&
       ((a == 7 && !strncmp(s, "http:", 5)) ||
        (a == 8 && !strncmp(s, "https:", 6))))
      return "an http(s) IRI needs a host";
  } else if((i == 5 && !strncmp(s, "http:", 5)) ||
            (i == 6 && !strncmp(s, "https:", 6))) {
    return "an http(s) IRI needs '//' and a host after its scheme";
  }
  end = find_any(s, i, n, "?#");
  err = iri_part_check(s, n, &i, end, IRI_PATH, why, whysz);
  if(err)
    return err;
  if(i < n && s[i] == '?') {
    i++;
    end = find_any(s, i, n, "#");
    err = iri_part_check(s, n, &i, end, IRI_QUERY, why, whysz);
    if(err)
      return err;
  }
  if(i < n) { /* '#' */
    i++;
    err = iri_part_check(s, n, &i, n, IRI_FRAGMENT, why, whysz);
    if(err)
      return err;
  }
  return NULL;
}

int
evpubp_iri_absolute(const char *s, size_t n)
{
  char why[80];
  return evpubp_iri_problem(s, n, why, sizeof(why)) == NULL;
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
