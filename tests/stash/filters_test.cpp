// go-stash's filters, quirks included (stash/filter/*.go).
#include <gtest/gtest.h>

#include "logship/stash/filters.h"

namespace logship::stash {
namespace {

std::string run(Filter& f, const std::string& json, bool* kept = nullptr) {
  Event e;
  EXPECT_TRUE(e.parse(json)) << json;
  const bool k = f.apply(e);
  if (kept) *kept = k;
  return k ? e.toString() : "<dropped>";
}

Condition cond(std::string key, std::string value, std::string type = "match", std::string op = "and") {
  return Condition{std::move(key), std::move(value), std::move(type), std::move(op)};
}

TEST(DropFilter, ReferenceConfigDropsInfoOfRpcContainers) {
  DropFilter f({cond("k8s_container_name", "-rpc", "contains"), cond("level", "info", "match", "and")});
  EXPECT_EQ(run(f, R"({"k8s_container_name":"user-rpc","level":"info"})"), "<dropped>");
  EXPECT_NE(run(f, R"({"k8s_container_name":"user-rpc","level":"error"})"), "<dropped>");
  EXPECT_NE(run(f, R"({"k8s_container_name":"user-api","level":"info"})"), "<dropped>");
}

TEST(DropFilter, MatchIsExactStringEquality) {
  DropFilter f({cond("level", "info")});
  EXPECT_EQ(run(f, R"({"level":"info"})"), "<dropped>");
  EXPECT_NE(run(f, R"({"level":"info2"})"), "<dropped>");
  EXPECT_NE(run(f, R"({"level":"INFO"})"), "<dropped>");
  // Go compares interface{} with a string: a number 1 never equals "1".
  DropFilter n({cond("code", "1")});
  EXPECT_NE(run(n, R"({"code":1})"), "<dropped>");
  EXPECT_EQ(run(n, R"({"code":"1"})"), "<dropped>");
  // Escapes are compared unescaped.
  DropFilter q({cond("msg", "a\"b")});
  EXPECT_EQ(run(q, R"({"msg":"a\"b"})"), "<dropped>");
}

TEST(DropFilter, ContainsNeedsAString) {
  DropFilter f({cond("name", "rpc", "contains")});
  EXPECT_EQ(run(f, R"({"name":"x-rpc-y"})"), "<dropped>");
  EXPECT_NE(run(f, R"({"name":["rpc"]})"), "<dropped>");
  EXPECT_NE(run(f, R"({"other":"rpc"})"), "<dropped>");
}

TEST(DropFilter, FailingAndKeepsAtOnceEvenAfterQualifyingOr) {
  // go-stash quirk: `or` qualifies, then the `and` condition fails -> returned unchanged at once.
  DropFilter f({cond("a", "1", "match", "or"), cond("b", "2", "match", "and")});
  EXPECT_NE(run(f, R"({"a":"1","b":"x"})"), "<dropped>");
  EXPECT_EQ(run(f, R"({"a":"x","b":"2"})"), "<dropped>");  // the and qualifies alone
}

TEST(DropFilter, AnyQualifyingOrDrops) {
  DropFilter f({cond("a", "1", "match", "or"), cond("b", "2", "match", "or")});
  EXPECT_EQ(run(f, R"({"a":"0","b":"2"})"), "<dropped>");
  EXPECT_EQ(run(f, R"({"a":"1","b":"0"})"), "<dropped>");
  EXPECT_NE(run(f, R"({"a":"0","b":"0"})"), "<dropped>");
}

TEST(DropFilter, AndAfterOrFailingEarlierStillDropsWhenAndQualifies) {
  // An `or` that fails does not stop; the following `and` qualifies -> drop.
  DropFilter f({cond("a", "1", "match", "or"), cond("b", "2", "match", "and")});
  EXPECT_EQ(run(f, R"({"a":"no","b":"2"})"), "<dropped>");
}

TEST(DropFilter, NoConditionsKeeps) {
  DropFilter f({});
  EXPECT_NE(run(f, R"({"a":"1"})"), "<dropped>");
}

TEST(DropFilter, RegexExtensionUsesPartialMatch) {
  DropFilter f({cond("msg", "^health(check)?$", "regex")});
  EXPECT_EQ(run(f, R"({"msg":"healthcheck"})"), "<dropped>");
  EXPECT_NE(run(f, R"({"msg":"no healthcheck"})"), "<dropped>");
  DropFilter p({cond("msg", "tim(e|ed) ?out", "regex")});
  EXPECT_EQ(run(p, R"({"msg":"request timed out after 3s"})"), "<dropped>");
}

TEST(DropFilter, DottedKeyLooksIntoNestedObjectsOnlyWhenNoTopLevelKey) {
  DropFilter f({cond("data.level", "info")});
  EXPECT_EQ(run(f, R"({"data":{"level":"info"}})"), "<dropped>");
  EXPECT_NE(run(f, R"({"data":{"level":"error"}})"), "<dropped>");
  // A literal top-level key wins (go-stash's behaviour).
  EXPECT_NE(run(f, R"({"data.level":"error","data":{"level":"info"}})"), "<dropped>");
  DropFilter deep({cond("a.b.c", "x")});
  EXPECT_EQ(run(deep, R"({"a":{"b":{"c":"x"}}})"), "<dropped>");
}

TEST(RemoveFieldFilter, RemovesListedKeysOnly) {
  RemoveFieldFilter f({"@version", "beat", "missing", "@metadata"});
  EXPECT_EQ(run(f, R"({"@version":"1","beat":{"x":1},"keep":true,"@metadata":{"_id":"a"}})"), R"({"keep":true})");
}

TEST(TransferFilter, WithTargetMovesTheParsedObject) {
  TransferFilter f("message", "data");
  EXPECT_EQ(run(f, R"({"a":"aa","message":"{\"level\":\"error\",\"n\":1}"})"),
            R"({"a":"aa","data":{"level":"error","n":1}})");
}

TEST(TransferFilter, WithoutTargetMergesIntoTopLevel) {
  TransferFilter f("b", "");
  EXPECT_EQ(run(f, R"({"a":"aa","b":"{\"c\":\"cc\",\"a\":\"new\"}"})"), R"({"c":"cc","a":"new"})");
}

TEST(TransferFilter, UnchangedWhenMissingNotStringNotJsonOrNotObject) {
  TransferFilter f("b", "data");
  EXPECT_EQ(run(f, R"({"a":"aa","c":"{}"})"), R"({"a":"aa","c":"{}"})");
  EXPECT_EQ(run(f, R"({"a":"aa","b":{"c":"cc"}})"), R"({"a":"aa","b":{"c":"cc"}})");
  EXPECT_EQ(run(f, R"({"a":"aa","b":"{\"c\":\"cc\""})"), R"({"a":"aa","b":"{\"c\":\"cc\""})");
  EXPECT_EQ(run(f, R"({"b":"[1,2]"})"), R"({"b":"[1,2]"})");
  EXPECT_EQ(run(f, R"({"b":"plain text"})"), R"({"b":"plain text"})");
}

TEST(TransferFilter, GoZeroLineWithEscapes) {
  TransferFilter f("message", "data");
  EXPECT_EQ(
      run(f, R"({"message":"{\"@timestamp\":\"2022-09-08T21:51:10.346+08:00\",\"content\":\"a \\\"q\\\" \\u00e9\"}"})"),
      R"({"data":{"@timestamp":"2022-09-08T21:51:10.346+08:00","content":"a \"q\" \u00e9"}})");
}

TEST(UriFilter, ReplacesObjectIdSegmentsAndDropsQuery) {
  std::string out;
  UriFilter::rewrite("/api/user/5f1e2d3c4b5a69788796a5b4/profile?x=1", out);
  EXPECT_EQ(out, "/api/user/*/profile");
  UriFilter::rewrite("/api/5F1E2D3C4B5A69788796A5B4", out);
  EXPECT_EQ(out, "/api/*");
  UriFilter::rewrite("/api/5f1e2d3c4b5a69788796a5b", out);  // 23 chars: kept
  EXPECT_EQ(out, "/api/5f1e2d3c4b5a69788796a5b");
  UriFilter::rewrite("/api/zf1e2d3c4b5a69788796a5b4", out);  // not hex
  EXPECT_EQ(out, "/api/zf1e2d3c4b5a69788796a5b4");
  UriFilter::rewrite("", out);
  EXPECT_EQ(out, "");
}

TEST(UriFilter, AddsUriOnlyForStringUrl) {
  UriFilter f;
  EXPECT_EQ(run(f, R"({"url":"/a/5f1e2d3c4b5a69788796a5b4?q"})"),
            R"({"url":"/a/5f1e2d3c4b5a69788796a5b4?q","uri":"/a/*"})");
  EXPECT_EQ(run(f, R"({"url":5})"), R"({"url":5})");
  EXPECT_EQ(run(f, R"({"uri":"old","url":"/x"})"), R"({"url":"/x","uri":"/x"})");
}

TEST(TimestampFilter, AddsNowOnlyWhenAbsent) {
  const auto fixed = std::chrono::system_clock::time_point(std::chrono::milliseconds(1662679800123));
  TimestampFilter f([fixed] { return fixed; });
  EXPECT_EQ(run(f, R"({"a":1})"), R"({"a":1,"@timestamp":"2022-09-08T23:30:00.123Z"})");
  EXPECT_EQ(run(f, R"({"@timestamp":"x"})"), R"({"@timestamp":"x"})");
}

TEST(BuildFilters, ImplicitFiltersComeAfterConfiguredOnes) {
  FilterConfig rm;
  rm.action = "remove_field";
  rm.fields = {"url"};
  auto filters = buildFilters({rm});
  ASSERT_EQ(filters.size(), 3u);
  Event e;
  ASSERT_TRUE(e.parse(R"({"url":"/a","@timestamp":"t"})"));
  for (auto& f : filters) ASSERT_TRUE(f->apply(e));
  // url removed before the uri filter runs: no uri.
  EXPECT_EQ(e.toString(), R"({"@timestamp":"t"})");
}

}  // namespace
}  // namespace logship::stash
