// A go-zero service's JSON log lines through the processors real configs use, against the real
// broker and the real logship-tail binary (issue 13): decode_json_fields of `message` into the
// root, rename, drop_fields, and `topics` routed by a decoded field. Each line must reach exactly
// the topic its decoded level says, once, in the shape the processors give it.
#include <chrono>
#include <filesystem>
#include <map>
#include <string>

#include <cpprest/json.h>
#include <gtest/gtest.h>

#include "support/kafka_admin.h"
#include "support/paths.h"
#include "support/services_env.h"
#include "tail/tailer.h"

namespace logship::tail {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using logship::testing::readFile;
using logship::testing::TempDir;
using logship::testing::writeFile;
using testing::Tailer;

// go-zero's logx JSON shape; every fourth line an error.
std::string goZeroLine(int n) {
  const bool error = n % 4 == 0;
  return R"({"@timestamp":"2022-09-08T13:51:10.123+08:00","caller":"api/main.go:)" + std::to_string(n) +
         R"(","content":"req-)" + std::to_string(n) + R"( done","level":")" + (error ? "error" : "info") +
         R"(","trace":"t)" + std::to_string(n) + R"(","duration":"12.3ms"})";
}

// req number -> the decoded event, for the messages of one topic (each must be one event).
std::map<int, web::json::value> byRequest(const std::vector<std::string>& values) {
  std::map<int, web::json::value> out;
  for (const auto& v : values) {
    auto event = web::json::value::parse(v);
    const std::string msg = event.has_field("msg") ? event.at("msg").as_string() : "";
    EXPECT_EQ(msg.rfind("req-", 0), 0u) << "no renamed `msg` in " << v;
    if (msg.rfind("req-", 0) != 0) continue;
    const int n = std::stoi(msg.substr(4));
    EXPECT_EQ(out.count(n), 0u) << "req-" << n << " twice";
    out[n] = event;
  }
  return out;
}

TEST(GoZeroProcessors, DecodedRenamedDroppedAndRoutedByTheDecodedLevel) {
  const auto services = logship::testing::ServicesEnv::load();
  TempDir dir;
  const std::string errors = logship::testing::uniqueTopic("gz-errors"),
                    rest = logship::testing::uniqueTopic("gz-rest");
  for (const auto& t : {errors, rest}) logship::testing::createTopic(services.kafka_bootstrap, t, 2);
  fs::create_directories(dir / "logs");
  constexpr int kLines = 400;
  std::string lines;
  for (int n = 0; n < kLines; ++n) lines += goZeroLine(n) + "\n";
  writeFile(dir / "logs" / "api.log", lines);
  writeFile(dir / "filebeat.yml",
            "filebeat.inputs:\n"
            "- type: log\n"
            "  paths: [" +
                (dir / "logs" / "*.log").string() +
                "]\n"
                "processors:\n"
                "  - decode_json_fields:\n"
                "      fields: [message]\n"
                "      target: \"\"\n"
                "      overwrite_keys: true\n"
                "  - rename:\n"
                "      fields:\n"
                "        - {from: content, to: msg}\n"
                "      ignore_missing: true\n"
                "  - drop_fields:\n"
                "      fields: [caller, trace, message]\n"
                "      ignore_missing: true\n"
                "output.kafka:\n"
                "  hosts: [\"placeholder:9092\"]\n"
                "  topic: " +
                rest +
                "\n"
                "  topics:\n"
                "    - topic: " +
                errors +
                "\n"
                "      when.equals: {level: error}\n"
                "filebeat.registry.flush: 100ms\n"
                "path.data: " +
                (dir / "data").string() + "\n");
  Tailer tail(dir / "filebeat.yml", dir / "tail.log", services.kafka_bootstrap);
  const auto to_errors = logship::testing::consumeAll(services.kafka_bootstrap, errors, kLines / 4, 60s, 2s);
  const auto to_rest = logship::testing::consumeAll(services.kafka_bootstrap, rest, kLines - kLines / 4, 60s, 2s);
  const auto err = byRequest(to_errors), other = byRequest(to_rest);
  EXPECT_EQ(err.size(), static_cast<size_t>(kLines / 4)) << readFile(dir / "tail.log");
  EXPECT_EQ(other.size(), static_cast<size_t>(kLines - kLines / 4));
  for (int n = 0; n < kLines; ++n) {
    const auto& topic = n % 4 == 0 ? err : other;
    const auto it = topic.find(n);
    ASSERT_NE(it, topic.end()) << "req-" << n << " not in " << (n % 4 == 0 ? "the errors topic" : "the other topic");
    const auto& e = it->second;
    EXPECT_EQ(e.at("level").as_string(), n % 4 == 0 ? "error" : "info");
    EXPECT_EQ(e.at("duration").as_string(), "12.3ms");  // decoded keys at the root
    // overwrite_keys: the line's own time becomes the event's, in UTC, as libbeat does.
    EXPECT_EQ(e.at("@timestamp").as_string(), "2022-09-08T05:51:10.123Z");
    for (const char* gone : {"caller", "trace", "message", "content"}) EXPECT_FALSE(e.has_field(gone)) << gone;
    EXPECT_TRUE(e.has_field("log") && e.at("log").has_field("offset"));  // Filebeat's own fields stay
  }
  EXPECT_EQ(tail.terminate(), 0);
}

}  // namespace
}  // namespace logship::tail
