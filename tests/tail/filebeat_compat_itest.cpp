// Real filebeat.yml shapes against the real broker (scripts/services) and the real logship-tail
// binary: the go-zero log-collection guide's config, a reloadable inputs directory changing while
// running, topics chosen by conditions on dotted keys, and a take-over of Filebeat's registry.
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "support/kafka_admin.h"
#include "support/paths.h"
#include "support/poll.h"
#include "support/services_env.h"
#include "tail/filebeat_registry_writers.h"
#include "tail/tailer.h"

namespace logship::tail {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using logship::testing::readFile;
using logship::testing::TempDir;
using logship::testing::writeFile;
using testing::Tailer;

struct Env {
  Env() : services(logship::testing::ServicesEnv::load()) { fs::create_directories(dir / "logs"); }
  std::string topic(const std::string& prefix) {
    const std::string t = logship::testing::uniqueTopic(prefix);
    logship::testing::createTopic(services.kafka_bootstrap, t, 2);
    return t;
  }
  fs::path log(const std::string& name) const { return dir / "logs" / name; }
  // The common tail of every filebeat.yml here: registry and data dir, the broker comes by -E.
  std::string common() const { return "filebeat.registry.flush: 100ms\npath.data: " + (dir / "data").string() + "\n"; }
  std::vector<std::string> consume(const std::string& topic, size_t expected, std::chrono::milliseconds settle = 2s) {
    return logship::testing::consumeAll(services.kafka_bootstrap, topic, expected, 60s, settle);
  }
  // Awaits `text` in the tailer's own log (a reload it reported).
  bool logged(const std::string& text) {
    return logship::testing::pollUntil([&] { return readFile(dir / "tail.log").find(text) != std::string::npos; }, 30s,
                                       50ms);
  }
  logship::testing::ServicesEnv services;
  TempDir dir;
};

void append(const fs::path& file, const std::string& text) { std::ofstream(file, std::ios::app) << text; }

std::string numbered(const std::string& name, int from, int to) {
  std::string s;
  for (int i = from; i < to; ++i) s += name + "-" + std::to_string(i) + "\n";
  return s;
}

// name -> copies of "name-N" lines among the messages.
std::map<std::string, int> countLines(const std::vector<std::string>& values, const std::string& name) {
  std::map<std::string, int> out;
  for (const auto& v : values) {
    for (size_t p = v.find(name + "-"); p != std::string::npos; p = v.find(name + "-", p + 1)) {
      const size_t end = v.find_first_not_of("0123456789", p + name.size() + 1);
      if (end == p + name.size() + 1) continue;  // "name-" without a number (a topic name)
      ++out[v.substr(p, end - p)];
      break;
    }
  }
  return out;
}

void expectEachOnce(const std::map<std::string, int>& counts, const std::string& name, int from, int to) {
  EXPECT_EQ(counts.size(), static_cast<size_t>(to - from));
  for (int i = from; i < to; ++i) {
    const auto it = counts.find(name + "-" + std::to_string(i));
    EXPECT_TRUE(it != counts.end() && it->second == 1) << name << "-" << i;
  }
}

TEST(FilebeatCompat, GoZeroGuideConfigDeliversEveryLineToTheFieldsTopic) {
  Env env;
  const std::string topic = env.topic("gozero-log");
  writeFile(env.dir / "filebeat.yml",
            "filebeat.inputs:\n"
            "- type: log\n"
            "  enabled: true\n"
            "  paths:\n"
            "    - " +
                env.log("*.log").string() +
                "\n"
                "filebeat.config:\n"
                "  modules:\n"
                "    path: ${path.config}/modules.d/*.yml\n"
                "    reload.enabled: false\n"
                "fields:\n"
                "  log_topic: " +
                topic +
                "\n"
                "fields_under_root: false\n"
                "output.kafka:\n"
                "  enabled: true\n"
                "  hosts: [\"placeholder:9092\"]\n"
                "  topic: '%{[fields.log_topic]}'\n"
                "  required_acks: 1\n"
                "  compression: gzip\n"
                "  max_message_bytes: 1000000\n" +
                env.common());
  std::string lines;
  for (int i = 0; i < 200; ++i) {
    lines += R"({"@timestamp":"2022-09-08T13:51:10.123+08:00","caller":"api/main.go:31","content":"gozero-)" +
             std::to_string(i) + R"( request done","level":"info","trace":"abc"})" + "\n";
  }
  writeFile(env.log("api.log"), lines);
  Tailer tail(env.dir / "filebeat.yml", env.dir / "tail.log", env.services.kafka_bootstrap);
  const auto values = env.consume(topic, 200);
  expectEachOnce(countLines(values, "gozero"), "gozero", 0, 200);
  ASSERT_FALSE(values.empty()) << readFile(env.dir / "tail.log");
  EXPECT_NE(values[0].find("\"fields\":{\"log_topic\":\"" + topic + "\"}"), std::string::npos) << values[0];
  EXPECT_NE(values[0].find("\\\"caller\\\":\\\"api/main.go:31\\\""), std::string::npos) << values[0];
  EXPECT_EQ(tail.terminate(), 0);
}

