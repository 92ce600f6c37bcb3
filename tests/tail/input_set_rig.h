#pragma once
// A real InputSet for tests (input_set_test, autodiscover_provider_test), with its registry,
// acknowledgements and recording output.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "logship/common/time_source.h"
#include "logship/tail/input_set.h"
#include "tail/tail_test_util.h"

namespace logship::tail::testing {

// An InputSet over a registry in `data`, on a simulated clock; its output acknowledges at once
// (`ack_now`) or only when told to (ackAll: events stay in flight).
struct SetRig {
  explicit SetRig(const std::filesystem::path& data, bool ack_now = false) {
    registry = std::make_unique<Registry>(data.string(), clock);
    registry->load();
    output = std::make_unique<testing::RecordingOutput>([this](AckToken t, bool) { acks.ack(t); }, ack_now);
    set = std::make_unique<InputSet>(InputSetContext{global, agent, OutputCodec{}, 0, acks, *output, registry.get(),
                                                     ProspectorOptions{}, metrics, clock});
  }
  static InputSpec spec(const std::string& id, const std::filesystem::path& glob) {
    auto in = std::make_shared<InputConfig>();
    in->paths = {glob.string()};
    return InputSpec{id, in, "test"};
  }
  void pump() {
    for (int i = 0; i < 3; ++i) {
      clock.advance(std::chrono::seconds(11));  // past scan_frequency
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

}  // namespace logship::tail::testing
