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

#include "logship/common/metrics.h"
#include "logship/es/bulk_batch.h"
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
  std::chrono::milliseconds flush_interval{1000};
  bool compress = false;
  std::string doc_type;  // empty: none sent
  std::chrono::milliseconds backoff_initial{200};
  std::chrono::milliseconds backoff_max{30000};
  std::string cluster = "default";  // metrics label
};

struct BulkCallbacks {
  // Items that are in Elasticsearch (created, or 409: already there) or dead-lettered.
  std::function<void(const std::vector<ItemTag>&)> on_done;
  // Persist permanently rejected items; return false to have them offered again after a backoff.
  std::function<bool(const std::vector<FailedItem>&)> dead_letter;
  // Reachability changes (for /healthz).
  std::function<void(bool reachable)> on_reachability;
};

// Backoff for attempt n (0-based): min(max, initial * 2^n), with +-25% jitter.
std::chrono::milliseconds backoffDelay(int attempt, std::chrono::milliseconds initial, std::chrono::milliseconds max);

class BulkWriter {
 public:
  BulkWriter(BulkWriterOptions options, BulkTransport& transport, BulkCallbacks callbacks,
             metrics::Registry& registry);
  ~BulkWriter();

  // Called by one producer thread (the consumer loop).
  void add(std::string_view index, std::string_view id, std::string_view doc, ItemTag tag);
  // Sends the open batch when FlushInterval has passed since its first item.
  void maybeFlush(std::chrono::steady_clock::time_point now);
  // Sends the open batch now.
  void flush();
  // True when MaxInFlight requests are out and as many wait: stop consuming.
  bool overloaded() const;
  // Items added but not yet acknowledged or abandoned.
  size_t pendingItems() const { return pending_items_.load(); }
  // Waits until everything is acknowledged or `deadline` passes; then stops the senders (what is
  // left is abandoned, unacknowledged). Returns true when nothing was abandoned.
  bool drain(std::chrono::steady_clock::time_point deadline);

 private:
  using BatchPtr = std::unique_ptr<BulkBatch>;
  void senderLoop();
  void send(BatchPtr batch);
  BatchPtr acquire();
  void release(BatchPtr b);
  bool sleepUnlessStopped(std::chrono::milliseconds d);

  BulkWriterOptions options_;
  BulkTransport& transport_;
  BulkCallbacks callbacks_;

  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<BatchPtr> queue_;
  std::vector<BatchPtr> pool_;
  int in_flight_ = 0;
  bool stopping_ = false;
  std::atomic<bool> abandon_{false};
  std::atomic<size_t> pending_items_{0};
  BatchPtr open_;
  std::chrono::steady_clock::time_point open_since_;
  std::vector<std::thread> senders_;

  metrics::Counter& requests_;
  metrics::Counter& indexed_;
  metrics::Counter& duplicates_;
  metrics::Counter& retried_items_;
  metrics::Counter& retried_requests_;
  metrics::Counter& dead_lettered_;
  metrics::Counter& bytes_;
  metrics::Histogram& latency_;
};

}  // namespace logship::es
