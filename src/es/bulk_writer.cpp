#include "logship/es/bulk_writer.h"

#include "logship/common/logging.h"
#include "logship/common/outcome.h"
#include "logship/es/bulk_response.h"

namespace logship::es {

BulkWriterMetrics BulkWriterMetrics::in(metrics::Registry& r, const std::string& cluster) {
  const metrics::Labels l{{"cluster", cluster}};
  BulkWriterMetrics m;
  m.requests = &r.counter("logship_stash_bulk_requests_total", "Bulk requests sent", l);
  m.indexed = &r.counter("logship_stash_indexed_total", "Documents Elasticsearch created", l);
  m.duplicates = &r.counter("logship_stash_duplicates_total", "Documents already indexed (409 on create)", l);
  m.retried_items = &r.counter("logship_stash_retried_items_total", "Items sent again after 429/5xx", l);
  m.retried_requests = &r.counter("logship_stash_retried_requests_total",
                                  "Bulk requests sent again after a connection error, 429 or 5xx", l);
  m.dead_lettered = &deadLettered(r, cluster, "rejected");
  m.bytes = &r.counter("logship_stash_bulk_bytes_total", "Bulk body bytes sent (before compression)", l);
  m.latency =
      &r.histogram("logship_stash_bulk_latency_seconds", "Bulk request latency", metrics::latencySecondsBuckets(), l);
  return m;
}

metrics::Counter& BulkWriterMetrics::deadLettered(metrics::Registry& r, const std::string& cluster,
                                                  const std::string& reason) {
  return r.counter("logship_stash_dead_lettered_total", "Documents sent to the dead letter",
                   {{"cluster", cluster}, {"reason", reason}});
}

BulkWriter::BulkWriter(BulkWriterOptions options, BulkTransport& transport, BulkCallbacks callbacks,
                       metrics::Registry& registry, TimeSource& time)
    : options_(std::move(options)),
      transport_(transport),
      callbacks_(std::move(callbacks)),
      time_(time),
      metrics_(BulkWriterMetrics::in(registry, options_.cluster)) {
  open_ = acquire();
  for (int i = 0; i < options_.max_in_flight; ++i) senders_.emplace_back([this] { senderLoop(); });
}

BulkWriter::~BulkWriter() { drain(std::chrono::steady_clock::now()); }

BulkWriter::BatchPtr BulkWriter::acquire() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (pool_.empty()) {
    // Reserved, not touched: growing by doubling would copy the body and leave a capacity of up to
    // twice MaxChunkBytes behind.
    auto b = std::make_unique<BulkBatch>();
    b->reserve(options_.max_chunk_bytes + 64 * 1024);
    return b;
  }
  BatchPtr b = std::move(pool_.back());
  pool_.pop_back();
  return b;
}

void BulkWriter::release(BatchPtr b) {
  b->clear();
  std::lock_guard<std::mutex> lock(mutex_);
  // Kept for reuse only as many as the open body and one halving need: an idle body keeps its pages.
  if (pool_.size() < 2 && b->capacity() <= options_.max_chunk_bytes + 64 * 1024) pool_.push_back(std::move(b));
}

void BulkWriter::add(std::string_view index, std::string_view id, std::string_view doc, ItemTag tag) {
  const size_t item_bytes = index.size() + id.size() + doc.size() + 48;
  if (!open_->empty() && open_->bytes() + item_bytes > options_.max_chunk_bytes) flush();
  if (open_->empty()) open_since_ = time_.monotonicTime();
  open_->appendCreate(index, id, options_.doc_type, doc, tag);
  pending_items_.fetch_add(1, std::memory_order_relaxed);
}

void BulkWriter::maybeFlush(std::chrono::steady_clock::time_point now) {
  if (!open_->empty() && now - open_since_ >= options_.flush_interval) flush();
}

void BulkWriter::flush() {
  if (open_->empty()) return;
  BatchPtr next = acquire();
  {
    std::lock_guard<std::mutex> lock(mutex_);
    pending_bytes_ += open_->bytes();
    queue_.push_back(std::move(open_));
  }
  cv_.notify_one();
  open_ = std::move(next);
}

bool BulkWriter::overloaded() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return overloadedLocked();
}

