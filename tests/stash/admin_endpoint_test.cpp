// logship-stash's admin endpoint (go-zero's Prometheus block): /metrics answers in Prometheus
// text, and /healthz turns 503 with Elasticsearch's error code when the output does not answer.
// Loopback only: Elasticsearch and Kafka are closed ports on 127.0.0.1.
#include <gtest/gtest.h>

#include "support/admin_probe.h"
#include "support/paths.h"
#include "support/process.h"

namespace logship::testing {
namespace {

TEST(StashAdminEndpoint, HealthFailsWhileElasticsearchIsUnreachable) {
  TempDir dir;
  const int admin_port = freeLoopbackPort();
  const int dead_es = freeLoopbackPort();
  const int dead_broker = freeLoopbackPort();
  writeFile(dir / "stash.yml",
            "UnhealthyAfter: 1s\n"
            "Clusters:\n"
            "  - Input:\n"
            "      Kafka:\n"
            "        Name: admin-test\n"
            "        Brokers: [\"127.0.0.1:" +
                std::to_string(dead_broker) +
                "\"]\n"
                "        Topics: [t]\n"
                "        Group: g\n"
                "        Prometheus:\n"
                "          Host: 127.0.0.1\n"
                "          Port: " +
                std::to_string(admin_port) +
                "\n"
                "          Path: /metrics\n"
                "    Output:\n"
                "      ElasticSearch:\n"
                "        Hosts: [\"http://127.0.0.1:" +
                std::to_string(dead_es) +
                "\"]\n"
                "        Index: \"x-{{yyyy-MM-dd}}\"\n");
  ChildProcess stash({daemonPath("logship-stash").string(), "-f", (dir / "stash.yml").string()}, dir / "stash.log");

  std::string body;
  int status = 0;
  ASSERT_TRUE(pollAdmin(
      admin_port, "/healthz", [](int s, const std::string&) { return s == 503; }, std::chrono::seconds(30), &status,
      &body))
      << status << "\n"
      << body << "\n"
      << tailOfFile(dir / "stash.log");
  EXPECT_NE(body.find("\"code\":4001"), std::string::npos) << body;
  EXPECT_NE(body.find("admin-test.elasticsearch"), std::string::npos) << body;

  ASSERT_TRUE(pollAdmin(
      admin_port, "/metrics", [](int s, const std::string&) { return s == 200; }, std::chrono::seconds(10), &status,
      &body));
  EXPECT_NE(body.find("# TYPE logship_stash_consumed_total counter"), std::string::npos) << body;
  EXPECT_EQ(metricValue(body, "logship_stash_consumed_total{cluster=\"admin-test\"}"), 0) << body;
  EXPECT_TRUE(stash.alive());
  EXPECT_EQ(stash.terminate(std::chrono::seconds(30)), 0) << tailOfFile(dir / "stash.log");
}

}  // namespace
}  // namespace logship::testing
