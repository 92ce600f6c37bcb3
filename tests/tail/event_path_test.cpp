// Dotted paths into raw JSON values: find/has/lookup as libbeat's mapstr GetValue/HasKey, and
// what conditions and format strings see through them.
#include <string>

#include <gtest/gtest.h>

#include "logship/common/config.h"
#include "logship/tail/condition.h"
#include "logship/tail/event.h"
#include "logship/tail/format_string.h"

namespace logship::tail {
namespace {

std::string textAt(const Event& e, std::string_view path) {
  const Entry* found = e.find(path);
  if (found == nullptr) return "<absent>";
  std::string scratch;
  return std::string(Event::text(*found, scratch));
}

TEST(EventPath, FindsValuesInsideRawObjects) {
  Event e;
  e.setRaw("json", R"({"level":"error","n":3, "http":{"code":404,"tags":["a","b"]},"esc":"a\"b"})");
  EXPECT_EQ(textAt(e, "json.level"), "error");
  EXPECT_EQ(textAt(e, "json.n"), "3");
  EXPECT_EQ(textAt(e, "json.http.code"), "404");
  EXPECT_EQ(textAt(e, "json.http"), R"({"code":404,"tags":["a","b"]})");
  EXPECT_EQ(textAt(e, "json.esc"), "a\"b");
  EXPECT_EQ(textAt(e, "json.missing"), "<absent>");
  EXPECT_EQ(textAt(e, "json.level.x"), "<absent>");  // below a string: nothing
  EXPECT_EQ(textAt(e, "jso"), "<absent>");
}

TEST(EventPath, ArraySegmentsAreKeysNotIndexes) {
  Event e;
  e.setRaw("a", R"({"list":[{"x":1}],"0":"zero"})");
  EXPECT_EQ(textAt(e, "a.list.0"), "<absent>");
  EXPECT_EQ(textAt(e, "a.list.0.x"), "<absent>");
  EXPECT_EQ(textAt(e, "a.0"), "zero");
}

// mapstr's mapFind tries the whole remaining key literally before splitting at the first dot.
TEST(EventPath, DottedLiteralKeysAreFoundLikeMapstr) {
  Event e;
  e.setRaw("json", R"({"a.b":1,"c":{"d.e":{"f":2}}})");
  EXPECT_EQ(textAt(e, "json.a.b"), "1");
  // Only the first dot splits: "d.e.f" under c is neither a key nor "d" + "e.f", as in mapstr.
  EXPECT_EQ(textAt(e, "json.c.d.e.f"), "<absent>");
  EXPECT_EQ(textAt(e, "json.c.d.e"), R"({"f":2})");
  EXPECT_EQ(textAt(e, "json.a"), "<absent>");
  EXPECT_TRUE(e.has("json.a.b"));
  EXPECT_FALSE(e.has("json.a"));
}

TEST(EventPath, HasAndLookupSeeInsideRaw) {
  Event e;
  e.setRaw("json", R"({"level":"info"})");
  e.setString("log.file.path", "/x");
  EXPECT_TRUE(e.has("json.level"));
  EXPECT_TRUE(e.has("log"));
  EXPECT_FALSE(e.has("json.other"));
  Entry out;
  ASSERT_TRUE(e.lookup("json.level", out));
  EXPECT_EQ(out.value, "\"info\"");
  EXPECT_EQ(out.kind, Entry::Kind::kRaw);
  ASSERT_TRUE(e.lookup("log.file.path", out));
  EXPECT_EQ(out.value, "/x");
  EXPECT_FALSE(e.lookup("json.nope", out));
}

TEST(EventPath, RemovedRawIsNotSearched) {
  Event e;
  e.setRaw("json", R"({"level":"info"})");
  e.remove("json");
  EXPECT_EQ(e.find("json.level"), nullptr);
  EXPECT_FALSE(e.has("json.level"));
}

TEST(EventPath, ConditionsAndFormatStringsSeeInsideRaw) {
  config::LoadOptions options;
  auto doc = config::Document::loadString("when:\n  equals: {json.level: error}\n", "c.yml", options);
  const auto c = Condition::parse(doc->root().child("when"));
  Event e;
  e.setRaw("json", R"({"level":"error","app":{"name":"api"}})");
  EXPECT_TRUE(c->matches(e));
  e.setRaw("json", R"({"level":"info"})");
  EXPECT_FALSE(c->matches(e));

  e.setRaw("json", R"({"level":"error","app":{"name":"api"}})");
  std::string out;
  ASSERT_TRUE(FormatString("logs-%{[json.app.name]}-%{[json.level]}").evaluate(e, out));
  EXPECT_EQ(out, "logs-api-error");
}

}  // namespace
}  // namespace logship::tail
