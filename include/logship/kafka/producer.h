#pragma once
// A thin librdkafka producer: produce with an opaque, delivery reports through a callback served
// by poll() on the caller's thread, and a metadata probe that explains why nothing is delivered
// (brokers unreachable vs topic missing). Retry policy lives with the caller (outcome.h).
#include <functional>
#include <memory>
#include <string>
#include <string_view>

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

  // Copies key and payload. Returns ERR_NO_ERROR or the immediate error (queue full, message too
  // large, unknown topic when known not to exist).
  RdKafka::ErrorCode produce(const std::string& topic, std::string_view key, std::string_view payload, void* opaque);
  // Serves delivery reports; returns the number served.
  int poll(int timeout_ms);
  // Messages in librdkafka's queues (not yet reported).
  int outqLen() const;
  bool flush(int timeout_ms);
  // Empty when `topic` exists and has partitions; otherwise why not (for error logs).
  std::string probeTopic(const std::string& topic, int timeout_ms);
  const std::string& brokers() const { return brokers_; }

 private:
  class DrCb;
  std::unique_ptr<DrCb> dr_;
  std::unique_ptr<RdKafka::Producer> producer_;
  std::string brokers_;
};

}  // namespace logship::kafka
