#include "logship/es/host_picker.h"

#include <gtest/gtest.h>

#include <algorithm>

using logship::es::HostPicker;
using namespace std::chrono_literals;

namespace {
const HostPicker::Clock::time_point t0 = HostPicker::Clock::time_point{} + 1h;
}

TEST(HostPickerTest, RoundRobinOverHealthyHosts) {
  HostPicker p(3);
  EXPECT_EQ(p.order(t0), (std::vector<size_t>{0, 1, 2}));
  EXPECT_EQ(p.order(t0), (std::vector<size_t>{1, 2, 0}));
  EXPECT_EQ(p.order(t0), (std::vector<size_t>{2, 0, 1}));
}

TEST(HostPickerTest, FailedHostIsSkippedUntilItsBackoffEnds) {
  HostPicker p(3, 1s, 30s);
  p.failed(1, t0);
  for (int k = 0; k < 6; ++k) {
    const auto o = p.order(t0 + 500ms);
    EXPECT_EQ(std::count(o.begin(), o.end(), 1u), 0) << "host 1 must not be tried while backing off";
    EXPECT_EQ(o.size(), 2u);
  }
  const auto later = p.order(t0 + 1s);
  EXPECT_EQ(later.size(), 3u) << "after the back-off the host is tried again";
}

TEST(HostPickerTest, BackoffDoublesAndIsCapped) {
  HostPicker p(2, 1s, 4s);
  auto t = t0;
  p.failed(0, t);  // 1 s
  EXPECT_TRUE(p.backingOff(0, t + 999ms));
  t += 1s;
  p.failed(0, t);  // 2 s
  EXPECT_TRUE(p.backingOff(0, t + 1999ms));
  EXPECT_FALSE(p.backingOff(0, t + 2s));
  t += 2s;
  p.failed(0, t);  // 4 s
  t += 4s;
  p.failed(0, t);  // capped at 4 s
  EXPECT_FALSE(p.backingOff(0, t + 4s));
}

TEST(HostPickerTest, SuccessClearsTheBackoff) {
  HostPicker p(2, 1s, 30s);
  p.failed(0, t0);
  p.failed(0, t0 + 1s);
  p.succeeded(0);
  EXPECT_FALSE(p.backingOff(0, t0 + 1s));
  p.failed(0, t0 + 1s);
  EXPECT_FALSE(p.backingOff(0, t0 + 2s)) << "the back-off starts again at the base";
}

TEST(HostPickerTest, ConcurrentFailuresWithinOneBackoffCountOnce) {
  HostPicker p(2, 1s, 30s);
  p.failed(0, t0);
  p.failed(0, t0 + 10ms);
  p.failed(0, t0 + 20ms);
  EXPECT_FALSE(p.backingOff(0, t0 + 1s));
}

TEST(HostPickerTest, AllBackingOffTriesTheOneDueFirst) {
  HostPicker p(3, 1s, 30s);
  p.failed(0, t0);
  p.failed(0, t0 + 1s);  // due at t0 + 3 s
  p.failed(1, t0);       // due at t0 + 1 s
  p.failed(2, t0 + 500ms);
  EXPECT_EQ(p.order(t0 + 600ms), (std::vector<size_t>{1}));
}
