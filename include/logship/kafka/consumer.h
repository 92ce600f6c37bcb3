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

#include "logship/common/time_source.h"
#include "logship/kafka/client_config.h"
#include "logship/kafka/fetch_waker.h"
#include "logship/kafka/message_source.h"
#include "logship/kafka/offset_tracker.h"

namespace logship::kafka {

struct ConsumerOptions {
  Properties props;  // bootstrap.servers, group.id, ... (passthrough applied last)
  std::vector<std::string> topics;
  std::string topics_pattern;  // RE2, partial match as Go's MatchString
  std::chrono::milliseconds topics_refresh{30000};
};

class Consumer final : public MessageSource {
 public:
  // TopicsRefresh is scheduled on `time`.
  Consumer(ConsumerOptions options, ConsumerHooks hooks, TimeSource& time = RealTimeSource::instance());
  ~Consumer() override;

  // Creates the client and subscribes. Throws Error on bad configuration.
  void start() override;
  // One message or error (false on timeout or partition EOF). Rebalance hooks run inside.
  bool poll(int timeout_ms, PolledMessage& out) override;
  // Re-resolves TopicsPattern when due; resubscribes when the set changed.
  void maybeRefreshTopics(std::chrono::steady_clock::time_point now) override;
  // A metadata request: true when a broker answered within `timeout` (reports reachability).
  // Used while Kafka is marked unreachable, because an idle topic delivers no message that
  // would prove the brokers are back.
  bool probe(std::chrono::milliseconds timeout) override;
  void pause() override;
  void resume() override;
  bool paused() const override { return paused_; }
  void commit(const std::vector<CommitPoint>& points, bool sync) override;
  void lag(const std::function<void(const std::string&, int32_t, int64_t)>& fn) override;
  void close() override;

  // Topics among `all` that `pattern` matches (internal `__` topics excluded), sorted.
  static std::vector<std::string> matchTopics(const RE2& pattern, const std::vector<std::string>& all);

 private:
  class Rebalance;
  class Events;
  std::vector<std::string> resolveTopics();
  void subscribe(const std::vector<std::string>& topics);

  ConsumerOptions options_;
  ConsumerHooks hooks_;
  TimeSource& time_;
  std::unique_ptr<Rebalance> rebalance_;
  std::unique_ptr<Events> events_;
  std::unique_ptr<RdKafka::KafkaConsumer> consumer_;
  std::unique_ptr<FetchWaker> waker_;  // uses consumer_: declared after it, stopped in close()
  // What the views of the last poll point into. Declared after consumer_ so that it is destroyed
  // first: a message outliving its client makes rd_kafka_destroy wait forever.
  std::unique_ptr<RdKafka::Message> last_;
  std::unique_ptr<RE2> pattern_;
  std::vector<std::string> subscribed_;
  std::chrono::steady_clock::time_point next_refresh_{};
  bool paused_ = false;
  bool closed_ = false;
};

}  // namespace logship::kafka
