#include "logship/es/host_picker.h"

#include <algorithm>

namespace logship::es {

HostPicker::HostPicker(size_t hosts, std::chrono::milliseconds base_backoff, std::chrono::milliseconds max_backoff)
    : states_(hosts), base_(base_backoff), max_(max_backoff) {}

std::vector<size_t> HostPicker::order(Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<size_t> out;
  const size_t n = states_.size();
  if (n == 0) return out;
  const size_t first = next_++ % n;
  for (size_t k = 0; k < n; ++k) {
    const size_t i = (first + k) % n;
    if (states_[i].retry_at <= now) out.push_back(i);
  }
  if (out.empty()) {
    const auto due = std::min_element(states_.begin(), states_.end(),
                                      [](const State& a, const State& b) { return a.retry_at < b.retry_at; });
    out.push_back(static_cast<size_t>(due - states_.begin()));
  }
  return out;
}

void HostPicker::failed(size_t host, Clock::time_point now) {
  std::lock_guard<std::mutex> lock(mu_);
  State& s = states_[host];
  // Concurrent requests that all saw the host fail count as one failure.
  if (s.retry_at > now) return;
  auto backoff = base_ * (1LL << std::min(s.failures, 16));
  if (backoff > max_) backoff = max_;
  s.failures = std::min(s.failures + 1, 16);
  s.retry_at = now + backoff;
}

void HostPicker::succeeded(size_t host) {
  std::lock_guard<std::mutex> lock(mu_);
  states_[host] = State{};
}

bool HostPicker::backingOff(size_t host, Clock::time_point now) const {
  std::lock_guard<std::mutex> lock(mu_);
  return states_[host].retry_at > now;
}

}  // namespace logship::es
