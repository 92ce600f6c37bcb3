#pragma once
// Elasticsearch's time-based document id (its TimeBasedUUIDGenerator, which libbeat's add_id
// reproduces): 15 bytes -- a 3-byte sequence, the 6-byte ms timestamp and a 6-byte node address,
// interleaved so that ids written close in time share prefixes -- as 20 chars of unpadded base64url.
#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string_view>

namespace logship::tail::processors {

class EsIdGenerator {
 public:
  using Clock = std::function<int64_t()>;  // ms since the epoch
  static constexpr size_t kIdLength = 20;

  // The clock, the first sequence number and the address are injectable for tests; the defaults
  // are the system clock, a random sequence and random bytes (libbeat: a MAC address xor random).
  EsIdGenerator();
  EsIdGenerator(Clock clock, uint32_t first_sequence, std::array<uint8_t, 6> address);

  // Writes the next id into `out` (kIdLength chars). Thread-safe.
  void next(char (&out)[kIdLength]);

 private:
  uint64_t timestampFor(uint32_t sequence);

  Clock clock_;
  std::atomic<uint32_t> sequence_;
  std::array<uint8_t, 6> address_;
  std::mutex mu_;
  uint64_t last_timestamp_ = 0;
};

}  // namespace logship::tail::processors
