/* Unit tests of the term table and its lookups. */
#include "map/vocab.h"
#include "core/core.h"
#include "unit.h"

static int
prop_on(const char *prop, const char *type)
{
  return evpubp_vocab_prop_allowed(evpubp_vocab_prop(prop),
                                   evpubp_vocab_type(type));
}

int
main(void)
{
  size_t i;
  int ev = evpubp_vocab_type("Event"), org = evpubp_vocab_type("Organization");
  int place = evpubp_vocab_type("Place");
  for(i = 1; i < evpubp_vocab_ntypes; i++)
    CHECK(strcmp(evpubp_vocab_types[i - 1].name, evpubp_vocab_types[i].name) <
          0);
  for(i = 1; i < evpubp_vocab_nprops; i++)
    CHECK(strcmp(evpubp_vocab_props[i - 1].name, evpubp_vocab_props[i].name) <
          0);
  CHECK(evpubp_vocab_ntypes > 800);
  CHECK(evpubp_vocab_nprops > 1400);
  CHECK_STR(evpubp_vocab_release, "30.0");

  CHECK(ev >= 0 && org >= 0 && place >= 0);
  CHECK(evpubp_vocab_type("event") < 0);
  CHECK(evpubp_vocab_is_subtype(evpubp_vocab_type("BusinessEvent"), ev));
  CHECK(evpubp_vocab_is_subtype(evpubp_vocab_type("Hotel"), place));
  CHECK(evpubp_vocab_is_subtype(evpubp_vocab_type("Hotel"), org));
  CHECK(
    evpubp_vocab_is_subtype(evpubp_vocab_type("CollegeOrUniversity"), org));
  CHECK(!evpubp_vocab_is_subtype(evpubp_vocab_type("Person"), org));

  /* every property of the types the issue names, through supertypes */
  CHECK(prop_on("startDate", "Event"));
  CHECK(prop_on("name", "Event")); /* from Thing */
  CHECK(prop_on("organizer", "BusinessEvent"));
  CHECK(prop_on("parentOrganization", "ResearchOrganization"));
  CHECK(prop_on("affiliation", "Person"));
  CHECK(prop_on("address", "Hotel"));
  CHECK(prop_on("starRating", "Hotel"));
  CHECK(prop_on("postalCode", "PostalAddress"));
  CHECK(prop_on("latitude", "GeoCoordinates"));
  CHECK(prop_on("price", "Offer"));
  CHECK(prop_on("isbn", "Book"));
  CHECK(prop_on("repeatFrequency", "Schedule"));
  CHECK(prop_on("roleName", "OrganizationRole"));
  CHECK(!prop_on("startDate", "Person"));
  CHECK(!prop_on("isbn", "Event"));

  CHECK(evpubp_vocab_member("EventScheduled",
                            evpubp_vocab_type("EventStatusType")) >= 0);
  CHECK(evpubp_vocab_member_ci(
          "mixedeventattendancemode", 24,
          evpubp_vocab_type("EventAttendanceModeEnumeration")) >= 0);
  CHECK(evpubp_vocab_member("InStock",
                            evpubp_vocab_type("ItemAvailability")) >= 0);
  CHECK_STR(evpubp_vocab_suggest("startdate", ev), "startDate");
  CHECK_STR(evpubp_vocab_suggest("orgniser", ev), "organizer");
  CHECK(evpubp_vocab_suggest("zzzzzzzzzz", ev) == NULL);
  return UNIT_DONE();
}
