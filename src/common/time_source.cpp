#include "logship/common/time_source.h"

namespace logship {

RealTimeSource& RealTimeSource::instance() {
  static RealTimeSource clock;
  return clock;
}

SimulatedTimeSource::SimulatedTimeSource()
    : mono_(std::chrono::hours(1000)), system_(std::chrono::milliseconds(1662645070000)) {}

TimeSource::MonotonicTime SimulatedTimeSource::monotonicTime() const {
  std::lock_guard<std::mutex> g(mu_);
  return mono_;
}

TimeSource::SystemTime SimulatedTimeSource::systemTime() const {
  std::lock_guard<std::mutex> g(mu_);
  return system_;
}

bool SimulatedTimeSource::waitFor(std::unique_lock<std::mutex>&, std::condition_variable&, Duration d,
                                  const std::function<bool()>& stop) {
  if (stop()) return true;
  {
    std::lock_guard<std::mutex> g(mu_);
    mono_ += d;
    system_ += d;
    waits_.push_back(d);
  }
  return stop();
}

void SimulatedTimeSource::advance(Duration d) {
  std::lock_guard<std::mutex> g(mu_);
  mono_ += d;
  system_ += d;
}

void SimulatedTimeSource::setSystemTime(SystemTime t) {
  std::lock_guard<std::mutex> g(mu_);
  system_ = t;
}

std::vector<TimeSource::Duration> SimulatedTimeSource::waits() const {
  std::lock_guard<std::mutex> g(mu_);
  return waits_;
}

}  // namespace logship
