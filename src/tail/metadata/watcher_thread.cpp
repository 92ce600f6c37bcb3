// WatcherThread: see watcher_thread.h.
#include "logship/tail/watcher_thread.h"

#include "logship/common/backoff.h"
#include "logship/common/error.h"

namespace logship::tail {

void WatcherThread::start(const std::function<void()>& body, std::chrono::milliseconds first_wait) {
  std::call_once(started_, [&] {
    thread_ = std::thread(body);
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, first_wait, [this] { return first_attempt_done_ || stop_.load(); });
  });
}

void WatcherThread::stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void WatcherThread::firstAttemptDone() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (first_attempt_done_) return;
    first_attempt_done_ = true;
  }
  cv_.notify_all();
}

bool WatcherThread::waitFor(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  return clock_.waitFor(lock, cv_, d, [this] { return stop_.load(); });
}

void WatcherThread::runSessions(const std::function<void()>& session,
                                const std::function<void(const std::string&)>& failed,
                                const std::function<void()>& after) {
  BackoffSchedule backoff(std::chrono::seconds(1), std::chrono::seconds(30));
  while (!stop_.load()) {
    try {
      session();
      backoff.reset();
    } catch (const Error& e) {
      failed(e.what());
    }
    firstAttemptDone();
    if (after) after();
    if (waitFor(backoff.next())) break;
  }
}

}  // namespace logship::tail