bool BulkWriter::overloadedLocked() const {
  return in_flight_ + static_cast<int>(queue_.size()) >= options_.max_in_flight * 2 ||
         (options_.max_pending_bytes > 0 && pending_bytes_ >= options_.max_pending_bytes);
}

bool BulkWriter::waitUntilNotOverloaded(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mutex_);
  time_.waitFor(lock, idle_cv_, d, [&] { return !overloadedLocked() || stopping_; });
  return overloadedLocked();
}

bool BulkWriter::drain(std::chrono::steady_clock::time_point deadline) {
  flush();
  bool complete;
  {
    std::unique_lock<std::mutex> lock(mutex_);
    complete = idle_cv_.wait_until(lock, deadline, [&] { return queue_.empty() && in_flight_ == 0; });
    stopping_ = true;
  }
  abandon_ = true;
  cv_.notify_all();
  idle_cv_.notify_all();
  for (auto& t : senders_)
    if (t.joinable()) t.join();
  senders_.clear();
  return complete;
}

bool BulkWriter::sleepUnlessStopped(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mutex_);
  return !time_.waitFor(lock, idle_cv_, d, [&] { return abandon_.load(); });
}

BackoffSchedule BulkWriter::schedule() const {
  return BackoffSchedule(options_.backoff_initial, options_.backoff_max, 0.25, options_.random);
}

