#include "logship/common/config.h"

#include <cstdlib>

#include <gtest/gtest.h>

#include "support/paths.h"

namespace logship::config {
namespace {

std::unique_ptr<Document> load(const std::string& yaml, LoadOptions options = {}) {
  return Document::loadString(yaml, "test.yml", options);
}

TEST(ConfigTest, ReadsTypedValuesWithDefaults) {
  auto doc = load("a: hello\nn: 42\nb: yes\nd: 1m30s\nsz: 10MiB\nlist: [x, y]\n");
  auto root = doc->root();
  EXPECT_EQ(root["a"].str(), "hello");
  EXPECT_EQ(root["n"].integer(0), 42);
  EXPECT_TRUE(root["b"].boolean(false));
  EXPECT_EQ(root["d"].duration({}), std::chrono::milliseconds(90'000));
  EXPECT_EQ(root["sz"].bytes(0), 10u * 1024 * 1024);
  EXPECT_EQ(root["list"].strings(), (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(root["missing"].str("dflt"), "dflt");
  EXPECT_EQ(root["missing"].integer(7), 7);
}

TEST(ConfigTest, BareNumberDurationIsSeconds) {
  auto doc = load("scan_frequency: 10\n");
  EXPECT_EQ(doc->root()["scan_frequency"].duration({}), std::chrono::milliseconds(10'000));
}

TEST(ConfigTest, EmptyValueMeansDefault) {
  // The reference filebeat.yml has `max_message_bytes:` with no value.
  auto doc = load("output:\n  max_message_bytes: \n");
  EXPECT_EQ(doc->root()["output"]["max_message_bytes"].integer(1000000), 1000000);
}

TEST(ConfigTest, ExpandsEnvironmentVariablesAndDefaults) {
  setenv("LOGSHIP_TEST_HOST", "kafka-1:9092", 1);
  unsetenv("LOGSHIP_TEST_UNSET");
  auto doc = load("a: ${LOGSHIP_TEST_HOST}\nb: pre-${LOGSHIP_TEST_UNSET:fallback}-post\nc: ${LOGSHIP_TEST_UNSET}\n");
  auto root = doc->root();
  EXPECT_EQ(root["a"].str(), "kafka-1:9092");
  EXPECT_EQ(root["b"].str(), "pre-fallback-post");
  try {
    root["c"].str();
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("test.yml:3:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("c: ${LOGSHIP_TEST_UNSET} is not set"), std::string::npos) << e.what();
  }
}

TEST(ConfigTest, ResolvesReferencesToBuiltinsAndOtherKeys) {
  LoadOptions options;
  options.builtins["path.config"] = "/etc/logship";
  auto doc =
      load("path:\n  data: /var/lib/x\nmodules: ${path.config}/modules.d\nreg: ${path.data}/registry\n", options);
  EXPECT_EQ(doc->root()["modules"].str(), "/etc/logship/modules.d");
  EXPECT_EQ(doc->root()["reg"].str(), "/var/lib/x/registry");
}

TEST(ConfigTest, TypeErrorsNameFileLineColumnAndKeyPath) {
  auto doc = load("output:\n  kafka:\n    hosts:\n      - a:9092\n      - {x: 1}\n");
  auto hosts = doc->root()["output"]["kafka"]["hosts"];
  try {
    hosts.strings();
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_EQ(std::string(e.what()), "test.yml:5:9: output.kafka.hosts[1]: expected a string");
    EXPECT_EQ(e.line(), 5);
    EXPECT_EQ(e.code(), ErrorCode::kConfigInvalid);
  }
}

TEST(ConfigTest, InvalidIntegerIsAnError) {
  auto doc = load("n: lots\n");
  EXPECT_THROW(doc->root()["n"].integer(0), ConfigError);
}

TEST(ConfigTest, MalformedYamlFailsWithLocation) {
  try {
    load("a: [1, 2\nb: c\n");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("test.yml:"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("invalid YAML"), std::string::npos);
  }
}

TEST(ConfigTest, MissingFileFails) { EXPECT_THROW(Document::loadFile("/nonexistent/logship.yml", {}), ConfigError); }

TEST(ConfigTest, SplitsDottedKeysLikeGoUcfg) {
  LoadOptions options;
  options.split_dotted_keys = true;
  auto doc = load(
      "output.kafka:\n  hosts: [a]\n  partition.hash:\n    reachable_only: true\noutput:\n  kafka:\n    topic: t\n",
      options);
  auto kafka = doc->root()["output"]["kafka"];
  EXPECT_EQ(kafka["hosts"].strings(), std::vector<std::string>{"a"});
  EXPECT_EQ(kafka["topic"].str(), "t");
  EXPECT_TRUE(kafka["partition"]["hash"]["reachable_only"].boolean(false));
}

TEST(ConfigTest, OverridesReplaceValuesAndParseYaml) {
  LoadOptions options;
  options.split_dotted_keys = true;
  options.overrides = {"output.kafka.hosts=[\"127.0.0.1:9092\", \"127.0.0.1:9093\"]", "logging.level=debug"};
  auto doc = load("output.kafka:\n  hosts: [\"kafka:9092\"]\n", options);
  EXPECT_EQ(doc->root()["output"]["kafka"]["hosts"].strings(),
            (std::vector<std::string>{"127.0.0.1:9092", "127.0.0.1:9093"}));
  EXPECT_EQ(doc->root()["logging"]["level"].str(), "debug");
}

// go-ucfg: a number in an -E path addresses a list element; one past the end appends.
TEST(ConfigTest, OverridesAddressListElements) {
  LoadOptions options;
  options.split_dotted_keys = true;
  options.overrides = {"filebeat.inputs.0.paths=[\"/srv/a/*.log\"]", "output.kafka.hosts.1=k2:9092",
                       "filebeat.inputs.1.type=filestream"};
  auto doc = load("filebeat.inputs:\n  - type: log\n    paths: [/old]\noutput.kafka.hosts: [k1:9092]\n", options);
  const auto inputs = doc->root()["filebeat"]["inputs"].items();
  ASSERT_EQ(inputs.size(), 2u);
  EXPECT_EQ(inputs[0]["paths"].strings(), std::vector<std::string>{"/srv/a/*.log"});
  EXPECT_EQ(inputs[0]["type"].str(), "log");
  EXPECT_EQ(inputs[1]["type"].str(), "filestream");
  EXPECT_EQ(doc->root()["output"]["kafka"]["hosts"].strings(), (std::vector<std::string>{"k1:9092", "k2:9092"}));
  LoadOptions past;
  past.split_dotted_keys = true;
  past.overrides = {"filebeat.inputs.5.paths=[x]"};
  try {
    load("filebeat.inputs: [{type: log}]\n", past);
    ADD_FAILURE() << "an index past the end was accepted";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("index 5 is past the end of a list of 1"), std::string::npos) << e.what();
  }
}

// ${name:?message}, ${name:+alt}, nested defaults and the $${ escape, as go-ucfg.
TEST(ConfigTest, VariableOperatorsAsGoUcfg) {
  setenv("LOGSHIP_TEST_SET", "v", 1);
  unsetenv("LOGSHIP_TEST_UNSET");
  unsetenv("LOGSHIP_TEST_UNSET2");
  auto doc = load(
      "nested: ${LOGSHIP_TEST_UNSET:${LOGSHIP_TEST_UNSET2:inner}}\n"
      "nested_set: ${LOGSHIP_TEST_UNSET:${LOGSHIP_TEST_SET}}-x\n"
      "alt_set: ${LOGSHIP_TEST_SET:+yes}\n"
      "alt_unset: '[${LOGSHIP_TEST_UNSET:+yes}]'\n"
      "escaped: $${LOGSHIP_TEST_SET}\n"
      "required: ${LOGSHIP_TEST_UNSET:?No kafka host configured}\n"
      "required_set: ${LOGSHIP_TEST_SET:?unused}\n");
  auto root = doc->root();
  EXPECT_EQ(root["nested"].str(), "inner");
  EXPECT_EQ(root["nested_set"].str(), "v-x");
  EXPECT_EQ(root["alt_set"].str(), "yes");
  EXPECT_EQ(root["alt_unset"].str(), "[]");
  EXPECT_EQ(root["escaped"].str(), "${LOGSHIP_TEST_SET}");
  EXPECT_EQ(root["required_set"].str(), "v");
  try {
    root["required"].str();
    ADD_FAILURE() << "an unset ${VAR:?message} was accepted";
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("test.yml:6:"), std::string::npos) << what;
    EXPECT_NE(what.find("required: ${LOGSHIP_TEST_UNSET} is not set: No kafka host configured"), std::string::npos)
        << what;
  }
}

TEST(ConfigTest, FileReferenceReadsASecretFile) {
  testing::TempDir dir;
  testing::writeFile(dir / "kafka", "s3cr3t\n");  // as `echo s3cr3t > kafka` writes it
  testing::writeFile(dir / "raw", "a b\nc");
  setenv("LOGSHIP_TEST_SECRETS", dir.path().c_str(), 1);
  auto doc = load("password: ${file:" + (dir / "kafka").string() +
                  "}\n"
                  "nested: ${file:${LOGSHIP_TEST_SECRETS}/raw}\n"
                  "embedded: user-${file:" +
                  (dir / "kafka").string() + "}\n");
  auto root = doc->root();
  EXPECT_EQ(root["password"].str(), "s3cr3t");  // the one trailing newline is not part of it
  EXPECT_EQ(root["nested"].str(), "a b\nc");    // inner newlines stay
  EXPECT_EQ(root["embedded"].str(), "user-s3cr3t");
}

TEST(ConfigTest, MissingSecretFileNamesKeyAndPathNotContent) {
  testing::TempDir dir;
  auto doc = load("output:\n  password: ${file:" + (dir / "absent").string() + "}\n");
  try {
    doc->root()["output"]["password"].str();
    ADD_FAILURE() << "a missing secret file was accepted";
  } catch (const ConfigError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("test.yml:2:"), std::string::npos) << what;
    EXPECT_NE(what.find("output.password"), std::string::npos) << what;
    EXPECT_NE(what.find((dir / "absent").string() + "}: cannot read the file: No such file"), std::string::npos)
        << what;
  }
}

TEST(ConfigTest, BadOverrideIsAnError) {
  LoadOptions options;
  options.overrides = {"novalue"};
  EXPECT_THROW(load("a: 1\n", options), ConfigError);
}

TEST(ConfigTest, CaseInsensitiveKeysForGoZero) {
  LoadOptions options;
  options.case_insensitive = true;
  options.overrides = {"clusters=[]"};
  auto doc = load("Name: x\nBROKERS: [a]\n", options);
  EXPECT_EQ(doc->root()["name"].str(), "x");
  EXPECT_EQ(doc->root()["Brokers"].strings(), std::vector<std::string>{"a"});
}

TEST(ConfigTest, UnknownKeysAreListedNotFatal) {
  auto doc = load(
      "known: 1\nunknown: 2\nnested:\n  read: 1\n  unread: 2\nfree:\n  anything: 1\nlist:\n  - read: 1\n    extra: "
      "2\n");
  auto root = doc->root();
  root["known"].integer(0);
  root["nested"]["read"].integer(0);
  root["free"].markSubtreeUsed();
  for (const auto& item : root["list"].items()) item["read"].integer(0);
  EXPECT_EQ(doc->unknownKeys(), (std::vector<std::string>{"unknown", "nested.unread", "list[0].extra"}));
}

TEST(ConfigTest, OneOfAcceptsOnlyListedValues) {
  auto doc = load("c: GZIP\nd: brotli\n");
  EXPECT_EQ(doc->root()["c"].oneOf({"none", "gzip"}, "none"), "gzip");
  EXPECT_THROW(doc->root()["d"].oneOf({"none", "gzip"}, "none"), ConfigError);
}

TEST(ConfigTest, ParsesDurationsAndSizes) {
  EXPECT_EQ(parseDuration("500ms"), std::chrono::milliseconds(500));
  EXPECT_EQ(parseDuration("72h"), std::chrono::milliseconds(72LL * 3600 * 1000));
  EXPECT_EQ(parseDuration("1.5s"), std::chrono::milliseconds(1500));
  EXPECT_FALSE(parseDuration("soon"));
  EXPECT_EQ(parseBytes("1MB"), 1000000u);
  EXPECT_EQ(parseBytes("512k"), 512000u);
  EXPECT_FALSE(parseBytes("big"));
}

TEST(ConfigTest, ReferenceConfigsParseAsYaml) {
  LoadOptions fb;
  fb.split_dotted_keys = true;
  auto filebeat = Document::loadFile((testing::sharedDir() / "reference-configs/filebeat.yml").string(), fb);
  EXPECT_EQ(filebeat->root()["output"]["kafka"]["topic"].str(), "courseware-log");
  LoadOptions gs;
  gs.case_insensitive = true;
  auto stash = Document::loadFile((testing::sharedDir() / "reference-configs/go-stash.yml").string(), gs);
  EXPECT_EQ(stash->root()["clusters"].items().size(), 1u);
}

}  // namespace
}  // namespace logship::config
