#include "logship/common/lifecycle.h"

#include <csignal>

#include <gtest/gtest.h>

namespace logship {
namespace {

TEST(LifecycleTest, ShutdownSignalWakesWaiters) {
  ShutdownSignal s;
  EXPECT_FALSE(s.waitFor(std::chrono::milliseconds(1)));
  std::thread t([&] { s.trigger(); });
  s.wait();
  EXPECT_TRUE(s.triggered());
  t.join();
}

TEST(LifecycleTest, FirstSigtermTriggersGracefulShutdown) {
  ShutdownSignal s;
  std::atomic<int> callbacks{0};
  SignalWatcher watcher(s, [&] { ++callbacks; });
  ::kill(::getpid(), SIGTERM);
  EXPECT_TRUE(s.waitFor(std::chrono::seconds(10)));
  // The callback runs right after the trigger on the watcher thread.
  for (int i = 0; i < 1000 && callbacks.load() == 0; ++i) std::this_thread::yield();
  EXPECT_TRUE(s.triggered());
}

TEST(LifecycleTest, SecondSignalExitsAtOnce) {
  EXPECT_EXIT(
      {
        ShutdownSignal s;
        SignalWatcher watcher(s);
        ::kill(::getpid(), SIGINT);
        s.wait();
        ::kill(::getpid(), SIGINT);
        std::this_thread::sleep_for(std::chrono::seconds(30));  // never reached: the watcher exits
      },
      ::testing::ExitedWithCode(130), "");
}

}  // namespace
}  // namespace logship
