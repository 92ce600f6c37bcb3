#include <gtest/gtest.h>

#include "logship/kafka/offset_tracker.h"

namespace logship::kafka {
namespace {

int64_t commitOf(OffsetTracker& t, const std::string& topic, int32_t p) {
  int64_t o = -1;
  return t.committable(topic, p, o) ? o : -1;
}

TEST(OffsetTracker, CommitsOnlyUpToHighestContiguousDone) {
  OffsetTracker t;
  auto h = t.assign("t", 0);
  for (int64_t o = 10; o < 15; ++o) t.track(h, o);
  EXPECT_EQ(commitOf(t, "t", 0), -1);
  t.done(h.slot, h.epoch, 12);
  t.done(h.slot, h.epoch, 13);
  EXPECT_EQ(commitOf(t, "t", 0), -1);  // 10 and 11 not done
  t.done(h.slot, h.epoch, 10);
  EXPECT_EQ(commitOf(t, "t", 0), 11);
  t.done(h.slot, h.epoch, 11);
  EXPECT_EQ(commitOf(t, "t", 0), 14);
  EXPECT_EQ(t.pending(), 1u);
  t.done(h.slot, h.epoch, 14);
  EXPECT_EQ(commitOf(t, "t", 0), 15);
  EXPECT_EQ(t.pending(), 0u);
}

TEST(OffsetTracker, GapsInOffsetsAreFine) {
  OffsetTracker t;
  auto h = t.assign("t", 1);
  t.track(h, 5);
  t.track(h, 9);  // compacted / transaction markers between
  t.done(h.slot, h.epoch, 9);
  EXPECT_EQ(commitOf(t, "t", 1), -1);
  t.done(h.slot, h.epoch, 5);
  EXPECT_EQ(commitOf(t, "t", 1), 10);
}

TEST(OffsetTracker, PartitionsAreIndependentAndTakeCommittableReportsChanges) {
  OffsetTracker t;
  auto a = t.assign("t", 0), b = t.assign("t", 1);
  t.track(a, 0);
  t.track(b, 100);
  t.done(b.slot, b.epoch, 100);
  auto points = t.takeCommittable();
  ASSERT_EQ(points.size(), 1u);
  EXPECT_EQ(points[0].partition, 1);
  EXPECT_EQ(points[0].offset, 101);
  EXPECT_TRUE(t.takeCommittable().empty());       // nothing new
  EXPECT_EQ(t.takeCommittable(true).size(), 1u);  // all: still the one with a commit point
}

TEST(OffsetTracker, RevokeIgnoresLateAcknowledgements) {
  OffsetTracker t;
  auto h = t.assign("t", 0);
  t.track(h, 1);
  t.track(h, 2);
  t.revoke("t", 0);
  t.done(h.slot, h.epoch, 1);  // from a bulk request sent before the revoke
  EXPECT_EQ(commitOf(t, "t", 0), -1);
  auto h2 = t.assign("t", 0);
  EXPECT_NE(h2.epoch, h.epoch);
  t.track(h2, 1);
  t.done(h.slot, h.epoch, 1);  // stale epoch: ignored
  EXPECT_EQ(commitOf(t, "t", 0), -1);
  t.done(h2.slot, h2.epoch, 1);
  EXPECT_EQ(commitOf(t, "t", 0), 2);
}

TEST(OffsetTracker, UnknownOffsetsAndReplaysIgnored) {
  OffsetTracker t;
  auto h = t.assign("t", 0);
  t.track(h, 3);
  t.track(h, 3);  // duplicate delivery
  t.done(h.slot, h.epoch, 7);
  EXPECT_EQ(t.pending(), 1u);
  t.done(h.slot, h.epoch, 3);
  EXPECT_EQ(commitOf(t, "t", 0), 4);
  std::string topic;
  int32_t partition = -1;
  t.describe(h.slot, topic, partition);
  EXPECT_EQ(topic, "t");
  EXPECT_EQ(partition, 0);
}

}  // namespace
}  // namespace logship::kafka
