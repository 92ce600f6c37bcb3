// logship-tail on a real Docker engine (scripts/docker-engine: Debian's docker.io, our own dockerd
// when none answers, a busybox image made locally) shipping to the real Kafka (scripts/services).
// Containers write known lines through Docker's json-file driver, which rotates them
// (max-size/max-file) and splits lines over 16 KiB; logship-tail reads them with `type: container`
// and add_docker_metadata. Labels `integration;docker` (tests/CMakeLists.txt).
#include <gtest/gtest.h>
#include <simdjson.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>

#include "support/kafka_admin.h"
#include "support/paths.h"
#include "support/poll.h"
#include "support/process.h"
#include "support/services_env.h"

namespace logship::tail {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

const char* const kImage = "logship-test/busybox:local";

// Runs `command` in sh; its stdout, and the exit status in `status`.
std::string shell(const std::string& command, int* status = nullptr) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (p == nullptr) return out;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int rc = ::pclose(p);
  if (status) *status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  return out;
}

std::string lastLine(const std::string& s) {
  std::string t = s;
  while (!t.empty() && t.back() == '\n') t.pop_back();
  return t.substr(t.rfind('\n') == std::string::npos ? 0 : t.rfind('\n') + 1);
}

// The engine, once for the suite; a stop only of what scripts/docker-engine started.
class DockerEngine : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    int status = 0;
    const std::string out = shell(std::string(LOGSHIP_SOURCE_DIR) + "/scripts/docker-engine start 2>&1", &status);
    if (status == 0) data_root_ = lastLine(out);
    start_output_ = out;
  }
  static void TearDownTestSuite() { shell(std::string(LOGSHIP_SOURCE_DIR) + "/scripts/docker-engine stop 2>&1"); }

  void SetUp() override {
    if (data_root_.empty()) GTEST_SKIP() << "no Docker engine could be started here:\n" << start_output_;
    env_ = logship::testing::ServicesEnv::load();
    topic_ = logship::testing::uniqueTopic("docker-engine-it");
    logship::testing::createTopic(env_.kafka_bootstrap, topic_, 3);
  }
  void TearDown() override {
    if (!container_.empty()) shell("docker rm -f -v " + container_ + " >/dev/null 2>&1");
  }

  // `docker create` of a busybox running `script`, json-file rotated at `max_size` (3 files).
  void create(const std::string& script, const std::string& max_size) {
    int status = 0;
    container_ = lastLine(
        shell("docker create --network none --label com.example.team=shop --label tier=it "
              "--log-driver json-file --log-opt max-size=" +
                  max_size + " --log-opt max-file=3 --name lt-it-" + topic_ + " " + kImage + " sh -c '" + script + "'",
              &status));
    ASSERT_EQ(status, 0) << container_;
    logship::testing::writeFile(dir_ / "filebeat.yml",
                                "filebeat.inputs:\n  - type: container\n    paths: [\"" + data_root_ + "/containers/" +
                                    container_ +
                                    "/*.log\"]\n    scan_frequency: 1s\nprocessors:\n  - add_docker_metadata: ~\n"
                                    "filebeat.registry.flush: 200ms\npath.data: " +
                                    (dir_ / "data").string() + "\noutput.kafka:\n  hosts: [\"" + env_.kafka_bootstrap +
                                    "\"]\n  topic: " + topic_ + "\n");
  }
  void startContainer() { ASSERT_EQ(shell("docker start " + container_ + " >/dev/null 2>&1; echo $?"), "0\n"); }
  logship::testing::ChildProcess tail() {
    return logship::testing::ChildProcess(
        {logship::testing::daemonPath("logship-tail").string(), "-c", (dir_ / "filebeat.yml").string()},
        dir_ / "tail.log");
  }
  std::vector<std::string> consume(size_t expected, std::chrono::seconds timeout) {
    return logship::testing::consumeAll(env_.kafka_bootstrap, topic_, expected, timeout, 2s);
  }
  // id -> Docker's time for every line in the container's json-file files (rotated ones too).
  std::map<std::string, std::string> dockerTimes() const {
    std::map<std::string, std::string> out;
    for (const auto& f : fs::directory_iterator(data_root_ + "/containers/" + container_)) {
      if (f.path().filename().string().find("-json.log") == std::string::npos) continue;
      std::ifstream in(f.path());
      std::string line;
      while (std::getline(in, line)) {
        const auto id = line.find("id=");
        const auto time = line.find("\"time\":\"");
        if (id == std::string::npos || time == std::string::npos) continue;
        out.emplace(line.substr(id + 3, line.find(' ', id) - id - 3), line.substr(time + 8, 23) + "Z");
      }
    }
    return out;
  }
  std::string tailLog() const { return logship::testing::readFile(dir_ / "tail.log"); }

  static std::string data_root_;
  static std::string start_output_;
  logship::testing::ServicesEnv env_;
  logship::testing::TempDir dir_;
  std::string topic_;
  std::string container_;
};
std::string DockerEngine::data_root_;
std::string DockerEngine::start_output_;

