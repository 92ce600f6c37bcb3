// truncate_fields: libbeat's truncate_fields_test.go cases (facts, not code).
#include "tail/processor_fixture.h"
#include "tail/processor_pipeline.h"

namespace logship::tail {
namespace {

using TruncateFieldsTest = ProcessorTest;

TEST_F(TruncateFieldsTest, BytesAndCharactersAndTheTruncatedFlag) {
  event_.setString("message", "too long line");
  event_.setString("short", "ok");
  run("truncate_fields", "{fields: [message, short], max_bytes: 3}");
  EXPECT_EQ(event_.find("message")->value, "too");
  EXPECT_EQ(event_.find("short")->value, "ok");
  EXPECT_EQ(event_.find("log.flags")->value, R"(["truncated"])");
  Event fresh;
  event_ = std::move(fresh);
  event_.setString("message", "ez jó");  // UTF-8: characters, not bytes
  run("truncate_fields", "{fields: [message], max_characters: 4}");
  EXPECT_EQ(event_.find("message")->value, "ez j");
  event_.setString("message", "ez jó");
  run("truncate_fields", "{fields: [message], max_characters: 5}");
  EXPECT_EQ(event_.find("message")->value, "ez jó");
}

TEST_F(TruncateFieldsTest, FailuresAreIgnoredUnlessFailOnError) {
  event_.setRaw("n", "12345");
  event_.setString("message", "long text");
  run("truncate_fields", "{fields: [message, n], max_bytes: 4}");
  EXPECT_EQ(event_.find("message")->value, "long");  // fail_on_error is false by default
  EXPECT_EQ(event_.find("log.flags")->value, R"(["truncated"])");
  EXPECT_EQ(errorMessage(), "");
  event_.setString("message", "long text");
  event_.remove("log.flags");
  run("truncate_fields", "{fields: [message, n], max_bytes: 4, fail_on_error: true}");
  EXPECT_EQ(event_.find("message")->value, "long text");  // rolled back
  EXPECT_EQ(event_.find("log.flags"), nullptr);
  EXPECT_EQ(errorMessage(), "Failed to truncate fields: value cannot be truncated: 12345");
  run("truncate_fields", "{fields: [nope], max_bytes: 4, fail_on_error: true}");
  EXPECT_EQ(errorMessage(), "Failed to truncate fields: could not fetch value for key: nope: key not found");
}

TEST_F(TruncateFieldsTest, EachCutAppendsTheFlagToThoseOfTheLine) {
  // The line was already cut by max_bytes (the harvester's flag); libbeat appends without merging.
  event_.setRaw("log.flags", R"(["truncated"])");
  event_.setString("message", "long text");
  event_.setString("other", "long text");
  run("truncate_fields", "{fields: [message, other], max_bytes: 4}");
  EXPECT_EQ(event_.find("log.flags")->value, R"(["truncated","truncated","truncated"])");
}

TEST_F(TruncateFieldsTest, ExactlyOneLimit) {
  EXPECT_THROW(parse("truncate_fields", "{fields: [a]}"), config::ConfigError);
  EXPECT_THROW(parse("truncate_fields", "{fields: [a], max_bytes: 1, max_characters: 1}"), config::ConfigError);
  EXPECT_THROW(parse("truncate_fields", "{fields: [a], max_bytes: 0}"), config::ConfigError);
  EXPECT_THROW(parse("truncate_fields", "{max_bytes: 3}"), config::ConfigError);
}

TEST(TruncateFieldsPipeline, TheFlagIsEncoded) {
  ProcessorPipeline pipeline("- truncate_fields: {fields: [message], max_bytes: 5}\n");
  const std::string shipped = pipeline.payload("a line longer than five bytes");
  EXPECT_NE(shipped.find(R"("message":"a lin")"), std::string::npos) << shipped;
  EXPECT_NE(shipped.find(R"("flags":["truncated"])"), std::string::npos) << shipped;
  const std::string short_line = pipeline.payload("short");
  EXPECT_EQ(short_line.find("truncated"), std::string::npos) << short_line;
}

}  // namespace
}  // namespace logship::tail
