// decode_json_fields, with the cases of libbeat's decode_json_fields_test.go (TestDecodeJSON,
// TestInvalidJSON, TestTargetOption, TestTargetRootOption, overwrite_keys) and the go-zero line.
#include "processor_fixture.h"

namespace logship::tail {
namespace {

using DecodeJson = ProcessorTest;

// libbeat's test message: a nested JSON string (left as text at max_depth 1), a string, a number.
constexpr const char* kMsg = R"({"log":"{\"level\":\"info\"}","stream":"stderr","count":3})";

TEST_F(DecodeJson, ReplacesTheFieldWithItsObject) {
  event_.setString("msg", kMsg);
  event_.setString("pipeline", "us1");
  run("decode_json_fields", "{fields: [msg]}");
  EXPECT_EQ(live(),
            (Strings{"pipeline=us1", R"(msg.log="{\"level\":\"info\"}")", "msg.stream=\"stderr\"", "msg.count=3"}));
}

TEST_F(DecodeJson, InvalidJsonLeavesTheFieldAlone) {
  event_.setString("msg", R"({"log":"x","stream":"stderr","count":3)");
  run("decode_json_fields", "{fields: [msg]}");
  EXPECT_EQ(live(), (Strings{R"(msg={"log":"x","stream":"stderr","count":3)"}));
}

TEST_F(DecodeJson, InvalidJsonWithAddErrorKeyFlagsTheEvent) {
  event_.setString("msg", "not json");
  run("decode_json_fields", "{fields: [msg], add_error_key: true}");
  EXPECT_EQ(event_.find("msg")->value, "not json");
  ASSERT_NE(event_.find("error.message"), nullptr);
  EXPECT_EQ(event_.find("error.type")->value, "json");
}

TEST_F(DecodeJson, TargetPutsTheObjectThereAndKeepsTheField) {
  event_.setString("msg", kMsg);
  run("decode_json_fields", "{fields: [msg], target: doc}");
  EXPECT_EQ(live(), (Strings{std::string("msg=") + kMsg, R"(doc.log="{\"level\":\"info\"}")", "doc.stream=\"stderr\"",
                             "doc.count=3"}));
}

TEST_F(DecodeJson, EmptyTargetDecodesIntoTheRoot) {
  event_.setString("msg", kMsg);
  run("decode_json_fields", "{fields: [msg], target: \"\"}");
  EXPECT_EQ(live(),
            (Strings{std::string("msg=") + kMsg, R"(log="{\"level\":\"info\"}")", "stream=\"stderr\"", "count=3"}));
}

TEST_F(DecodeJson, OverwriteKeysDecidesWhoWinsAtTheRoot) {
  event_.setString("message", R"({"level":"error","message":"boom","@timestamp":"2022-09-08T21:51:10.346+08:00"})");
  run("decode_json_fields", "{fields: [message], target: \"\"}");
  EXPECT_EQ(event_.find("level")->value, "\"error\"");
  EXPECT_EQ(event_.find("message")->kind, Entry::Kind::kString);  // kept: no overwrite_keys
  event_.clear();
  event_.setString("message", R"({"level":"error","message":"boom","@timestamp":"2022-09-08T21:51:10.346+08:00"})");
  run("decode_json_fields", "{fields: [message], target: \"\", overwrite_keys: true}");
  EXPECT_EQ(event_.find("message")->value, "\"boom\"");
  EXPECT_EQ(event_.timestamp_, "2022-09-08T13:51:10.346Z");
}

TEST_F(DecodeJson, DecodedValuesOutliveTheNextDecode) {
  event_.setString("a", R"({"x":"first"})");
  event_.setString("b", R"({"y":"second"})");
  run("decode_json_fields", "{fields: [a, b, missing]}");
  EXPECT_EQ(live(), (Strings{"a.x=\"first\"", "b.y=\"second\""}));
  // The decoder's buffer is reused: decoding another event must not change this one.
  Event other;
  other.setString("a", R"({"x":"zzzzzzzzzzzzz"})");
  processor_->run(other);
  EXPECT_EQ(event_.find("a.x")->value, "\"first\"");
}

TEST_F(DecodeJson, RefusesBadDepthAndNamesKeysWithoutEffect) {
  EXPECT_THROW(parse("decode_json_fields", "{fields: []}"), config::ConfigError);
  EXPECT_THROW(parse("decode_json_fields", "{fields: [m], max_depth: 0}"), config::ConfigError);
  parse("decode_json_fields", "{fields: [m], document_id: id}");
  EXPECT_TRUE(doc_->noEffectKeys().empty());
  // libbeat expands keys only when decoding into the root.
  parse("decode_json_fields", "{fields: [m], expand_keys: true, target: x}");
  ASSERT_EQ(doc_->noEffectKeys().size(), 1u);
  EXPECT_NE(doc_->noEffectKeys()[0].find("expand_keys"), std::string::npos);
}

// TestValidJSONDepthTwo / TestTargetOption: the JSON string under "log" is decoded too.
TEST_F(DecodeJson, MaxDepthTwoDecodesJsonHeldInStrings) {
  event_.setString("msg", kMsg);
  run("decode_json_fields", "{fields: [msg], max_depth: 2, target: doc}");
  EXPECT_EQ(event_.find("doc.log")->value, R"({"level":"info"})");
  EXPECT_EQ(event_.find("doc.log.level")->value, "\"info\"");
  EXPECT_EQ(event_.find("doc.count")->value, "3");
  EXPECT_EQ(event_.find("msg")->kind, Entry::Kind::kString);  // a target keeps the field
}

// TestNotJsonObjectOrArray: only structured strings are decoded; numbers in strings stay.
TEST_F(DecodeJson, OnlyStructuredStringsAreDecoded) {
  const std::string line = R"({"someNumberAsString":"1475026826760","someNumber":1475026826760,)"
                           R"("someString2":"2017 is awesome","someMap":"{\"a\":\"b\"}","someArray":"[1,2,3]"})";
  event_.setString("msg", line);
  run("decode_json_fields", "{fields: [msg], max_depth: 1, process_array: true}");
  EXPECT_EQ(event_.find("msg.someMap")->value, R"("{\"a\":\"b\"}")");
  EXPECT_EQ(event_.find("msg.someArray")->value, R"("[1,2,3]")");
  event_.clear();
  event_.setString("msg", line);
  run("decode_json_fields", "{fields: [msg], max_depth: 10, process_array: true}");
  EXPECT_EQ(live(),
            (Strings{R"(msg.someNumberAsString="1475026826760")", "msg.someNumber=1475026826760",
                     R"(msg.someString2="2017 is awesome")", R"(msg.someMap={"a":"b"})", "msg.someArray=[1,2,3]"}));
}

// TestArrayWithArraysDisabled / Enabled / InvalidArray.
TEST_F(DecodeJson, ArraysInStringsNeedProcessArray) {
  const std::string line = R"({"arrayOfMap":"[{\"a\":\"b\"}]","bad":"[]]"})";
  event_.setString("msg", line);
  run("decode_json_fields", "{fields: [msg], max_depth: 10, process_array: false}");
  EXPECT_EQ(event_.find("msg.arrayOfMap")->value, R"("[{\"a\":\"b\"}]")");
  event_.clear();
  event_.setString("msg", line);
  run("decode_json_fields", "{fields: [msg], max_depth: 10, process_array: true}");
  EXPECT_EQ(event_.find("msg.arrayOfMap")->value, R"([{"a":"b"}])");
  EXPECT_EQ(event_.find("msg.bad")->value, R"("[]]")");  // invalid: kept as the string
}

// At the last level an array string is decoded even without process_array (libbeat returns
// before looking at the decoded value's type).
TEST_F(DecodeJson, AtTheLastLevelArraysAreDecodedAnyway) {
  event_.setString("msg", R"({"a":"[1,2]","b":"{\"c\":\"[3]\"}"})");
  run("decode_json_fields", "{fields: [msg], max_depth: 2}");
  EXPECT_EQ(event_.find("msg.a")->value, "[1,2]");
  EXPECT_EQ(event_.find("msg.b")->value, R"({"c":"[3]"})");
}

// TestExpandKeys: dotted keys merge into nested objects at the root.
TEST_F(DecodeJson, ExpandKeysMergesDottedKeysIntoObjects) {
  event_.setString("msg", R"({"a.b": {"c": "c"}, "a.b.d": "d", "x": {"y.z": 1}})");
  run("decode_json_fields", "{fields: [msg], expand_keys: true, target: \"\"}");
  EXPECT_EQ(event_.find("a.b.c")->value, "\"c\"");
  EXPECT_EQ(event_.find("a.b.d")->value, "\"d\"");
  EXPECT_EQ(event_.find("x.y.z")->value, "1");
  EXPECT_EQ(event_.find("msg")->kind, Entry::Kind::kString);
}

// TestExpandKeysError: a value and an object at one key.
TEST_F(DecodeJson, ExpandKeysConflictFlagsTheEventAndWritesNothing) {
  event_.setString("msg", R"({"a.b": "c", "a.b.c": "d"})");
  run("decode_json_fields", "{fields: [msg], expand_keys: true, add_error_key: true, target: \"\"}");
  EXPECT_EQ(errorMessage(), "cannot expand \"a.b.c\": found conflicting key");
  EXPECT_EQ(event_.find("error.type")->value, "json");
  EXPECT_FALSE(event_.has("a"));
}

// TestDocumentID: the string at document_id leaves the decoded object and becomes the event's id.
TEST_F(DecodeJson, DocumentIdMovesTheKeyIntoMetadata) {
  event_.setString("msg", R"({"id":"doc-7","level":"info"})");
  run("decode_json_fields", "{fields: [msg], target: \"\", document_id: id}");
  EXPECT_EQ(event_.find("@metadata._id")->value, "doc-7");
  EXPECT_FALSE(event_.has("id"));
  EXPECT_EQ(event_.find("level")->value, "\"info\"");
  // Not a string: stays where it is, no id.
  event_.clear();
  event_.setString("msg", R"({"id":7})");
  run("decode_json_fields", "{fields: [msg], target: doc, document_id: id}");
  EXPECT_EQ(event_.find("@metadata._id"), nullptr);
  EXPECT_EQ(event_.find("doc.id")->value, "7");
}

// Put semantics: the target is replaced as a whole, also below a decoded object.
TEST_F(DecodeJson, ATargetIsReplacedWholeEvenInsideRawJson) {
  event_.setRaw("doc.old", "1");
  event_.setRaw("json", R"({"payload":"{\"k\":1}","keep":true})");
  run("decode_json_fields", "{fields: [json.payload]}");
  EXPECT_EQ(event_.find("json")->value, R"({"keep":true,"payload":{"k":1}})");
  event_.setString("msg", kMsg);
  run("decode_json_fields", "{fields: [msg], target: doc}");
  EXPECT_FALSE(event_.has("doc.old"));
  EXPECT_EQ(event_.find("doc.stream")->value, "\"stderr\"");
}

}  // namespace
}  // namespace logship::tail
