#pragma once
// Exponential back-off with jitter, one schedule per retried operation: initial * 2^n capped at
// max, each delay multiplied by a factor drawn from [1 - jitter, 1 + jitter]. The random source is
// injectable so tests can assert exact delays.
#include <chrono>
#include <functional>

namespace logship {

class BackoffSchedule {
 public:
  using Duration = std::chrono::milliseconds;
  // Returns a uniformly distributed value in [0, 1).
  using Uniform01 = std::function<double()>;

  BackoffSchedule(Duration initial, Duration max, double jitter = 0.25, Uniform01 random = {});
  // The delay before the next attempt; each call doubles the base up to max.
  Duration next();
  // Back to `initial` (after a success, or for a new request).
  void reset() { attempt_ = 0; }
  int attempts() const { return attempt_; }

  // The delay for attempt `n` (0-based) without jitter: min(max, initial * 2^n).
  static Duration base(int n, Duration initial, Duration max);

 private:
  Duration initial_;
  Duration max_;
  double jitter_;
  Uniform01 random_;
  int attempt_ = 0;
};

}  // namespace logship
