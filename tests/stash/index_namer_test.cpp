#include <gtest/gtest.h>

#include <cstdlib>

#include "logship/stash/index_namer.h"

namespace logship::stash {
namespace {

using std::chrono::system_clock;

std::string nameFor(const std::string& format, const std::string& zone, const std::string& json,
                    IndexNamer::Clock clock = {}) {
  IndexNamer n(format, zone, std::move(clock));
  Event e;
  EXPECT_TRUE(e.parse(json));
  return std::string(n.name(e));
}

TEST(IndexNamer, IssueExampleShanghaiNextDay) {
  EXPECT_EQ(nameFor("courseware-{{yyyy-MM-dd}}", "Asia/Shanghai", R"({"@timestamp":"2022-09-08T23:30:00.000Z"})"),
            "courseware-2022-09-09");
  EXPECT_EQ(nameFor("courseware-{{yyyy-MM-dd}}", "UTC", R"({"@timestamp":"2022-09-08T23:30:00.000Z"})"),
            "courseware-2022-09-08");
}

TEST(IndexNamer, OffsetsAndFractions) {
  // 21:51 +08:00 is 13:51Z: same day in UTC and in New York (09:51 EDT).
  EXPECT_EQ(nameFor("x-{{yyyy.MM.dd.HH}}", "UTC", R"({"@timestamp":"2022-09-08T21:51:10.346+08:00"})"),
            "x-2022.09.08.13");
  EXPECT_EQ(nameFor("x-{{yyyy.MM.dd.HH}}", "America/New_York", R"({"@timestamp":"2022-09-08T21:51:10+08:00"})"),
            "x-2022.09.08.09");
  EXPECT_EQ(nameFor("x-{{yyyy-MM-dd}}", "UTC", R"({"@timestamp":"2022-09-08T01:00:00.123456789-03:30"})"),
            "x-2022-09-08");
  EXPECT_EQ(nameFor("x-{{yyyy-MM-dd}}", "UTC", R"({"@timestamp":"2022-09-08T23:00:00-03:30"})"), "x-2022-09-09");
}

TEST(IndexNamer, DstInTheZone) {
  // 2022-03-13 07:30Z is 03:30 EDT (after the spring-forward gap) in New York.
  EXPECT_EQ(nameFor("{{HH:mm}}", "America/New_York", R"({"@timestamp":"2022-03-13T07:30:00Z"})"), "03:30");
  EXPECT_EQ(nameFor("{{HH:mm}}", "America/New_York", R"({"@timestamp":"2022-03-13T06:30:00Z"})"), "01:30");
}

TEST(IndexNamer, JodaTokens) {
  const std::string ts = R"({"@timestamp":"2022-01-05T03:04:05.678Z"})";
  EXPECT_EQ(nameFor("{{yy M d H m s SSS}}", "UTC", ts), "22 1 5 3 4 5 678");
  EXPECT_EQ(nameFor("{{MMM MMMM EEE EEEE a hh D}}", "UTC", ts), "Jan January Wed Wednesday AM 03 5");
  EXPECT_EQ(nameFor("{{yyyy'w'MM}}", "UTC", ts), "2022w01");
}

TEST(IndexNamer, FieldSubstitution) {
  EXPECT_EQ(nameFor("logs-{.app}-{{yyyy}}", "UTC", R"({"app":"web","@timestamp":"2022-01-01T00:00:00Z"})"),
            "logs-web-2022");
  EXPECT_EQ(nameFor("logs-{.app}", "UTC", R"({"other":1})"), "logs-");
  EXPECT_EQ(nameFor("logs-{.n}", "UTC", R"({"n":7})"), "logs-7");
  EXPECT_EQ(nameFor("constant", "UTC", R"({"n":7})"), "constant");
}

TEST(IndexNamer, SingleBraceIsATimePatternAsInGoStash) {
  EXPECT_EQ(nameFor("x-{yyyy}", "UTC", R"({"@timestamp":"2021-06-01T00:00:00Z"})"), "x-2021");
}

TEST(IndexNamer, NowWhenTimestampMissingOrUnparsable) {
  const auto fixed = system_clock::time_point(std::chrono::seconds(1662679800));  // 2022-09-08T23:30Z
  auto clock = [fixed] { return fixed; };
  EXPECT_EQ(nameFor("x-{{yyyy-MM-dd}}", "Asia/Shanghai", R"({"a":1})", clock), "x-2022-09-09");
  EXPECT_EQ(nameFor("x-{{yyyy-MM-dd}}", "UTC", R"({"@timestamp":"yesterday"})", clock), "x-2022-09-08");
  EXPECT_EQ(nameFor("x-{{yyyy-MM-dd}}", "UTC", R"({"@timestamp":12345})", clock), "x-2022-09-08");
}

TEST(IndexNamer, TzEnvironmentWhenZoneUnset) {
  const char* old = std::getenv("TZ");
  std::string saved = old ? old : "";
  setenv("TZ", "Asia/Shanghai", 1);
  EXPECT_EQ(nameFor("c-{{yyyy-MM-dd}}", "", R"({"@timestamp":"2022-09-08T23:30:00.000Z"})"), "c-2022-09-09");
  setenv("TZ", "UTC", 1);
  EXPECT_EQ(nameFor("c-{{yyyy-MM-dd}}", "", R"({"@timestamp":"2022-09-08T23:30:00.000Z"})"), "c-2022-09-08");
  if (old)
    setenv("TZ", saved.c_str(), 1);
  else
    unsetenv("TZ");
}

TEST(IndexNamer, UnknownZoneThrows) { EXPECT_THROW(IndexNamer("x", "Mars/Base", {}), std::runtime_error); }

TEST(Rfc3339, ParsesAndRejects) {
  auto t = parseRfc3339("2022-09-08T23:30:00.000Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(std::chrono::duration_cast<std::chrono::seconds>(t->time_since_epoch()).count(), 1662679800);
  EXPECT_TRUE(parseRfc3339("2022-09-08T23:30:00Z"));
  EXPECT_TRUE(parseRfc3339("2022-09-08T23:30:00+08:00"));
  EXPECT_FALSE(parseRfc3339("2022-09-08T23:30:00"));
  EXPECT_FALSE(parseRfc3339("2022-09-08 23:30"));
  EXPECT_FALSE(parseRfc3339("2022-13-08T23:30:00Z"));
  EXPECT_FALSE(parseRfc3339("2022-09-08T23:30:00.Z"));
  EXPECT_FALSE(parseRfc3339("2022-09-08T23:30:00Zjunk"));
  // Outside what a nanosecond system_clock holds: rejected instead of overflowing (fuzz finding).
  EXPECT_FALSE(parseRfc3339("1011-09-08T21:51:10.346+08:00"));
  EXPECT_FALSE(parseRfc3339("9999-01-01T00:00:00Z"));
  EXPECT_TRUE(parseRfc3339("1970-01-01T00:00:00Z"));
}

}  // namespace
}  // namespace logship::stash