TEST(FilebeatCompat, ReloadedInputsDirectoryAddsStopsAndResumesInputsWithoutDuplicates) {
  Env env;
  const std::string topic = env.topic("reload");
  fs::create_directories(env.dir / "inputs.d");
  // main.log is read by filebeat.yml's own input for the whole test: its marker lines prove
  // that everything written before them had its chance to be shipped.
  writeFile(env.dir / "filebeat.yml",
            "filebeat.inputs:\n- type: log\n  paths: [" + env.log("main.log").string() +
                "]\n  scan_frequency: 200ms\n"
                "filebeat.config.inputs:\n  path: inputs.d/*.yml\n  reload.enabled: true\n  reload.period: 1s\n"
                "output.kafka:\n  hosts: [\"placeholder:9092\"]\n  topic: " +
                topic + "\n" + env.common());
  const std::string app_input =
      "- type: log\n  paths: [" + env.log("app.log").string() + "]\n  scan_frequency: 200ms\n  fields: {app: a}\n";
  Tailer tail(env.dir / "filebeat.yml", env.dir / "tail.log", env.services.kafka_bootstrap);
  append(env.log("main.log"), "marker-0\n");
  append(env.log("app.log"), numbered("app", 0, 100));
  ASSERT_EQ(countLines(env.consume(topic, 1, 0s), "marker").size(), 1u) << readFile(env.dir / "tail.log");

  // A file appears: its input starts without a restart.
  writeFile(env.dir / "inputs.d" / "app.yml", app_input);
  auto values = env.consume(topic, 101, 0s);
  ASSERT_EQ(countLines(values, "app").size(), 100u) << readFile(env.dir / "tail.log");

  // The file goes: its input stops. Lines written after the stop do not arrive, while a marker
  // written after them through the still running input does.
  fs::remove(env.dir / "inputs.d" / "app.yml");
  ASSERT_TRUE(env.logged("stopped input drained")) << readFile(env.dir / "tail.log");
  append(env.log("app.log"), numbered("app", 100, 150));
  append(env.log("main.log"), "marker-1\n");
  values = env.consume(topic, 102, 1s);
  EXPECT_EQ(countLines(values, "marker").size(), 2u);
  EXPECT_EQ(countLines(values, "app").size(), 100u) << "a removed input kept reading";

  // Added again: it continues where it stopped, nothing twice.
  writeFile(env.dir / "inputs.d" / "app.yml", app_input);
  values = env.consume(topic, 152);
  expectEachOnce(countLines(values, "app"), "app", 0, 150);
  EXPECT_EQ(values.size(), 152u);
  EXPECT_EQ(tail.terminate(), 0);
}

TEST(FilebeatCompat, TopicsRoutedByConditionsOnDottedFieldKeys) {
  Env env;
  const std::string api = env.topic("route-api"), rpc = env.topic("route-rpc"), other = env.topic("route-other");
  std::string yaml = "filebeat.inputs:\n";
  for (const std::string app : {"api", "rpc", "job"}) {
    yaml += "- type: log\n  paths: [" + env.log(app + ".log").string() + "]\n  fields: {app: " + app + "}\n";
    writeFile(env.log(app + ".log"), numbered(app, 0, 50));
  }
  yaml += "output.kafka:\n  hosts: [\"placeholder:9092\"]\n  topic: " + other +
          "\n  topics:\n"
          "    - topic: " +
          api +
          "\n      when.equals: {fields.app: api}\n"
          "    - topic: " +
          rpc + "\n      when.equals:\n        fields.app: rpc\n" + env.common();
  writeFile(env.dir / "filebeat.yml", yaml);
  Tailer tail(env.dir / "filebeat.yml", env.dir / "tail.log", env.services.kafka_bootstrap);
  const auto to_api = env.consume(api, 50), to_rpc = env.consume(rpc, 50), to_other = env.consume(other, 50);
  expectEachOnce(countLines(to_api, "api"), "api", 0, 50);
  expectEachOnce(countLines(to_rpc, "rpc"), "rpc", 0, 50);
  expectEachOnce(countLines(to_other, "job"), "job", 0, 50);
  EXPECT_EQ(to_api.size() + to_rpc.size() + to_other.size(), 150u) << readFile(env.dir / "tail.log");
  EXPECT_EQ(tail.terminate(), 0);
}

TEST(FilebeatCompat, FilebeatRegistryIsTakenOverExactlyAfterItsOffsets) {
  using namespace testing::filebeat_registry;
  Env env;
  const std::string topic = env.topic("takeover");
  const std::string text = numbered("fb", 0, 100);
  writeFile(env.log("app.log"), text);
  struct stat st {};
  ASSERT_EQ(::stat(env.log("app.log").c_str(), &st), 0);
  const uint64_t inode = st.st_ino, dev = st.st_dev;
  // Filebeat shipped fb-0..fb-59: a checkpoint at fb-40, then a log op moving on to fb-60.
  const uint64_t at40 = text.find("fb-40\n"), at60 = text.find("fb-60\n");
  const fs::path registry = env.dir / "data" / "registry" / "filebeat";
  fs::create_directories(registry);
  writeFile(registry / "meta.json", "{\"version\":\"1\"}");
  writeFile(registry / "3.json",
            "[\n" + entry(logKey(inode, dev), logValue(env.log("app.log").string(), at40, inode, dev)) + "\n]");
  writeFile(registry / "log.json",
            op("set", 4, logKey(inode, dev), logValue(env.log("app.log").string(), at60, inode, dev)));
  writeFile(env.dir / "filebeat.yml", "filebeat.inputs:\n- type: log\n  paths: [" + env.log("*.log").string() +
                                          "]\noutput.kafka:\n  hosts: [\"placeholder:9092\"]\n  topic: " + topic +
                                          "\n" + env.common());
  Tailer tail(env.dir / "filebeat.yml", env.dir / "tail.log", env.services.kafka_bootstrap);
  const auto values = env.consume(topic, 40, 3s);
  expectEachOnce(countLines(values, "fb"), "fb", 60, 100);
  EXPECT_EQ(values.size(), 40u) << readFile(env.dir / "tail.log");
  EXPECT_TRUE(env.logged("Filebeat registry taken over"));
  EXPECT_EQ(tail.terminate(), 0);
}

}  // namespace
}  // namespace logship::tail
