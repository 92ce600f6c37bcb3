#include "logship/common/backoff.h"

#include <random>

namespace logship {

BackoffSchedule::BackoffSchedule(Duration initial, Duration max, double jitter, Uniform01 random)
    : initial_(initial), max_(max), jitter_(jitter), random_(std::move(random)) {
  if (!random_) {
    random_ = [] {
      thread_local std::mt19937 rng{std::random_device{}()};
      return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    };
  }
}

BackoffSchedule::Duration BackoffSchedule::base(int n, Duration initial, Duration max) {
  double d = static_cast<double>(initial.count());
  for (int i = 0; i < n && d < static_cast<double>(max.count()); ++i) d *= 2;
  if (d > static_cast<double>(max.count())) d = static_cast<double>(max.count());
  return Duration(static_cast<int64_t>(d));
}

BackoffSchedule::Duration BackoffSchedule::next() {
  const double b = static_cast<double>(base(attempt_++, initial_, max_).count());
  const double factor = 1.0 - jitter_ + 2.0 * jitter_ * random_();
  return Duration(static_cast<int64_t>(b * factor));
}

}  // namespace logship
