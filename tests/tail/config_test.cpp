#include <cstdio>
#include <cstdlib>

#include <gtest/gtest.h>

#include "logship/tail/tail_app.h"
#include "logship/tail/tail_config.h"
#include "support/paths.h"

namespace logship::tail {
namespace {

using logship::testing::TempDir;

struct CmdResult {
  int status;
  std::string out;
};

CmdResult run(const std::string& args) {
  const std::string cmd = logship::testing::daemonPath("logship-tail").string() + " " + args + " 2>&1";
  CmdResult r{0, {}};
  FILE* p = ::popen(cmd.c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) r.out.append(buf, n);
  const int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

TailConfig load(const std::string& yaml, std::vector<std::string> overrides = {}) {
  TempDir dir;
  logship::testing::writeFile(dir / "filebeat.yml", yaml);
  return loadTailConfig(LoadArgs{(dir / "filebeat.yml").string(), std::move(overrides), dir.path().string()});
}

TEST(TailConfig, ReferenceFilebeatYmlLoadsWithDefaults) {
  const auto file = (logship::testing::sharedDir() / "reference-configs" / "filebeat.yml").string();
  const TailConfig c = loadTailConfig(LoadArgs{file, {"output.kafka.hosts=[\"127.0.0.1:9\"]"}, "/tmp"});
  ASSERT_EQ(c.inputs.size(), 1u);
  EXPECT_EQ(c.inputs[0].type, "log");
  EXPECT_EQ(c.inputs[0].paths[0], "/var/lib/docker/containers/*/*.log");
  EXPECT_EQ(c.inputs[0].scan_frequency, std::chrono::seconds(10));
  EXPECT_EQ(c.inputs[0].close_inactive, std::chrono::minutes(5));
  EXPECT_EQ(c.inputs[0].max_bytes, 10u * 1024 * 1024);
  EXPECT_TRUE(c.kafka.enabled);
  EXPECT_EQ(c.kafka.hosts, std::vector<std::string>{"127.0.0.1:9"});
  EXPECT_EQ(c.kafka.topic, "courseware-log");
  EXPECT_EQ(c.kafka.max_message_bytes, 1000000u);  // empty value = default
  EXPECT_EQ(c.kafka.properties.at("compression.codec"), "gzip");
  EXPECT_EQ(c.kafka.properties.at("acks"), "1");
  EXPECT_EQ(c.kafka.properties.at("batch.num.messages"), "2048");
  EXPECT_EQ(c.kafka.partitioner, "hash");
  EXPECT_TRUE(c.kafka.reachable_only);
  std::string warnings;
  for (const auto& w : c.warnings) warnings += w + "\n";
  EXPECT_NE(warnings.find("add_cloud_metadata"), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("add_docker_metadata"), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("filebeat.config"), std::string::npos) << warnings;
  EXPECT_NO_THROW(validate(c));
}

TEST(TailConfig, ReferenceFilebeatYmlPassesCheckCommand) {
  const auto file = (logship::testing::sharedDir() / "reference-configs" / "filebeat.yml").string();
  const CmdResult r = run("-c " + file + " --check");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("add_cloud_metadata"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("filebeat.config"), std::string::npos) << r.out;
}

TEST(TailConfig, MalformedConfigExits2WithFileLineAndKey) {
  TempDir dir;
  logship::testing::writeFile(dir / "bad.yml", "output.kafka:\n  hosts: [a]\n  topic: t\n  required_acks: many\n");
  const CmdResult r = run("-c " + (dir / "bad.yml").string() + " --check");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("bad.yml:4:"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("output.kafka.required_acks"), std::string::npos) << r.out;
  logship::testing::writeFile(dir / "re.yml",
                              "filebeat.inputs:\n- type: log\n  paths: [/x]\n  exclude_lines: ['(']\noutput.console: {}\n");
  const CmdResult r2 = run("-c " + (dir / "re.yml").string() + " --check");
  EXPECT_EQ(r2.status, 2);
  EXPECT_NE(r2.out.find("re.yml:4:"), std::string::npos) << r2.out;
  // An unset variable must not become an empty broker address that retries forever.
  unsetenv("LOGSHIP_TEST_UNSET_BROKER");
  logship::testing::writeFile(dir / "empty.yml", "output.kafka:\n  hosts: [\"${LOGSHIP_TEST_UNSET_BROKER:}\"]\n  topic: t\n");
  const CmdResult r3 = run("-c " + (dir / "empty.yml").string() + " --check");
  EXPECT_EQ(r3.status, 2);
  EXPECT_NE(r3.out.find("output.kafka.hosts[0]: empty host"), std::string::npos) << r3.out;
}

TEST(TailConfig, FilestreamSyntaxMapsToTheSameSettings) {
  const TailConfig c = load(R"(
filebeat.inputs:
  - type: filestream
    id: svc
    paths: ["/logs/**/*.log"]
    prospector.scanner.check_interval: 2s
    close.on_state_change.inactive: 1m
    close.on_state_change.renamed: true
    message_max_bytes: 1KiB
    fields: {log_topic: app}
    fields_under_root: true
    parsers:
      - ndjson: {target: "", overwrite_keys: true, add_error_key: true, message_key: content}
      - multiline: {pattern: '^\{', negate: true, match: after, max_lines: 10, timeout: 1s}
output.kafka:
  hosts: ["127.0.0.1:9092"]
  topic: '%{[log_topic]}'
  compression: lz4
  librdkafka: {"queue.buffering.max.kbytes": "2048"}
)");
  const auto& in = c.inputs.at(0);
  EXPECT_EQ(in.type, "filestream");
  EXPECT_EQ(in.scan_frequency, std::chrono::seconds(2));
  EXPECT_EQ(in.close_inactive, std::chrono::minutes(1));
  EXPECT_TRUE(in.close_renamed);
  EXPECT_EQ(in.max_bytes, 1024u);
  EXPECT_TRUE(in.json.enabled);
  EXPECT_TRUE(in.json.keys_under_root);
  EXPECT_EQ(in.json.message_key, "content");
  EXPECT_TRUE(in.multiline.enabled);
  EXPECT_TRUE(in.multiline.negate);
  EXPECT_EQ(in.multiline.max_lines, 10);
  ASSERT_EQ(in.fields.size(), 1u);
  EXPECT_EQ(in.fields[0].first, "log_topic");
  EXPECT_EQ(c.kafka.properties.at("compression.codec"), "lz4");
  EXPECT_EQ(c.kafka.properties.at("queue.buffering.max.kbytes"), "2048");
  EXPECT_TRUE(c.warnings.empty());
}

TEST(TailConfig, OutputRules) {
  EXPECT_THROW(load("output.kafka:\n  hosts: [a]\n"), config::ConfigError);  // topic required
  EXPECT_THROW(load("filebeat.inputs: []\n"), config::ConfigError);          // no output
  EXPECT_THROW(load("output.kafka: {hosts: [a], topic: t}\noutput.console: {}\n"), config::ConfigError);
  const TailConfig c = load("output.console: {pretty: true}\n");
  EXPECT_TRUE(c.console.enabled);
  EXPECT_TRUE(c.console.pretty);
}

}  // namespace
}  // namespace logship::tail
