#include <gtest/gtest.h>

#include "logship/common/backoff.h"
#include "logship/common/time_source.h"

namespace logship {
namespace {

using std::chrono::milliseconds;

TEST(BackoffSchedule, DoublesUpToTheCapAndResets) {
  BackoffSchedule b(milliseconds(200), milliseconds(1000), 0.0);
  std::vector<int64_t> got;
  for (int i = 0; i < 5; ++i) got.push_back(b.next().count());
  EXPECT_EQ(got, (std::vector<int64_t>{200, 400, 800, 1000, 1000}));
  b.reset();
  EXPECT_EQ(b.next().count(), 200);
}

TEST(BackoffSchedule, JitterStaysWithinItsFraction) {
  double r = 0.0;
  BackoffSchedule low(milliseconds(1000), milliseconds(1000), 0.25, [&] { return r; });
  EXPECT_EQ(low.next().count(), 750);
  r = 0.999999;
  EXPECT_EQ(low.next().count(), 1249);
}

TEST(SimulatedTimeSource, WaitsMoveTheClockAndAreRecorded) {
  SimulatedTimeSource t;
  const auto start = t.monotonicTime();
  const auto wall = t.systemTime();
  std::mutex mu;
  std::condition_variable cv;
  std::unique_lock<std::mutex> lock(mu);
  EXPECT_FALSE(t.waitFor(lock, cv, milliseconds(300), [] { return false; }));
  EXPECT_TRUE(t.waitFor(lock, cv, milliseconds(500), [] { return true; }));  // stopped: no wait
  t.advance(milliseconds(50));
  EXPECT_EQ(t.monotonicTime() - start, milliseconds(350));
  EXPECT_EQ(t.systemTime() - wall, milliseconds(350));
  EXPECT_EQ(t.waits(), std::vector<milliseconds>{milliseconds(300)});
}

}  // namespace
}  // namespace logship
