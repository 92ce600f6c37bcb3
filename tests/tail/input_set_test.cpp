// InputSet: inputs started and stopped while their events are in flight (drain, registry
// offsets, no line twice, one input per file).
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "logship/common/time_source.h"
#include "logship/tail/input_set.h"
#include "support/paths.h"
#include "tail/tail_test_util.h"

namespace logship::tail {
namespace {

namespace fs = std::filesystem;
using logship::testing::TempDir;
using std::chrono::seconds;

void append(const fs::path& p, int from, int to) {
  std::ofstream f(p, std::ios::app);
  for (int i = from; i < to; ++i) f << "line " << i << "\n";
}

// An InputSet whose output acknowledges only when told to (events stay in flight).
struct SetRig {
  explicit SetRig(const fs::path& data) {
    registry = std::make_unique<Registry>(data.string(), clock);
    registry->load();
    output = std::make_unique<testing::RecordingOutput>([this](AckToken t, bool) { acks.ack(t); }, false);
    set = std::make_unique<InputSet>(InputSetContext{global, agent, OutputCodec{}, 0, acks, *output, registry.get(),
                                                     ProspectorOptions{}, metrics, clock});
  }
  static InputSpec spec(const std::string& id, const fs::path& glob) {
    auto in = std::make_shared<InputConfig>();
    in->paths = {glob.string()};
    return InputSpec{id, in, "test"};
  }
  void pump() {
    for (int i = 0; i < 3; ++i) {
      clock.advance(seconds(11));  // past scan_frequency
      const auto now = clock.monotonicTime();
      set->scan(now);
      while (set->harvest(100000, now) > 0) {
      }
      set->tick(now);
    }
  }
  std::vector<std::string> messages() const { return output->messages(); }
  SimulatedTimeSource clock;
  metrics::Registry metrics;
  std::vector<ProcessorConfig> global;
  AgentInfo agent{"h", "id", "eph"};
  AckTracker acks;
  std::unique_ptr<Registry> registry;
  std::unique_ptr<testing::RecordingOutput> output;
  std::unique_ptr<InputSet> set;
};

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
