#pragma once
// Batches documents into `_bulk` requests of at most MaxChunkBytes, sends up to MaxInFlight at a
// time, and retries with exponential backoff and jitter: the whole request on connection errors,
// 429 and 5xx; single items that answer 429/5xx. A whole request refused (413, 400) is halved at
// once, without back-off, until the refused single items remain. Items Elasticsearch rejects for
// good go to the dead-letter callback with their error. Every item ends in exactly one of: acknowledged
// (onDone), or abandoned at shutdown (never acknowledged, so never committed).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "logship/common/backoff.h"
#include "logship/common/metrics.h"
#include "logship/common/time_source.h"
#include "logship/es/bulk_batch.h"
#include "logship/es/bulk_response.h"
#include "logship/es/es_client.h"

namespace logship::es {

struct FailedItem {
  ItemTag tag;
  std::string index;
  std::string id;
  std::string doc;
  int status = 0;
  std::string error_type;
  std::string error_reason;
};

struct BulkWriterOptions {
  size_t max_chunk_bytes = 15728640;
  int max_in_flight = 4;
  // Bytes of bodies queued or in flight at which overloaded() turns true (0: only the count,
  // 2 x max_in_flight, bounds them). With the open body this bounds the writer's buffers.
  size_t max_pending_bytes = 0;
  std::chrono::milliseconds flush_interval{500};
  bool compress = false;
  std::string doc_type;  // empty: none sent
  std::chrono::milliseconds backoff_initial{200};
  std::chrono::milliseconds backoff_max{30000};
  std::string cluster = "default";    // metrics label
  BackoffSchedule::Uniform01 random;  // jitter source of the back-off schedules (empty: a PRNG)
};

// The writer's series, registered together (label cluster).
struct BulkWriterMetrics {
  metrics::Counter* requests = nullptr;
  metrics::Counter* indexed = nullptr;
  metrics::Counter* duplicates = nullptr;
  metrics::Counter* retried_items = nullptr;
  metrics::Counter* retried_requests = nullptr;
  metrics::Counter* dead_lettered = nullptr;  // reason="rejected"
  metrics::Counter* bytes = nullptr;
  metrics::Histogram* latency = nullptr;
  static BulkWriterMetrics in(metrics::Registry& registry, const std::string& cluster);
  // The one declaration of logship_stash_dead_lettered_total; the writer counts reason "rejected",
  // the cluster runner "invalid_json".
  static metrics::Counter& deadLettered(metrics::Registry& registry, const std::string& cluster,
                                        const std::string& reason);
};

struct BulkCallbacks {
  // Items that are in Elasticsearch (created, or 409: already there) or dead-lettered.
  std::function<void(const std::vector<ItemTag>&)> on_done;
  // Persist permanently rejected items; return false to have them offered again after a backoff.
  std::function<bool(const std::vector<FailedItem>&)> dead_letter;
  // Every answer to a bulk request (or its absence), for /healthz: es::describeProblem tells
  // whether it shows the cluster usable.
  std::function<void(const HttpResult&)> on_answer;
};

class BulkWriter {
 public:
  // Back-off waits, FlushInterval and latencies are measured on `time`. drain()'s deadline is a
  // bound on waiting for the sender threads, on the steady clock.
  BulkWriter(BulkWriterOptions options, BulkTransport& transport, BulkCallbacks callbacks, metrics::Registry& registry,
             TimeSource& time = RealTimeSource::instance());
  ~BulkWriter();

  // Called by one producer thread (the consumer loop).
  void add(std::string_view index, std::string_view id, std::string_view doc, ItemTag tag);
  // Sends the open batch when FlushInterval has passed since its first item.
  void maybeFlush(std::chrono::steady_clock::time_point now);
  // Sends the open batch now.
  void flush();
  // True when MaxInFlight requests are out and as many wait, or their bodies reach
  // max_pending_bytes: stop consuming.
  bool overloaded() const;
  // Waits up to `d` (on the time source) for overloaded() to turn false; returns overloaded().
  bool waitUntilNotOverloaded(std::chrono::milliseconds d);
  // Items added but not yet acknowledged or abandoned.
  size_t pendingItems() const { return pending_items_.load(); }
  // Waits until everything is acknowledged or `deadline` passes; then stops the senders (what is
  // left is abandoned, unacknowledged). Returns true when nothing was abandoned.
  bool drain(std::chrono::steady_clock::time_point deadline);

 private:
  using BatchPtr = std::unique_ptr<BulkBatch>;
  // How an answer to a whole request is handled.
  enum class Answer { kRetry, kRefused, kItems };
  void senderLoop();
  // Sends one batch until every item is settled, halving refused requests.
  void send(BatchPtr batch);
  Answer classify(const HttpResult& r, BulkResponse& parsed);
  // A whole request to send again after the next back-off delay.
  void retryLater(const HttpResult& r, const BulkBatch& batch, BackoffSchedule& backoff);
  // The single item left of a refused request: the answer becomes its (permanent) error.
  void refusedItem(const HttpResult& r, const BulkBatch& batch, BulkResponse& parsed);
  // Splits a refused batch: returns the first half, queues the second in `work`.
  BatchPtr halve(const HttpResult& r, BatchPtr batch, std::vector<BatchPtr>& work);
  // Applies an answer item by item: acknowledges, dead-letters, and returns the items to send
  // again (nullptr when none are left).
  BatchPtr settle(BatchPtr batch, const BulkResponse& parsed, BackoffSchedule& backoff);
  // Hands permanently rejected items to the dead letter (retrying while it is unavailable); those
  // written are added to `done` (unless abandoned meanwhile).
  void deadLetter(const std::vector<FailedItem>& failed, std::vector<ItemTag>& done);
  BackoffSchedule schedule() const;
  bool overloadedLocked() const;
  BatchPtr acquire();
  void release(BatchPtr b);
  bool sleepUnlessStopped(std::chrono::milliseconds d);

  BulkWriterOptions options_;
  BulkTransport& transport_;
  BulkCallbacks callbacks_;
  TimeSource& time_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<BatchPtr> queue_;
  std::vector<BatchPtr> pool_;
  int in_flight_ = 0;
  size_t pending_bytes_ = 0;  // bodies queued or in flight
  bool stopping_ = false;
  std::atomic<bool> abandon_{false};
  std::atomic<size_t> pending_items_{0};
  BatchPtr open_;
  std::chrono::steady_clock::time_point open_since_;
  std::vector<std::thread> senders_;

  BulkWriterMetrics metrics_;
};

}  // namespace logship::es