// A field of an event by dotted key, nested or flat; empty when absent or not a string.
std::string field(simdjson::dom::element doc, const std::string& dotted) {
  std::string pointer = "/" + dotted;
  for (auto& c : pointer) c = c == '.' ? '/' : c;
  std::string_view s;
  if (doc.at_pointer(pointer).get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  if (doc[dotted].get_string().get(s) == simdjson::SUCCESS) return std::string(s);
  return {};
}

std::string idOf(const std::string& message) { return message.substr(3, message.find(' ') - 3); }

TEST_F(DockerEngine, EveryLineOnceWithStreamTimeAndContainerMetadata) {
  constexpr int kLines = 3000;  // per stream, ~380 bytes a line in json-file: 2 rotations at 1m
  // The writer writes one line (logship-tail harvests no empty file), waits for /tmp/go (given once logship-tail reads
  // the file), then writes at about 300 KB/s, a service's pace: Docker rotates every few seconds, and each new file is
  // found by a scan (1 s) before Docker rotates it again (a file renamed twice before any scan saw it would be lost by
  // Filebeat too: its glob is */*.log).
  create(
      "echo id=ready x; while [ ! -e /tmp/go ]; do usleep 20000; done; pad=$(head -c 250 /dev/zero | tr \"\\0\" p); "
      "i=0; "
      "while [ $i -lt " +
          std::to_string(kLines) +
          " ]; do echo \"id=out-$i $pad\"; echo \"id=err-$i $pad\" >&2; i=$((i+1)); "
          "[ $((i % 50)) = 0 ] && usleep 100000; done; exec sleep 600",
      "1m");
  auto tailer = tail();
  startContainer();
  ASSERT_TRUE(
      logship::testing::pollUntil([&] { return tailLog().find("harvester started") != std::string::npos; }, 30s, 50ms))
      << tailLog();
  ASSERT_EQ(shell("docker exec " + container_ + " touch /tmp/go; echo $?"), "0\n");
  const auto values = consume(2 * kLines + 1, 120s);
  const auto times = dockerTimes();
  simdjson::dom::parser parser;
  std::map<std::string, int> copies;
  for (const auto& v : values) {
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(v).get(doc), simdjson::SUCCESS) << v;
    const std::string message = field(doc, "message");
    ASSERT_EQ(message.rfind("id=", 0), 0u) << v;
    const std::string id = idOf(message);
    ++copies[id];
    EXPECT_EQ(field(doc, "stream"), id.rfind("err-", 0) == 0 ? "stderr" : "stdout") << v;
    ASSERT_EQ(field(doc, "container.name"), "lt-it-" + topic_) << v;
    EXPECT_EQ(field(doc, "container.id"), container_);
    EXPECT_EQ(field(doc, "container.image.name"), kImage);
    EXPECT_EQ(field(doc, "container.labels.com_example_team"), "shop");
    ASSERT_TRUE(times.count(id)) << id;
    EXPECT_EQ(field(doc, "@timestamp"), times.at(id)) << v;
  }
  EXPECT_EQ(copies.size(), 2u * kLines + 1) << tailLog();
  for (const auto& [id, n] : copies) ASSERT_EQ(n, 1) << id;
  int rotated = 0;
  for (const auto& f : fs::directory_iterator(data_root_ + "/containers/" + container_)) {
    rotated += f.path().extension() == ".1" || f.path().extension() == ".2";
  }
  EXPECT_GE(rotated, 1) << "Docker did not rotate: the scenario needs a bigger volume";
  EXPECT_EQ(tailer.terminate(60s), 0);
}

