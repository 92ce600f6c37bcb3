// output.kafka.partition.hash.hash: KafkaOutput hashes the listed event fields as Filebeat does
// and the partition follows that hash (not the key, which is sent unchanged); an unhashable event
// goes to a random partition, or is dropped with `random: false` (mock cluster, no broker needed).
#include <chrono>
#include <map>
#include <memory>

#include <gtest/gtest.h>

#include "kafka/mock_cluster.h"
#include "logship/tail/event.h"
#include "logship/tail/kafka_output.h"

namespace logship::tail {
namespace {

uint32_t fnv(const std::string& bytes) {
  uint32_t h = 0x811C9DC5u;
  for (unsigned char c : bytes) h = (h ^ c) * 0x01000193u;
  return h;
}

TEST(PartitionHash, HashesTheListedFieldsInOrder) {
  Event e;
  e.setString("fields.app", "foobar");
  e.setRaw("log.offset", "42");
  e.setRaw("json.user", "\"a\\\"b\"");
  e.setRaw("json.obj", "{\"x\":1}");
  std::string scratch;
  EXPECT_EQ(partitionHash(e, {"fields.app"}, scratch), fnv("foobar"));
  EXPECT_EQ(partitionHash(e, {"fields.app", "log.offset"}, scratch),
            fnv("foobar" + std::string("\x2a\0\0\0\0\0\0\0", 8)));
  EXPECT_EQ(partitionHash(e, {"json.user"}, scratch), fnv("a\"b"));  // the decoded string
  EXPECT_EQ(partitionHash(e, {"fields.app", "missing"}, scratch), std::nullopt);
  EXPECT_EQ(partitionHash(e, {"json.obj"}, scratch), std::nullopt);
}

struct Fixture {
  kafka::testing::MockKafka kafka{1};
  metrics::Registry registry;
  std::map<AckToken, bool> acks;
  KafkaOutputConfig config;  // KafkaOutput keeps a reference
  std::unique_ptr<KafkaOutput> out;

  // A 3-partition topic and an output partitioning by hash of `fields.app` (key: the same field).
  KafkaOutput& start(const std::string& topic, bool random) {
    kafka.createTopic(topic, 3, 1);
    config.topic = topic;
    config.key = "%{[fields.app]}";
    config.partition.hash_from_message = true;
    config.partition_hash_fields = {"fields.app"};
    config.partition_hash_random = random;
    config.properties = {{"bootstrap.servers", kafka.bootstraps()}, {"linger.ms", "1"}};
    out = std::make_unique<KafkaOutput>(
        config, [this](AckToken t, bool ok) { acks[t] = ok; }, registry);
    return *out;
  }
  void waitForAcks(KafkaOutput& out, size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (acks.size() < n && std::chrono::steady_clock::now() < deadline) out.poll(std::chrono::milliseconds(20));
    ASSERT_EQ(acks.size(), n);
  }
};

TEST(KafkaOutputPartition, EventsGoToThePartitionOfTheirFieldsHash) {
  Fixture f;
  const std::string topic = "by-fields";
  KafkaOutput& out = f.start(topic, true);
  // Filebeat's hash2Partition: FNV-1a("foobar") = 0xbf9cf968 is negative as int32 -> masked -> 2;
  // FNV-1a("web") = 0x0fd9bc91 -> 1.
  const auto partitionOf = [](const std::string& v) { return (static_cast<int32_t>(fnv(v)) & 0x7FFFFFFF) % 3; };
  ASSERT_EQ(partitionOf("foobar"), 2);
  ASSERT_EQ(partitionOf("web"), 1);
  Event foobar;
  foobar.setString("fields.app", "foobar");
  Event web;
  web.setString("fields.app", "web");
  for (AckToken t = 1; t <= 10; ++t) out.publish(t % 2 ? foobar : web, "{}", t);
  f.waitForAcks(out, 10);
  for (const auto& [token, ok] : f.acks) EXPECT_TRUE(ok) << token;
  EXPECT_EQ(f.kafka.highWatermark(topic, 0), 0);
  EXPECT_EQ(f.kafka.highWatermark(topic, 1), 5);
  EXPECT_EQ(f.kafka.highWatermark(topic, 2), 5);

  Event unhashable;  // random: true (Filebeat's default) -> a random partition, still delivered
  for (AckToken t = 11; t <= 40; ++t) out.publish(unhashable, "{}", t);
  f.waitForAcks(out, 40);
  for (const auto& [token, ok] : f.acks) EXPECT_TRUE(ok) << token;
  EXPECT_EQ(f.kafka.highWatermark(topic, 0) + f.kafka.highWatermark(topic, 1) + f.kafka.highWatermark(topic, 2), 40);
  EXPECT_GT(f.kafka.highWatermark(topic, 0), 0);
}

TEST(KafkaOutputPartition, UnhashableEventsAreDroppedWithRandomFalse) {
  Fixture f;
  const std::string topic = "by-fields-strict";
  KafkaOutput& out = f.start(topic, false);
  Event missing;
  Event foobar;
  foobar.setString("fields.app", "foobar");
  out.publish(missing, "{}", 1);
  out.publish(foobar, "{}", 2);
  f.waitForAcks(out, 2);
  EXPECT_FALSE(f.acks.at(1));
  EXPECT_TRUE(f.acks.at(2));
  EXPECT_EQ(f.registry.counter("logship_tail_events_failed_total", "").value(), 1u);
  EXPECT_EQ(f.kafka.highWatermark(topic, 2), 1);
}

}  // namespace
}  // namespace logship::tail
