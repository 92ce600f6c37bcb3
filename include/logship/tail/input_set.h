#pragma once
// The inputs that run, as a set that can change while the tailer runs: filebeat.config.inputs
// reloads (inputs_reloader.h) and the docker autodiscover provider hand it the inputs that should run now
// (apply); it starts the new ones and stops the ones that are gone. A stopped input stops
// reading at once, but stays (draining) until every event it read is acknowledged and its files'
// offsets are in the registry, so an input started again for the same files continues there: no
// line twice, none skipped. No two inputs of one registry scope (state_scope.h) hold the same file at once (an input
// started while another still holds or drains a file waits for it, as Filebeat's "all related states are finished"
// rule). Single-threaded: the tailer's loop thread calls everything.
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "logship/common/metrics.h"
#include "logship/common/time_source.h"
#include "logship/tail/ack_tracker.h"
#include "logship/tail/output.h"
#include "logship/tail/pipeline.h"
#include "logship/tail/prospector.h"
#include "logship/tail/registry.h"
#include "logship/tail/tail_config.h"

namespace logship::tail {

// One input that should run. Inputs with the same id are the same input: applying it again
// changes nothing; a different config is a different id (Filebeat: the hash of the config).
struct InputSpec {
  std::string id;
  std::shared_ptr<const InputConfig> config;
  std::string origin;  // for the logs: "filebeat.yml", or the file it came from
};

// What every input shares: the global processors, agent, output, ack tracker, registry, clock.
struct InputSetContext {
  const std::vector<ProcessorConfig>& global_processors;
  const AgentInfo& agent;
  OutputCodec codec;
  size_t max_event_bytes = 0;  // 0: no limit (Pipeline::setMaxEventBytes)
  AckTracker& acks;
  Output& output;
  Registry* registry = nullptr;  // null: --dry-run
  ProspectorOptions options;
  metrics::Registry& metrics;
  TimeSource& time;
};

class InputSet {
 public:
  using Clock = std::chrono::steady_clock;
  struct Change {
    size_t started = 0;
    size_t stopped = 0;
  };

  explicit InputSet(InputSetContext context);
  ~InputSet();
  InputSet(const InputSet&) = delete;
  InputSet& operator=(const InputSet&) = delete;

  // Makes `specs` the running inputs: starts those whose id is not running, stops those whose id
  // is not in `specs`, leaves the others as they are. A repeated id runs once.
  Change apply(const std::vector<InputSpec>& specs, Clock::time_point now);

  // The loop's steps over the running inputs: scan (each on its scan_frequency), harvest up to
  // `budget` lines, tick (timeouts, rotation, registry). tick() also lets stopped inputs drain
  // and drops them once they have.
  void scan(Clock::time_point now);
  size_t harvest(size_t budget, Clock::time_point now);
  void tick(Clock::time_point now);
  // At exit: the committed offsets of every input, running or draining, into the registry.
  void syncRegistry();

  size_t openFiles() const;
  // --once: every running input at EOF with no file open, nothing draining.
  bool atEof() const;
  // The running input `id` has scanned its paths at or after `since` and read every file it found
  // to the end (autodiscover stops a dead container's input only then); true when `id` does not run.
  bool caughtUp(const std::string& id, Clock::time_point since) const;
  size_t running() const { return running_.size(); }
  size_t draining() const { return stopping_.size(); }
  std::vector<std::string> runningIds() const;

 private:
  struct Entry;
  void start(const InputSpec& spec, Clock::time_point now);
  bool heldByOther(const Entry* self, uint64_t dev, uint64_t inode) const;
  // An input of `scope` other than `except` holds the file (prospector.h: holds).
  bool held(const std::string& scope, uint64_t dev, uint64_t inode, const Entry* except) const;
  void forgetOrphanStates(Clock::time_point now);

  static constexpr std::chrono::seconds kOrphanCheckEvery{10};

  InputSetContext context_;
  PipelineMetrics pipeline_metrics_;
  std::vector<std::unique_ptr<Entry>> running_;
  std::vector<std::unique_ptr<Entry>> stopping_;
  Clock::time_point last_orphan_check_{};
};

}  // namespace logship::tail
