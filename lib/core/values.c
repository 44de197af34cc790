/* core/values.c - lexical checks for the XML Schema datatypes we write */
#include <string.h>

#include "core/core.h"

static int
digits(const char *s, size_t n, size_t *i, size_t count)
{
  size_t k;
  for(k = 0; k < count; k++) {
    if(*i >= n || s[*i] < '0' || s[*i] > '9')
      return 0;
    (*i)++;
  }
  return 1;
}

static int
num(const char *s, size_t at, size_t count)
{
  int v = 0;
  size_t k;
  for(k = 0; k < count; k++)
    v = v * 10 + (s[at + k] - '0');
  return v;
}

/* Skip the digits at s[*i]; returns how many there were. */
static size_t
digit_run(const char *s, size_t n, size_t *i)
{
  size_t start = *i;
  while(*i < n && s[*i] >= '0' && s[*i] <= '9')
    ++*i;
  return *i - start;
}

/* "-" and two digits at s[*i]: their number, past them; -1 if not. */
static int
dash_two(const char *s, size_t n, size_t *i)
{
  if(*i >= n || s[*i] != '-')
    return -1;
  ++*i;
  return digits(s, n, i, 2) ? num(s, *i - 2, 2) : -1;
}

/* -?YYYY+-MM-DD with a real day of month; returns index after it or 0 */
static size_t
date_part(const char *s, size_t n)
{
  size_t i = 0, ystart;
  long year = 0;
  int month, day, mdays;
  static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
  if(i < n && s[i] == '-')
    i++;
  ystart = i;
  while(i < n && s[i] >= '0' && s[i] <= '9') {
    if(i - ystart < 9)
      year = year * 10 + (s[i] - '0');
    i++;
  }
  if(i - ystart < 4 || (i - ystart > 4 && s[ystart] == '0'))
    return 0;
  month = dash_two(s, n, &i);
  day = month > 0 ? dash_two(s, n, &i) : -1;
  if(month < 1 || month > 12 || day < 1)
    return 0;
  mdays = days[month - 1];
  if(month == 2 && ((year % 4 == 0 && year % 100 != 0) || year % 400 == 0))
    mdays = 29;
  if(day > mdays)
    return 0;
  return i;
}

/* Z | (+|-)hh:mm with hh <= 14; returns chars used, 0 none, -1 bad */
static int
tz_part(const char *s, size_t n, size_t i)
{
  size_t j = i;
  int hh, mm;
  if(i >= n)
    return 0;
  if(s[i] == 'Z')
    return 1;
  if(s[i] != '+' && s[i] != '-')
    return -1;
  j++;
  if(!digits(s, n, &j, 2) || j >= n || s[j] != ':')
    return -1;
  j++;
  if(!digits(s, n, &j, 2))
    return -1;
  hh = num(s, i + 1, 2);
  mm = num(s, i + 4, 2);
  if(mm > 59 || hh > 14 || (hh == 14 && mm))
    return -1;
  return 6;
}

/* hh:mm:ss(.s+)? ; returns index after it or 0 */
static size_t
time_part(const char *s, size_t n, size_t i)
{
  size_t start = i;
  int hh, mm, ss;
  if(!digits(s, n, &i, 2) || i >= n || s[i] != ':')
    return 0;
  i++;
  if(!digits(s, n, &i, 2) || i >= n || s[i] != ':')
    return 0;
  i++;
  if(!digits(s, n, &i, 2))
    return 0;
  hh = num(s, start, 2);
  mm = num(s, start + 3, 2);
  ss = num(s, start + 6, 2);
  if(i < n && s[i] == '.') {
    size_t f = ++i;
    if(!digit_run(s, n, &i))
      return 0;
    if(hh == 24) {
      size_t k;
      for(k = f; k < i; k++)
        if(s[k] != '0')
          return 0;
    }
  }
  if(mm > 59 || ss > 59 || hh > 24 || (hh == 24 && (mm || ss)))
    return 0;
  return i;
}

/* 1 if s[i..n) is empty or a time zone, and i is not 0 (a part before
 * it was read). */
static int
zone_ends(const char *s, size_t n, size_t i)
{
  int tz = i ? tz_part(s, n, i) : -1;
  return tz >= 0 && i + (size_t)tz == n;
}

int
evpubp_is_date(const char *s, size_t n)
{
  return zone_ends(s, n, date_part(s, n));
}

int
evpubp_is_datetime(const char *s, size_t n)
{
  size_t i = date_part(s, n);
  if(!i || i >= n || s[i] != 'T')
    return 0;
  return zone_ends(s, n, time_part(s, n, i + 1));
}

int
evpubp_is_time(const char *s, size_t n)
{
  return zone_ends(s, n, time_part(s, n, 0));
}

int
evpubp_is_duration(const char *s, size_t n)
{
  size_t i = 0;
  int in_time = 0, any = 0, any_time = 0;
  const char *order = "YMD"; /* allowed designators, in order */
  const char *torder = "HMS";
  if(i < n && s[i] == '-')
    i++;
  if(i >= n || s[i] != 'P')
    return 0;
  i++;
  while(i < n) {
    int frac = 0;
    const char *pos;
    if(s[i] == 'T') {
      if(in_time)
        return 0;
      in_time = 1;
      i++;
      continue;
    }
    if(!digit_run(s, n, &i))
      return 0;
    if(i < n && s[i] == '.') {
      ++i;
      if(!digit_run(s, n, &i))
        return 0;
      frac = 1;
    }
    if(i >= n)
      return 0;
    if(in_time) {
      pos = strchr(torder, s[i]);
      if(!pos || s[i] == '\0' || (frac && s[i] != 'S'))
        return 0;
      torder = pos + 1;
      any_time = 1;
    } else {
      pos = strchr(order, s[i]);
      if(!pos || s[i] == '\0' || frac)
        return 0;
      order = pos + 1;
    }
    any = 1;
    i++;
  }
  if(in_time && !any_time)
    return 0;
  return any;
}

int
evpubp_number_kind(const char *s, size_t n)
{
  size_t i = 0, d0;
  int kind = 1, mant = 0;
  if(i < n && (s[i] == '+' || s[i] == '-'))
    i++;
  d0 = i;
  while(i < n && s[i] >= '0' && s[i] <= '9')
    i++;
  mant = i > d0;
  if(i < n && s[i] == '.') {
    size_t f = ++i;
    while(i < n && s[i] >= '0' && s[i] <= '9')
      i++;
    mant = mant || i > f;
    kind = 2;
  }
  if(!mant)
    return 0;
  if(i < n && (s[i] == 'e' || s[i] == 'E')) {
    size_t e;
    i++;
    if(i < n && (s[i] == '+' || s[i] == '-'))
      i++;
    e = i;
    while(i < n && s[i] >= '0' && s[i] <= '9')
      i++;
    if(i == e)
      return 0;
    kind = 3;
  }
  return i == n ? kind : 0;
}
