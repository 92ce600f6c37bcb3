#pragma once
// One `Clusters[]` entry at work: a Kafka consumer group feeding the filters and index namer into
// a bulk writer, with offsets committed only for messages that are done. Runs its own thread.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "logship/admin/admin_server.h"
#include "logship/common/lifecycle.h"
#include "logship/common/metrics.h"
#include "logship/es/bulk_writer.h"
#include "logship/es/es_client.h"
#include "logship/kafka/consumer.h"
#include "logship/kafka/offset_tracker.h"
#include "logship/stash/config.h"
#include "logship/stash/dead_letter.h"
#include "logship/stash/pipeline.h"

namespace logship::stash {

// librdkafka properties for a cluster's consumer (go-stash keys, then the passthrough).
kafka::Properties consumerProperties(const KafkaInputConfig& k);
std::unique_ptr<DeadLetter> makeDeadLetter(const ClusterConfig& c);

class ClusterRunner {
 public:
  ClusterRunner(const ClusterConfig& config, metrics::Registry& registry, std::chrono::milliseconds unhealthy_after);
  ~ClusterRunner();

  // Starts the thread (it waits for Elasticsearch's version, then consumes).
  void start();
  // Stops consuming, flushes within `deadline`, commits what is done, closes the consumer.
  void stop(std::chrono::steady_clock::time_point deadline);
  std::vector<admin::HealthCheck> healthChecks();
  const std::string& name() const { return config_.name; }

 private:
  void run();
  bool connectEs();
  void handle(RdKafka::Message& msg);
  void deadLetterInvalid(RdKafka::Message& msg);
  void onRevoked(const std::vector<kafka::TopicPartitionRef>& parts);
  void commitTick(bool sync);
  void setReachable(std::atomic<int64_t>& since, bool ok);
  admin::HealthStatus health(const std::atomic<int64_t>& since, ErrorCode code, const char* what) const;

  ClusterConfig config_;
  metrics::Registry& registry_;
  std::chrono::milliseconds unhealthy_after_;
  ShutdownSignal stop_;
  std::atomic<std::chrono::steady_clock::time_point> deadline_{std::chrono::steady_clock::time_point::max()};
  std::thread thread_;

  es::EsClient es_;
  std::unique_ptr<DeadLetter> dead_letter_;
  kafka::OffsetTracker tracker_;
  std::unique_ptr<es::BulkWriter> writer_;
  std::unique_ptr<kafka::Consumer> consumer_;
  Processor processor_;
  std::string doc_;
  std::string id_;
  // The last partition's handle (messages come in runs from one partition).
  std::string cached_topic_;
  int32_t cached_partition_ = -1;
  kafka::OffsetTracker::Handle cached_handle_{};
  bool cached_valid_ = false;

  std::atomic<int64_t> es_down_since_{0};     // steady ms; 0: reachable
  std::atomic<int64_t> kafka_down_since_{0};

  metrics::Counter& consumed_;
  std::vector<metrics::Counter*> dropped_;  // per filter of Filters[], label filter="Filters[i]"
  metrics::Counter& invalid_;
  metrics::Counter& dead_invalid_;
  metrics::Counter& consume_errors_;
  metrics::Gauge& pending_;
  metrics::Gauge& paused_;
};

}  // namespace logship::stash
