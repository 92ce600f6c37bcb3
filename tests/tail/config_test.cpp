#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <regex>

#include <gtest/gtest.h>

#include "logship/tail/tail_app.h"
#include "logship/tail/tail_config.h"
#include "run_tail.h"
#include "support/paths.h"

namespace logship::tail {
namespace {

using logship::testing::TempDir;

using testing::CmdResult;
CmdResult run(const std::string& args) { return testing::runTailBinary(args); }

TailConfig load(const std::string& yaml, std::vector<std::string> overrides = {}) {
  TempDir dir;
  logship::testing::writeFile(dir / "filebeat.yml", yaml);
  return loadTailConfig(LoadArgs{(dir / "filebeat.yml").string(), std::move(overrides), dir.path().string(), {}});
}

TEST(TailConfig, ReferenceFilebeatYmlLoadsWithDefaults) {
  const auto file = (logship::testing::sharedDir() / "reference-configs" / "filebeat.yml").string();
  const TailConfig c = loadTailConfig(LoadArgs{file, {"output.kafka.hosts=[\"127.0.0.1:9\"]"}, "/tmp", {}});
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
  EXPECT_EQ(c.kafka.partition.strategy, kafka::PartitionConfig::Strategy::kHash);
  EXPECT_TRUE(c.kafka.partition.reachable_only);
  EXPECT_FALSE(c.kafka.partition.hash_from_message);
  EXPECT_EQ(c.kafka.properties.count("partitioner"), 0u);  // chosen by our callback, not librdkafka's
  std::string warnings;
  for (const auto& w : c.warnings) warnings += w + "\n";
  EXPECT_NE(warnings.find("add_cloud_metadata"), std::string::npos) << warnings;
  EXPECT_EQ(warnings.find("add_docker_metadata"), std::string::npos) << warnings;  // a processor now
  EXPECT_NE(warnings.find("filebeat.config"), std::string::npos) << warnings;
  // Exactly these two: every other key of the reference file has its effect.
  EXPECT_EQ(c.warnings.size(), 2u) << warnings;
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
  logship::testing::writeFile(
      dir / "re.yml", "filebeat.inputs:\n- type: log\n  paths: [/x]\n  exclude_lines: ['(']\noutput.console: {}\n");
  const CmdResult r2 = run("-c " + (dir / "re.yml").string() + " --check");
  EXPECT_EQ(r2.status, 2);
  EXPECT_NE(r2.out.find("re.yml:4:"), std::string::npos) << r2.out;
  // An unset variable must not become an empty broker address that retries forever.
  unsetenv("LOGSHIP_TEST_UNSET_BROKER");
  logship::testing::writeFile(dir / "empty.yml",
                              "output.kafka:\n  hosts: [\"${LOGSHIP_TEST_UNSET_BROKER:}\"]\n  topic: t\n");
  const CmdResult r3 = run("-c " + (dir / "empty.yml").string() + " --check");
  EXPECT_EQ(r3.status, 2);
  EXPECT_NE(r3.out.find("output.kafka.hosts[0]: empty host"), std::string::npos) << r3.out;
}

// Every kind of bad value — format strings, regexps, durations, sizes, conditions, librdkafka
// properties, refused options — exits 2 with exactly one line naming the file, the line and the key
// (never an abort: a malformed topic format string used to escape main as an exception).
TEST(TailConfig, EveryConfigErrorExits2WithOneLineNamingFileLineAndKey) {
  struct Case {
    std::string yaml;
    std::string key;  // the dotted path the message must name
    int line;         // where it is in the file
  };
  const std::string input = "filebeat.inputs:\n- type: log\n  paths: [/x]\n";
  const std::string kafka = "output.kafka:\n  hosts: [a]\n";
  const std::vector<Case> cases = {
      {kafka + "  topic: \"%{[fields.x\"\n", "output.kafka.topic", 3},
      {kafka + "  topic: \"logs-%{[fields.x]\"\n", "output.kafka.topic", 3},
      {kafka + "  topic: t\n  key: \"%{[fields.k\"\n", "output.kafka.key", 4},
      {kafka + "  topics:\n    - topic: \"%{[a\"\n", "output.kafka.topics[0].topic", 4},
      {kafka + "  topics:\n    - topic: t\n      when.regexp: {message: \"(\"}\n",
       "output.kafka.topics[0].when.regexp.message", 5},
      {kafka + "  topics:\n    - topic: t\n      when.resembles: {a: b}\n", "output.kafka.topics[0].when.resembles", 5},
      {kafka + "  topic: t\n  timeout: 1e300s\n", "output.kafka.timeout", 4},
      {kafka + "  topic: t\n  timeout: soon\n", "output.kafka.timeout", 4},
      {kafka + "  topic: t\n  max_message_bytes: 1e30GiB\n", "output.kafka.max_message_bytes", 4},
      {kafka + "  topic: t\n  max_message_bytes: 10XB\n", "output.kafka.max_message_bytes", 4},
      {kafka + "  topic: t\n  compression_level: 99\n", "output.kafka.compression_level", 4},
      {kafka + "  topic: t\n  bulk_max_size: 99999999\n", "output.kafka.bulk_max_size", 4},
      {kafka + "  topic: t\n  librdkafka:\n    queue.buffering.max.ms: forever\n",
       "output.kafka.librdkafka.queue.buffering.max.ms", 5},
      {kafka + "  topic: t\n  librdkafka:\n    no.such.property: 1\n", "output.kafka.librdkafka.no.such.property", 5},
      {kafka + "  topic: t\n  codec.format:\n    string: '%{[message'\n", "output.kafka.codec.format.string", 5},
      {kafka + "  topic: t\n  codec.format:\n    pretty: true\n", "output.kafka.codec.format", 5},
      {kafka + "  topic: t\n  codec.json:\n    local_time: true\n", "output.kafka.codec.json.local_time", 5},
      {kafka + "  topic: t\n  worker: 0\n", "output.kafka.worker", 4},
      {input + "  multiline.pattern: '['\noutput.console: {}\n", "filebeat.inputs[0].multiline.pattern", 4},
      {input + "  exclude_files: ['*.gz']\noutput.console: {}\n", "filebeat.inputs[0].exclude_files[0]", 4},
      {input + "  close_inactive: -5m\noutput.console: {}\n", "filebeat.inputs[0].close_inactive", 4},
      {input + "  clean_inactive: 2h\noutput.console: {}\n", "filebeat.inputs[0].clean_inactive", 4},
      {input + "  ignore_older: 2h\n  clean_inactive: 2h\noutput.console: {}\n", "filebeat.inputs[0].clean_inactive",
       5},
      {input + "  json.expand_keys: maybe\noutput.console: {}\n", "filebeat.inputs[0].json.expand_keys", 4},
      {input + "  processors:\n    - drop_event.when.contains: {message: [1]}\noutput.console: {}\n",
       "filebeat.inputs[0].processors[0].drop_event.when.contains.message", 5},
      {input + "output.console: {}\nfilebeat.registry.flush: 1e400\n", "filebeat.registry.flush", 5},
  };
  TempDir dir;
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto file = dir / ("bad" + std::to_string(i) + ".yml");
    logship::testing::writeFile(file, cases[i].yaml);
    const CmdResult r = run("-c " + file.string() + " --check");
    SCOPED_TRACE(cases[i].yaml);
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
    const std::string where = file.filename().string() + ":" + std::to_string(cases[i].line) + ":";
    EXPECT_NE(r.out.find(where), std::string::npos) << r.out;
    EXPECT_NE(r.out.find(cases[i].key + ":"), std::string::npos) << r.out;
  }
}

// Accepted keys that change nothing are named by --check; keys with an effect are silent.
TEST(TailConfig, KeysWithoutEffectAreNamedByCheck) {
  TempDir dir;
  logship::testing::writeFile(dir / "fb.yml",
                              "filebeat.inputs:\n- type: log\n  paths: [/x]\n  json.ignore_decoding_error: true\n"
                              "output.kafka:\n  hosts: [a]\n  topic: t\n  worker: 4\n  version: '2.1.0'\n"
                              "  codec.json: {pretty: false}\npath.logs: /var/log/filebeat\n");
  const TailConfig c = loadTailConfig(LoadArgs{(dir / "fb.yml").string(), {}, dir.path().string(), {}});
  std::string warnings;
  for (const auto& w : c.warnings) warnings += w + "\n";
  EXPECT_NE(warnings.find("output.kafka.worker: accepted, has no effect"), std::string::npos) << warnings;
  EXPECT_NE(warnings.find("output.kafka.version: accepted, has no effect"), std::string::npos) << warnings;
  EXPECT_EQ(warnings.find("path.logs"), std::string::npos) << warnings;  // where logging.files go
  EXPECT_EQ(warnings.find("codec"), std::string::npos) << warnings;      // json without pretty: what is sent
  EXPECT_EQ(warnings.find("ignore_decoding_error"), std::string::npos) << warnings;  // has its effect
  EXPECT_FALSE(c.inputs[0].json.log_errors);
  EXPECT_FALSE(c.kafka.codec.pretty);
  const CmdResult r = run("-c " + (dir / "fb.yml").string() + " --check");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("output.kafka.worker: accepted, has no effect"), std::string::npos) << r.out;
}

