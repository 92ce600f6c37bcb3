#include <gtest/gtest.h>

#include "logship/common/json_scan.h"
#include "logship/stash/event.h"

namespace logship::stash {
namespace {

TEST(Event, RejectsWhatIsNotAJsonObject) {
  Event e;
  EXPECT_FALSE(e.parse("not json"));
  EXPECT_FALSE(e.parse("[1,2]"));
  EXPECT_FALSE(e.parse("\"s\""));
  EXPECT_FALSE(e.parse("{\"a\":1"));
  EXPECT_FALSE(e.parse("{\"a\":tru}"));
  EXPECT_FALSE(e.parse("{\"a\":\"\xff\"}"));  // invalid UTF-8
  EXPECT_FALSE(e.parse(""));
  EXPECT_TRUE(e.parse(" { } "));
  EXPECT_EQ(e.toString(), "{}");
}

TEST(Event, KeepsRawValuesAndOrder) {
  Event e;
  ASSERT_TRUE(e.parse(R"( {"b" : 1.50e3, "a":[1, {"x":"}"}], "c":null,"d":"q\"\\"} )"));
  EXPECT_EQ(e.toString(), R"({"b":1.50e3,"a":[1, {"x":"}"}],"c":null,"d":"q\"\\"})");
  std::string_view s;
  ASSERT_TRUE(e.stringValue(e.find("d"), s));
  EXPECT_EQ(s, "q\"\\");
  EXPECT_FALSE(e.stringValue(e.find("b"), s));
}

TEST(Event, LargeIntegersAreNotRounded) {
  Event e;
  // Go decodes numbers into float64 (12345678901234567890 -> 1.2345678901234567e+19); we keep the text.
  ASSERT_TRUE(e.parse(R"({"n":12345678901234567890,"f":1.000000000000000000001})"));
  EXPECT_EQ(e.toString(), R"({"n":12345678901234567890,"f":1.000000000000000000001})");
  // Integers beyond 64 bits are refused by simdjson: such values count as not JSON (dead letter).
  EXPECT_FALSE(e.parse(R"({"n":123456789012345678901234567890})"));
}

TEST(Event, DuplicateKeysLastWins) {
  Event e;
  ASSERT_TRUE(e.parse(R"({"a":1,"b":2,"a":3})"));
  EXPECT_EQ(e.toString(), R"({"b":2,"a":3})");
}

TEST(Event, SetReplacesAndSkipsMetadata) {
  Event e;
  ASSERT_TRUE(e.parse(R"({"@metadata":{"_id":"x"},"a":1})"));
  e.setString("a", "new\n");
  e.setRaw("k\"ey", "{\"z\":true}");
  EXPECT_EQ(e.toString(), R"({"a":"new\n","k\"ey":{"z":true}})");
  EXPECT_GE(e.find("k\"ey"), 0);
}

TEST(Event, EscapedKeysAreComparedUnescaped) {
  Event e;
  ASSERT_TRUE(e.parse(R"({"\u0061b":1})"));
  EXPECT_GE(e.find("ab"), 0);
  EXPECT_EQ(e.toString(), R"({"\u0061b":1})");
}

TEST(Event, ReusedForManyMessages) {
  Event e;
  ASSERT_TRUE(e.parse(R"({"a":"first","long":"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"})"));
  e.setString("x", "y");
  ASSERT_TRUE(e.parse(R"({"b":2})"));
  EXPECT_EQ(e.toString(), R"({"b":2})");
}

TEST(Event, WrapInvalid) {
  Event e;
  e.wrapInvalid("plain \"text\" \xff");
  EXPECT_EQ(e.toString(), "{\"message\":\"plain \\\"text\\\" \xEF\xBF\xBD\",\"tags\":[\"_jsonparsefailure\"]}");
}

TEST(JsonScan, UnescapeSurrogatePairs) {
  std::string scratch;
  EXPECT_EQ(scan::unescape("\\ud83d\\ude00 \\u00e9 \\/", scratch), "\xF0\x9F\x98\x80 \xC3\xA9 /");
  EXPECT_EQ(scan::unescape("plain", scratch), "plain");
}

}  // namespace
}  // namespace logship::stash
