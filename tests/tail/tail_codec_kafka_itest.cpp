// output.kafka.codec through the real broker (scripts/services): with codec.format each Kafka
// message is the format string's text, and an event missing a field it names is dropped.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "support/kafka_admin.h"
#include "support/paths.h"
#include "support/services_env.h"
#include "tail/tailer.h"

namespace logship::tail {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

TEST(TailKafkaCodec, FormatStringIsTheMessageAndAnEventMissingAFieldIsDropped) {
  const auto env = logship::testing::ServicesEnv::load();
  const std::string topic = logship::testing::uniqueTopic("tail-codec");
  logship::testing::createTopic(env.kafka_bootstrap, topic, 1);  // one partition: the order is kept
  logship::testing::TempDir dir;
  fs::create_directories(dir / "logs");
  const std::string inputs = "filebeat.inputs:\n- {type: log, json.keys_under_root: true, paths: [\"" +
                             (dir / "logs" / "*.log").string() + "\"]}\n";
  logship::testing::writeFile(dir / "filebeat.yml", inputs + "path.data: " + (dir / "data").string() + R"(
output.kafka:
  hosts: ["placeholder:1"]
  codec.format.string: '%{[id]}|%{[msg]}|%{[level]:none}'
  topic: )" + topic + "\n");
  {
    std::ofstream f(dir / "logs" / "app.log");
    f << "{\"id\":\"a\",\"msg\":\"x <y> & z\",\"level\":\"info\"}\n"
      << "{\"msg\":\"no id: dropped\"}\n"
      << "{\"id\":\"c\",\"msg\":\"last\"}\n";
  }
  testing::Tailer tailer(dir / "filebeat.yml", dir / "tail.log", env.kafka_bootstrap);
  const auto values = logship::testing::consumeAll(env.kafka_bootstrap, topic, 2, 60s, 2s);
  EXPECT_EQ(tailer.terminate(), 0);
  EXPECT_EQ(values, (std::vector<std::string>{"a|x <y> & z|info", "c|last|none"}))
      << logship::testing::readFile(dir / "tail.log");
}

}  // namespace
}  // namespace logship::tail
