/* Unit tests of the datatype checks (evpub_values.c). */
#include "core/core.h"
#include "unit.h"

#define YES(fn, s) CHECK(fn(s, strlen(s)))
#define NO(fn, s) CHECK(!fn(s, strlen(s)))

int
main(void)
{
  YES(evpubp_is_date, "2022-11-02");
  YES(evpubp_is_date, "2024-02-29");
  YES(evpubp_is_date, "2000-02-29");
  YES(evpubp_is_date, "2022-11-02Z");
  YES(evpubp_is_date, "2022-11-02+08:00");
  YES(evpubp_is_date, "-0044-03-15");
  YES(evpubp_is_date, "12022-01-01");
  NO(evpubp_is_date, "2023-02-29");
  NO(evpubp_is_date, "1900-02-29");
  NO(evpubp_is_date, "2022-13-01");
  NO(evpubp_is_date, "2022-11-31");
  NO(evpubp_is_date, "2022-11-00");
  NO(evpubp_is_date, "22-11-02");
  NO(evpubp_is_date, "2022/11/02");
  NO(evpubp_is_date, "2022-11-2");
  NO(evpubp_is_date, "2022-11-02T09:00:00");
  NO(evpubp_is_date, "");
  NO(evpubp_is_date, "02022-01-01");

  YES(evpubp_is_datetime, "2022-11-02T09:00:00+08:00");
  YES(evpubp_is_datetime, "2022-11-02T09:00:00Z");
  YES(evpubp_is_datetime, "2022-11-02T09:00:00");
  YES(evpubp_is_datetime, "2022-11-02T09:00:00.123-05:30");
  YES(evpubp_is_datetime, "2022-11-02T24:00:00");
  NO(evpubp_is_datetime, "2022-11-02T24:00:01");
  NO(evpubp_is_datetime, "2022-11-02T09:00");
  NO(evpubp_is_datetime, "2022-11-02 09:00:00");
  NO(evpubp_is_datetime, "2022-11-02T09:60:00");
  NO(evpubp_is_datetime, "2022-11-02T09:00:00+15:00");
  NO(evpubp_is_datetime, "2022-11-02T09:00:00+0800");
  NO(evpubp_is_datetime, "2022-11-02T09:00:00.");

  YES(evpubp_is_time, "09:00:00");
  YES(evpubp_is_time, "19:30:00+01:00");
  NO(evpubp_is_time, "9:00");

  YES(evpubp_is_duration, "PT2H30M");
  YES(evpubp_is_duration, "P1D");
  YES(evpubp_is_duration, "P1Y2M3DT4H5M6.5S");
  YES(evpubp_is_duration, "-P3D");
  YES(evpubp_is_duration, "PT0S");
  NO(evpubp_is_duration, "P");
  NO(evpubp_is_duration, "PT");
  NO(evpubp_is_duration, "P1DT");
  NO(evpubp_is_duration, "2 hours");
  NO(evpubp_is_duration, "PT2M30H");
  NO(evpubp_is_duration, "P1.5D");
  NO(evpubp_is_duration, "P1H");

  CHECK(evpubp_number_kind("42", 2) == 1);
  CHECK(evpubp_number_kind("-7", 2) == 1);
  CHECK(evpubp_number_kind("+7", 2) == 1);
  CHECK(evpubp_number_kind("3.14", 4) == 2);
  CHECK(evpubp_number_kind(".5", 2) == 2);
  CHECK(evpubp_number_kind("5.", 2) == 2);
  CHECK(evpubp_number_kind("1e3", 3) == 3);
  CHECK(evpubp_number_kind("1.5E-3", 6) == 3);
  CHECK(evpubp_number_kind("", 0) == 0);
  CHECK(evpubp_number_kind("abc", 3) == 0);
  CHECK(evpubp_number_kind("1,000", 5) == 0);
  CHECK(evpubp_number_kind("0x1F", 4) == 0);
  CHECK(evpubp_number_kind(".inf", 4) == 0);
  CHECK(evpubp_number_kind("1e", 2) == 0);
  CHECK(evpubp_number_kind("-", 1) == 0);
  return UNIT_DONE();
}