TEST_F(DockerEngine, LineOverSixteenKibIsOneEvent) {
  create("echo \"id=big $(head -c 40000 /dev/zero | tr \"\\0\" b)\"; echo id=after x; exec sleep 600", "10m");
  auto tailer = tail();
  startContainer();
  const auto values = consume(2, 60s);
  ASSERT_EQ(values.size(), 2u) << tailLog();
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  // No key: the two events may go to different partitions, so they can be consumed in any order.
  const bool big_first = values[0].find("\"id=big ") != std::string::npos;
  ASSERT_EQ(parser.parse(values[big_first ? 1 : 0]).get(doc), simdjson::SUCCESS);
  EXPECT_EQ(field(doc, "message"), "id=after x");
  ASSERT_EQ(parser.parse(values[big_first ? 0 : 1]).get(doc), simdjson::SUCCESS);
  const std::string message = field(doc, "message");
  EXPECT_EQ(message.size(), 7u + 40000u);
  EXPECT_EQ(message.substr(0, 7), "id=big ");
  EXPECT_EQ(message.find_first_not_of('b', 7), std::string::npos);
  EXPECT_EQ(field(doc, "container.name"), "lt-it-" + topic_);
  EXPECT_EQ(tailer.terminate(60s), 0);
}

TEST_F(DockerEngine, KillNineAmidPartialLinesLosesAndDuplicatesNothing) {
  constexpr int kLines = 400;  // 40 KiB each: three json-file entries a line, two of them partial
  create("pad=$(head -c 40000 /dev/zero | tr \"\\0\" q); i=0; while [ $i -lt " + std::to_string(kLines) +
             " ]; do echo \"id=long-$i $pad\"; i=$((i+1)); done; exec sleep 600",
         "20m");
  {
    auto tailer = tail();
    startContainer();
    logship::testing::pollUntil(logship::testing::orFalseOnError([&] {
                                  return logship::testing::countMessages(env_.kafka_bootstrap, topic_) >= 40;
                                }),
                                60s, 20ms);
    EXPECT_LT(logship::testing::countMessages(env_.kafka_bootstrap, topic_), kLines) << "killed too late";
    tailer.kill9();
  }
  auto again = tail();
  const auto values = consume(kLines, 120s);
  std::map<std::string, std::set<std::string>> ids;  // line -> @metadata._id of each copy
  simdjson::dom::parser parser;
  for (const auto& v : values) {
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(v).get(doc), simdjson::SUCCESS);
    const std::string message = field(doc, "message");
    ASSERT_EQ(message.size(), message.find(' ') + 1 + 40000u) << "a long line arrived cut";
    ids[idOf(message)].insert(field(doc, "@metadata._id"));
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(kLines)) << tailLog();
  for (const auto& [line, copies] : ids) EXPECT_EQ(copies.size(), 1u) << line << ": sent again under another _id";
  EXPECT_EQ(again.terminate(60s), 0);
}

