#include "logship/common/json.h"

#include <random>

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

TEST(JsonTest, KeepsValidUtf8) { EXPECT_EQ(quoted("日志 ünïcødé"), "\"日志 ünïcødé\""); }

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
  EXPECT_FALSE(appendString(out, "\xc0\xaf"));      // overlong '/'
  EXPECT_FALSE(appendString(out, "\xed\xa0\x80"));  // UTF-16 surrogate
  EXPECT_TRUE(validUtf8("\xf0\x9f\x98\x80"));       // emoji
}

// The obvious byte-at-a-time escaper, to check the block-scanning one against.
bool referenceEscape(std::string_view s, std::string& out) {
  bool valid = true;
  for (size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c == '"' || c == '\\') {
      out += '\\', out += static_cast<char>(c), ++i;
    } else if (c == '\n' || c == '\r' || c == '\t' || c == '\b' || c == '\f') {
      out += '\\', out += "nrtbf"[std::string_view("\n\r\t\b\f").find(static_cast<char>(c))], ++i;
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf, ++i;
    } else if (c < 0x80) {
      out += static_cast<char>(c), ++i;
    } else {
      size_t len = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
      if (len && i + len <= s.size() && validUtf8(s.substr(i, len))) {
        out.append(s.substr(i, len)), i += len;
      } else {
        out += "\xEF\xBF\xBD", ++i, valid = false;
      }
    }
  }
  return valid;
}

TEST(JsonTest, BlockEscaperMatchesByteAtATimeEscaper) {
  // Escapes at every position relative to the 8/16-byte blocks, valid and broken UTF-8 before and
  // after the first escape, strings much longer than the first buffer estimate (all control
  // characters grow 6x), appended after existing output.
  const std::string_view pieces[] = {"a",
                                     "b",
                                     "\"",
                                     "\\",
                                     "\n",
                                     "\x01",
                                     "\x1f",
                                     "\x7f",
                                     "\xc3\xa9",
                                     "\xe6\x97\xa5",
                                     "\xf0\x9f\x98\x80",
                                     "\xff",
                                     "\xe6\x97",
                                     "\xc0\xaf",
                                     " "};
  std::mt19937 rng(7);
  for (int round = 0; round < 20000; ++round) {
    std::string in;
    const size_t n = rng() % 80;
    const size_t skew = rng() % 3;  // mostly-clean, mixed, mostly-special
    for (size_t i = 0; i < n; ++i) {
      const size_t pick = skew == 0 && rng() % 8 ? rng() % 2 : skew == 2 ? 2 + rng() % 5 : rng() % std::size(pieces);
      in.append(pieces[pick]);
    }
    std::string expected = "prefix:", actual = "prefix:";
    const bool expected_ok = referenceEscape(in, expected);
    EXPECT_EQ(appendEscaped(actual, in), expected_ok) << testing::PrintToString(in);
    ASSERT_EQ(actual, expected) << testing::PrintToString(in);
  }
}

TEST(JsonTest, ObjectWriterBuildsValidJson) {
  std::string out;
  ObjectWriter w(out);
  w.field("a", "x").fieldInt("n", -5).fieldBool("t", true).fieldRaw("o", "{\"k\":1}");
  w.close();
  EXPECT_EQ(out, "{\"a\":\"x\",\"n\":-5,\"t\":true,\"o\":{\"k\":1}}");
}

// decodeString: `in` starts after the opening quote; returns how much it took (0: invalid).
std::string decoded(std::string_view in, size_t* used = nullptr) {
  std::string out(in.size(), '\0');
  size_t written = 0;
  const size_t n = decodeString(in, out.data(), written);
  if (used) *used = n;
  if (n == 0) return "<invalid>";
  out.resize(written);
  return out;
}

