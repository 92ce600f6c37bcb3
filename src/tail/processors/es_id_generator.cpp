#include "es_id_generator.h"

#include <algorithm>
#include <chrono>
#include <random>

#include "binary_text.h"

namespace logship::tail::processors {
namespace {

int64_t systemMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::array<uint8_t, 6> randomAddress(std::random_device& rd) {
  std::array<uint8_t, 6> a{};
  for (auto& b : a) b = static_cast<uint8_t>(rd());
  return a;
}

}  // namespace

EsIdGenerator::EsIdGenerator() : clock_(&systemMillis) {
  std::random_device rd;
  sequence_ = static_cast<uint32_t>(rd());
  address_ = randomAddress(rd);
}

EsIdGenerator::EsIdGenerator(Clock clock, uint32_t first_sequence, std::array<uint8_t, 6> address)
    : clock_(std::move(clock)), sequence_(first_sequence), address_(address) {}

uint64_t EsIdGenerator::timestampFor(uint32_t sequence) {
  std::lock_guard lock(mu_);
  // As Elasticsearch: never go back in time, and when the 3-byte sequence wraps, step the
  // timestamp by one so that the id stays unique.
  uint64_t ts = std::max<uint64_t>(last_timestamp_, static_cast<uint64_t>(clock_()));
  if (sequence == 0) ++ts;
  last_timestamp_ = ts;
  return ts;
}

void EsIdGenerator::next(char (&out)[kIdLength]) {
  const uint32_t seq = (sequence_.fetch_add(1) + 1) & 0xffffff;
  const uint64_t ts = timestampFor(seq);
  auto b = [](uint64_t v, int shift) { return static_cast<uint8_t>(v >> shift); };
  const uint8_t bytes[15] = {b(seq, 0),   b(seq, 16),  b(ts, 16),   b(ts, 24),   b(ts, 32),
                             b(ts, 40),   address_[0], address_[1], address_[2], address_[3],
                             address_[4], address_[5], b(ts, 8),    b(seq, 8),   b(ts, 0)};
  encodeBase64(bytes, sizeof(bytes), out, kBase64Url, /*pad=*/false);  // 15 bytes: exactly 20 chars
}

}  // namespace logship::tail::processors
