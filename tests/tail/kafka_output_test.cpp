// KafkaOutput's delivery policy against librdkafka's mock cluster (fault injection only; the
// real broker is exercised in tail_kafka_itest): a delivery that times out while the broker is
// down is produced again to the same topic and acknowledged once the broker is back.
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include <map>
#include <thread>

#include <gtest/gtest.h>

#include "logship/common/time_source.h"
#include "logship/tail/event.h"
#include "logship/tail/kafka_output.h"

namespace logship::tail {
namespace {

class MockCluster {
 public:
  MockCluster() {
    char err[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof err);
    mock_ = rd_kafka_mock_cluster_new(rk_, 1);
  }
  ~MockCluster() {
    rd_kafka_mock_cluster_destroy(mock_);
    rd_kafka_destroy(rk_);
  }
  std::string bootstraps() const { return rd_kafka_mock_cluster_bootstraps(mock_); }
  void setDown(bool down) {
    if (down)
      rd_kafka_mock_broker_set_down(mock_, 1);
    else
      rd_kafka_mock_broker_set_up(mock_, 1);
  }
  void createTopic(const std::string& topic) { rd_kafka_mock_topic_create(mock_, topic.c_str(), 1, 1); }

 private:
  rd_kafka_t* rk_ = nullptr;
  rd_kafka_mock_cluster_t* mock_ = nullptr;
};

// output.kafka for `topic`, created on the mock cluster.
KafkaOutputConfig mockOutput(MockCluster& cluster, const std::string& topic, kafka::Properties props = {}) {
  cluster.createTopic(topic);
  KafkaOutputConfig config;
  config.topic = topic;
  config.properties = std::move(props);
  config.properties.emplace("bootstrap.servers", cluster.bootstraps());
  config.properties.emplace("linger.ms", "1");
  return config;
}

TEST(KafkaOutput, TimedOutDeliveriesAreRetriedToTheSameTopicUntilAcked) {
  MockCluster cluster;
  // Longer than the small-string buffer, so a dangling view of it would read freed heap memory.
  const std::string topic = "logship-mock-topic-with-a-long-name";
  const KafkaOutputConfig config = mockOutput(cluster, topic, {{"message.timeout.ms", "1000"}});
  std::map<AckToken, bool> acks;
  metrics::Registry registry;
  KafkaOutput output(
      config, [&](AckToken t, bool ok) { acks[t] = ok; }, registry);

  cluster.setDown(true);
  Event event;
  const auto published = std::chrono::steady_clock::now();
  for (AckToken t = 1; t <= 5; ++t) output.publish(event, "{\"n\":" + std::to_string(t) + "}", t);
  // Wait until at least one delivery timed out and was queued for another attempt.
  auto& retried = registry.counter("logship_tail_events_retried_total", "");
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (retried.value() == 0 && std::chrono::steady_clock::now() < deadline)
    output.poll(std::chrono::milliseconds(50));
  ASSERT_GT(retried.value(), 0u) << "no delivery timed out while the broker was down";
  EXPECT_TRUE(acks.empty());

  cluster.setDown(false);
  const double down_for = std::chrono::duration<double>(std::chrono::steady_clock::now() - published).count();
  while (acks.size() < 5 && std::chrono::steady_clock::now() < deadline + std::chrono::seconds(30))
    output.poll(std::chrono::milliseconds(50));
  ASSERT_EQ(acks.size(), 5u);
  for (const auto& [token, ok] : acks) EXPECT_TRUE(ok) << "token " << token;
  EXPECT_EQ(registry.counter("logship_tail_events_failed_total", "").value(), 0u);
  EXPECT_EQ(output.queued(), 0u);
  // The ack latency of a retried event counts from its first attempt, not from the last one: no
  // event could be acknowledged before the broker came back.
  auto& latency = registry.histogram("logship_tail_event_ack_latency_seconds", "", metrics::latencySecondsBuckets());
  EXPECT_EQ(latency.count(), 5u);
  EXPECT_GE(latency.sum(), 5 * down_for - 1e-3);
}

// queue.mem.bytes: the output is full while the encoded bytes waiting for an ack reach the bound,
// whatever the number of events; acks (and retried deliveries that finally succeed) free it.
TEST(KafkaOutput, FullWhileQueuedBytesReachTheBound) {
  MockCluster cluster;
  const KafkaOutputConfig config = mockOutput(cluster, "bytes-bound", {{"message.timeout.ms", "1000"}});
  size_t acked = 0;
  metrics::Registry registry;
  KafkaOutput output(
      config, [&](AckToken, bool ok) { acked += ok ? 1 : 0; }, registry);
  output.setMaxQueuedBytes(1000);
  cluster.setDown(true);
  Event event;
  const std::string payload(300, 'x');
  for (AckToken t = 1; t <= 3; ++t) output.publish(event, payload, t);
  EXPECT_FALSE(output.full());  // 900 bytes
  output.publish(event, payload, 4);
  EXPECT_TRUE(output.full());  // 1200 bytes
  EXPECT_NE(registry.renderPrometheus().find("logship_tail_kafka_queue_bytes 1200"), std::string::npos);
  cluster.setDown(false);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (acked < 4 && std::chrono::steady_clock::now() < deadline) output.poll(std::chrono::milliseconds(50));
  ASSERT_EQ(acked, 4u);
  EXPECT_FALSE(output.full());
  EXPECT_NE(registry.renderPrometheus().find("logship_tail_kafka_queue_bytes 0"), std::string::npos);
}

TEST(KafkaOutputMetrics, SharesTheAckedCounterWithEveryOutput) {
  metrics::Registry registry;
  const KafkaOutputMetrics kafka = KafkaOutputMetrics::in(registry);
  EXPECT_EQ(kafka.acked, OutputMetrics::in(registry).acked);  // console and Kafka count one family
  EXPECT_EQ(kafka.failed, KafkaOutputMetrics::in(registry).failed);
  const std::string text = registry.renderPrometheus();
  for (const char* name :
       {"logship_tail_events_acked_total", "logship_tail_events_failed_total", "logship_tail_events_retried_total"})
    EXPECT_NE(text.find(name), std::string::npos) << name;
}

// logship.unhealthy_after on simulated time: unhealthy once events have waited that long without
// an acknowledgement; each poll that served an ack starts the wait again.
TEST(KafkaOutput, UnhealthyAfterTheThresholdWithoutAcknowledgement) {
  MockCluster cluster;
  const KafkaOutputConfig config = mockOutput(cluster, "logship-health");
  std::map<AckToken, bool> acks;
  metrics::Registry registry;
  SimulatedTimeSource clock;
  KafkaOutput output(
      config, [&](AckToken t, bool ok) { acks[t] = ok; }, registry, clock);
  output.setUnhealthyAfter(std::chrono::seconds(30));
  const auto pollUntilAcked = [&](size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);  // real time: librdkafka's I/O
    while (acks.size() < n && std::chrono::steady_clock::now() < deadline) output.poll(std::chrono::milliseconds(50));
    return acks.size() == n;
  };

  Event event;
  EXPECT_TRUE(output.healthy());
  clock.advance(std::chrono::minutes(5));
  EXPECT_TRUE(output.healthy());  // nothing waits: healthy however long nothing was acked
  output.publish(event, "{\"n\":1}", 1);
  EXPECT_FALSE(output.healthy());  // waiting, and the last progress is 5 minutes old
  ASSERT_TRUE(pollUntilAcked(1));
  EXPECT_TRUE(output.healthy());

  output.publish(event, "{\"n\":2}", 2);  // not polled: stays in flight
  clock.advance(std::chrono::milliseconds(29999));
  EXPECT_TRUE(output.healthy());
  clock.advance(std::chrono::milliseconds(1));
  EXPECT_FALSE(output.healthy());
  ASSERT_TRUE(pollUntilAcked(2));
  EXPECT_TRUE(output.healthy());
  EXPECT_TRUE(acks[1] && acks[2]);
}

}  // namespace
}  // namespace logship::tail
