#pragma once
// Filebeat's Kafka partitioners (libbeat/outputs/kafka/partition.go) as a librdkafka partitioner
// callback: one job, choosing a partition from the message's key or precomputed hash, the
// partition count and which partitions have a leader.
//  - hash: FNV-1a 32 of the key (or of event fields, hashed by the caller and carried with the
//    message), mapped with Filebeat's hash2Partition: (int32(h) & 0x7FFFFFFF) % n. No key and no
//    hash: a random partition per message.
//  - random / round_robin: the same partition for `group_events` messages, then a random / the
//    next one (round robin starts at partition 0, as Filebeat's does in practice).
//  - reachable_only: the candidates are the partitions with a leader, in partition order (sarama's
//    WritablePartitions; Filebeat's index is into that list); none reachable: all partitions.
//    Asking librdkafka takes a lock per partition, so the answer is kept per topic for up to
//    kReachableTtlMs (sarama's own list is as old as its last metadata refresh); "none reachable"
//    is never kept.
// One Partitioner per topic handle (sarama builds one per topic). librdkafka may call it from the
// producing thread and from its own main thread (messages queued before the topic's metadata was
// known) at once: the group position is one atomic word, the random state is thread-local, and a
// call allocates nothing.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include <librdkafka/rdkafka.h>

#include "logship/common/time_source.h"

namespace logship::kafka {

struct PartitionConfig {
  enum class Strategy : uint8_t { kHash, kRandom, kRoundRobin };
  Strategy strategy = Strategy::kHash;
  bool reachable_only = false;
  uint32_t group_events = 1;       // random, round_robin: messages per partition before moving on
  bool hash_from_message = false;  // hash: the hash comes with each message (HashedMessage), not from the key
};

// The per-message opaque when PartitionConfig::hash_from_message is set (see Producer).
struct HashedMessage {
  void* opaque = nullptr;  // the caller's own opaque
  uint32_t hash = 0;
  bool has_hash = false;  // false: a random partition (Filebeat's hash.random on a missing field)
};

// FNV-1a 32 (Go's hash/fnv New32a, which Filebeat uses).
class Fnv1a32 {
 public:
  static constexpr uint32_t kOffset = 2166136261u;
  static constexpr uint32_t kPrime = 16777619u;
  void add(std::string_view bytes) {
    for (const char c : bytes) h_ = (h_ ^ static_cast<unsigned char>(c)) * kPrime;
  }
  uint32_t value() const { return h_; }

 private:
  uint32_t h_ = kOffset;
};

// Adds a non-string JSON value the way Filebeat hashes the Go value its JSON decoding produces
// (hashFieldValue after jsontransform.TransformNumbers): an integer that fits int64 as 8 bytes
// little-endian, any other number as strconv.FormatFloat(v, 'g', -1, 32), true/false as one byte.
// Returns false for null, objects and arrays (Filebeat: "can not hash key of unknown type").
// Strings are hashed by the caller as their unescaped bytes.
bool hashJsonValue(std::string_view raw_json, Fnv1a32& h);

// Filebeat's hash2Partition.
inline int32_t hashToPartition(uint32_t hash, int32_t count) {
  return static_cast<int32_t>(hash & 0x7FFFFFFFu) % count;
}

class Partitioner {
 public:
  static constexpr int64_t kReachableTtlMs = 100;
  // Whether partition `p` has a leader (only asked with reachable_only).
  using AvailableFn = bool (*)(const void* ctx, int32_t partition);

  // `time`: the clock of the reachable_only TTL.
  explicit Partitioner(const PartitionConfig& config, TimeSource& time = RealTimeSource::instance())
      : config_(config), time_(&time == &RealTimeSource::instance() ? nullptr : &time) {}
  Partitioner(const Partitioner&) = delete;
  Partitioner& operator=(const Partitioner&) = delete;

  // A partition in [0, count). `key` null: no key; `hash` non-null wins over the key.
  int32_t choose(const void* key, size_t key_len, const uint32_t* hash, int32_t count, AvailableFn available,
                 const void* ctx);

  // For rd_kafka_topic_conf_set_partitioner_cb; `rkt_opaque` is the topic's Partitioner.
  static int32_t callback(const rd_kafka_topic_t* rkt, const void* key, size_t key_len, int32_t count, void* rkt_opaque,
                          void* msg_opaque);

  const PartitionConfig& config() const { return config_; }

 private:
  // An index among `n` candidates.
  uint32_t pick(const void* key, size_t key_len, const uint32_t* hash, uint32_t n);
  uint32_t nextInGroup(uint32_t n);
  // Bitmap of the reachable partitions among `count` (<= kCachedPartitions), kept for
  // kReachableTtlMs; returns how many are reachable.
  uint32_t reachableSet(int32_t count, AvailableFn available, const void* ctx, uint64_t* words);
  // More partitions than cached: librdkafka is asked twice per message.
  int32_t chooseScanning(const void* key, size_t key_len, const uint32_t* hash, int32_t count, AvailableFn available,
                         const void* ctx);

  static constexpr int32_t kCachedPartitions = 1024;
  static constexpr int32_t kWords = kCachedPartitions / 64;
  static_assert(kCachedPartitions < 2048, "the count is kept in 11 bits of reachable_stamp_");

  // Milliseconds on the TTL's clock.
  uint64_t monotonicMs() const;

  const PartitionConfig config_;
  // Null for the process' real clock, which is then read as CLOCK_MONOTONIC_COARSE (vDSO, no
  // virtual call: this runs per message); any other TimeSource (simulated time in tests) is asked.
  TimeSource* const time_;
  // (partition << 32) | messages sent to it in the current group; starts "group complete" at
  // partition -1 so that round robin's first partition is 0.
  std::atomic<uint64_t> group_{0xFFFFFFFF00000000ull | 0xFFFFFFFFull};
  // Words written and read one by one: a reader may mix two scans, which is as good as either.
  std::atomic<uint64_t> reachable_words_[kWords] = {};
  // (monotonicMs() << 11) | partition count of the kept scan; 0: none kept.
  std::atomic<uint64_t> reachable_stamp_{0};
};

}  // namespace logship::kafka