// Test 3 (issue 11): a container started while logship-tail runs is discovered from the engine's
// event stream; its hint labels make its input decode JSON; once it is removed its input stops,
// after its last line was shipped. Only containers that opt in (hints.default_config.enabled:
// false) are read, so other containers on the engine do not matter.
TEST_F(DockerEngine, AutodiscoverPicksUpAHintedContainerAndStopsAfterItsLastLine) {
  constexpr int kLines = 300;  // half before logship-tail can have seen the container, half after
  logship::testing::writeFile(
      dir_ / "filebeat.yml",
      "filebeat.autodiscover.providers:\n  - type: docker\n    cleanup_timeout: 1s\n    hints.enabled: true\n"
      "    hints.default_config:\n      enabled: false\n      type: container\n      scan_frequency: 1s\n"
      "      paths: ['" +
          data_root_ +
          "/containers/${data.container.id}/*-json.log']\n"
          "filebeat.registry.flush: 200ms\npath.data: " +
          (dir_ / "data").string() + "\noutput.kafka:\n  hosts: [\"" + env_.kafka_bootstrap +
          "\"]\n  topic: " + topic_ + "\n");
  auto tailer = tail();
  ASSERT_TRUE(logship::testing::pollUntil([&] { return tailLog().find("logship-tail started") != std::string::npos; },
                                          30s, 50ms))
      << tailLog();
  const std::string writes =
      "i=$1; while [ $i -lt $2 ]; do echo \"{\\\"msg\\\":\\\"id=$i\\\",\\\"level\\\":\\\"warn\\\"}\"; "
      "i=$((i+1)); done";
  int status = 0;
  container_ = lastLine(
      shell("docker run -d --network none --log-driver json-file --label tier=ad --label co.elastic.logs/enabled=true "
            "--label co.elastic.logs/json.keys_under_root=true --label co.elastic.logs/json.add_error_key=true "
            "--name lt-ad-" +
                topic_ + " " + kImage + " sh -c 'w() { " + writes + "; }; w 0 " + std::to_string(kLines / 2) +
                "; while [ ! -e /tmp/go ]; do usleep 20000; done; w " + std::to_string(kLines / 2) + " " +
                std::to_string(kLines) + "'",
            &status));
  ASSERT_EQ(status, 0) << container_;
  const std::string input = "docker-autodiscover/" + container_ + "/";
  ASSERT_TRUE(logship::testing::pollUntil(
      [&] { return tailLog().find("input started input=" + input) != std::string::npos; }, 30s, 50ms))
      << tailLog();
  ASSERT_EQ(shell("docker exec " + container_ + " touch /tmp/go; echo $?"), "0\n");
  ASSERT_EQ(shell("docker wait " + container_), "0\n");
  // The container died: its input stops (cleanup_timeout) once it has read everything, and its
  // state stays in the registry while the container's files do.
  ASSERT_TRUE(logship::testing::pollUntil(
      [&] {
        return tailLog().find("stopped input drained: every event it read is acknowledged input=" + input) !=
               std::string::npos;
      },
      60s, 100ms))
      << tailLog();
  const fs::path registry = dir_ / "data" / "registry" / "logship-tail" / "registry.json";
  ASSERT_TRUE(logship::testing::pollUntil(
      [&] {
        return fs::exists(registry) && logship::testing::readFile(registry).find(container_) != std::string::npos;
      },
      30s, 100ms))
      << tailLog();
  ASSERT_EQ(shell("docker rm " + container_ + " >/dev/null; echo $?"), "0\n");
  const auto values = consume(kLines, 60s);
  simdjson::dom::parser parser;
  std::map<std::string, int> copies;
  for (const auto& v : values) {
    simdjson::dom::element doc;
    ASSERT_EQ(parser.parse(v).get(doc), simdjson::SUCCESS) << v;
    const std::string msg = field(doc, "msg");  // the hints: JSON decoded under the root
    ASSERT_EQ(msg.rfind("id=", 0), 0u) << v;
    ++copies[msg];
    EXPECT_EQ(field(doc, "level"), "warn") << v;
    EXPECT_EQ(field(doc, "stream"), "stdout") << v;
    EXPECT_EQ(field(doc, "container.id"), container_) << v;  // autodiscover's metadata
    EXPECT_EQ(field(doc, "container.name"), "lt-ad-" + topic_) << v;
    EXPECT_EQ(field(doc, "docker.container.labels.tier"), "ad") << v;
  }
  EXPECT_EQ(copies.size(), static_cast<size_t>(kLines)) << tailLog();
  for (const auto& [id, n] : copies) EXPECT_EQ(n, 1) << id;
  // The input stopped only after the last line: its stop is logged after the read of all of them.
  const std::string log = tailLog();
  EXPECT_NE(log.find("input stopped: its files drain"), std::string::npos) << log;
  // `docker rm` deleted the container's directory: its state leaves the registry (no input holds
  // it any more), so the registry does not grow with every container the node ran.
  EXPECT_TRUE(logship::testing::pollUntil(
      [&] {
        return tailLog().find("state forgotten") != std::string::npos && fs::exists(registry) &&
               logship::testing::readFile(registry).find(container_) == std::string::npos;
      },
      60s, 200ms))
      << logship::testing::readFile(registry) << tailLog();
  container_.clear();  // removed already
  EXPECT_EQ(tailer.terminate(60s), 0);
}

}  // namespace
}  // namespace logship::tail
