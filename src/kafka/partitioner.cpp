#include "logship/kafka/partitioner.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <ctime>

namespace logship::kafka {
namespace {

// A uniform number in [0, n) from a per-thread xorshift64* generator (no lock, no allocation;
// seeded once per thread). Filebeat uses math/rand's Intn: only the distribution matters.
uint32_t randomBelow(uint32_t n) {
  thread_local uint64_t state = 0;
  if (state == 0) {
    uint64_t z = static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()) ^
                 reinterpret_cast<uintptr_t>(&state);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;  // splitmix64 finalizer
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    state = (z ^ (z >> 31)) | 1;
  }
  state ^= state >> 12;
  state ^= state << 25;
  state ^= state >> 27;
  const uint64_t r = (state * 2685821657736338717ull) >> 32;
  return static_cast<uint32_t>((r * n) >> 32);
}

// SWAR: the build targets baseline x86-64, where __builtin_popcountll is a library call.
inline uint32_t popcount64(uint64_t x) {
  x -= (x >> 1) & 0x5555555555555555ull;
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Full;
  return static_cast<uint32_t>((x * 0x0101010101010101ull) >> 56);
}

bool partitionAvailable(const void* rkt, int32_t partition) {
  return rd_kafka_topic_partition_available(static_cast<const rd_kafka_topic_t*>(rkt), partition) == 1;
}

// Go's strconv.FormatFloat(float64(f), 'g', -1, 32): shortest digits that round-trip the float32,
// %e when the decimal exponent is < -4 or >= 6 (Go uses 6 for shortest %g), else %f.
size_t formatGoFloat32(float f, char* out) {
  char sci[48];
  const auto res = std::to_chars(sci, sci + sizeof sci, f, std::chars_format::scientific);
  const std::string_view s(sci, static_cast<size_t>(res.ptr - sci));
  size_t o = 0;
  size_t i = 0;
  if (s[0] == '-') {
    out[o++] = '-';
    i = 1;
  }
  char digits[16];
  size_t nd = 0;
  const size_t e = s.find('e');
  for (; i < e; ++i) {
    if (s[i] != '.') digits[nd++] = s[i];
  }
  int exp10 = 0;
  std::from_chars(s.data() + e + 1 + (s[e + 1] == '+'), s.data() + s.size(), exp10);
  if (nd == 1 && digits[0] == '0') {  // zero: Go has no digits, prints "0"
    out[o++] = '0';
    return o;
  }
  const int dp = exp10 + 1;  // decimal point position: value = 0.digits * 10^dp
  if (exp10 < -4 || exp10 >= 6) {
    out[o++] = digits[0];
    if (nd > 1) {
      out[o++] = '.';
      for (size_t k = 1; k < nd; ++k) out[o++] = digits[k];
    }
    out[o++] = 'e';
    out[o++] = exp10 < 0 ? '-' : '+';
    const int a = std::abs(exp10);
    if (a >= 100) out[o++] = static_cast<char>('0' + a / 100);
    out[o++] = static_cast<char>('0' + a / 10 % 10);
    out[o++] = static_cast<char>('0' + a % 10);
    return o;
  }
  if (dp > 0) {
    for (int k = 0; k < dp; ++k) out[o++] = k < static_cast<int>(nd) ? digits[k] : '0';
  } else {
    out[o++] = '0';
  }
  const int frac = std::max(static_cast<int>(nd) - dp, 0);
  if (frac > 0) {
    out[o++] = '.';
    for (int k = 0; k < frac; ++k) {
      const int j = dp + k;
      out[o++] = j >= 0 && j < static_cast<int>(nd) ? digits[j] : '0';
    }
  }
  return o;
}

}  // namespace

bool hashJsonValue(std::string_view raw, Fnv1a32& h) {
  if (raw == "true" || raw == "false") {  // encoding/binary writes a bool as one byte
    const char b = raw[0] == 't' ? 1 : 0;
    h.add(std::string_view(&b, 1));
    return true;
  }
  if (raw.empty() || (raw[0] != '-' && (raw[0] < '0' || raw[0] > '9'))) return false;  // null, {...}, [...]
  const char* end = raw.data() + raw.size();
  int64_t i = 0;
  if (const auto r = std::from_chars(raw.data(), end, i); r.ec == std::errc() && r.ptr == end) {
    char le[8];
    for (int k = 0; k < 8; ++k) le[k] = static_cast<char>(static_cast<uint64_t>(i) >> (8 * k));
    h.add(std::string_view(le, sizeof le));
    return true;
  }
  double d = 0;
  if (const auto r = std::from_chars(raw.data(), end, d); r.ec != std::errc() || r.ptr != end) {
    h.add(raw);  // neither int64 nor float64: Filebeat keeps the json.Number and hashes its text
    return true;
  }
  // float32(d) rounds to nearest; at or beyond FLT_MAX + half an ulp it is an infinity.
  if (std::fabs(d) >= 0x1.ffffffp+127) {
    h.add(d < 0 ? "-Inf" : "+Inf");
    return true;
  }
  char text[48];
  h.add(std::string_view(text, formatGoFloat32(static_cast<float>(d), text)));
  return true;
}

