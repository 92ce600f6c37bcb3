// decode_csv_fields: cases of libbeat's decode_csv_fields_test.go (facts, not code).
#include "tail/processor_fixture.h"

namespace logship::tail {
namespace {

using DecodeCsvTest = ProcessorTest;

TEST_F(DecodeCsvTest, FieldsQuotesSeparatorsAndTrim) {
  event_.setString("message", "17,192.168.33.1,8.8.8.8");
  event_.setString("quoted", "\"hello \"\"world\"\"\",\"a,b\",x\"y\"");
  event_.setString("tabbed", "a\t  b\tc");
  event_.setString("spaced", "a,  b,c");
  run("decode_csv_fields", "{fields: {message: csv, quoted: q}}");
  EXPECT_EQ(event_.find("csv")->value, R"(["17","192.168.33.1","8.8.8.8"])");
  EXPECT_EQ(event_.find("q")->value, R"(["hello \"world\"","a,b","x\"y\""])");  // LazyQuotes
  EXPECT_EQ(errorMessage(), "");
  run("decode_csv_fields", "{fields: {tabbed: t}, separator: \"\\t\"}");
  EXPECT_EQ(event_.find("t")->value, R"(["a","  b","c"])");
  run("decode_csv_fields", "{fields: {spaced: s}, trim_leading_space: true}");
  EXPECT_EQ(event_.find("s")->value, R"(["a","b","c"])");
  run("decode_csv_fields", "{fields: {spaced: spaced}}");  // in place
  EXPECT_EQ(event_.find("spaced")->value, R"(["a","  b","c"])");
}

TEST_F(DecodeCsvTest, FirstRecordOnlyAndNestedSources) {
  event_.setString("log.original", "\n1,2\n3,4");
  run("decode_csv_fields", "{fields: {log: {original: parsed}}}");
  EXPECT_EQ(event_.find("parsed")->value, R"(["1","2"])");
}

TEST_F(DecodeCsvTest, ExistingTargetMissingFieldAndEmptyText) {
  event_.setString("message", "a,b");
  event_.setString("csv", "taken");
  run("decode_csv_fields", "{fields: {message: csv}}");
  EXPECT_EQ(event_.find("csv")->value, "taken");
  EXPECT_EQ(errorMessage(),
            "target field csv already has a value. Set the overwrite_keys flag or drop/rename the field first");
  run("decode_csv_fields", "{fields: {message: csv}, overwrite_keys: true}");
  EXPECT_EQ(event_.find("csv")->value, R"(["a","b"])");
  event_.setString("empty", "");
  run("decode_csv_fields", "{fields: {empty: e}}");
  EXPECT_EQ(errorMessage(), "error decoding CSV from field empty: EOF");
  run("decode_csv_fields", "{fields: {nope: e}}");
  EXPECT_EQ(errorMessage(), "could not fetch value for field nope: key not found");
  run("decode_csv_fields", "{fields: {nope: e}, ignore_missing: true, fail_on_error: false}");
  EXPECT_EQ(event_.find("e"), nullptr);
}

TEST_F(DecodeCsvTest, ConfigErrors) {
  EXPECT_THROW(parse("decode_csv_fields", "{fields: {}}"), config::ConfigError);
  EXPECT_THROW(parse("decode_csv_fields", "{fields: {a: b}, separator: ';;'}"), config::ConfigError);
}

}  // namespace
}  // namespace logship::tail