// The go-zero log-collection guide's shape: general `fields` at the top level routed on by the
// topic format string; Filebeat 5/6's prospectors with input_type and document_type.
TEST(TailConfig, GeneralFieldsTagsAndLegacyProspectors) {
  const TailConfig c = load(R"(
filebeat.prospectors:
  - input_type: log
    paths: [/var/log/a.log]
    document_type: access
    fields: {app: own}
    tags: [input-tag]
filebeat.inputs:
  - type: log
    paths: [/var/log/b.log]
fields: {log_topic: courseware-log, app: general}
tags: [general-tag]
output.kafka:
  hosts: [a]
  topic: '%{[fields.log_topic]}'
)");
  ASSERT_EQ(c.inputs.size(), 2u);
  std::map<std::string, std::string> b(c.inputs[0].fields.begin(), c.inputs[0].fields.end());
  EXPECT_EQ(b["fields.log_topic"], "\"courseware-log\"");
  EXPECT_EQ(b["fields.app"], "\"general\"");
  EXPECT_EQ(c.inputs[0].tags, std::vector<std::string>{"general-tag"});
  std::map<std::string, std::string> a(c.inputs[1].fields.begin(), c.inputs[1].fields.end());
  EXPECT_EQ(a["fields.app"], "\"own\"");  // the input's own value wins
  EXPECT_EQ(a["fields.log_topic"], "\"courseware-log\"");
  EXPECT_EQ(a["type"], "\"access\"");
  EXPECT_EQ(c.inputs[1].paths, std::vector<std::string>{"/var/log/a.log"});
  EXPECT_EQ(c.inputs[1].tags, (std::vector<std::string>{"input-tag", "general-tag"}));
  std::string warnings;
  for (const auto& w : c.warnings) warnings += w + "\n";
  EXPECT_NE(warnings.find("filebeat.prospectors: deprecated"), std::string::npos) << warnings;
  EXPECT_EQ(warnings.find("not supported"), std::string::npos) << warnings;  // every key was read
}

