// truncate_fields: libbeat's truncate_fields_test.go cases (facts, not code).
#include "tail/processor_fixture.h"

namespace logship::tail {
namespace {

using TruncateFieldsTest = ProcessorTest;

TEST_F(TruncateFieldsTest, BytesAndCharactersAndTheTruncatedFlag) {
  event_.setString("message", "too long line");
  event_.setString("short", "ok");
  run("truncate_fields", "{fields: [message, short], max_bytes: 3}");
  EXPECT_EQ(event_.find("message")->value, "too");
  EXPECT_EQ(event_.find("short")->value, "ok");
  EXPECT_TRUE(event_.truncated);  // encoded as log.flags: ["truncated"]
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
  EXPECT_EQ(errorMessage(), "");
  event_.setString("message", "long text");
  event_.truncated = false;
  run("truncate_fields", "{fields: [message, n], max_bytes: 4, fail_on_error: true}");
  EXPECT_EQ(event_.find("message")->value, "long text");  // rolled back
  EXPECT_FALSE(event_.truncated);
  EXPECT_EQ(errorMessage(), "Failed to truncate fields: value cannot be truncated: 12345");
  run("truncate_fields", "{fields: [nope], max_bytes: 4, fail_on_error: true}");
  EXPECT_EQ(errorMessage(), "Failed to truncate fields: could not fetch value for key: nope: key not found");
}

TEST_F(TruncateFieldsTest, ExactlyOneLimit) {
  EXPECT_THROW(parse("truncate_fields", "{fields: [a]}"), config::ConfigError);
  EXPECT_THROW(parse("truncate_fields", "{fields: [a], max_bytes: 1, max_characters: 1}"), config::ConfigError);
  EXPECT_THROW(parse("truncate_fields", "{fields: [a], max_bytes: 0}"), config::ConfigError);
  EXPECT_THROW(parse("truncate_fields", "{max_bytes: 3}"), config::ConfigError);
}

}  // namespace
}  // namespace logship::tail
