#pragma once
// The one clock (Envoy's TimeSource). Logic that depends on time — timeouts, back-off, TTLs, health
// thresholds, @timestamp of read time — asks an injected TimeSource instead of calling now(), so
// tests drive it on simulated time: no sleeps, and the schedule itself can be asserted.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <vector>

namespace logship {

class TimeSource {
 public:
  using MonotonicTime = std::chrono::steady_clock::time_point;
  using SystemTime = std::chrono::system_clock::time_point;
  using Duration = std::chrono::milliseconds;

  virtual ~TimeSource() = default;
  virtual MonotonicTime monotonicTime() const = 0;
  virtual SystemTime systemTime() const = 0;
  // Waits for `d`, or less if `stop()` becomes true (checked with `lock` held; whoever sets what
  // stop() reads notifies `cv`). Returns stop(). Real time: cv.wait_for. Simulated time: the clock
  // moves forward by `d` at once unless stop() already holds.
  virtual bool waitFor(std::unique_lock<std::mutex>& lock, std::condition_variable& cv, Duration d,
                       const std::function<bool()>& stop) = 0;

  int64_t unixMillis() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(systemTime().time_since_epoch()).count();
  }
};

// The process' clocks. One shared instance: it has no state.
class RealTimeSource final : public TimeSource {
 public:
  static RealTimeSource& instance();
  MonotonicTime monotonicTime() const override { return std::chrono::steady_clock::now(); }
  SystemTime systemTime() const override { return std::chrono::system_clock::now(); }
  bool waitFor(std::unique_lock<std::mutex>& lock, std::condition_variable& cv, Duration d,
               const std::function<bool()>& stop) override {
    return cv.wait_for(lock, d, stop);
  }
};

// For tests: time moves only when told to (advance, or a waitFor). Thread-safe.
class SimulatedTimeSource final : public TimeSource {
 public:
  SimulatedTimeSource();  // starts at 2022-09-08T13:51:10Z system time, an arbitrary steady epoch
  MonotonicTime monotonicTime() const override;
  SystemTime systemTime() const override;
  bool waitFor(std::unique_lock<std::mutex>& lock, std::condition_variable& cv, Duration d,
               const std::function<bool()>& stop) override;

  void advance(Duration d);
  void setSystemTime(SystemTime t);
  // Every waitFor that moved the clock, in order: a back-off schedule as it was actually waited.
  std::vector<Duration> waits() const;

 private:
  mutable std::mutex mu_;
  MonotonicTime mono_;
  SystemTime system_;
  std::vector<Duration> waits_;
};

}  // namespace logship
