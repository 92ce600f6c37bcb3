// Writes and deletes below raw JSON objects (issue 13, "Event model"): every dotted path is
// writable and removable with mapstr's Put/Delete semantics, by the event itself and by the
// processors that write (rename, copy_fields, drop_fields, include_fields, add_fields, convert),
// and the encoder still writes one object with each key once.
#include <string>

#include "logship/tail/event_encoder.h"
#include "processor_fixture.h"

namespace logship::tail {
namespace {

// The encoded members after @metadata (the fixed prefix is tested in event_test.cpp).
std::string encoded(Event& event) {
  EventEncoder encoder;
  std::string out;
  event.timestamp_ = "2024-01-02T03:04:05.000Z";
  encoder.encode(event, "", out);
  const size_t start = out.find("\"}");
  return start == std::string::npos ? out : "{" + out.substr(start + 3);
}

TEST(EventWrites, SetBelowARawObjectSplicesIntoIt) {
  Event e;
  e.setRaw("json", R"({"level":"info","http":{"code":404}})");
  EXPECT_TRUE(e.setString("json.level", "error"));   // replaced in place
  EXPECT_TRUE(e.setRaw("json.http.bytes", "12"));    // appended one level down
  EXPECT_TRUE(e.setRaw("json.new.deep.x", "true"));  // missing levels become objects
  EXPECT_EQ(e.entries().size(), 1u);
  EXPECT_EQ(encoded(e), R"({"json":{"level":"error","http":{"code":404,"bytes":12},"new":{"deep":{"x":true}}}})");
}

TEST(EventWrites, SetBelowAValueThatIsNotAnObjectFailsAndWritesNothing) {
  Event e;
  e.setString("a", "text");
  e.setRaw("json", R"({"n":1})");
  EXPECT_FALSE(e.setRaw("a.b", "1"));       // mapstr: expected map but type is string
  EXPECT_FALSE(e.setRaw("json.n.x", "1"));  // the same inside a raw object
  EXPECT_EQ(encoded(e), R"({"a":"text","json":{"n":1}})");
}

TEST(EventWrites, SetReplacesEverythingBelowTheKey) {
  Event e;
  e.setRaw("a.b", "1");
  e.setRaw("a.c.d", "2");
  e.setRaw("ab", "3");
  EXPECT_TRUE(e.setRaw("a", "\"flat\""));
  EXPECT_EQ(encoded(e), R"({"a":"flat","ab":3})");
}

TEST(EventWrites, RemoveBelowARawObjectRewritesIt) {
  Event e;
  e.setRaw("json", R"({"level":"info","http":{"code":404,"path":"/x"},"a.b":1})");
  EXPECT_TRUE(e.remove("json.http.path"));
  EXPECT_TRUE(e.remove("json.a.b"));  // a dotted key is found literally first, as mapFind
  EXPECT_FALSE(e.remove("json.missing"));
  EXPECT_FALSE(e.remove("json.level.x"));
  EXPECT_EQ(encoded(e), R"({"json":{"level":"info","http":{"code":404}}})");
  EXPECT_TRUE(e.remove("json.http"));
  EXPECT_TRUE(e.remove("json.level"));
  EXPECT_EQ(encoded(e), R"({"json":{}})");  // mapstr keeps the emptied map
}

TEST(EventWrites, DuplicateMembersCollapseIntoTheOneThatIsRead) {
  Event e;
  e.setRaw("json", R"({"k":1,"k":2,"z":0})");
  EXPECT_EQ(e.find("json.k")->value, "2");
  EXPECT_TRUE(e.setRaw("json.k", "3"));
  EXPECT_EQ(encoded(e), R"({"json":{"k":3,"z":0}})");
}

TEST(EventWrites, SubtreeOfFlatEntriesIsOneObject) {
  Event e;
  e.setRaw("a.b", "1");
  e.setString("a.c.d", "x\"y");
  Entry v;
  ASSERT_TRUE(e.subtree("a", v));
  EXPECT_EQ(v.value, R"({"b":1,"c":{"d":"x\"y"}})");
  ASSERT_TRUE(e.subtree("a.c.d", v));
  EXPECT_EQ(v.value, "x\"y");
  EXPECT_FALSE(e.subtree("a.x", v));
}

