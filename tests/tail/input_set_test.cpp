// InputSet: inputs started and stopped while their events are in flight (drain, registry
// offsets, no line twice, one input per file).
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "logship/common/time_source.h"
#include "logship/tail/input_set.h"
#include "support/paths.h"
#include "tail/input_set_rig.h"
#include "tail/tail_test_util.h"

namespace logship::tail {
namespace {

namespace fs = std::filesystem;
using logship::testing::TempDir;
using std::chrono::seconds;
using testing::SetRig;

void append(const fs::path& p, int from, int to) {
  std::ofstream f(p, std::ios::app);
  for (int i = from; i < to; ++i) f << "line " << i << "\n";
}

std::vector<std::string> expected(int from, int to) { return testing::lineMessages(from, to); }

TEST(InputSet, ARemovedInputDrainsThenReAddedContinuesWithoutDuplicates) {
  TempDir dir;
  const auto log = dir / "a.log";
  append(log, 0, 5);
  SetRig rig(dir / "data");
  const auto a = SetRig::spec("a", dir / "*.log");
  EXPECT_EQ(rig.set->apply({a}, rig.clock.monotonicTime()).started, 1u);
  rig.pump();
  EXPECT_EQ(rig.messages(), expected(0, 5));

  // Removed while its 5 events are unacknowledged: it stops reading but stays until they are.
  const auto change = rig.set->apply({}, rig.clock.monotonicTime());
  EXPECT_EQ(change.stopped, 1u);
  EXPECT_EQ(rig.set->running(), 0u);
  EXPECT_EQ(rig.set->draining(), 1u);
  append(log, 5, 8);
  rig.pump();
  EXPECT_EQ(rig.messages().size(), 5u);  // nothing read after the stop
  EXPECT_EQ(rig.set->draining(), 1u);

  // Re-added before the acks: the new input waits for the old one's file.
  rig.set->apply({a}, rig.clock.monotonicTime());
  rig.pump();
  EXPECT_EQ(rig.messages().size(), 5u);
  EXPECT_EQ(rig.set->openFiles(), 0u);

  rig.output->ackAll();
  rig.pump();  // old input drained -> offsets in the registry -> the new one opens there
  EXPECT_EQ(rig.set->draining(), 0u);
  auto all = rig.messages();
  EXPECT_EQ(all, expected(0, 8));  // each line once, in order
}

TEST(InputSet, ChangedInputRestartsAtTheRegistryOffsetAndSameIdChangesNothing) {
  TempDir dir;
  const auto log = dir / "a.log";
  append(log, 0, 3);
  SetRig rig(dir / "data");
  rig.set->apply({SetRig::spec("v1", dir / "*.log")}, rig.clock.monotonicTime());
  rig.pump();
  rig.output->ackAll();
  rig.pump();
  // Same spec again: nothing restarts (the open harvester keeps its place).
  const auto same = rig.set->apply({SetRig::spec("v1", dir / "*.log")}, rig.clock.monotonicTime());
  EXPECT_EQ(same.started + same.stopped, 0u);
  EXPECT_EQ(rig.set->openFiles(), 1u);
  // A changed config (new id): stopped, started again, continuing where the old one was acked.
  const auto changed = rig.set->apply({SetRig::spec("v2", dir / "*.log")}, rig.clock.monotonicTime());
  EXPECT_EQ(changed.started, 1u);
  EXPECT_EQ(changed.stopped, 1u);
  append(log, 3, 6);
  rig.pump();
  rig.output->ackAll();
  rig.pump();
  EXPECT_EQ(rig.messages(), expected(0, 6));
  EXPECT_EQ(rig.set->runningIds(), std::vector<std::string>{"v2"});
}

TEST(InputSet, TwoInputsOverTheSameFileReadItOnce) {
  TempDir dir;
  append(dir / "a.log", 0, 4);
  SetRig rig(dir / "data");
  rig.set->apply({SetRig::spec("x", dir / "*.log"), SetRig::spec("y", dir / "a.log"), SetRig::spec("x", dir / "*.log")},
                 rig.clock.monotonicTime());
  EXPECT_EQ(rig.set->running(), 2u);  // the repeated id runs once
  rig.pump();
  EXPECT_EQ(rig.messages(), expected(0, 4));
}

}  // namespace
}  // namespace logship::tail
