#include "logship/admin/admin_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>

#include <cpprest/http_client.h>
#include <gtest/gtest.h>
#include <simdjson.h>

#include "support/ports.h"

namespace logship::admin {
namespace {

uint16_t freePort() { return logship::testing::freeLoopbackPort(); }

TEST(AdminTest, EnvelopeShape) {
  EXPECT_EQ(envelope(ErrorCode::kOk, "ok", "{}"), "{\"code\":0,\"message\":\"ok\",\"data\":{}}");
}

TEST(AdminTest, HealthyAndUnhealthyAnswers) {
  bool kafka_ok = true;
  std::vector<HealthCheck> checks{{"kafka", [&] {
                                     return kafka_ok ? HealthStatus{}
                                                     : HealthStatus{ErrorCode::kKafkaTransport, "unreachable for 90s",
                                                                    "{\"brokers\":\"b:9092\"}"};
                                   }}};
  auto good = evaluateHealth(checks);
  EXPECT_EQ(good.http_status, 200);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_FALSE(parser.parse(good.body).get(doc)) << good.body;
  EXPECT_EQ(int64_t(doc["code"]), 0);
  EXPECT_TRUE(bool(doc["data"]["checks"]["kafka"]["healthy"]));

  kafka_ok = false;
  auto bad = evaluateHealth(checks);
  EXPECT_EQ(bad.http_status, 503);
  ASSERT_FALSE(parser.parse(bad.body).get(doc)) << bad.body;
  EXPECT_EQ(int64_t(doc["code"]), static_cast<int>(ErrorCode::kKafkaTransport));
  EXPECT_EQ(std::string_view(doc["message"]), "kafka: unreachable for 90s");
  EXPECT_EQ(std::string_view(doc["data"]["checks"]["kafka"]["detail"]["brokers"]), "b:9092");
}

TEST(AdminTest, ServesMetricsAndHealthOverHttp) {
  metrics::Registry registry;
  registry.counter("logship_test_total", "t").inc(9);
  std::atomic<bool> healthy{true};
  AdminOptions options;
  options.enabled = true;
  options.port = freePort();
  AdminServer server(options, registry,
                     {{"es", [&] {
                         return healthy ? HealthStatus{} : HealthStatus{ErrorCode::kEsTransport, "down", "{}"};
                       }}});
  server.start();
  web::http::client::http_client client(server.url());
  auto metrics = client.request(web::http::methods::GET, "/metrics").get();
  EXPECT_EQ(metrics.status_code(), 200);
  EXPECT_NE(metrics.extract_string().get().find("logship_test_total 9"), std::string::npos);
  EXPECT_EQ(client.request(web::http::methods::GET, "/healthz").get().status_code(), 200);
  healthy = false;
  auto sick = client.request(web::http::methods::GET, "/healthz").get();
  EXPECT_EQ(sick.status_code(), 503);
  EXPECT_NE(sick.extract_string().get().find("\"code\":4001"), std::string::npos);
  EXPECT_EQ(client.request(web::http::methods::GET, "/nope").get().status_code(), 404);
  server.stop();
}

TEST(AdminTest, DisabledServerOpensNothing) {
  metrics::Registry registry;
  AdminOptions options;  // enabled = false by default, as in Filebeat
  options.port = freePort();
  AdminServer server(options, registry, {});
  server.start();
  web::http::client::http_client_config cfg;
  cfg.set_timeout(std::chrono::seconds(2));
  web::http::client::http_client client(server.url(), cfg);
  EXPECT_THROW(client.request(web::http::methods::GET, "/metrics").get(), web::http::http_exception);
}

}  // namespace
}  // namespace logship::admin
