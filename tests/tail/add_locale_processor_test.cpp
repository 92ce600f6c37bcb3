// add_locale: libbeat's Format cases and the processor on a zone set through TZ.
#include <cstdlib>
#include <ctime>

#include "tail/processor_fixture.h"

namespace logship::tail {
namespace processors {
std::string formatTimeZone(bool abbreviation, std::string_view zone, long offset_seconds);
}

namespace {

TEST(AddLocaleFormat, OffsetsAndAbbreviationsAsLibbeat) {
  EXPECT_EQ(processors::formatTimeZone(false, "CST", 8 * 3600), "+08:00");
  EXPECT_EQ(processors::formatTimeZone(false, "EST", -5 * 3600), "-05:00");
  EXPECT_EQ(processors::formatTimeZone(false, "IST", 5 * 3600 + 1800), "+05:30");
  EXPECT_EQ(processors::formatTimeZone(false, "NST", -(3 * 3600 + 1800)), "-03:30");
  EXPECT_EQ(processors::formatTimeZone(true, "CST", 8 * 3600), "CST");
}

using AddLocaleTest = ProcessorTest;

TEST_F(AddLocaleTest, SetsEventTimezoneFromTheMachinesZone) {
  const char* old = std::getenv("TZ");
  const std::string saved = old ? old : "";
  ::setenv("TZ", "XYZ-3", 1);  // POSIX zone: abbreviation XYZ, 3 hours east of UTC
  ::tzset();
  run("add_locale", "{}");
  EXPECT_EQ(event_.find("event.timezone")->value, "+03:00");
  run("add_locale", "{format: abbreviation}");
  EXPECT_EQ(event_.find("event.timezone")->value, "XYZ");
  if (old) {
    ::setenv("TZ", saved.c_str(), 1);
  } else {
    ::unsetenv("TZ");
  }
  ::tzset();
  EXPECT_THROW(parse("add_locale", "{format: iso}"), config::ConfigError);
}

}  // namespace
}  // namespace logship::tail
