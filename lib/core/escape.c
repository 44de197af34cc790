/* core/escape.c - escaping of strings and IRIs, one function per syntax
 *
 * Every string that enters Turtle or N-Triples output passes through
 * here.  Input is UTF-8 (readers check it); bytes that do not form valid
 * UTF-8 are written as U+FFFD so the output is always valid.
 */
#include <string.h>
#include <unistr.h>

#include "core/core.h"

static const char hexdig[] = "0123456789ABCDEF";

static int
add_u4(evpubp_buf *out, unsigned int cp)
{
  char e[6];
  e[0] = '\\';
  e[1] = 'u';
  e[2] = hexdig[(cp >> 12) & 15];
  e[3] = hexdig[(cp >> 8) & 15];
  e[4] = hexdig[(cp >> 4) & 15];
  e[5] = hexdig[cp & 15];
  return evpubp_buf_add(out, e, 6);
}

/* The one quoting routine behind Turtle, N-Triples and JSON strings:
 * the three agree on \" \\ \n \r \t \b \f and \uXXXX for the other
 * control characters (and DEL).  U+2028 and U+2029 are escaped too (a
 * JavaScript string cannot hold them, and they read badly in Turtle).
 * With html, < > & become \u003C \u003E \u0026 (JSON inside <script>). */
static int
escape_quoted(evpubp_buf *out, const char *s, size_t n, int html, int sparql)
{
  size_t i = 0, run = 0;
  if(evpubp_buf_reserve(out, n + 2))
    return -1;
  while(i < n) {
    unsigned char c = (unsigned char)s[i];
    const char *esc = NULL;
    if(c >= 0x20 && c != '"' && c != '\\' && c < 0x7f &&
       !(html && (c == '<' || c == '>' || c == '&'))) {
      i++;
      run++;
      continue;
    }
    if(c >= 0x80) {
      ucs4_t uc;
      int len = u8_mbtouc(&uc, (const uint8_t *)s + i, n - i);
      /* u8_mbtouc gives U+FFFD for a bad sequence; a real U+FFFD is 3
       * bytes EF BF BD */
      int bad = len < 1 ||
        (uc == 0xfffd &&
         !(len == 3 && (unsigned char)s[i] == 0xef &&
           (unsigned char)s[i + 1] == 0xbf &&
           (unsigned char)s[i + 2] == 0xbd));
      if(!bad && uc != 0x2028 && uc != 0x2029) {
        i += (size_t)len;
        run += (size_t)len;
        continue;
      }
      if(evpubp_buf_add(out, s + i - run, run))
        return -1;
      run = 0;
      if(bad) {
        if(evpubp_buf_add(out, "\xEF\xBF\xBD", 3))
          return -1;
        i += 1;
      } else {
        if(add_u4(out, uc))
          return -1;
        i += (size_t)len;
      }
      continue;
    }
    if(evpubp_buf_add(out, s + i - run, run))
      return -1;
    run = 0;
    switch(c) {
    case '"': esc = "\\\""; break;
    case '\\':
      /* SPARQL lets \u escapes stand anywhere, and some servers expand
       * them before parsing: a backslash then "u" must not read as one.
       * The u after a backslash is written \u0075 (see below). */
      if(sparql && i + 1 < n && (s[i + 1] == 'u' || s[i + 1] == 'U')) {
        if(evpubp_buf_add(out, "\\\\", 2) || add_u4(out, (unsigned)s[i + 1]))
          return -1;
        i += 2;
        continue;
      }
      esc = "\\\\";
      break;
    case '\n': esc = "\\n"; break;
    case '\r': esc = "\\r"; break;
    case '\t': esc = "\\t"; break;
    case '\b': esc = "\\b"; break;
    case '\f': esc = "\\f"; break;
    default: break;
    }
    if(esc ? evpubp_buf_add(out, esc, 2) : add_u4(out, c))
      return -1;
    i++;
  }
  return evpubp_buf_add(out, s + i - run, run);
}

int
evpubp_escape_nt_string(evpubp_buf *out, const char *s, size_t n)
{
  return escape_quoted(out, s, n, 0, 0);
}

