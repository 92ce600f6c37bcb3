#pragma once
// MaxMemory: one number (per cluster) that sizes every buffer the stash keeps, so a backlog of any
// length drains in bounded memory. A third goes to the bulk bodies (the open one, those queued and
// those in flight), two thirds to librdkafka's pre-fetch (its queue and the fetch response being
// parsed). The formula and the table of where the bytes go are in docs/stash.md.
#include <cstddef>
#include <cstdint>

namespace logship::stash {

struct EsOutputConfig;

struct MemoryBudget {
  int64_t max_memory = 0;           // the budget the rest is derived from
  size_t chunk_bytes = 0;           // effective MaxChunkBytes: one bulk body
  size_t bulk_pending_bytes = 0;    // queued + in-flight bodies before consumption waits
  int64_t fetch_max_bytes = 0;      // fetch.max.bytes: one (compressed) fetch response
  int64_t queued_max_kbytes = 0;    // queued.max.messages.kbytes: the decompressed pre-fetch queue
  int64_t queued_min_messages = 0;  // queued.min.messages
};

// go-stash keeps one chunk being filled and one being sent (its ChunkExecutor) and about one more
// in its Kafka reader and processors; the default budget is those three chunks: 45 MiB for the
// default MaxChunkBytes (15 MiB), never below 16 MiB.
int64_t defaultMaxMemory(int64_t max_chunk_bytes);

// glibc's allocator, before the threads start: at most two arenas (one per thread of the sender
// pool and of cpprest's pool would each keep freed bodies) and a fixed mmap threshold (256 KiB), so
// freed bulk bodies and fetch buffers go back to the system. MALLOC_ARENA_MAX /
// MALLOC_MMAP_THRESHOLD_ in the environment win.
void configureAllocator();

// The sizes for one cluster: `es.max_memory` (0: defaultMaxMemory), MaxChunkBytes, MaxInFlight
// and Compress.
MemoryBudget sizeMemory(const EsOutputConfig& es);

}  // namespace logship::stash
