// fingerprint: the digests of libbeat's fingerprint_test.go, byte for byte (its input string is
// `|field|value|...|`, fields sorted and deduplicated).
#include "tail/processor_fixture.h"

namespace logship::tail {
namespace {

class FingerprintTest : public ProcessorTest {
 protected:
  FingerprintTest() {
    event_.setString("field1", "foo");
    event_.setString("field2", "bar");
    event_.setString("nested.field", "qux");
    event_.setString("unused_field", "baz");
  }
  // Runs fingerprint configured by `yaml`; the value of `target` afterwards.
  std::string run(const std::string& yaml, std::string_view target = "fingerprint") {
    ProcessorTest::run("fingerprint", yaml);
    const Entry* e = event_.find(target);
    return e ? std::string(e->value) : "<missing>";
  }
};

TEST_F(FingerprintTest, HashMethods) {
  const std::pair<const char*, const char*> cases[] = {
      {"md5", "4c45df4792f3ef850c928ec5f5232538"},
      {"sha1", "22f76427d626516d3f7a05785165b99617683b22"},
      {"sha256", "1208288932231e313b369bae587ff574cd3016a408e52e7128d7bee752674003"},
      {"sha384", "295adfe0bc03908948e4b0b6a54f441767867e426dda590430459c8a147fbba242a38cba282adee78335b9e08877b86c"},
      {"sha512",
       "f50ad51b63c92a0ed0c910527119b81806f3110f0afaa1dcb93506a78371ea761e50c0fc09b08c441d832dd2da1b45e5d8361adfb240e1f"
       "ffc2695122a23e183"},
  };
  for (const auto& [method, want] : cases) {
    EXPECT_EQ(run(std::string("{fields: [field1, field2], method: ") + method + "}"), want) << method;
  }
}

TEST_F(FingerprintTest, SourceFieldsAreSortedAndDeduplicated) {
  const char* want = "3d51237d384215a6e731f2cc67ead6d7d9a5138377897c8f542a915be3c25bcf";
  EXPECT_EQ(run("{fields: [field1, nested.field]}"), want);
  EXPECT_EQ(run("{fields: [nested.field, field1]}"), want);
  EXPECT_EQ(run("{fields: [nested.field, field1, nested.field]}"), want);
}

TEST_F(FingerprintTest, Encodings) {
  EXPECT_EQ(run("{fields: [field2, nested.field], method: md5, encoding: hex}"), "8934ca639027aab1ee9f3944d4d6bd1e");
  EXPECT_EQ(run("{fields: [field2, nested.field], method: md5, encoding: base32}"), "RE2MUY4QE6VLD3U7HFCNJVV5DY======");
  EXPECT_EQ(run("{fields: [field2, nested.field], method: md5, encoding: base64}"), "iTTKY5AnqrHunzlE1Na9Hg==");
}

TEST_F(FingerprintTest, MessageWithQuotesAndTimestamp) {
  event_.clear();
  event_.setString("message", "hello world");
  EXPECT_EQ(run("{fields: [message]}"), "50110bbfc1757f21caacc966b33f5ea2235c4176739447e0b3285dec4e1dd2a4");
  event_.clear();
  event_.setRaw("message", R"("test message \"hello world\"")");  // a JSON-decoded value hashes its text
  EXPECT_EQ(run("{fields: [message]}"), "14a0364b79acbe4c78dd5e77db2c93ae8c750518b32581927d50b3eef407184e");
  event_.timestamp_ = "2021-10-28T17:46:23.000Z";  // time.Unix(1635443183, 0), printed by Go's %v
  EXPECT_EQ(run("{fields: ['@timestamp', message]}"),
            "081da76e049554943843b83948ac83ab7aa79fd2849331813e02042586021c26");
}

TEST_F(FingerprintTest, TargetFieldAndIgnoreMissing) {
  const char* want = "4cf8b768ad20266c348d63a6d1ff5d6f6f9ed0f59f5c68ae031b78e3e04c5144";
  EXPECT_EQ(run("{fields: [field1], target_field: nested.target_field}", "nested.target_field"), want);
  EXPECT_FALSE(event_.has("fingerprint"));
  EXPECT_EQ(run("{fields: [field1, missing_field], ignore_missing: true}"), want);
  EXPECT_FALSE(event_.has("error.message"));
}

// libbeat fails the event there; logship flags it (error.message) and leaves target unset.
TEST_F(FingerprintTest, MissingOrNonScalarFieldFlagsTheEvent) {
  EXPECT_EQ(run("{fields: [field1, missing_field]}"), "<missing>");
  EXPECT_EQ(event_.find("error.message")->value,
            "failed to compute fingerprint: failed to find field [missing_field] in event: key not found");
  event_.setRaw("complex_field", R"({"child": "qux"})");
  EXPECT_EQ(run("{fields: [field1, complex_field]}"), "<missing>");
  EXPECT_EQ(event_.find("error.message")->value,
            "failed to compute fingerprint: cannot compute fingerprint using non-scalar field [complex_field]");
}

TEST(FingerprintParse, BadConfigFailsNamingTheKey) {
  const auto failingKey = [](const std::string& yaml) {
    auto doc = config::Document::loadString("fingerprint:\n" + yaml, "p.yml", {});
    try {
      findProcessor("fingerprint")->parse(doc->root().child("fingerprint"));
    } catch (const config::ConfigError& e) {
      return e.path();
    }
    return std::string("accepted");
  };
  EXPECT_EQ(failingKey("  fields: []\n"), "fingerprint.fields");
  EXPECT_EQ(failingKey("  fields: [a]\n  method: non_existent\n"), "fingerprint.method");
  EXPECT_EQ(failingKey("  fields: [a]\n  method: xxhash\n"), "fingerprint.method");
  EXPECT_EQ(failingKey("  fields: [a]\n  encoding: non_existent\n"), "fingerprint.encoding");
  EXPECT_EQ(failingKey("  fields: [a]\n  use_xxhash: true\n"), "fingerprint.use_xxhash");
}

}  // namespace
}  // namespace logship::tail
