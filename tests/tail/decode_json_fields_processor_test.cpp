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

TEST_F(DecodeJson, RefusesWhatItCannotHonourAndNamesDocumentId) {
  EXPECT_THROW(parse("decode_json_fields", "{fields: []}"), config::ConfigError);
  EXPECT_THROW(parse("decode_json_fields", "{fields: [m], max_depth: 2}"), config::ConfigError);
  EXPECT_THROW(parse("decode_json_fields", "{fields: [m], process_array: true}"), config::ConfigError);
  EXPECT_THROW(parse("decode_json_fields", "{fields: [m], expand_keys: true}"), config::ConfigError);
  parse("decode_json_fields", "{fields: [m], document_id: id}");
  ASSERT_EQ(doc_->noEffectKeys().size(), 1u);
  EXPECT_NE(doc_->noEffectKeys()[0].find("document_id"), std::string::npos);
}

}  // namespace
}  // namespace logship::tail
