#pragma once
// Which Elasticsearch host a request goes to: round-robin over the hosts that answered last
// time; a host whose connection failed is skipped for a back-off (1 s, doubling to 30 s) and
// tried again after it, so a dead node costs one failed connection per back-off, not one per
// request. When every host is backing off, the one due first is tried (a request never fails
// without trying a host). Thread-safe: the bulk writer has several requests in flight.
#include <chrono>
#include <cstddef>
#include <mutex>
#include <vector>

namespace logship::es {

class HostPicker {
 public:
  using Clock = std::chrono::steady_clock;

  explicit HostPicker(size_t hosts, std::chrono::milliseconds base_backoff = std::chrono::seconds(1),
                      std::chrono::milliseconds max_backoff = std::chrono::seconds(30));

  // The hosts to try for one request, in order: those not backing off (round-robin start), or,
  // when all are, the one due first.
  std::vector<size_t> order(Clock::time_point now);
  void failed(size_t host, Clock::time_point now);
  void succeeded(size_t host);
  bool backingOff(size_t host, Clock::time_point now) const;

 private:
  struct State {
    Clock::time_point retry_at{};
    int failures = 0;
  };
  mutable std::mutex mu_;
  std::vector<State> states_;
  size_t next_ = 0;
  std::chrono::milliseconds base_, max_;
};

}  // namespace logship::es
