#pragma once
// The thread of a metadata watcher (Docker engine, Kubernetes API): started once by the first
// event, which waits a bounded time for the first list so the first lines find what already runs;
// stopped and joined by the owner; back-off waits that a stop cuts short.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

#include "logship/common/time_source.h"

namespace logship::tail {

class WatcherThread {
 public:
  explicit WatcherThread(TimeSource& clock) : clock_(clock) {}
  ~WatcherThread() { stop(); }

  // Runs `body` on the thread (once; later calls do nothing) and waits, that first time only,
  // until firstAttemptDone() or `first_wait` passed.
  void start(const std::function<void()>& body, std::chrono::milliseconds first_wait);
  void stop();
  // The first list is in (or failed): start() returns.
  void firstAttemptDone();
  // Waits `d` or until stop; true when stopping.
  bool waitFor(std::chrono::milliseconds d);
  const std::atomic<bool>& stopping() const { return stop_; }
  // The body of a list-then-follow watcher (Docker): `session` again and again until stop; an
  // Error is handed to `failed`; `after` runs after each session; between two, a back-off wait
  // (1 s doubling to 30 s, back to 1 s after a session that did not fail).
  void runSessions(const std::function<void()>& session, const std::function<void(const std::string&)>& failed,
                   const std::function<void()>& after = {});

 private:
  TimeSource& clock_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::once_flag started_;
  std::thread thread_;
  bool first_attempt_done_ = false;  // guarded by mu_
};

}  // namespace logship::tail