// The event itself, as --dry-run prints what Kafka would get: the general field is there for the
// topic format string to resolve.
TEST(TailConfig, GeneralFieldsReachTheEvent) {
  TempDir dir;
  logship::testing::writeFile(dir / "app.log", "hello\n");
  logship::testing::writeFile(dir / "fb.yml", "filebeat.inputs:\n  - type: log\n    paths: [\"" +
                                                  (dir / "*.log").string() +
                                                  "\"]\nfields: {log_topic: courseware-log}\n"
                                                  "output.kafka: {hosts: [a], topic: '%{[fields.log_topic]}'}\n");
  const CmdResult r = run("-c " + (dir / "fb.yml").string() + " --dry-run --path.data " + (dir / "data").string());
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("\"fields\":{\"log_topic\":\"courseware-log\"}"), std::string::npos) << r.out;
}

// The sarama-era options people set map to librdkafka's equivalents, or --check names them.
TEST(TailConfig, FilebeatKafkaOptionsMapToLibrdkafka) {
  const TailConfig c = load(R"(
output.kafka:
  hosts: [a]
  topic: t
  timeout: 20s
  broker_timeout: 5s
  keep_alive: 30s
  backoff: {init: 2s, max: 30s}
  metadata: {refresh_frequency: 5m, retry.max: 5, full: true}
  channel_buffer_size: 512
  max_retries: 3
queue.mem: {events: 2048, flush.min_events: 512, flush.timeout: 1s}
)");
  const auto& p = c.kafka.properties;
  EXPECT_EQ(p.at("socket.timeout.ms"), "20000");
  EXPECT_EQ(p.at("request.timeout.ms"), "5000");
  EXPECT_EQ(p.at("socket.keepalive.enable"), "true");
  EXPECT_EQ(p.at("retry.backoff.ms"), "2000");
  EXPECT_EQ(p.at("reconnect.backoff.ms"), "2000");
  EXPECT_EQ(p.at("reconnect.backoff.max.ms"), "30000");
  EXPECT_EQ(p.at("topic.metadata.refresh.interval.ms"), "300000");
  EXPECT_EQ(c.kafka.retry_backoff, std::chrono::seconds(2));
  std::string warnings;
  for (const auto& w : c.warnings) warnings += w + "\n";
  for (const char* key :
       {"output.kafka.channel_buffer_size: accepted, has no effect",
        "output.kafka.max_retries: accepted, has no effect", "output.kafka.metadata.retry: accepted, has no effect",
        "output.kafka.metadata.full: accepted, has no effect", "queue.mem.flush: accepted, has no effect"})
    EXPECT_NE(warnings.find(key), std::string::npos) << key << " in\n" << warnings;
  EXPECT_EQ(warnings.find("not supported"), std::string::npos) << warnings;
  // Unset, librdkafka's defaults stay (and `timeout` alone still bounds the broker's ack wait).
  const TailConfig d = load("output.kafka: {hosts: [a], topic: t, max_retries: -1}\n");
  EXPECT_EQ(d.kafka.properties.count("socket.timeout.ms"), 0u);
  EXPECT_EQ(d.kafka.properties.count("retry.backoff.ms"), 0u);
  EXPECT_EQ(d.kafka.properties.at("request.timeout.ms"), "30000");
  EXPECT_TRUE(d.warnings.empty()) << d.warnings.front();
}

