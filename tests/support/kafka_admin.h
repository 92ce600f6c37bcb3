// Test helpers: Kafka topic admin, produce and consume with librdkafka (C API).
// For tests only: simple, synchronous, throw std::runtime_error on failure.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace logship::testing {

// A unique, valid topic name: "<prefix>-<pid>-<time>-<counter>-<random>".
std::string uniqueTopic(const std::string& prefix = "logship-test");

// Creates `topic` (replication factor 1) with rd_kafka_CreateTopics, waits for
// the result and then until every partition has a leader in the metadata.
// Throws if the topic exists already (unless ok_if_exists) or on any error.
void createTopic(const std::string& bootstrap, const std::string& topic, int partitions = 3,
                 std::chrono::milliseconds timeout = std::chrono::seconds(30), bool ok_if_exists = false);

// Deletes `topic` with rd_kafka_DeleteTopics and waits until the metadata no
// longer lists it. A topic that does not exist is not an error.
void deleteTopic(const std::string& bootstrap, const std::string& topic,
                 std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Whether the broker's metadata lists `topic` (does not create it).
bool topicExists(const std::string& bootstrap, const std::string& topic,
                 std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Number of partitions of `topic`, 0 if it does not exist.
int partitionCount(const std::string& bootstrap, const std::string& topic,
                   std::chrono::milliseconds timeout = std::chrono::seconds(10));

// Sum over partitions of (high watermark - low watermark): how many messages
// the topic holds, without consuming them.
std::int64_t countMessages(const std::string& bootstrap, const std::string& topic,
                           std::chrono::milliseconds timeout = std::chrono::seconds(10));

struct KafkaMessage {
  std::string key;
  std::string value;
  std::int32_t partition = -1;
  std::int64_t offset = -1;
  std::int64_t timestamp_ms = -1;
  std::vector<std::pair<std::string, std::string>> headers;
};

// Produces `values` (each with the same optional key) and waits for every
// delivery report; throws on the first delivery error.
void produceMessages(const std::string& bootstrap, const std::string& topic, const std::vector<std::string>& values,
                     const std::string& key = "", std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Reads `topic` from the beginning of every partition (assign, no group join,
// nothing committed) until at least `expected_count` messages arrived or
// `timeout` passed; then keeps reading for `settle` more to catch extras
// (duplicates). Returns what arrived (possibly fewer than expected: check!).
std::vector<KafkaMessage> consumeMessages(const std::string& bootstrap, const std::string& topic,
                                          std::size_t expected_count, std::chrono::milliseconds timeout,
                                          std::chrono::milliseconds settle = std::chrono::milliseconds(0));

// Same as consumeMessages, values only.
std::vector<std::string> consumeAll(const std::string& bootstrap, const std::string& topic, std::size_t expected_count,
                                    std::chrono::milliseconds timeout,
                                    std::chrono::milliseconds settle = std::chrono::milliseconds(0));

// The sum over partitions 0..partitions-1 of `group`'s committed offsets on `topic` (partitions
// without a commit count as 0); -1 when the broker did not answer.
std::int64_t committedTotal(const std::string& bootstrap, const std::string& group, const std::string& topic,
                            int partitions);

}  // namespace logship::testing
