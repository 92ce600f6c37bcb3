#pragma once
// What the stash's cluster runner needs from a Kafka consumer, as an interface: kafka::Consumer is
// the real one (librdkafka), tests script their own. Rebalance events reach the owner through
// ConsumerHooks, called from inside poll() on the polling thread, before the partitions go.
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "logship/kafka/offset_tracker.h"

namespace logship::kafka {

struct TopicPartitionRef {
  std::string topic;
  int32_t partition;
};

struct ConsumerHooks {
  std::function<void(const std::vector<TopicPartitionRef>&)> assigned;
  std::function<void(const std::vector<TopicPartitionRef>&)> revoked;  // before the partitions go
  std::function<void(bool reachable)> reachability;
};

// One polled message or consumer error. The views stay valid until the next poll().
struct PolledMessage {
  int error = 0;  // rd_kafka_resp_err_t; 0: a message
  std::string_view topic;
  int32_t partition = -1;
  int64_t offset = -1;
  int64_t timestamp_ms = 0;  // the message's timestamp (logship-tail: the event's @timestamp); 0: none
  std::string_view value;
  std::string error_text;  // when error != 0
};

class MessageSource {
 public:
  virtual ~MessageSource() = default;
  // Connects and subscribes. Throws Error on bad configuration.
  virtual void start() = 0;
  // A message or an error within `timeout_ms`; false when there was none (timeout, EOF).
  virtual bool poll(int timeout_ms, PolledMessage& out) = 0;
  virtual void pause() = 0;
  virtual void resume() = 0;
  virtual bool paused() const = 0;
  virtual void commit(const std::vector<CommitPoint>& points, bool sync) = 0;
  // High watermark minus the position, per assigned partition (cached values, no round trip).
  virtual void lag(const std::function<void(const std::string&, int32_t, int64_t)>& fn) = 0;
  // Periodic work (re-resolving TopicsPattern), called about every CommitInterval.
  virtual void maybeRefreshTopics(std::chrono::steady_clock::time_point now) = 0;
  // A metadata request: true when a broker answered within `timeout` (reports reachability).
  virtual bool probe(std::chrono::milliseconds timeout) = 0;
  virtual void close() = 0;
};

}  // namespace logship::kafka
