#include "logship/common/json.h"

#include <gtest/gtest.h>
#include <simdjson.h>

namespace logship::json {
namespace {

std::string quoted(std::string_view s) {
  std::string out;
  appendString(out, s);
  return out;
}

TEST(JsonTest, EscapesControlCharactersAndQuotes) {
  EXPECT_EQ(quoted("plain"), "\"plain\"");
  EXPECT_EQ(quoted("a\"b\\c\n\t\r"), "\"a\\\"b\\\\c\\n\\t\\r\"");
  EXPECT_EQ(quoted(std::string_view("\x01\x1f", 2)), "\"\\u0001\\u001f\"");
}

TEST(JsonTest, KeepsValidUtf8) {
  EXPECT_EQ(quoted("日志 ünïcødé"), "\"日志 ünïcødé\"");
}

TEST(JsonTest, ReplacesInvalidUtf8AndStaysParseable) {
  const std::string bad = std::string("ok\xff\xfe") + "x" + std::string("\xe6\x97");  // truncated 3-byte seq
  std::string out;
  EXPECT_FALSE(appendString(out, bad));
  EXPECT_EQ(out, "\"ok\xEF\xBF\xBD\xEF\xBF\xBDx\xEF\xBF\xBD\xEF\xBF\xBD\"");
  simdjson::dom::parser parser;
  std::string doc = "{\"m\":" + out + "}";
  auto result = parser.parse(doc);
  EXPECT_FALSE(result.error()) << simdjson::error_message(result.error());
}

TEST(JsonTest, RejectsOverlongAndSurrogates) {
  std::string out;
  EXPECT_FALSE(appendString(out, "\xc0\xaf"));          // overlong '/'
  EXPECT_FALSE(appendString(out, "\xed\xa0\x80"));      // UTF-16 surrogate
  EXPECT_TRUE(validUtf8("\xf0\x9f\x98\x80"));            // emoji
}

TEST(JsonTest, ObjectWriterBuildsValidJson) {
  std::string out;
  ObjectWriter w(out);
  w.field("a", "x").fieldInt("n", -5).fieldBool("t", true).fieldRaw("o", "{\"k\":1}");
  w.close();
  EXPECT_EQ(out, "{\"a\":\"x\",\"n\":-5,\"t\":true,\"o\":{\"k\":1}}");
}

}  // namespace
}  // namespace logship::json