TEST(EventWrites, TheEncoderNeverWritesAKeyTwice) {
  Event e;  // entries appended without set(): a value and entries below it
  e.append("json", R"({"level":"info"})", Entry::Kind::kRaw);
  e.append("json.level", "error", Entry::Kind::kString);
  e.append("json", "\"again\"", Entry::Kind::kRaw);
  EXPECT_EQ(encoded(e), R"({"json":{"level":"info"}})");
}

// Each writing processor on `json.*` after decode_json_fields into `json`.
class WritesBelowDecoded : public ProcessorTest {
 protected:
  void SetUp() override {
    event_.setString("message", R"({"level":"info","http":{"code":404,"path":"/x","tags":["a"]},"user":"bob"})");
    run("decode_json_fields", "{fields: [message], target: json}");
  }
};

TEST_F(WritesBelowDecoded, RenameOutOfAndIntoTheDecodedObject) {
  run("rename", "{fields: [{from: json.http.code, to: status}, {from: json.user, to: json.http.user}]}");
  EXPECT_EQ(errorMessage(), "");
  EXPECT_EQ(
      encoded(event_),
      R"({"json":{"http":{"path":"/x","tags":["a"],"user":"bob"},"level":"info"},)"
      R"("message":"{\"level\":\"info\",\"http\":{\"code\":404,\"path\":\"/x\",\"tags\":[\"a\"]},\"user\":\"bob\"}",)"
      R"("status":404})");
}

TEST_F(WritesBelowDecoded, RenameOntoAnExistingDecodedFieldFails) {
  run("rename", "{fields: [{from: json.level, to: json.http.path}]}");
  EXPECT_EQ(errorMessage(),
            "Failed to rename fields in processor: target field json.http.path already exists, drop or rename this "
            "field first");
  EXPECT_EQ(event_.find("json.level")->value, "\"info\"");  // rolled back
}

TEST_F(WritesBelowDecoded, RenameBelowAStringFailsAsMapstrPut) {
  run("rename", "{fields: [{from: json.user, to: json.level.name}]}");
  EXPECT_EQ(errorMessage(), "Failed to rename fields in processor: could not put value: json.level.name: expected map");
  EXPECT_EQ(event_.find("json.user")->value, "\"bob\"");
}

TEST_F(WritesBelowDecoded, CopyFieldsIntoAndOutOfTheObject) {
  run("copy_fields", "{fields: [{from: json.http, to: req}, {from: message, to: json.raw}]}");
  EXPECT_EQ(errorMessage(), "");
  EXPECT_EQ(event_.find("req.code")->value, "404");
  EXPECT_EQ(event_.find("json.http.code")->value, "404");
  std::string a, b;
  EXPECT_EQ(Event::text(*event_.find("json.raw"), a), Event::text(*event_.find("message"), b));
}

TEST_F(WritesBelowDecoded, DropFieldsOfChildrenAndParents) {
  run("drop_fields", "{fields: [json.http.tags, json.level, message]}");
  EXPECT_EQ(encoded(event_), R"({"json":{"http":{"code":404,"path":"/x"},"user":"bob"}})");
  run("drop_fields", "{fields: [json.http]}");
  EXPECT_EQ(encoded(event_), R"({"json":{"user":"bob"}})");
}

TEST_F(WritesBelowDecoded, IncludeFieldsKeepsOnlyTheListedParts) {
  run("include_fields", "{fields: [json.http.code, json.user]}");
  EXPECT_EQ(encoded(event_), R"({"json":{"http":{"code":404},"user":"bob"}})");
}

TEST_F(WritesBelowDecoded, AddFieldsAndConvertWriteBelowTheObject) {
  run("add_fields", "{target: json.http, fields: {env: prod}}");
  run("convert", "{fields: [{from: json.http.code, type: string}]}");
  EXPECT_EQ(errorMessage(), "");
  EXPECT_EQ(event_.find("json.http.env")->value, "\"prod\"");
  EXPECT_EQ(event_.find("json.http.code")->value, "\"404\"");
}

}  // namespace
}  // namespace logship::tail
