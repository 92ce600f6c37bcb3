#pragma once
// A librdkafka KafkaConsumer for the stash: manual commits only (enable.auto.commit=false),
// rebalance hooks so the owner can finish or abandon work of revoked partitions before they go,
// pause/resume for backpressure, and topic patterns (RE2, re-checked periodically) resolved from
// cluster metadata.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <librdkafka/rdkafkacpp.h>
#include <re2/re2.h>

#include "logship/kafka/client_config.h"
#include "logship/kafka/offset_tracker.h"

namespace logship::kafka {

struct TopicPartitionRef {
  std::string topic;
  int32_t partition;
};

struct ConsumerOptions {
  Properties props;  // bootstrap.servers, group.id, ... (passthrough applied last)
  std::vector<std::string> topics;
  std::string topics_pattern;  // RE2, partial match as Go's MatchString
  std::chrono::milliseconds topics_refresh{30000};
};

struct ConsumerHooks {
  std::function<void(const std::vector<TopicPartitionRef>&)> assigned;
  std::function<void(const std::vector<TopicPartitionRef>&)> revoked;  // before the partitions go
  std::function<void(bool reachable)> reachability;
};

class Consumer {
 public:
  Consumer(ConsumerOptions options, ConsumerHooks hooks);
  ~Consumer();

  // Creates the client and subscribes. Throws Error on bad configuration.
  void start();
  // One message or event (nullptr on timeout). Rebalance hooks run inside.
  std::unique_ptr<RdKafka::Message> consume(int timeout_ms);
  // Re-resolves TopicsPattern when due; resubscribes when the set changed.
  void maybeRefreshTopics(std::chrono::steady_clock::time_point now);
  // A metadata request: true when a broker answered within `timeout` (reports reachability).
  // Used while Kafka is marked unreachable, because an idle topic delivers no message that
  // would prove the brokers are back.
  bool probe(std::chrono::milliseconds timeout);
  void pause();
  void resume();
  bool paused() const { return paused_; }
  void commit(const std::vector<CommitPoint>& points, bool sync);
  // High watermark minus the position, per assigned partition (cached values, no round trip).
  void lag(const std::function<void(const std::string&, int32_t, int64_t)>& fn);
  void close();
  RdKafka::KafkaConsumer* raw() { return consumer_.get(); }

  // Topics among `all` that `pattern` matches (internal `__` topics excluded), sorted.
  static std::vector<std::string> matchTopics(const RE2& pattern, const std::vector<std::string>& all);

 private:
  class Rebalance;
  class Events;
  std::vector<std::string> resolveTopics();
  void subscribe(const std::vector<std::string>& topics);

  ConsumerOptions options_;
  ConsumerHooks hooks_;
  std::unique_ptr<Rebalance> rebalance_;
  std::unique_ptr<Events> events_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::unique_ptr<RE2> pattern_;
  std::vector<std::string> subscribed_;
  std::chrono::steady_clock::time_point next_refresh_{};
  bool paused_ = false;
  bool closed_ = false;
};

}  // namespace logship::kafka