void BulkWriter::senderLoop() {
  while (true) {
    BatchPtr batch;
    {
      std::unique_lock<std::mutex> lock(mutex_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping
      batch = std::move(queue_.front());
      queue_.pop_front();
      ++in_flight_;
    }
    const size_t bytes = batch->bytes();
    send(std::move(batch));
    {
      std::lock_guard<std::mutex> lock(mutex_);
      --in_flight_;
      pending_bytes_ -= bytes;
    }
    idle_cv_.notify_all();
  }
}

void BulkWriter::send(BatchPtr first) {
  std::vector<BatchPtr> work;
  work.push_back(std::move(first));
  BulkResponse parsed;
  while (!work.empty()) {
    BatchPtr batch = std::move(work.back());
    work.pop_back();
    // The back-off schedule belongs to one request shape: a half is a new request, and the answer
    // that made it (400/413) showed the cluster reachable, so it starts from the first delay.
    BackoffSchedule backoff = schedule();
    while (batch) {
      if (abandon_) {
        pending_items_.fetch_sub(batch->size());
        release(std::move(batch));
        for (auto& b : work) pending_items_.fetch_sub(b->size());
        return;
      }
      const auto start = time_.monotonicTime();
      HttpResult r = transport_.bulk(batch->body(), options_.compress);
      metrics_.latency->observe(std::chrono::duration<double>(time_.monotonicTime() - start).count());
      metrics_.requests->inc();
      metrics_.bytes->inc(batch->bytes());
      switch (classify(r, parsed)) {
        case Answer::kRetry:
          retryLater(r, *batch, backoff);
          continue;
        case Answer::kRefused:
          if (batch->size() > 1) {
            batch = halve(r, std::move(batch), work);
            backoff.reset();
            continue;
          }
          refusedItem(r, *batch, parsed);
          break;
        case Answer::kItems:
          break;
      }
      if (parsed.errors && parsed.items.size() != batch->size()) {
        log::warn(
            *log::get("es"), "bulk answer has the wrong number of items, retrying",
            {{"expected", static_cast<uint64_t>(batch->size())}, {"got", static_cast<uint64_t>(parsed.items.size())}});
        sleepUnlessStopped(backoff.next());
        continue;
      }
      batch = settle(std::move(batch), parsed, backoff);
    }
  }
}

BulkWriter::Answer BulkWriter::classify(const HttpResult& r, BulkResponse& parsed) {
  const Disposition d = classifyEsResponse(r.status);
  if (callbacks_.on_answer) callbacks_.on_answer(r);
  if (d == Disposition::kRetry || (d == Disposition::kSuccess && !parseBulkResponse(r.body, parsed)))
    return Answer::kRetry;
  // The whole request was refused (413 too large, 400 unparsable): halved at once (no back-off:
  // the answer is about this request's shape, not the cluster's health) until one item remains.
  if (d == Disposition::kPermanent) return Answer::kRefused;
  return Answer::kItems;
}

void BulkWriter::retryLater(const HttpResult& r, const BulkBatch& batch, BackoffSchedule& backoff) {
  metrics_.retried_requests->inc();
  const auto delay = backoff.next();
  log::warn(*log::get("es"), "bulk request failed, retrying",
            {{"host", r.host},
             {"status", r.status},
             {"error", r.status ? r.body.substr(0, 300) : r.error},
             {"items", static_cast<uint64_t>(batch.size())},
             {"retry_in_ms", static_cast<int64_t>(delay.count())}});
  sleepUnlessStopped(delay);
}

void BulkWriter::refusedItem(const HttpResult& r, const BulkBatch& batch, BulkResponse& parsed) {
  // One item left: it is what the cluster refuses; the answer becomes its error.
  parsed.errors = true;
  parsed.items.assign(1, BulkItemResult{r.status, "request_rejected", r.body.substr(0, 1000)});
  log::warn(*log::get("es"), "bulk request refused for a single item, dead-lettering it",
            {{"host", r.host},
             {"status", r.status},
             {"index", batch.index(0)},
             {"id", batch.id(0)},
             {"offset", batch.tag(0).offset},
             {"reason", parsed.items[0].error_reason.substr(0, 300)}});
}

BulkWriter::BatchPtr BulkWriter::halve(const HttpResult& r, BatchPtr batch, std::vector<BatchPtr>& work) {
  const size_t half = batch->size() / 2;
  log::debug(*log::get("es"), "bulk request refused, halving it",
             {{"host", r.host},
              {"status", r.status},
              {"items", static_cast<uint64_t>(batch->size())},
              {"halves", std::to_string(half) + "+" + std::to_string(batch->size() - half)}});
  auto a = acquire(), b = acquire();
  for (size_t i = 0; i < batch->size(); ++i) (i < half ? a : b)->appendFrom(*batch, i);
  release(std::move(batch));
  work.push_back(std::move(b));
  return a;
}

BulkWriter::BatchPtr BulkWriter::settle(BatchPtr batch, const BulkResponse& parsed, BackoffSchedule& backoff) {
  std::vector<ItemTag> done;
  std::vector<FailedItem> failed;
  std::vector<size_t> retry;
  uint64_t created = 0, dup = 0;
  for (size_t i = 0; i < batch->size(); ++i) {
    const Disposition item =
        parsed.errors ? classifyEsItem(parsed.items[i].status, parsed.items[i].error_type) : Disposition::kSuccess;
    switch (item) {
      case Disposition::kSuccess:
        ++created;
        done.push_back(batch->tag(i));
        break;
      case Disposition::kDuplicate:
        ++dup;
        done.push_back(batch->tag(i));
        break;
      case Disposition::kRetry:
        retry.push_back(i);
        break;
      case Disposition::kPermanent: {
        const auto& res = parsed.items[i];
        failed.push_back({batch->tag(i), std::string(batch->index(i)), std::string(batch->id(i)),
                          std::string(batch->doc(i)), res.status, res.error_type, res.error_reason});
        break;
      }
    }
  }
  metrics_.indexed->inc(created);
  metrics_.duplicates->inc(dup);
  if (!failed.empty()) deadLetter(failed, done);
  if (!done.empty() && callbacks_.on_done) callbacks_.on_done(done);
  pending_items_.fetch_sub(done.size());
  if (retry.empty()) {
    release(std::move(batch));
    return nullptr;
  }
  metrics_.retried_items->inc(retry.size());
  auto next = acquire();
  for (size_t i : retry) next->appendFrom(*batch, i);
  release(std::move(batch));
  sleepUnlessStopped(backoff.next());
  return next;
}

void BulkWriter::deadLetter(const std::vector<FailedItem>& failed, std::vector<ItemTag>& done) {
  BackoffSchedule backoff = schedule();
  while (!callbacks_.dead_letter || !callbacks_.dead_letter(failed)) {
    log::error(*log::get("es"), "dead letter unavailable, retrying", {{"items", static_cast<uint64_t>(failed.size())}});
    if (!sleepUnlessStopped(backoff.next())) break;
  }
  if (!abandon_) {
    metrics_.dead_lettered->inc(failed.size());
    for (const auto& f : failed) done.push_back(f.tag);
  } else {
    pending_items_.fetch_sub(failed.size());
  }
}

}  // namespace logship::es
