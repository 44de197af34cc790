/* map/report.c - findings: formatting them for a reporter */
#include "map/report.h"

int
evpubp_vreport(const evpubp_reporter *rep, evpubp_severity sev,
               const char *file, unsigned long line, unsigned long col,
               const char *fmt, va_list ap)
{
  char text[900];
  vsnprintf(text, sizeof(text), fmt, ap);
  return rep->report(rep->user, sev, file, line, col, text);
}

const char *
evpubp_quote(char *out, size_t outlen, const char *s, size_t n)
{
  size_t i, o = 0, max = outlen - 4;
  if(max > 60)
    max = 60;
  for(i = 0; i < n && o < max; i++) {
    unsigned char c = (unsigned char)s[i];
    out[o++] = c ? (char)c : '?'; /* the log escapes the rest */
  }
  if(i < n) {
    while(o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0x80)
      o--;
    if(o > 0 && ((unsigned char)out[o - 1] & 0xC0) == 0xC0)
      o--;
    out[o++] = '.';
    out[o++] = '.';
    out[o++] = '.';
  }
  out[o] = '\0';
  return out;
}
