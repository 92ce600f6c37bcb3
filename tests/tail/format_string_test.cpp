// Format strings as libbeat's fmtstr (formatevents_test.go): field paths in both bracket forms,
// defaults for missing and empty values, %{+joda} dates of @timestamp in UTC, and @timestamp /
// @metadata, which topic format strings could not read before.
#include <gtest/gtest.h>

#include <string>

#include "logship/tail/event.h"
#include "logship/tail/format_string.h"

namespace logship::tail {
namespace {

std::string eval(const Event& e, const char* format) {
  std::string out;
  return FormatString(format).evaluate(e, out) ? out : "<fails>";
}

class FormatStringTest : public ::testing::Test {
 protected:
  void SetUp() override {
    e_.setRaw("json", R"({"level":"warn","svc":{"name":"api"},"n":3,"ok":true,"list":[1]})");
    e_.setString("empty", "");
    e_.setString("fields.topic", "logs");
    e_.timestamp_ = "2017-03-04T05:06:07.089Z";
    e_.timestamp_ms = 1488603967089;
  }
  Event e_;
};

TEST_F(FormatStringTest, BracketPathsInBothForms) {
  EXPECT_EQ(eval(e_, "%{[json.svc.name]}-%{[json][svc][name]}"), "api-api");
  EXPECT_EQ(eval(e_, "t-%{[fields][topic]}"), "t-logs");
  EXPECT_EQ(eval(e_, "%{[json.n]}/%{[json.ok]}"), "3/true");
  EXPECT_EQ(eval(e_, "%{[json.svc]}"), "<fails>");   // an object does not convert to a string
  EXPECT_EQ(eval(e_, "%{[json.list]}"), "<fails>");  // nor an array
  EXPECT_EQ(eval(e_, "%{[missing]}"), "<fails>");
  EXPECT_THROW(FormatString("%{[]}"), std::invalid_argument);
}

TEST_F(FormatStringTest, DefaultsStandInForMissingAndEmptyValues) {
  EXPECT_EQ(eval(e_, "%{[missing]:other}"), "other");
  EXPECT_EQ(eval(e_, "%{[empty]:other}"), "other");
  EXPECT_EQ(eval(e_, "%{[json.level]:other}"), "warn");
  EXPECT_EQ(eval(e_, "%{[json.svc]:fallback}"), "fallback");
  EXPECT_EQ(eval(e_, "%{[missing]:}x"), "x");
}

TEST_F(FormatStringTest, TimestampPatternsAreUtcJoda) {
  EXPECT_EQ(eval(e_, "logs-%{+yyyy.MM.dd}"), "logs-2017.03.04");
  EXPECT_EQ(eval(e_, "%{+yyyy-MM-dd'T'HH:mm:ss.SSS}"), "2017-03-04T05:06:07.089");
  EXPECT_EQ(eval(e_, "%{+yy MMM d EEE}"), "17 Mar 4 Sat");
  Event noms;  // the text alone (timestamp_ms unknown) gives the same day
  noms.timestamp_ = "2017-03-04T23:59:59.999Z";
  EXPECT_EQ(eval(noms, "%{+yyyy.MM.dd}"), "2017.03.04");
  EXPECT_FALSE(FormatString("%{+yyyy}").isConstant());
}

TEST_F(FormatStringTest, TimestampAndMetadataAreReadable) {
  EXPECT_EQ(eval(e_, "%{[@timestamp]}"), "2017-03-04T05:06:07.089Z");
  EXPECT_EQ(eval(e_, "%{[@metadata][beat]}-%{[@metadata.version]}"), "filebeat-8.6.2");
  EXPECT_EQ(eval(e_, "%{[@metadata.pipeline]:none}"), "none");
  e_.setString("@metadata.pipeline", "p1");  // what a processor put there
  EXPECT_EQ(eval(e_, "%{[@metadata.pipeline]:none}"), "p1");
  EXPECT_TRUE(FormatString("%{[@timestamp]}-%{[@metadata.beat]}").requiredFields().empty());
  EXPECT_EQ(FormatString("%{[a][b]}-%{[c]:d}").requiredFields(), std::vector<std::string>{"a.b"});
}

}  // namespace
}  // namespace logship::tail
