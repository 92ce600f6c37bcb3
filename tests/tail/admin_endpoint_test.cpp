// logship-tail's admin endpoint as users see it: /metrics counts what was read, and /healthz
// turns 503 with Kafka's error code when events wait on brokers that do not answer. Loopback
// only: the "broker" is a closed port on 127.0.0.1, so no services are needed.
#include <gtest/gtest.h>

#include "support/admin_probe.h"
#include "support/paths.h"
#include "support/process.h"

namespace logship::testing {
namespace {

TEST(TailAdminEndpoint, MetricsCountLinesAndHealthFailsWhileKafkaIsUnreachable) {
  TempDir dir;
  std::filesystem::create_directories(dir / "logs");
  writeFile(dir / "logs/app.log", "line one\nline two\nline three\n");
  const int admin_port = freeLoopbackPort();
  const int dead_broker = freeLoopbackPort();  // nothing listens there
  writeFile(dir / "filebeat.yml", "filebeat.inputs:\n  - type: log\n    paths: [\"" + (dir / "logs/*.log").string() +
                                      "\"]\n"
                                      "path.data: " +
                                      (dir / "data").string() +
                                      "\n"
                                      "http.enabled: true\nhttp.host: 127.0.0.1\nhttp.port: " +
                                      std::to_string(admin_port) +
                                      "\n"
                                      "logship.unhealthy_after: 1s\n"
                                      "output.kafka:\n  hosts: [\"127.0.0.1:" +
                                      std::to_string(dead_broker) + "\"]\n  topic: t\n");
  ChildProcess tail({daemonPath("logship-tail").string(), "-c", (dir / "filebeat.yml").string()}, dir / "tail.log");

  std::string body;
  int status = 0;
  ASSERT_TRUE(pollAdmin(
      admin_port, "/metrics",
      [](int s, const std::string& b) { return s == 200 && metricValue(b, "logship_tail_lines_read_total") == 3; },
      std::chrono::seconds(30), &status, &body))
      << status << "\n"
      << body << "\n"
      << tailOfFile(dir / "tail.log");
  EXPECT_EQ(metricValue(body, "logship_tail_events_acked_total"), 0) << body;
  EXPECT_EQ(metricValue(body, "logship_tail_open_files"), 1) << body;

  ASSERT_TRUE(pollAdmin(
      admin_port, "/healthz", [](int s, const std::string&) { return s == 503; }, std::chrono::seconds(30), &status,
      &body))
      << status << "\n"
      << body << "\n"
      << tailOfFile(dir / "tail.log");
  EXPECT_NE(body.find("\"code\":3001"), std::string::npos) << body;
  EXPECT_NE(body.find("\"data\":"), std::string::npos) << body;
  EXPECT_TRUE(tail.alive());
  // SIGTERM with nothing acknowledged: stops within the grace period and exits 0.
  EXPECT_EQ(tail.terminate(std::chrono::seconds(30)), 0) << tailOfFile(dir / "tail.log");
}

TEST(TailAdminEndpoint, HealthyWhenNothingWaits) {
  TempDir dir;
  std::filesystem::create_directories(dir / "logs");
  const int admin_port = freeLoopbackPort();
  writeFile(dir / "filebeat.yml", "filebeat.inputs:\n  - type: log\n    paths: [\"" + (dir / "logs/*.log").string() +
                                      "\"]\n"
                                      "path.data: " +
                                      (dir / "data").string() +
                                      "\n"
                                      "http.enabled: true\nhttp.host: 127.0.0.1\nhttp.port: " +
                                      std::to_string(admin_port) +
                                      "\n"
                                      "output.console:\n  pretty: false\n");
  ChildProcess tail({daemonPath("logship-tail").string(), "-c", (dir / "filebeat.yml").string()}, dir / "tail.log");
  std::string body;
  int status = 0;
  ASSERT_TRUE(pollAdmin(
      admin_port, "/healthz", [](int s, const std::string&) { return s == 200; }, std::chrono::seconds(30), &status,
      &body))
      << status << "\n"
      << tailOfFile(dir / "tail.log");
  EXPECT_NE(body.find("{\"code\":0,\"message\":\"ok\""), std::string::npos) << body;
}

}  // namespace
}  // namespace logship::testing