/* 1 for the bytes an IRIREF may not hold as they are */
static const unsigned char
  iri_bad
    [256] = {
      1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
      1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
      1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* space " */
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, /* < > */
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, /* \\ ^ */
      1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* ` */
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0  /* { | } */
    };

int
evpubp_escape_iri(evpubp_buf *out, const char *s, size_t n)
{
  static const char hex[] = "0123456789ABCDEF";
  size_t i, run = 0;
  for(i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if(iri_bad[c]) {
      char pct[3] = { '%', hex[c >> 4], hex[c & 15] };
      if(evpubp_buf_add(out, s + i - run, run) || evpubp_buf_add(out, pct, 3))
        return -1;
      run = 0;
    } else {
      run++;
    }
  }
  return evpubp_buf_add(out, s + n - run, run);
}

/* Body of a JSON string, without the quotes (RFC 8259); see
 * escape_quoted() for what is escaped. */
int
evpubp_escape_json_string(evpubp_buf *out, const char *s, size_t n, int html)
{
  return escape_quoted(out, s, n, html, 0);
}

/* Body of a SPARQL STRING_LITERAL_QUOTE (in INSERT DATA and queries):
 * as N-Triples, and a u or U after a backslash is written \u0075 or
 * \u0055, so that a server that expands \u escapes before parsing (SPARQL
 * 1.1, section 19.2) reads the same string as one that does not. */
int
evpubp_escape_sparql_string(evpubp_buf *out, const char *s, size_t n)
{
  return escape_quoted(out, s, n, 0, 1);
}

int
evpubp_put_iri_n(evpubp_buf *b, const char *iri, size_t n)
{
  evpubp_buf_addc(b, '<');
  evpubp_escape_iri(b, iri, n);
  return evpubp_buf_addc(b, '>');
}

int
evpubp_put_iri(evpubp_buf *b, const char *iri)
{
  return evpubp_put_iri_n(b, iri, strlen(iri));
}

int
evpubp_put_literal(evpubp_buf *b, const char *s, size_t n, const char *lang,
                   const char *dt, int sparql,
                   int (*put_iri)(evpubp_buf *b, const char *iri))
{
  evpubp_buf_addc(b, '"');
  escape_quoted(b, s, n, 0, sparql);
  evpubp_buf_addc(b, '"');
  if(lang) {
    evpubp_buf_addc(b, '@');
    evpubp_buf_adds(b, lang);
  } else if(dt) {
    evpubp_buf_add(b, "^^", 2);
    put_iri(b, dt);
  }
  return b->failed ? -1 : 0;
}

int
evpubp_percent_encode(evpubp_buf *out, const char *s, size_t n,
                      int (*keep)(unsigned char c))
{
  static const char hex[] = "0123456789ABCDEF";
  size_t i, run = 0;
  for(i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    char e[3];
    if(keep(c)) {
      run++;
      continue;
    }
    e[0] = '%';
    e[1] = hex[c >> 4];
    e[2] = hex[c & 15];
    if(evpubp_buf_add(out, s + i - run, run) || evpubp_buf_add(out, e, 3))
      return -1;
    run = 0;
  }
  return evpubp_buf_add(out, s + n - run, run);
}

/* RFC 3986's unreserved characters */
static int
unreserved(unsigned char c)
{
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
    (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
}

int
evpubp_escape_url_component(evpubp_buf *out, const char *s, size_t n)
{
  return evpubp_percent_encode(out, s, n, unreserved);
}

/* The next code point of s[i..n): its length, or 1 for a byte that does
 * not start valid UTF-8 (then *bad is set). */
static size_t
next_char(const char *s, size_t i, size_t n, ucs4_t *uc, int *bad)
{
  int len = u8_mbtouc(uc, (const uint8_t *)s + i, n - i);
  *bad = len < 1 ||
    (*uc == 0xfffd &&
     !(len == 3 && (unsigned char)s[i] == 0xef &&
       (unsigned char)s[i + 1] == 0xbf && (unsigned char)s[i + 2] == 0xbd));
  return *bad ? 1 : (size_t)len;
}

/* A field of SPARQL 1.1 CSV results (RFC 4180): quoted, with quotes
 * doubled, when it holds a comma, a quote, CR or LF, or starts or ends
 * with a space. */
int
evpubp_escape_csv_field(evpubp_buf *out, const char *s, size_t n)
{
  size_t i;
  int quote = n && (s[0] == ' ' || s[n - 1] == ' ');
  for(i = 0; i < n && !quote; i++)
    quote = s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r';
  if(!quote)
    return evpubp_buf_add(out, s, n);
  evpubp_buf_addc(out, '"');
  for(i = 0; i < n; i++) {
    if(s[i] == '"')
      evpubp_buf_addc(out, '"');
    evpubp_buf_addc(out, s[i]);
  }
  return evpubp_buf_addc(out, '"');
}

/* A field of a tab-separated line that must stay one field on one line:
 * backslash, tab, LF, CR and NUL become \\ \t \n \r \0
 * (evpubp_unescape_tsv_field undoes it). */
int
evpubp_escape_tsv_field(evpubp_buf *out, const char *s, size_t n)
{
  size_t i, run = 0;
  for(i = 0; i < n; i++) {
    char c = s[i], e[2];
    if(c != '\\' && c != '\t' && c != '\n' && c != '\r' && c) {
      run++;
      continue;
    }
    e[0] = '\\';
    e[1] = c == '\t' ? 't'
      : c == '\n'    ? 'n'
      : c == '\r'    ? 'r'
      : c == '\0'    ? '0'
                     : '\\';
    if(evpubp_buf_add(out, s + i - run, run) || evpubp_buf_add(out, e, 2))
      return -1;
    run = 0;
  }
  return evpubp_buf_add(out, s + n - run, run);
}

size_t
evpubp_unescape_tsv_field(char *f)
{
  char *r = f, *w = f;
  while(*r) {
    if(*r == '\\' && r[1]) {
      r++;
      *w++ = *r == 't' ? '\t'
        : *r == 'n'    ? '\n'
        : *r == 'r'    ? '\r'
        : *r == '0'    ? '\0'
                       : *r;
      r++;
    } else {
      *w++ = *r++;
    }
  }
  *w = '\0';
  return (size_t)(w - f);
}

/* Body of a Graphviz DOT quoted string: " and \ escaped, a line break
 * becomes \n (a centred line in a label), other control characters a
 * space, bytes that are not UTF-8 U+FFFD. */
int
evpubp_escape_dot_string(evpubp_buf *out, const char *s, size_t n)
{
  size_t i = 0;
  while(i < n) {
    unsigned char c = (unsigned char)s[i];
    if(c >= 0x80) {
      ucs4_t uc;
      int bad;
      size_t len = next_char(s, i, n, &uc, &bad);
      if(bad ? evpubp_buf_add(out, "\xEF\xBF\xBD", 3)
             : evpubp_buf_add(out, s + i, len))
        return -1;
      i += len;
      continue;
    }
    if(c == '"' || c == '\\') {
      evpubp_buf_addc(out, '\\');
      evpubp_buf_addc(out, (char)c);
    } else if(c == '\n') {
      evpubp_buf_add(out, "\\n", 2);
    } else if(c < 0x20 || c == 0x7f) {
      evpubp_buf_addc(out, ' ');
    } else {
      evpubp_buf_addc(out, (char)c);
    }
    i++;
  }
  return out->failed ? -1 : 0;
}

/* XML 1.0 character data or an attribute value (either quote): & < > "
 * ' as entities, tab, LF and CR as character references (kept in
 * attributes), the characters XML cannot hold (other controls, U+FFFE,
 * U+FFFF, bytes that are not UTF-8) as U+FFFD. */
int
evpubp_escape_xml(evpubp_buf *out, const char *s, size_t n)
{
  size_t i = 0;
  while(i < n) {
    unsigned char c = (unsigned char)s[i];
    const char *ent = NULL;
    if(c >= 0x80) {
      ucs4_t uc;
      int bad;
      size_t len = next_char(s, i, n, &uc, &bad);
      if(bad || uc == 0xfffe || uc == 0xffff
           ? evpubp_buf_add(out, "\xEF\xBF\xBD", 3)
           : evpubp_buf_add(out, s + i, len))
        return -1;
      i += len;
      continue;
    }
    switch(c) {
    case '&': ent = "&amp;"; break;
    case '<': ent = "&lt;"; break;
    case '>': ent = "&gt;"; break;
    case '"': ent = "&quot;"; break;
    case '\'': ent = "&apos;"; break;
    case '\t': ent = "&#9;"; break;
    case '\n': ent = "&#10;"; break;
    case '\r': ent = "&#13;"; break;
    default: break;
    }
    if(ent)
      evpubp_buf_adds(out, ent);
    else if(c < 0x20 || c == 0x7f)
      evpubp_buf_add(out, "\xEF\xBF\xBD", 3);
    else
      evpubp_buf_addc(out, (char)c);
    i++;
  }
  return out->failed ? -1 : 0;
}