TEST(JsonTest, DecodeStringHandlesEveryEscapeAndStopsAtTheClosingQuote) {
  size_t used = 0;
  EXPECT_EQ(decoded(R"(plain" rest)", &used), "plain");
  EXPECT_EQ(used, 6u);
  EXPECT_EQ(decoded(R"(a\"b\\c\/d\b\f\n\r\t")"), "a\"b\\c/d\b\f\n\r\t");
  EXPECT_EQ(decoded(R"(\u00e9\u4e2d\ud83d\ude00")"), "\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80");
  EXPECT_EQ(decoded(R"(lone \ud800 and \udc00")"), "lone \xef\xbf\xbd and \xef\xbf\xbd");  // U+FFFD, as Go
  EXPECT_EQ(decoded("caf\xc3\xa9\""), "caf\xc3\xa9");
  EXPECT_EQ(decoded(R"(unterminated)"), "<invalid>");
  EXPECT_EQ(decoded(R"(bad \x escape")"), "<invalid>");
  EXPECT_EQ(decoded(R"(short \u12")"), "<invalid>");
  EXPECT_EQ(decoded("raw \x01 control\""), "<invalid>");
  EXPECT_EQ(decoded(R"(ends in backslash \)"), "<invalid>");
}

TEST(JsonTest, DecodeStringAgreesWithSimdjsonOnLongStringsAcrossBlocks) {
  std::mt19937 rng(7);
  const std::string pieces[] = {"a", "b", "xyz", " ", "\"", "\\", "/", "\n", "\t", "\x7f", "\xc3\xa9", "\xe4\xb8\xad"};
  simdjson::dom::parser parser;
  for (int round = 0; round < 300; ++round) {
    std::string text;
    const size_t len = rng() % 120;
    for (size_t i = 0; i < len; ++i) text += pieces[rng() % (sizeof(pieces) / sizeof(pieces[0]))];
    std::string json = "[";
    appendString(json, text);
    json += "]";
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(json).get(doc), simdjson::SUCCESS) << json;
    std::string_view expected;
    ASSERT_EQ(doc.at(0).get(expected), simdjson::SUCCESS);
    EXPECT_EQ(decoded(std::string_view(json).substr(2)), expected) << json;
  }
}

}  // namespace
}  // namespace logship::json

namespace logship::json {
namespace {

// checkString accepts exactly the bodies decodeString reads that can be copied into JSON as
// they are, and says how much of the input the string took, as decodeString does.
TEST(JsonCheckString, AcceptsCopyableBodiesAndMeasuresThemLikeDecodeString) {
  for (const std::string& body :
       {std::string(R"(plain)"), std::string(R"(q\"b\\s\/f\bn\nr\rt\tf\f)"), std::string(R"(\u003c\u00e9\uFFFD)"),
        std::string("\xe6\x97\xa5 utf-8"), std::string(40, 'x') + R"(\")" + std::string(40, 'y'), std::string()}) {
    const std::string in = body + "\" trailing";
    std::string out(in.size(), '\0');
    size_t written = 0;
    EXPECT_EQ(checkString(in), body.size() + 1) << body;
    EXPECT_EQ(decodeString(in, out.data(), written), body.size() + 1) << body;
  }
  for (const std::string& bad :
       {std::string(R"(bad \x escape")"), std::string("raw \x01 control\""), std::string(R"(\u12)") + "\"",
        std::string(R"(lone \ud800")"), std::string(R"(pair \ud83d\ude00")"), std::string("bad \xff utf8\""),
        std::string(40, 'x') + "\xc3\"", std::string("unterminated"), std::string(R"(ends in \)")})
    EXPECT_EQ(checkString(bad), 0u) << bad;
}

TEST(JsonCheckString, EndsWithEscapeCountsTheBackslashes) {
  EXPECT_TRUE(endsWithEscape(R"(a\n)", 'n'));
  EXPECT_FALSE(endsWithEscape(R"(a\\n)", 'n'));  // an escaped backslash, then n
  EXPECT_TRUE(endsWithEscape(R"(a\\\n)", 'n'));
  EXPECT_FALSE(endsWithEscape("n", 'n'));
  EXPECT_FALSE(endsWithEscape(R"(a\r)", 'n'));
}

}  // namespace
}  // namespace logship::json
