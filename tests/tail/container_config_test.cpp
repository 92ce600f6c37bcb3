// filebeat.yml shapes of the container inputs: type: container, type: docker (paths from
// containers.ids), filestream's container parser and its place in `parsers`, bad values.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include <gtest/gtest.h>

#include "logship/tail/tail_config.h"
#include "run_tail.h"
#include "support/paths.h"

namespace logship::tail {
namespace {

using logship::testing::TempDir;

TailConfig load(const std::string& inputs) {
  TempDir dir;
  logship::testing::writeFile(dir / "filebeat.yml", "filebeat.inputs:\n" + inputs + "output.console: {}\n");
  return loadTailConfig(LoadArgs{(dir / "filebeat.yml").string(), {}, dir.path().string(), {}});
}

bool warned(const TailConfig& c, const std::string& part) {
  return std::any_of(c.warnings.begin(), c.warnings.end(),
                     [&](const std::string& w) { return w.find(part) != std::string::npos; });
}

TEST(ContainerConfig, ContainerInputTakesStreamFormatAndEveryLogOption) {
  const auto c = load(
      "- type: container\n  paths: [/var/log/containers/*.log]\n  stream: stderr\n  format: cri\n"
      "  exclude_lines: ['^DEBUG']\n  max_bytes: 1024\n  multiline: {pattern: '^\\s', match: after}\n"
      "  json: {message_key: msg, keys_under_root: true}\n");
  ASSERT_EQ(c.inputs.size(), 1u);
  const auto& in = c.inputs[0];
  EXPECT_EQ(in.type, "container");
  EXPECT_TRUE(in.container.enabled);
  EXPECT_EQ(in.container.stream, ContainerConfig::Stream::kStderr);
  EXPECT_EQ(in.container.format, ContainerConfig::Format::kCri);
  EXPECT_TRUE(in.container.combine_partial);
  EXPECT_TRUE(in.container.cri_flags);
  EXPECT_EQ(in.paths, std::vector<std::string>{"/var/log/containers/*.log"});
  EXPECT_EQ(in.max_bytes, 1024u);
  EXPECT_TRUE(in.multiline.enabled);
  EXPECT_TRUE(in.json.enabled);
  EXPECT_EQ(in.exclude_lines.size(), 1u);

  const auto d = load("- type: container\n  paths: [/x/*.log]\n");
  EXPECT_EQ(d.inputs[0].container.stream, ContainerConfig::Stream::kAll);
  EXPECT_EQ(d.inputs[0].container.format, ContainerConfig::Format::kAuto);
  EXPECT_FALSE(load("- type: log\n  paths: [/x/*.log]\n").inputs[0].container.enabled);
}

TEST(ContainerConfig, DockerInputDerivesPathsFromContainerIdsAndWarnsItIsDeprecated) {
  const auto c = load(
      "- type: docker\n  containers.ids: ['*', abc123]\n  containers.stream: stdout\n"
      "  combine_partial: false\n  cri.parse_flags: true\n  cri.force: true\n");
  ASSERT_EQ(c.inputs.size(), 1u);
  const auto& in = c.inputs[0];
  EXPECT_EQ(in.type, "docker");
  EXPECT_EQ(in.paths, (std::vector<std::string>{"/var/lib/docker/containers/*/*.log",
                                                "/var/lib/docker/containers/abc123/*.log"}));
  EXPECT_EQ(in.container.stream, ContainerConfig::Stream::kStdout);
  EXPECT_FALSE(in.container.combine_partial);
  EXPECT_TRUE(in.container.cri_flags);
  EXPECT_EQ(in.container.format, ContainerConfig::Format::kCri);
  EXPECT_TRUE(warned(c, "docker input is deprecated"));

  const auto d = load("- type: docker\n  containers: {ids: [x], path: /data/docker/containers}\n");
  EXPECT_EQ(d.inputs[0].paths, std::vector<std::string>{"/data/docker/containers/x/*.log"});
  EXPECT_TRUE(d.inputs[0].container.combine_partial);
  EXPECT_FALSE(d.inputs[0].container.cri_flags);  // Filebeat's docker input default
  EXPECT_EQ(d.inputs[0].container.format, ContainerConfig::Format::kAuto);
  EXPECT_FALSE(load("- type: docker\n  containers.ids: [x]\n  combine_partials: false\n")  // Filebeat's real key
                   .inputs[0]
                   .container.combine_partial);
  EXPECT_TRUE(warned(load("- type: docker\n  containers.ids: [x]\n  paths: [/y]\n"), "derives its paths"));
}

TEST(ContainerConfig, FilestreamParsersAcceptContainerFirst) {
  const auto c = load(
      "- type: filestream\n  id: k8s\n  paths: [/var/log/containers/*.log]\n  parsers:\n"
      "    - container: {stream: stdout, format: docker}\n    - ndjson: {target: ''}\n"
      "    - multiline: {pattern: '^\\s'}\n");
  const auto& in = c.inputs[0];
  EXPECT_TRUE(in.container.enabled);
  EXPECT_EQ(in.container.stream, ContainerConfig::Stream::kStdout);
  EXPECT_EQ(in.container.format, ContainerConfig::Format::kDocker);
  EXPECT_TRUE(in.json.enabled);
  EXPECT_TRUE(in.json.keys_under_root);
  EXPECT_TRUE(in.multiline.enabled);
  EXPECT_FALSE(warned(c, "container"));
  EXPECT_TRUE(
      load("- type: filestream\n  id: a\n  paths: [/x]\n  parsers:\n    - container: ~\n").inputs[0].container.enabled);
}

// Filebeat runs parsers in the listed order; logship always runs container -> multiline -> JSON
// decoding, so [ndjson, multiline] (decode, then join decoded messages) is run in another order:
// said, not silent. [multiline, ndjson] is the order logship runs.
TEST(ContainerConfig, ParsersRunInTheOrderListed) {
  const std::string head = "- type: filestream\n  id: a\n  paths: [/x]\n  parsers:\n    - container: ~\n";
  const auto decode_first = load(head + "    - ndjson: {target: ''}\n    - multiline: {pattern: '^\\s'}\n");
  EXPECT_TRUE(decode_first.inputs[0].json.before_multiline);
  EXPECT_TRUE(decode_first.warnings.empty());
  const auto join_first = load(head + "    - multiline: {pattern: '^\\s'}\n    - ndjson: {target: ''}\n");
  EXPECT_FALSE(join_first.inputs[0].json.before_multiline);
  EXPECT_TRUE(join_first.inputs[0].multiline.enabled);
  EXPECT_TRUE(join_first.inputs[0].json.enabled);
  // The log input decodes JSON before multiline whatever the order of its keys, and strips the
  // message_key text's line ending (its StripNewline comes after the JSON reader).
  const auto log = load("- type: log\n  paths: [/x]\n  multiline.pattern: '^\\s'\n  json.message_key: log\n");
  EXPECT_TRUE(log.inputs[0].json.before_multiline);
  EXPECT_TRUE(log.inputs[0].json.strip_message_newline);
}

TEST(ContainerConfig, BadValuesExit2WithOneLineNamingFileLineAndKey) {
  struct Case {
    std::string yaml;
    std::string key;
    int line;
  };
  const std::vector<Case> cases = {
      {"- type: container\n  paths: [/x]\n  stream: both\n", "filebeat.inputs[0].stream", 4},
      {"- type: container\n  paths: [/x]\n  format: json-file\n", "filebeat.inputs[0].format", 4},
      {"- type: container\n  paths: [/x]\n  stream: [stdout]\n", "filebeat.inputs[0].stream", 4},
      {"- type: docker\n  containers.stream: out\n  containers.ids: [a]\n", "filebeat.inputs[0].containers.stream", 3},
      {"- type: docker\n  containers.path: /d\n", "filebeat.inputs[0].containers.ids", 3},  // at its parent
      {"- type: docker\n  containers.ids: [a]\n  cri.force: maybe\n", "filebeat.inputs[0].cri.force", 4},
      {"- type: filestream\n  id: a\n  paths: [/x]\n  parsers:\n    - ndjson: {}\n    - container: {stream: all}\n",
       "filebeat.inputs[0].parsers[1].container", 7},
      {"- type: filestream\n  id: a\n  paths: [/x]\n  parsers:\n    - container: {format: crio}\n",
       "filebeat.inputs[0].parsers[0].container.format", 6},
  };
  TempDir dir;
  for (size_t i = 0; i < cases.size(); ++i) {
    const auto file = dir / ("bad" + std::to_string(i) + ".yml");
    logship::testing::writeFile(file, "filebeat.inputs:\n" + cases[i].yaml + "output.console: {}\n");
    const auto r = testing::runTailBinary("-c " + file.string() + " --check");
    SCOPED_TRACE(cases[i].yaml);
    EXPECT_EQ(r.status, 2) << r.out;
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
    EXPECT_NE(r.out.find(file.filename().string() + ":" + std::to_string(cases[i].line) + ":"), std::string::npos)
        << r.out;
    EXPECT_NE(r.out.find(cases[i].key + ":"), std::string::npos) << r.out;
  }
}

// The real binary on a Docker json-file file, as `docker run` leaves it under
// /var/lib/docker/containers/<id>/<id>-json.log: what --dry-run prints is what Kafka would get.
TEST(ContainerConfig, DryRunPrintsUnwrappedEventsOfADockerJsonFile) {
  TempDir dir;
  const std::string id = "0123456789abcdef";
  std::filesystem::create_directories(dir / "containers" / id);
  logship::testing::writeFile(
      dir / "containers" / id / (id + "-json.log"),
      R"({"log":"{\"level\":\"info\",\"content\":\"req-1 ok\"}\n","stream":"stdout","time":"2024-05-01T10:00:00.123456789Z"})"
      "\n"
      R"({"log":"split ","stream":"stderr","time":"2024-05-01T10:00:01Z"})"
      "\n"
      R"({"log":"line\n","stream":"stderr","time":"2024-05-01T10:00:01.1Z"})"
      "\n");
  logship::testing::writeFile(dir / "fb.yml",
                              "filebeat.inputs:\n  - type: docker\n    containers.ids: ['*']\n"
                              "    containers.path: " +
                                  (dir / "containers").string() +
                                  "\n    json.keys_under_root: true\n"
                                  "output.kafka: {hosts: [a], topic: t}\n");
  const auto r =
      testing::runTailBinary("-c " + (dir / "fb.yml").string() + " --dry-run --path.data " + (dir / "data").string());
  ASSERT_EQ(r.status, 0) << r.out;
  std::vector<std::string> events;  // stdout; the logs (stderr) are merged into r.out
  std::istringstream lines(r.out);
  for (std::string l; std::getline(lines, l);)
    if (l.rfind("{\"@timestamp\"", 0) == 0) events.push_back(l);
  ASSERT_EQ(events.size(), 2u) << r.out;
  const std::string& first = events[0];
  const std::string& second = events[1];
  EXPECT_EQ(first.rfind(R"({"@timestamp":"2024-05-01T10:00:00.123Z")", 0), 0u) << first;
  EXPECT_NE(first.find(R"("level":"info")"), std::string::npos) << first;  // the JSON inside the envelope
  EXPECT_NE(first.find(R"("stream":"stdout")"), std::string::npos) << first;
  EXPECT_NE(first.find(R"("input":{"type":"docker"})"), std::string::npos) << first;
  EXPECT_NE(second.find(R"("message":"split line")"), std::string::npos) << second;
  EXPECT_NE(second.find(R"("stream":"stderr")"), std::string::npos) << second;
}

// The example configs of config/ stay valid (add_kubernetes_metadata is a warning until its
// processor lands).
TEST(ContainerConfig, ExampleConfigsPassCheck) {
  setenv("NODE_NAME", "node-1", 1);  // the DaemonSet sets it
  for (const char* name :
       {"filebeat-docker-host.yml", "filebeat-kubernetes-node.yml", "filebeat-docker-autodiscover.yml"}) {
    const auto file = (logship::testing::sourceDir() / "config" / name).string();
    const auto check = testing::runTailBinary("-c " + file + " --check");
    SCOPED_TRACE(name);
    EXPECT_EQ(check.status, 0) << check.out;
    EXPECT_NE(check.out.find("Config OK"), std::string::npos) << check.out;
  }
}

}  // namespace
}  // namespace logship::tail
