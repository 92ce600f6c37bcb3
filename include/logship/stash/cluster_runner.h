#pragma once
// One `Clusters[]` entry at work: a Kafka consumer group feeding the filters and index namer into
// a bulk writer, with offsets committed only for messages that are done. Runs its own thread.
// Its collaborators (message source, bulk transport, dead letter, clock) are injected, so every
// path runs in unit tests without Kafka or Elasticsearch.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "logship/admin/admin_server.h"
#include "logship/common/lifecycle.h"
#include "logship/common/metrics.h"
#include "logship/common/time_source.h"
#include "logship/es/bulk_writer.h"
#include "logship/es/es_client.h"
#include "logship/kafka/message_source.h"
#include "logship/kafka/offset_tracker.h"
#include "logship/stash/config.h"
#include "logship/stash/dead_letter.h"
#include "logship/stash/pipeline.h"

namespace logship::stash {

// librdkafka properties for a cluster's consumer (go-stash keys, the pre-fetch bounds of its
// MaxMemory, then the passthrough).
kafka::Properties consumerProperties(const ClusterConfig& c);
std::unique_ptr<DeadLetter> makeDeadLetter(const ClusterConfig& c, TimeSource& time = RealTimeSource::instance());

// What a ClusterRunner works with.
struct ClusterSeams {
  TimeSource* time = &RealTimeSource::instance();  // back-off, intervals, health thresholds
  std::shared_ptr<es::BulkTransport> transport;    // `_bulk` requests
  // Asked until it answers; fills its argument with the failed answer when it does not.
  std::function<std::optional<es::EsVersion>(es::HttpResult&)> es_version;
  // Built once Elasticsearch answered; the hooks run inside its poll().
  std::function<std::unique_ptr<kafka::MessageSource>(kafka::ConsumerHooks)> source;
  std::function<std::unique_ptr<DeadLetter>()> dead_letter;
  // A problem no retry can fix (librdkafka refused to create the consumer from this config): the
  // daemon stops and exits 2. Unset: the runner only logs it and reports Kafka unreachable.
  std::function<void(const std::string& why)> fatal;
};

// The real ones: an EsClient, a kafka::Consumer and the configured dead letter.
ClusterSeams realSeams(const ClusterConfig& c, TimeSource& time = RealTimeSource::instance());

// The runner's series, registered together (label cluster).
struct ClusterRunnerMetrics {
  metrics::Counter* consumed = nullptr;
  std::vector<metrics::Counter*> dropped;  // per filter of Filters[] (nullptr unless drop), label filter="Filters[i]"
  metrics::Counter* invalid = nullptr;
  metrics::Counter* dead_invalid = nullptr;  // dead_lettered_total{reason="invalid_json"}
  metrics::Counter* consume_errors = nullptr;
  // Messages of a partition this member does not own (delivered after its revoke): left unread,
  // the partition's owner reads them.
  metrics::Counter* unassigned = nullptr;
  metrics::Gauge* pending = nullptr;
  metrics::Gauge* paused = nullptr;
  // From the event's read time (the Kafka message timestamp logship-tail and Filebeat set to the
  // event's @timestamp) to Elasticsearch's answer; dead-lettered items are not counted.
  metrics::Histogram* index_latency = nullptr;
  static ClusterRunnerMetrics in(metrics::Registry& registry, const ClusterConfig& config);
  // Per assigned partition, registered when first seen.
  static metrics::Gauge& lag(metrics::Registry& registry, const std::string& cluster, const std::string& topic,
                             int32_t partition);
};

class ClusterRunner {
 public:
  ClusterRunner(const ClusterConfig& config, metrics::Registry& registry, std::chrono::milliseconds unhealthy_after);
  ClusterRunner(const ClusterConfig& config, metrics::Registry& registry, std::chrono::milliseconds unhealthy_after,
                ClusterSeams seams);
  ~ClusterRunner();

  // Starts the thread (it waits for Elasticsearch's version, then consumes).
  void start();
  // Stops consuming, flushes within `deadline` (steady clock: a bound on waiting for the bulk
  // senders), commits what is done, closes the consumer.
  void stop(std::chrono::steady_clock::time_point deadline);
  std::vector<admin::HealthCheck> healthChecks();
  const std::string& name() const { return config_.name; }

 private:
  void run();
  bool connectEs();
  void handle(const kafka::PolledMessage& msg);
  // Backpressure: whether to poll now (false: the writer is overloaded and a short wait was made).
  bool readyToPoll();
  void deadLetterInvalid(const kafka::PolledMessage& msg);
  void onRevoked(const std::vector<kafka::TopicPartitionRef>& parts);
  void commitTick(bool sync);
  void setReachable(std::atomic<int64_t>& since, bool ok);
  int64_t monotonicMs() const;
  admin::HealthStatus health(const std::atomic<int64_t>& since, ErrorCode code, const char* what,
                             const std::string& why = {}) const;
  // Reachability of Elasticsearch and, when it is not, why (es_problem_).
  void noteEsAnswer(const es::HttpResult& r);

  ClusterConfig config_;
  metrics::Registry& registry_;
  std::chrono::milliseconds unhealthy_after_;
  ClusterSeams seams_;
  TimeSource& time_;
  ShutdownSignal stop_;
  std::atomic<std::chrono::steady_clock::time_point> deadline_{std::chrono::steady_clock::time_point::max()};
  std::optional<std::chrono::steady_clock::time_point> overloaded_since_;  // on time_
  std::thread thread_;

  std::unique_ptr<DeadLetter> dead_letter_;
  kafka::OffsetTracker tracker_;
  std::unique_ptr<es::BulkWriter> writer_;
  std::unique_ptr<kafka::MessageSource> consumer_;
  Processor processor_;
  std::string doc_;
  std::string id_;
  // The last partition's handle (messages come in runs from one partition).
  std::string cached_topic_;
  int32_t cached_partition_ = -1;
  kafka::OffsetTracker::Handle cached_handle_{};
  bool cached_valid_ = false;
  // Signalled when the writer acknowledged something (a revoke waits for its partitions).
  std::mutex done_mutex_;
  std::condition_variable done_cv_;

  std::atomic<int64_t> es_down_since_{0};  // monotonic ms; 0: reachable
  mutable std::mutex es_problem_mu_;
  es::EsProblem es_problem_;  // why es_down_since_ is set
  std::atomic<int64_t> kafka_down_since_{0};
  // librdkafka reported a fatal consumer error (e.g. fenced by a static member with the same
  // group.instance.id): the consumer is unusable, /healthz says so until the stash is restarted.
  std::atomic<bool> kafka_fatal_{false};

  ClusterRunnerMetrics metrics_;
};

}  // namespace logship::stash
