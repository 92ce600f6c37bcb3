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
// check) in a third, the queue plus a 16x-decompressed response in two thirds.
void expectWithinBudget(const MemoryBudget& b) {
  const int64_t bulk = b.max_memory / 3;
  EXPECT_LE(static_cast<int64_t>(2 * b.chunk_bytes + b.bulk_pending_bytes), bulk);
  EXPECT_LE(b.queued_max_kbytes * 1024 + b.fetch_max_bytes * 16, b.max_memory - bulk);
}

TEST(MemoryBudget, DefaultIsFourChunksOfGoStash) {
  const auto es = esDefaults();
  EXPECT_EQ(defaultMaxMemory(15728640), 60 * kMiB);
  EXPECT_EQ(defaultMaxMemory(1024), 16 * kMiB);  // a floor for tiny chunks
  const MemoryBudget b = sizeMemory(es);
  EXPECT_EQ(b.max_memory, 60 * kMiB);
  // A third (20 MiB) for bodies: MaxInFlight (4) + 2 of them.
  EXPECT_EQ(b.chunk_bytes, static_cast<size_t>(20 * kMiB / 6));
  EXPECT_EQ(b.bulk_pending_bytes, static_cast<size_t>(20 * kMiB - 2 * (20 * kMiB / 6)));
  // Two thirds (40 MiB) for the pre-fetch: half the queue, 1/32 one compressed response.
  EXPECT_EQ(b.queued_max_kbytes, 20 * 1024);
  EXPECT_EQ(b.queued_min_messages, 20 * kMiB / 512);
  EXPECT_EQ(b.fetch_max_bytes, 40 * kMiB / 32);
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
  EXPECT_EQ(b.chunk_bytes, static_cast<size_t>(20 * kMiB / 8));  // 4 + 2 + 4/2 slots
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
