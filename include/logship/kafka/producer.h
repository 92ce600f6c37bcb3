#pragma once
// A thin librdkafka producer: produce with an opaque, delivery reports through a callback served
// by poll() on the caller's thread, and a metadata probe that explains why nothing is delivered
// (brokers unreachable vs topic missing). Retry policy lives with the caller (outcome.h).
// Partitions are chosen by Filebeat's partitioners (partitioner.h) when a PartitionConfig is given.
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include "logship/common/time_source.h"
#include "logship/kafka/client_config.h"
#include "logship/kafka/partitioner.h"

namespace logship::kafka {

struct DeliveryReport {
  void* opaque = nullptr;
  RdKafka::ErrorCode err = RdKafka::ERR_NO_ERROR;
  std::string_view topic;  // failed deliveries only (err != ERR_NO_ERROR)
  std::string_view key;
  std::string_view payload;  // valid only during the callback
  int32_t partition = -1;
  int64_t offset = -1;
  int64_t timestamp_ms = 0;                // the message's timestamp as produced
  int64_t latency_us = 0;                  // from produce() to this report (librdkafka's measure)
  std::optional<uint32_t> partition_hash;  // as given to produce() (PartitionConfig::hash_from_message)
};

class Producer {
 public:
  using DeliveryFn = std::function<void(const DeliveryReport&)>;

  // Throws Error(kConfigInvalid) for rejected properties, Error(kKafkaFatal) when the client
  // cannot be created. `partition`: Filebeat's partitioning on every topic (a Partitioner per
  // topic handle); null: librdkafka's `partitioner` property decides. `time`: the partitioners' clock.
  Producer(const Properties& props, DeliveryFn on_delivery, const PartitionConfig* partition = nullptr,
           TimeSource& time = RealTimeSource::instance());
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Copies key and payload. `timestamp_ms`: the Kafka message timestamp (0: now, taken by
  // librdkafka). Returns ERR_NO_ERROR or the immediate error (queue full, message too large,
  // unknown topic when known not to exist). `partition_hash` (only with hash_from_message): what
  // the hash partitioner maps to a partition instead of the key; none: a random partition.
  // `partition`: an explicit partition (the partitioner is not asked), or RD_KAFKA_PARTITION_UA.
  RdKafka::ErrorCode produce(const std::string& topic, std::string_view key, std::string_view payload, void* opaque,
                             int64_t timestamp_ms = 0, std::optional<uint32_t> partition_hash = std::nullopt,
                             int32_t partition = RD_KAFKA_PARTITION_UA);
  // Serves delivery reports; returns the number served.
  int poll(int timeout_ms);
  // Empty when `topic` exists and has partitions; otherwise why not (for error logs).
  std::string probeTopic(const std::string& topic, int timeout_ms);
  const std::string& brokers() const { return brokers_; }

 private:
  // Producing by name makes librdkafka look the topic up under a lock for every message; handles
  // are kept per name instead (a sidecar writes to a handful of topics).
  rd_kafka_topic_t* topicHandle(const std::string& topic);

  // With hash_from_message the message opaque is a pooled HashedMessage wrapping the caller's
  // (taken in produce(), given back when its delivery report is served: both on the caller's
  // thread); the partitioner only reads it.
  HashedMessage* wrap(void* opaque, std::optional<uint32_t> hash);
  void release(HashedMessage* m) { free_hashed_.push_back(m); }

  class DrCb;
  struct TopicDeleter {
    void operator()(rd_kafka_topic_t* t) const { rd_kafka_topic_destroy(t); }
  };
  std::unique_ptr<DrCb> dr_;
  TimeSource& time_;
  std::optional<PartitionConfig> partition_;
  // Declared before producer_: they outlive librdkafka's threads, which may still call the
  // partitioner or hold opaques until the client is destroyed. front(): the default topic conf's.
  std::deque<Partitioner> partitioners_;
  std::deque<HashedMessage> hashed_;
  std::vector<HashedMessage*> free_hashed_;
  std::unique_ptr<RdKafka::Producer> producer_;
  // Declared after producer_: destroyed before it. Created with the C API so that each topic's
  // opaque is its own Partitioner (the C++ Topic::create replaces the topic opaque).
  std::unordered_map<std::string, std::unique_ptr<rd_kafka_topic_t, TopicDeleter>> topics_;
  const std::string* last_topic_name_ = nullptr;
  rd_kafka_topic_t* last_topic_ = nullptr;
  std::string brokers_;
};

}  // namespace logship::kafka
