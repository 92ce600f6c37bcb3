#pragma once
// output.kafka: topic/key format strings, the Producer, and the delivery policy:
//  - success -> ack(ok)
//  - retriable error (timeout, brokers down, unknown topic) -> the message is produced again
//    after a back-off; nothing is dropped
//  - permanent error (MSG_SIZE_TOO_LARGE, invalid message) -> counted, logged, ack(failed)
// While nothing is delivered, a clear error naming the topic and brokers is logged every few
// seconds. Runs on the caller's thread (poll()).
#include <atomic>
#include <chrono>
#include <deque>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "logship/common/metrics.h"
#include "logship/common/time_source.h"
#include "logship/kafka/producer.h"
#include "logship/tail/format_string.h"
#include "logship/tail/output.h"
#include "logship/tail/tail_config.h"

namespace logship::tail {

struct KafkaOutputMetrics {
  metrics::Counter* acked = nullptr;    // OutputMetrics::acked
  metrics::Counter* failed = nullptr;   // permanent errors, unresolvable topics, unhashable fields
  metrics::Counter* retried = nullptr;  // retriable errors, produced again
  // From the event's read time to Kafka's ack: the event is produced as soon as it is read and
  // processed, so this is librdkafka's produce-to-report time, or since the first attempt when retried.
  metrics::Histogram* ack_latency = nullptr;
  static KafkaOutputMetrics in(metrics::Registry& registry);
  // logship_tail_kafka_queue_depth: `in_flight` read when scraped (it must outlive the registry's use).
  // logship_tail_kafka_queue_bytes: `bytes` likewise.
  static void queueDepth(metrics::Registry& registry, const std::atomic<size_t>& in_flight,
                         const std::atomic<size_t>& bytes);
};

class KafkaOutput : public Output {
 public:
  using Clock = std::chrono::steady_clock;
  // `time`: retry due times, the stall report and the unhealthy_after threshold (also handed to
  // the partitioners for reachable_only's TTL).
  KafkaOutput(const KafkaOutputConfig& config, AckFn on_ack, metrics::Registry& metrics,
              TimeSource& time = RealTimeSource::instance());
  ~KafkaOutput() override;

  void publish(const Event& event, std::string_view payload, AckToken token) override;
  void poll(std::chrono::milliseconds wait) override;
  size_t queued() const override { return in_flight_; }
  bool full() const override { return queued_bytes_ >= max_queued_bytes_; }
  // queue.mem.bytes: reading pauses while this many encoded bytes wait for Kafka's ack.
  void setMaxQueuedBytes(size_t bytes) { max_queued_bytes_ = bytes; }
  bool healthy() const override;
  void setUnhealthyAfter(std::chrono::milliseconds d) { unhealthy_after_ = d; }
  std::chrono::milliseconds retryBackoff() const { return retry_backoff_; }

 private:
  struct Retry {
    std::string topic, key, payload;
    AckToken token;
    int64_t timestamp_ms;
    Clock::time_point due;
    std::optional<uint32_t> partition_hash;
  };
  void onDelivery(const kafka::DeliveryReport& r);
  void produceOrQueue(const std::string& topic, std::string_view key, std::string_view payload, AckToken token,
                      int64_t timestamp_ms, std::optional<uint32_t> partition_hash);
  void fail(AckToken token, const std::string& topic, RdKafka::ErrorCode err, size_t bytes);
  void observeAckLatency(AckToken token, int64_t latency_us);
  void reportStall(Clock::time_point now);

  const KafkaOutputConfig& config_;
  AckFn on_ack_;
  TimeSource& time_;
  std::vector<std::pair<FormatString, std::shared_ptr<const Condition>>> rules_;
  FormatString topic_;
  FormatString key_;
  std::unique_ptr<kafka::Producer> producer_;
  std::deque<Retry> retries_;
  // When each retried event was first produced (only retried ones: the common path adds nothing).
  std::unordered_map<AckToken, Clock::time_point> retried_since_;
  std::atomic<size_t> in_flight_{0};     // read by the admin thread too
  std::atomic<size_t> queued_bytes_{0};  // payload bytes of the in_flight_ events (admin thread too)
  size_t max_queued_bytes_ = std::numeric_limits<size_t>::max();
  std::string topic_buf_, key_buf_, hash_scratch_;
  std::string last_topic_;
  std::string last_error_;
  std::atomic<int64_t> last_progress_ns_;
  Clock::time_point lastProgress() const { return Clock::time_point(Clock::duration(last_progress_ns_.load())); }
  void markProgress(Clock::time_point t) { last_progress_ns_.store(t.time_since_epoch().count()); }
  Clock::time_point last_stall_log_{};
  bool acked_in_poll_ = false;
  std::chrono::milliseconds unhealthy_after_{30000};
  std::chrono::milliseconds retry_backoff_{1000};
  KafkaOutputMetrics metrics_;
};

// partition.hash.hash: FNV-1a 32 over the listed fields' values as Filebeat hashes them (strings as
// their bytes, numbers and booleans as their decoded Go values, see kafka::hashJsonValue); none
// when a field is missing or not hashable (null, object, array). `scratch` holds unescaped text.
std::optional<uint32_t> partitionHash(const Event& event, const std::vector<std::string>& fields, std::string& scratch);

// output.console: one JSON document per line on stdout (acked when written).
class ConsoleOutput : public Output {
 public:
  ConsoleOutput(std::FILE* out, AckFn on_ack, metrics::Registry& metrics);
  void publish(const Event& event, std::string_view payload, AckToken token) override;
  void poll(std::chrono::milliseconds wait) override;
  size_t queued() const override { return 0; }

 private:
  std::FILE* out_;
  AckFn on_ack_;
  OutputMetrics metrics_;
};

}  // namespace logship::tail
