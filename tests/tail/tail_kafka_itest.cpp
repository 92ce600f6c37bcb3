// logship-tail against the real broker (scripts/services): rotation, kill -9, broker outage,
// missing topic. Every line carries a unique id; a consumer counts them in the topic.
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "support/kafka_admin.h"
#include "support/paths.h"
#include "support/poll.h"
#include "support/process.h"
#include "support/services_env.h"
#include "tail/tailer.h"

extern char** environ;

namespace logship::tail {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using logship::testing::TempDir;
using testing::Tailer;

struct Fixture {
  Fixture() : env(logship::testing::ServicesEnv::load()) {
    topic = logship::testing::uniqueTopic("tail-it");
    logship::testing::writeFile(dir / "filebeat.yml",
                                "filebeat.inputs:\n"
                                "  - type: log\n"
                                "    paths: [\"" +
                                    (dir / "logs" / "*.log").string() +
                                    "\"]\n"
                                    "    scan_frequency: 1s\n"
                                    "filebeat.registry.flush: 200ms\n"
                                    "path.data: " +
                                    (dir / "data").string() +
                                    "\n"
                                    "output.kafka:\n"
                                    "  hosts: [\"placeholder:1\"]\n"
                                    "  topic: " +
                                    topic +
                                    "\n"
                                    "  compression: lz4\n");
    fs::create_directories(dir / "logs");
  }
  fs::path logFile() const { return dir / "logs" / "app.log"; }
  void write(int from, int to) {
    std::ofstream f(logFile(), std::ios::app);
    for (int i = from; i < to; ++i) f << "{\"level\":\"info\",\"content\":\"line-" << i << "\"}\n";
  }
  // id -> number of copies in the topic, and whether duplicates kept their _id.
  std::map<int, int> counts(size_t expected, std::chrono::milliseconds timeout, bool* ids_stable = nullptr) {
    auto values = logship::testing::consumeAll(env.kafka_bootstrap, topic, expected, timeout, 2s);
    std::map<int, int> out;
    std::map<int, std::string> ids;
    if (ids_stable) *ids_stable = true;
    for (const auto& v : values) {
      const auto p = v.find("line-");
      if (p == std::string::npos) continue;
      const int n = std::stoi(v.substr(p + 5));
      ++out[n];
      const auto ib = v.find("\"_id\":\"") + 7;
      const std::string id = v.substr(ib, v.find('"', ib) - ib);
      if (ids.count(n) && ids[n] != id && ids_stable) *ids_stable = false;
      ids[n] = id;
    }
    return out;
  }
  void waitForCount(int64_t n, std::chrono::seconds timeout) {
    // The shared broker may be restarting (leader elections): errors count as "not yet".
    logship::testing::pollUntil(logship::testing::orFalseOnError(
                                    [&] { return logship::testing::countMessages(env.kafka_bootstrap, topic) >= n; }),
                                timeout, 100ms);
  }
  logship::testing::ServicesEnv env;
  TempDir dir;
  std::string topic;
};

TEST(TailKafka, RenameAndCopyTruncateRotationDeliverEachLineExactlyOnce) {
  Fixture fx;
  logship::testing::createTopic(fx.env.kafka_bootstrap, fx.topic, 3);
  Tailer t(fx.dir / "filebeat.yml", fx.dir / "tail.log", fx.env.kafka_bootstrap);
  fx.write(0, 10000);
  fx.waitForCount(5000, 30s);
  fs::rename(fx.logFile(), fx.dir / "logs" / "app.log.1");  // rename rotation mid-stream
  fx.write(10000, 20000);
  fx.waitForCount(20000, 60s);  // copytruncate needs everything read first, as in real life
  fs::copy_file(fx.logFile(), fx.dir / "logs" / "app.log.2");
  fs::resize_file(fx.logFile(), 0);
  fx.write(20000, 30000);
  const auto counts = fx.counts(30000, 90s);
  EXPECT_EQ(t.terminate(), 0);
  ASSERT_EQ(counts.size(), 30000u) << logship::testing::readFile(fx.dir / "tail.log");
  for (const auto& [id, n] : counts) ASSERT_EQ(n, 1) << "line " << id;
}

TEST(TailKafka, KillNineThenRestartLosesNothing) {
  Fixture fx;
  logship::testing::createTopic(fx.env.kafka_bootstrap, fx.topic, 3);
  {
    Tailer t(fx.dir / "filebeat.yml", fx.dir / "tail.log", fx.env.kafka_bootstrap);
    fx.write(0, 20000);
    fx.waitForCount(3000, 30s);
    t.kill9();  // mid-stream
  }
  fx.write(20000, 25000);
  Tailer again(fx.dir / "filebeat.yml", fx.dir / "tail.log", fx.env.kafka_bootstrap);
  bool ids_stable = false;
  const auto counts = fx.counts(25000, 90s, &ids_stable);
  EXPECT_EQ(counts.size(), 25000u) << logship::testing::readFile(fx.dir / "tail.log");
  EXPECT_TRUE(ids_stable) << "a line sent twice must carry the same @metadata._id";
}

TEST(TailKafka, MissingTopicIsReportedThenShipsOnceCreated) {
  Fixture fx;
  Tailer t(fx.dir / "filebeat.yml", fx.dir / "tail.log", fx.env.kafka_bootstrap);
  fx.write(0, 500);
  std::string log;
  logship::testing::pollUntil(
      [&] {
        return (log = logship::testing::readFile(fx.dir / "tail.log")).find("topic does not exist") !=
               std::string::npos;
      },
      45s);
  EXPECT_NE(log.find("topic does not exist"), std::string::npos) << log;
  EXPECT_NE(log.find(fx.topic), std::string::npos);
  EXPECT_NE(log.find(fx.env.kafka_bootstrap), std::string::npos);
  logship::testing::createTopic(fx.env.kafka_bootstrap, fx.topic, 3);
  const auto counts = fx.counts(500, 90s);
  EXPECT_EQ(counts.size(), 500u) << logship::testing::readFile(fx.dir / "tail.log");
}

TEST(TailKafka, BrokerDownForTwentySecondsLosesNothing) {
  Fixture fx;
  logship::testing::createTopic(fx.env.kafka_bootstrap, fx.topic, 3);
  Tailer t(fx.dir / "filebeat.yml", fx.dir / "tail.log", fx.env.kafka_bootstrap);
  fx.write(0, 2000);
  fx.waitForCount(2000, 30s);
  logship::testing::runServicesCommand("kafka stop");
  fx.write(2000, 4000);
  std::this_thread::sleep_for(20s);  // the outage itself is the scenario
  logship::testing::runServicesCommand("kafka start");
  fx.write(4000, 5000);
  const auto counts = fx.counts(5000, 120s);
  EXPECT_EQ(counts.size(), 5000u) << logship::testing::readFile(fx.dir / "tail.log");
  EXPECT_EQ(t.terminate(), 0);
}

}  // namespace
}  // namespace logship::tail
