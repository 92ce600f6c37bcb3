// urldecode and decode_base64_field (src/tail/processors/string_field_decoder.h): libbeat's cases
// from urldecode_test.go and decode_base64_field_test.go (facts, not code), with its error texts.
#include "tail/processor_fixture.h"

namespace logship::tail {
namespace {

using StringFieldDecoders = ProcessorTest;

TEST_F(StringFieldDecoders, UrlDecodeToATargetAndInPlace) {
  event_.setString("field1", "correct%20data");
  event_.setString("field2", "a+b%2Fc");
  run("urldecode", "{fields: [{from: field1, to: field3}, {from: field2}]}");
  EXPECT_EQ(event_.find("field1")->value, "correct%20data");
  EXPECT_EQ(event_.find("field3")->value, "correct data");
  EXPECT_EQ(event_.find("field2")->value, "a b/c");  // no `to`: decoded in place
  EXPECT_EQ(errorMessage(), "");
}

TEST_F(StringFieldDecoders, UrlDecodeFailureRollsBackAndSaysWhy) {
  event_.setString("field1", "correct%20data");
  event_.setString("field2", "bad%zzdata");
  run("urldecode", "{fields: [{from: field1, to: field3}, {from: field2, to: field4}]}");
  EXPECT_EQ(event_.find("field3"), nullptr);  // the first pair's effect is rolled back
  EXPECT_EQ(errorMessage(),
            "failed to decode fields in urldecode processor: error trying to URL-decode bad%zzdata: "
            "invalid URL escape \"%zz\"");
  EXPECT_FALSE(event_.dropped);
}

TEST_F(StringFieldDecoders, UrlDecodeMissingFieldAndIgnoreMissingAndFailOnErrorFalse) {
  event_.setString("other", "x");
  run("urldecode", "{fields: [{from: field1, to: field2}]}");
  EXPECT_EQ(
      errorMessage(),
      "failed to decode fields in urldecode processor: could not fetch value for key: field1, Error: key not found");
  Event fresh;
  event_ = std::move(fresh);
  event_.setString("other", "x");
  run("urldecode", "{fields: [{from: field1, to: field2}], ignore_missing: true}");
  EXPECT_EQ(errorMessage(), "");
  run("urldecode", "{fields: [{from: other, to: o2}, {from: field1, to: field2}], fail_on_error: false}");
  EXPECT_EQ(event_.find("o2")->value, "x");  // the failing pair is skipped, the event not flagged
  EXPECT_EQ(errorMessage(), "");
}

TEST_F(StringFieldDecoders, NotAStringNamesGosType) {
  event_.setRaw("n", "42");
  run("urldecode", "{fields: [{from: n, to: m}]}");
  EXPECT_EQ(errorMessage(),
            "failed to decode fields in urldecode processor: invalid type for `from`, expecting a string received "
            "float64");
}

TEST_F(StringFieldDecoders, Base64DecodesWithAndWithoutPadding) {
  event_.setString("field1", "Y29ycmVjdCBkYXRh");
  event_.setRaw("field2", "\"YWI=\"");  // a JSON string value decoded from the line
  run("decode_base64_field", "{field: {from: field1, to: field3}}");
  EXPECT_EQ(event_.find("field3")->value, "correct data");
  run("decode_base64_field", "{field: {from: field2}}");
  EXPECT_EQ(event_.find("field2")->value, "ab");
  EXPECT_EQ(event_.find("field2")->kind, Entry::Kind::kString);
}

TEST_F(StringFieldDecoders, Base64FailureSaysWhereAndKeepsTheEvent) {
  event_.setString("field1", "bad data");
  run("decode_base64_field", "{field: {from: field1, to: field2}}");
  EXPECT_EQ(event_.find("field2"), nullptr);
  EXPECT_EQ(errorMessage(),
            "failed to decode base64 fields in processor: error trying to decode bad data: illegal base64 data at "
            "input byte 3");
  event_.setString("field1",
                   "QUJD"
                   "Q");  // a lone last character holds no byte
  run("decode_base64_field", "{field: {from: field1, to: field2}}");
  EXPECT_EQ(errorMessage(),
            "failed to decode base64 fields in processor: error trying to decode QUJDQ: illegal base64 data at input "
            "byte 4");
  run("decode_base64_field", "{field: {from: nope, to: field2}}");
  EXPECT_EQ(errorMessage(),
            "failed to decode base64 fields in processor: could not fetch base64 value for key: nope, Error: key not "
            "found");
}

// `${name}` in a config value is a variable for the config loader (as for go-ucfg in Filebeat), so
// templates are written `$1` / `$name` in YAML; toRe2Rewrite handles the braced forms too.
TEST_F(StringFieldDecoders, ReplaceEveryMatchWithGoTemplates) {
  event_.setString("f", "This-is-a-sample-text");
  event_.setString("url", "/api/v1/users/42/orders/7");
  event_.setString("keep", "x");
  run("replace",
      "{fields: [{field: f, pattern: '-', replacement: '_'},"
      " {field: url, pattern: '/(?P<kind>[a-z]+)/[0-9]+', replacement: '/$kind/{id}'},"
      " {field: keep, pattern: 'x', replacement: '$9'}]}");
  EXPECT_EQ(event_.find("f")->value, "This_is_a_sample_text");
  EXPECT_EQ(event_.find("url")->value, "/api/v1/users/{id}/orders/{id}");
  EXPECT_EQ(event_.find("keep")->value, "");  // a group that does not exist expands to nothing, as Go
  EXPECT_EQ(errorMessage(), "");
}

TEST_F(StringFieldDecoders, ReplaceFailuresAsLibbeat) {
  event_.setRaw("n", "42");
  event_.setString("s", "a-b");
  run("replace", "{fields: [{field: s, pattern: '-', replacement: '+'}, {field: n, pattern: '4', replacement: '5'}]}");
  EXPECT_EQ(event_.find("s")->value, "a-b");  // rolled back
  EXPECT_EQ(errorMessage(),
            "Failed to replace fields in processor: key 'n' expected type string, but got float64 with value '42'");
  Event fresh;
  event_ = std::move(fresh);
  run("replace", "{fields: [{field: nope, pattern: 'a', replacement: 'b'}]}");
  EXPECT_EQ(errorMessage(),
            "Failed to replace fields in processor: could not fetch value for key: nope, Error: key not found");
  EXPECT_THROW(parse("replace", "{fields: [{field: f, pattern: 'a'}]}"), config::ConfigError);
  EXPECT_THROW(parse("replace", "{fields: [{field: f, pattern: '(', replacement: ''}]}"), config::ConfigError);
}

TEST_F(StringFieldDecoders, ConfigErrorsNameTheKey) {
  EXPECT_THROW(parse("decode_base64_field", "{field: {to: x}}"), config::ConfigError);
  EXPECT_THROW(parse("urldecode", "{fields: []}"), config::ConfigError);
  EXPECT_THROW(parse("urldecode", "{fields: [{to: x}]}"), config::ConfigError);
}

}  // namespace
}  // namespace logship::tail