TEST(TailConfig, CodecJsonPrettyIsHonoured) {
  const TailConfig c = load("output.kafka:\n  hosts: [a]\n  topic: t\n  codec.json.pretty: true\n");
  EXPECT_TRUE(c.kafka.codec.pretty);
}

// A reference to another key takes the file's value, nested references included; the builtin
// is the fallback (`${path.data}` used to be the default even when the file set path.data).
TEST(TailConfig, ReferencesPreferTheFilesOwnValue) {
  const TailConfig c = load(
      "path.home: /srv/fb\npath.data: ${path.home}/state\nfilebeat.inputs:\n- type: log\n  paths: [/x]\n"
      "  fields: {data: '${path.data}', cfg: '${path.config}'}\noutput.console: {}\n");
  ASSERT_EQ(c.inputs.size(), 1u);
  std::map<std::string, std::string> fields(c.inputs[0].fields.begin(), c.inputs[0].fields.end());
  EXPECT_EQ(fields["fields.data"], "\"/srv/fb/state\"");
  EXPECT_EQ(c.path_data, "/srv/fb/state");
  EXPECT_NE(fields["fields.cfg"].find('/'), std::string::npos) << fields["fields.cfg"];  // builtin fallback
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
  // ndjson listed before multiline: each line is decoded, then the decoded messages joined.
  EXPECT_TRUE(in.json.before_multiline);
  EXPECT_FALSE(in.json.strip_message_newline);  // filestream strips the raw line instead
  EXPECT_TRUE(c.warnings.empty());
}