uint32_t Partitioner::nextInGroup(uint32_t n) {
  uint64_t cur = group_.load(std::memory_order_relaxed);
  for (;;) {
    uint32_t partition = static_cast<uint32_t>(cur >> 32);
    uint32_t sent = static_cast<uint32_t>(cur);
    if (sent >= config_.group_events || partition >= n) {
      if (config_.strategy == PartitionConfig::Strategy::kRoundRobin) {
        partition = partition + 1 >= n ? 0 : partition + 1;  // from -1 (initial) to 0
      } else {
        partition = randomBelow(n);
      }
      sent = 0;
    }
    const uint64_t next = (static_cast<uint64_t>(partition) << 32) | (sent + 1);
    if (group_.compare_exchange_weak(cur, next, std::memory_order_relaxed)) return partition;
  }
}

uint32_t Partitioner::pick(const void* key, size_t key_len, const uint32_t* hash, uint32_t n) {
  if (config_.strategy != PartitionConfig::Strategy::kHash) return nextInGroup(n);
  if (hash) return static_cast<uint32_t>(hashToPartition(*hash, static_cast<int32_t>(n)));
  if (!key) return randomBelow(n);
  Fnv1a32 h;
  h.add(std::string_view(static_cast<const char*>(key), key_len));
  return static_cast<uint32_t>(hashToPartition(h.value(), static_cast<int32_t>(n)));
}

uint64_t Partitioner::monotonicMs() const {
  if (time_) {
    return static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::milliseconds>(time_->monotonicTime().time_since_epoch()).count());
  }
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);  // vDSO, no syscall
  return static_cast<uint64_t>(ts.tv_sec) * 1000 + static_cast<uint64_t>(ts.tv_nsec) / 1000000;
}

uint32_t Partitioner::reachableSet(int32_t count, AvailableFn available, const void* ctx, uint64_t* words) {
  const int32_t nwords = (count + 63) / 64;
  const uint64_t now_ms = monotonicMs();
  const uint64_t stamp = reachable_stamp_.load(std::memory_order_relaxed);
  uint32_t n = 0;
  if ((stamp & 0x7FF) == static_cast<uint64_t>(count) && now_ms - (stamp >> 11) < kReachableTtlMs) {
    for (int32_t w = 0; w < nwords; ++w) {
      words[w] = reachable_words_[w].load(std::memory_order_relaxed);
      n += popcount64(words[w]);
    }
    return n;
  }
  for (int32_t w = 0; w < nwords; ++w) words[w] = 0;
  for (int32_t p = 0; p < count; ++p) {
    if (!available(ctx, p)) continue;
    words[p / 64] |= 1ull << (p % 64);
    ++n;
  }
  if (n == 0) return 0;  // kept only when something is reachable: a leader that appears is seen at once
  for (int32_t w = 0; w < nwords; ++w) reachable_words_[w].store(words[w], std::memory_order_relaxed);
  reachable_stamp_.store((now_ms << 11) | static_cast<uint64_t>(count), std::memory_order_relaxed);
  return n;
}

int32_t Partitioner::choose(const void* key, size_t key_len, const uint32_t* hash, int32_t count, AvailableFn available,
                            const void* ctx) {
  if (count <= 0) return RD_KAFKA_PARTITION_UA;
  const auto all = static_cast<uint32_t>(count);
  if (!config_.reachable_only) return static_cast<int32_t>(pick(key, key_len, hash, all));
  if (count > kCachedPartitions) return chooseScanning(key, key_len, hash, count, available, ctx);
  uint64_t words[kWords];
  const uint32_t n = reachableSet(count, available, ctx, words);
  // None reachable: every partition is a candidate and the message waits for a leader.
  if (n == 0) return static_cast<int32_t>(pick(key, key_len, hash, all));
  uint32_t index = pick(key, key_len, hash, n);
  for (int32_t w = 0; w * 64 < count; ++w) {
    uint64_t bits = words[w];
    const uint32_t in_word = popcount64(bits);
    if (index >= in_word) {
      index -= in_word;
      continue;
    }
    for (; index > 0; --index) bits &= bits - 1;  // drop the lower set bits
    return w * 64 + __builtin_ctzll(bits);
  }
  return count - 1;  // not reached: index < n
}

int32_t Partitioner::chooseScanning(const void* key, size_t key_len, const uint32_t* hash, int32_t count,
                                    AvailableFn available, const void* ctx) {
  uint32_t n = 0;
  for (int32_t p = 0; p < count; ++p) n += available(ctx, p) ? 1 : 0;
  if (n == 0) return static_cast<int32_t>(pick(key, key_len, hash, static_cast<uint32_t>(count)));
  uint32_t index = pick(key, key_len, hash, n);
  for (int32_t p = 0; p < count; ++p) {
    if (available(ctx, p) && index-- == 0) return p;
  }
  return count - 1;  // availability changed in between
}

int32_t Partitioner::callback(const rd_kafka_topic_t* rkt, const void* key, size_t key_len, int32_t count,
                              void* rkt_opaque, void* msg_opaque) {
  auto* self = static_cast<Partitioner*>(rkt_opaque);
  const uint32_t* hash = nullptr;
  if (self->config_.hash_from_message) {
    const auto* m = static_cast<const HashedMessage*>(msg_opaque);
    if (m && m->has_hash) hash = &m->hash;
    key = nullptr;  // hash.hash lists fields: the key is not part of the partition choice
  }
  return self->choose(key, key_len, hash, count, &partitionAvailable, rkt);
}

}  // namespace logship::kafka
