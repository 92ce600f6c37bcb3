// MaxMemory: the sizing formula, and that each bound reaches librdkafka's properties and the bulk
// writer's options.
#include "logship/stash/memory_budget.h"

#include <gtest/gtest.h>

#include "logship/stash/cluster_runner.h"
#include "logship/stash/config.h"
#include "support/paths.h"

namespace logship::stash {
namespace {

constexpr int64_t kMiB = 1024 * 1024;

EsOutputConfig esDefaults() { return EsOutputConfig{}; }

// Every part stays inside its share: bodies (open + queued-before-pausing + one flushed past the
// check) in a third; in the other two thirds the queue takes half and one compressed response 1/32
// (unless that is below librdkafka's 1 MiB floor).
void expectWithinBudget(const MemoryBudget& b) {
  const int64_t bulk = b.max_memory / 3;
  const int64_t prefetch = b.max_memory - bulk;
  EXPECT_LE(static_cast<int64_t>(2 * b.chunk_bytes + b.bulk_pending_bytes), bulk);
  EXPECT_LE(b.queued_max_kbytes * 1024, prefetch / 2);
  EXPECT_TRUE(b.fetch_max_bytes == kMiB || b.fetch_max_bytes * 32 <= prefetch) << b.fetch_max_bytes;
}

TEST(MemoryBudget, DefaultIsThreeChunksOfGoStash) {
  const auto es = esDefaults();
  EXPECT_EQ(defaultMaxMemory(15728640), 45 * kMiB);
  EXPECT_EQ(defaultMaxMemory(1024), 16 * kMiB);  // a floor for tiny chunks
  const MemoryBudget b = sizeMemory(es);
  EXPECT_EQ(b.max_memory, 45 * kMiB);
  // A third (15 MiB) for bodies: MaxInFlight (4) + 2 of them.
  EXPECT_EQ(b.chunk_bytes, static_cast<size_t>(15 * kMiB / 6));
  EXPECT_EQ(b.bulk_pending_bytes, static_cast<size_t>(15 * kMiB - 2 * (15 * kMiB / 6)));
  // Two thirds (30 MiB) for the pre-fetch: half the queue; a response gets 1/32, here the 1 MiB floor.
  EXPECT_EQ(b.queued_max_kbytes, 15 * 1024);
  EXPECT_EQ(b.queued_min_messages, 15 * kMiB / 512);
  EXPECT_EQ(b.fetch_max_bytes, kMiB);
  expectWithinBudget(b);
}

TEST(MemoryBudget, ChunksNeverExceedMaxChunkBytesAndScaleWithTheBudget) {
  auto es = esDefaults();
  es.max_memory = 512 * kMiB;
  MemoryBudget b = sizeMemory(es);
  EXPECT_EQ(b.chunk_bytes, 15728640u);  // MaxChunkBytes stays the upper bound
  EXPECT_EQ(b.fetch_max_bytes, (512 * kMiB - 512 * kMiB / 3) / 32);
  expectWithinBudget(b);
  es.max_memory = 24 * kMiB;
  es.max_in_flight = 2;
  b = sizeMemory(es);
  EXPECT_EQ(b.chunk_bytes, static_cast<size_t>(8 * kMiB / 4));
  EXPECT_EQ(b.fetch_max_bytes, kMiB);  // librdkafka's floor (message.max.bytes)
  EXPECT_EQ(b.queued_max_kbytes, 8 * 1024);
}

TEST(MemoryBudget, CompressLeavesRoomForTheGzipCopies) {
  auto es = esDefaults();
  const size_t plain = sizeMemory(es).chunk_bytes;
  es.compress = true;
  const MemoryBudget b = sizeMemory(es);
  EXPECT_EQ(b.chunk_bytes, static_cast<size_t>(15 * kMiB / 8));  // 4 + 2 + 4/2 slots
  EXPECT_LT(b.chunk_bytes, plain);
  expectWithinBudget(b);
}

TEST(MemoryBudget, BoundsReachLibrdkafkaAndUserPropertiesWin) {
  ClusterConfig c;
  c.kafka.brokers = {"k:9092"};
  c.kafka.group = "g";
  c.es.max_memory = 96 * kMiB;
  const MemoryBudget b = sizeMemory(c.es);
  auto props = consumerProperties(c);
  EXPECT_EQ(props.at("queued.max.messages.kbytes"), std::to_string(b.queued_max_kbytes));
  EXPECT_EQ(props.at("queued.min.messages"), std::to_string(b.queued_min_messages));
  EXPECT_EQ(props.at("fetch.max.bytes"), std::to_string(b.fetch_max_bytes));
  EXPECT_EQ(props.at("max.partition.fetch.bytes"), std::to_string(b.fetch_max_bytes));  // MaxBytes capped
  EXPECT_EQ(props.at("receive.message.max.bytes"), std::to_string(b.fetch_max_bytes + kMiB));
  c.kafka.librdkafka["queued.max.messages.kbytes"] = "65536";
  c.kafka.librdkafka["fetch.max.bytes"] = "52428800";
  props = consumerProperties(c);
  EXPECT_EQ(props.at("queued.max.messages.kbytes"), "65536");
  EXPECT_EQ(props.at("fetch.max.bytes"), "52428800");
  EXPECT_EQ(props.at("queued.min.messages"), std::to_string(b.queued_min_messages));
}

TEST(MemoryBudget, MaxMemoryIsReadFromOutputElasticSearch) {
  logship::testing::TempDir dir;
  const std::string head =
      "Clusters:\n  - Input: {Kafka: {Brokers: [k], Topics: [t], Group: g}}\n"
      "    Output: {ElasticSearch: {Hosts: [h], Index: i";
  logship::testing::writeFile(dir / "a.yml", head + ", MaxMemory: 100MiB}}\n");
  EXPECT_EQ(loadStashConfig((dir / "a.yml").string()).config.clusters[0].es.max_memory, 100 * kMiB);
  logship::testing::writeFile(dir / "b.yml", head + "}}\n");
  EXPECT_EQ(loadStashConfig((dir / "b.yml").string()).config.clusters[0].es.max_memory, 0);  // derived
  logship::testing::writeFile(dir / "c.yml", head + ", MaxMemory: 1MiB}}\n");
  try {
    loadStashConfig((dir / "c.yml").string());
    ADD_FAILURE() << "1MiB accepted";
  } catch (const config::ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("MaxMemory: must be at least 8MiB"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace logship::stash