std::string configError(const std::string& yaml) {
  try {
    load(yaml);
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

TEST(TailConfig, KafkaPartitionStrategies) {
  using Strategy = kafka::PartitionConfig::Strategy;
  const std::string head = "output.kafka:\n  hosts: [a]\n  topic: t\n";
  const TailConfig def = load(head);
  EXPECT_EQ(def.kafka.partition.strategy, Strategy::kHash);  // Filebeat's default: hash, all partitions
  EXPECT_FALSE(def.kafka.partition.reachable_only);
  EXPECT_FALSE(def.kafka.partition.hash_from_message);
  EXPECT_EQ(load(head + "  partition: {}\n").kafka.partition.strategy, Strategy::kHash);

  const TailConfig rr = load(head + "  partition.round_robin:\n    reachable_only: true\n    group_events: 8\n");
  EXPECT_EQ(rr.kafka.partition.strategy, Strategy::kRoundRobin);
  EXPECT_TRUE(rr.kafka.partition.reachable_only);
  EXPECT_EQ(rr.kafka.partition.group_events, 8u);
  EXPECT_TRUE(rr.warnings.empty());

  const TailConfig random = load(head + "  partition:\n    random: {group_events: 3}\n");
  EXPECT_EQ(random.kafka.partition.strategy, Strategy::kRandom);
  EXPECT_FALSE(random.kafka.partition.reachable_only);
  EXPECT_EQ(random.kafka.partition.group_events, 3u);
  EXPECT_EQ(load(head + "  partition.random:\n").kafka.partition.group_events, 1u);

  const TailConfig fields = load(
      head + "  partition.hash:\n    hash: [fields.app, host.name]\n    random: false\n    reachable_only: true\n");
  EXPECT_EQ(fields.kafka.partition.strategy, Strategy::kHash);
  EXPECT_TRUE(fields.kafka.partition.hash_from_message);
  EXPECT_TRUE(fields.kafka.partition.reachable_only);
  EXPECT_EQ(fields.kafka.partition_hash_fields, (std::vector<std::string>{"fields.app", "host.name"}));
  EXPECT_FALSE(fields.kafka.partition_hash_random);
  const TailConfig one = load(head + "  partition.hash.hash: fields.app\n");
  EXPECT_EQ(one.kafka.partition_hash_fields, std::vector<std::string>{"fields.app"});
  EXPECT_TRUE(one.kafka.partition_hash_random);

  // group_events is not a hash setting: an unknown key is a warning, as everywhere else.
  const TailConfig stray = load(head + "  partition.hash:\n    group_events: 2\n");
  ASSERT_EQ(stray.warnings.size(), 1u);
  EXPECT_NE(stray.warnings[0].find("output.kafka.partition.hash.group_events"), std::string::npos) << stray.warnings[0];
}

TEST(TailConfig, MalformedKafkaPartitionNamesFileLineAndKey) {
  const std::string head = "output:\n  kafka:\n    hosts: [a]\n    topic: t\n    partition:\n";
  const std::pair<std::string, std::string> cases[] = {
      {"      round_robin:\n        group_events: many\n",
       ":7:23: output.kafka.partition.round_robin.group_events: expected an integer, got \"many\""},
      {"      random:\n        group_events: 0\n",
       ":7:23: output.kafka.partition.random.group_events: must be at least 1"},
      {"      hash:\n        reachable_only: sometimes\n",
       ":7:25: output.kafka.partition.hash.reachable_only: expected true or false, got \"sometimes\""},
      {"      hash: {random: maybe}\n", ":6:22: output.kafka.partition.hash.random: expected true or false"},
      {"      round_robin: 5\n", ":6:20: output.kafka.partition.round_robin: expected a map"},
      // Map-valued nodes: the loader's line:col for those is approximate; path and message are exact.
      {"      hash:\n        hash: [{a: 1}]\n", ":*: output.kafka.partition.hash.hash[0]: expected a string"},
      {"      sticky: {}\n",
       ":*: output.kafka.partition.sticky: unknown partitioner \"sticky\" (hash, random, round_robin)"},
      {"      hash: {}\n      random: {}\n",
       ":*: output.kafka.partition: expected exactly one of hash, random, round_robin"},
  };
  for (const auto& [yaml, expected] : cases) {
    const std::string what = configError(head + yaml);
    if (expected.rfind(":*:", 0) == 0) {
      const std::regex located("filebeat\\.yml:[0-9]+:[0-9]+: ");
      EXPECT_TRUE(std::regex_search(what, located)) << what;
      EXPECT_NE(what.find(expected.substr(3)), std::string::npos) << "want: " << expected << "\n got: " << what;
    } else {
      EXPECT_NE(what.find("filebeat.yml" + expected), std::string::npos) << "want: " << expected << "\n got: " << what;
    }
  }
  // Through the command: exit 2 with the same one line.
  TempDir dir;
  logship::testing::writeFile(dir / "part.yml", head + "      round_robin:\n        group_events: -3\n");
  const CmdResult r = run("-c " + (dir / "part.yml").string() + " --check");
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.out.find("part.yml:7:23: output.kafka.partition.round_robin.group_events: must be at least 1"),
            std::string::npos)
      << r.out;
}

TEST(TailConfig, OutputRules) {
  EXPECT_THROW(load("output.kafka:\n  hosts: [a]\n"), config::ConfigError);  // topic required
  EXPECT_THROW(load("filebeat.inputs: []\n"), config::ConfigError);          // no output
  EXPECT_THROW(load("output.kafka: {hosts: [a], topic: t}\noutput.console: {}\n"), config::ConfigError);
  const TailConfig c = load("output.console: {pretty: true}\n");
  EXPECT_TRUE(c.console.enabled);
  EXPECT_TRUE(c.console.codec.pretty);
}

}  // namespace
}  // namespace logship::tail
