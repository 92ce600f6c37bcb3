#pragma once
// Waiting for something outside the test's control (a daemon, the broker, Elasticsearch): the one
// poll-until helper of the tests. The step is a poll interval, not a synchronisation.
#include <chrono>
#include <exception>
#include <thread>
#include <utility>

namespace logship::testing {

// Calls `pred` every `step` until it returns true (-> true) or `timeout` passes; then one last
// call decides. An exception from `pred` propagates (wrap it in orFalseOnError to keep polling).
template <typename Pred>
bool pollUntil(Pred&& pred, std::chrono::milliseconds timeout,
               std::chrono::milliseconds step = std::chrono::milliseconds(200)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(step);
  }
  return pred();
}

// `pred` with exceptions counted as "not yet": for polls across a restart of the shared services
// (other tests may restart them, leader elections answer errors for a moment).
template <typename Pred>
auto orFalseOnError(Pred&& pred) {
  return [p = std::forward<Pred>(pred)]() mutable {
    try {
      return static_cast<bool>(p());
    } catch (const std::exception&) {
      return false;
    }
  };
}

}  // namespace logship::testing
