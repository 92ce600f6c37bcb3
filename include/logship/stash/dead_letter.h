#pragma once
// Where messages go that can never be indexed: documents Elasticsearch rejects for good (mapping
// conflicts, ...) and Kafka values that are not JSON objects. One NDJSON record per message,
// written to a file or a Kafka topic, with the error and the message's Kafka coordinates.
// write() returns only once the records are durable (file flushed / Kafka acknowledged).
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include <librdkafka/rdkafkacpp.h>

#include "logship/common/time_source.h"
#include "logship/kafka/client_config.h"

namespace logship::stash {

struct DeadLetterRecord {
  std::string reason;  // "rejected" (by Elasticsearch) or "invalid_json"
  std::string cluster;
  std::string topic;
  int32_t partition = -1;
  int64_t offset = -1;
  std::string index;  // escaped as in the bulk action
  std::string id;     // escaped as in the bulk action
  int status = 0;
  std::string error_type;
  std::string error_reason;
  std::string doc;  // the JSON document (reason "rejected")
  std::string raw;  // the raw value (reason "invalid_json")
};

// One NDJSON record (without the newline); `at` is its @timestamp.
std::string formatDeadLetter(const DeadLetterRecord& r, TimeSource::SystemTime at);

class DeadLetter {
 public:
  virtual ~DeadLetter() = default;
  virtual bool write(const std::vector<DeadLetterRecord>& records) = 0;
  virtual std::string describe() const = 0;
};

class FileDeadLetter : public DeadLetter {
 public:
  explicit FileDeadLetter(std::string path, TimeSource& time = RealTimeSource::instance())
      : path_(std::move(path)), time_(time) {}
  bool write(const std::vector<DeadLetterRecord>& records) override;
  std::string describe() const override { return "file " + path_; }

 private:
  std::string path_;
  TimeSource& time_;
  std::mutex mutex_;
};

class KafkaDeadLetter : public DeadLetter {
 public:
  KafkaDeadLetter(const kafka::Properties& props, std::string topic, TimeSource& time = RealTimeSource::instance());
  ~KafkaDeadLetter() override;
  bool write(const std::vector<DeadLetterRecord>& records) override;
  std::string describe() const override { return "kafka topic " + topic_; }

 private:
  std::string topic_;
  TimeSource& time_;
  std::unique_ptr<RdKafka::Producer> producer_;
  std::mutex mutex_;
};

}  // namespace logship::stash
