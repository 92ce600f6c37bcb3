#include "logship/common/lifecycle.h"

#include <csignal>
#include <cstdlib>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "logship/common/logging.h"

namespace logship {

void ShutdownSignal::trigger() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    triggered_ = true;
  }
  cv_.notify_all();
}

bool ShutdownSignal::waitFor(std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  return cv_.wait_for(lock, timeout, [this] { return triggered_.load(); });
}

bool ShutdownSignal::waitFor(TimeSource& time, std::chrono::milliseconds timeout) {
  std::unique_lock<std::mutex> lock(mutex_);
  return time.waitFor(lock, cv_, timeout, [this] { return triggered_.load(); });
}

void ShutdownSignal::wait() {
  std::unique_lock<std::mutex> lock(mutex_);
  cv_.wait(lock, [this] { return triggered_.load(); });
}

struct SignalWatcher::Impl {
  boost::asio::io_context io;
  boost::asio::signal_set signals{io, SIGINT, SIGTERM};
  std::thread thread;
  ShutdownSignal& shutdown;
  std::function<void()> on_first;
  int received = 0;

  Impl(ShutdownSignal& s, std::function<void()> f) : shutdown(s), on_first(std::move(f)) {}

  void arm() {
    signals.async_wait([this](const boost::system::error_code& ec, int signo) {
      if (ec) return;  // cancelled at destruction
      if (++received > 1) {
        log::warn(*log::get("main"), "second signal: exiting now", {{"signal", signo}});
        std::_Exit(130);
      }
      log::info(*log::get("main"), "signal received: shutting down gracefully", {{"signal", signo}});
      shutdown.trigger();
      if (on_first) on_first();
      arm();
    });
  }
};

SignalWatcher::SignalWatcher(ShutdownSignal& shutdown, std::function<void()> on_first)
    : impl_(new Impl(shutdown, std::move(on_first))) {
  impl_->arm();
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

SignalWatcher::~SignalWatcher() {
  boost::system::error_code ec;
  impl_->signals.cancel(ec);
  impl_->io.stop();
  if (impl_->thread.joinable()) impl_->thread.join();
}

}  // namespace logship
