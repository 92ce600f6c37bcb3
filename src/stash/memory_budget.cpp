#include "logship/stash/memory_budget.h"

#include <malloc.h>

#include <algorithm>
#include <cstdlib>

#include "logship/stash/config.h"

namespace logship::stash {
namespace {
constexpr int64_t kMiB = 1024 * 1024;
// Smallest bulk body worth a request, and librdkafka's smallest fetch.max.bytes (it must not be
// below message.max.bytes, 1000000 by default).
constexpr int64_t kMinChunk = 64 * 1024;
constexpr int64_t kMinFetch = kMiB;
// A fetch response is decompressed whole into the queue: log lines compress 5-25x with lz4/gzip
// (the benchmark corpus 24x): a compressed response gets 1/32 of the pre-fetch share, so
// decompressed it fills about half of it.
constexpr int64_t kCompressionAllowance = 32;
// librdkafka counts only payload bytes in its queue; its per-message bookkeeping (an op and a
// message header, a few hundred bytes) comes on top: one message per 512 bytes of the queue's share
// keeps small messages' overhead within it and lets typical 0.5 KiB log events use all of it.
constexpr int64_t kQueueBytesPerMessage = 512;
}  // namespace

int64_t defaultMaxMemory(int64_t max_chunk_bytes) { return std::max<int64_t>(3 * max_chunk_bytes, 16 * kMiB); }

void configureAllocator() {
  if (!std::getenv("MALLOC_ARENA_MAX")) mallopt(M_ARENA_MAX, 2);
  if (!std::getenv("MALLOC_MMAP_THRESHOLD_")) mallopt(M_MMAP_THRESHOLD, 256 * 1024);
}

MemoryBudget sizeMemory(const EsOutputConfig& es) {
  MemoryBudget b;
  b.max_memory = es.max_memory > 0 ? es.max_memory : defaultMaxMemory(es.max_chunk_bytes);
  // The pre-fetch gets two thirds: librdkafka 2.0 refills a queue that reached its threshold only
  // about once a second, so the queue's size is also the consumption rate it can sustain.
  const int64_t bulk = b.max_memory / 3;
  const int64_t prefetch = b.max_memory - bulk;
  // Bodies alive at once: MaxInFlight being sent, one queued, one being filled; with Compress each
  // request in flight also holds its gzip copy (a fraction of the body for log lines: half is ample).
  const int64_t slots = es.max_in_flight + 2 + (es.compress ? (es.max_in_flight + 1) / 2 : 0);
  const int64_t chunk = std::min<int64_t>(es.max_chunk_bytes, std::max<int64_t>(bulk / slots, kMinChunk));
  b.chunk_bytes = static_cast<size_t>(chunk);
  b.bulk_pending_bytes = static_cast<size_t>(std::max<int64_t>(chunk, bulk - 2 * chunk));
  b.fetch_max_bytes = std::max<int64_t>(prefetch / kCompressionAllowance, kMinFetch);
  // The other half of the share: the queue librdkafka refills while it is below both thresholds.
  const int64_t queue = prefetch / 2;
  b.queued_max_kbytes = std::max<int64_t>(queue / 1024, 1);
  b.queued_min_messages = std::max<int64_t>(queue / kQueueBytesPerMessage, 1000);
  return b;
}

}  // namespace logship::stash
