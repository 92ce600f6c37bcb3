#pragma once
// Process lifecycle: SIGINT/SIGTERM begin a graceful shutdown (bounded by the daemon's grace
// period); a second signal exits at once with status 130, as users expect from Ctrl-C twice.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "logship/common/time_source.h"

namespace logship {

class ShutdownSignal {
 public:
  // Idempotent; wakes every waiter.
  void trigger();
  bool triggered() const { return triggered_.load(); }
  // Returns true when triggered before the timeout.
  bool waitFor(std::chrono::milliseconds timeout);
  // The same on `time` (simulated time: returns at once, the clock moved by `timeout`).
  bool waitFor(TimeSource& time, std::chrono::milliseconds timeout);
  void wait();

 private:
  std::atomic<bool> triggered_{false};
  std::mutex mutex_;
  std::condition_variable cv_;
};

class SignalWatcher {
 public:
  // Starts a thread (Boost.Asio signal_set) that triggers `shutdown` on the first SIGINT/SIGTERM
  // and calls std::_Exit(130) on the second. `on_first` runs after the trigger (may be empty).
  SignalWatcher(ShutdownSignal& shutdown, std::function<void()> on_first = {});
  ~SignalWatcher();
  SignalWatcher(const SignalWatcher&) = delete;
  SignalWatcher& operator=(const SignalWatcher&) = delete;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace logship
