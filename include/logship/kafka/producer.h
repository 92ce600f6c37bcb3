#pragma once
// A thin librdkafka producer: produce with an opaque, delivery reports through a callback served
// by poll() on the caller's thread, and a metadata probe that explains why nothing is delivered
// (brokers unreachable vs topic missing). Retry policy lives with the caller (outcome.h).
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafkacpp.h>

#include "logship/kafka/client_config.h"

namespace logship::kafka {

struct DeliveryReport {
  void* opaque = nullptr;
  RdKafka::ErrorCode err = RdKafka::ERR_NO_ERROR;
  std::string_view topic;
  std::string_view key;
  std::string_view payload;  // valid only during the callback
  int32_t partition = -1;
  int64_t offset = -1;
  int64_t timestamp_ms = 0;  // the message's timestamp as produced
};

class Producer {
 public:
  using DeliveryFn = std::function<void(const DeliveryReport&)>;

  // Throws Error(kConfigInvalid) for rejected properties, Error(kKafkaFatal) when the client
  // cannot be created.
  Producer(const Properties& props, DeliveryFn on_delivery);
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;

  // Copies key and payload. `timestamp_ms`: the Kafka message timestamp (0: now, taken by
  // librdkafka). Returns ERR_NO_ERROR or the immediate error (queue full, message too large,
  // unknown topic when known not to exist).
  RdKafka::ErrorCode produce(const std::string& topic, std::string_view key, std::string_view payload, void* opaque,
                             int64_t timestamp_ms = 0);
  // Serves delivery reports; returns the number served.
  int poll(int timeout_ms);
  // Messages in librdkafka's queues (not yet reported).
  int outqLen() const;
  bool flush(int timeout_ms);
  // Empty when `topic` exists and has partitions; otherwise why not (for error logs).
  std::string probeTopic(const std::string& topic, int timeout_ms);
  const std::string& brokers() const { return brokers_; }

 private:
  // Producing by name makes librdkafka look the topic up under a lock for every message; handles
  // are kept per name instead (a sidecar writes to a handful of topics).
  rd_kafka_topic_t* topicHandle(const std::string& topic);

  class DrCb;
  std::unique_ptr<DrCb> dr_;
  std::unique_ptr<RdKafka::Producer> producer_;
  // Declared after producer_: destroyed before it.
  std::unordered_map<std::string, std::unique_ptr<RdKafka::Topic>> topics_;
  const std::string* last_topic_name_ = nullptr;
  rd_kafka_topic_t* last_topic_ = nullptr;
  std::string brokers_;
};

}  // namespace logship::kafka
