#pragma once
// One input's files: finds them (Scanner), opens harvesters where the registry says there is
// something left to read, follows renames/truncation/removal, closes inactive files, and keeps
// the registry's offsets in step with the AckTracker.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "logship/common/metrics.h"
#include "logship/common/time_source.h"
#include "logship/tail/ack_tracker.h"
#include "logship/tail/harvester.h"
#include "logship/tail/pipeline.h"
#include "logship/tail/registry.h"
#include "logship/tail/scanner.h"

namespace logship::tail {

struct ProspectorOptions {
  bool from_start = false;  // --dry-run: every file from offset 0, no registry
  bool once = false;        // --once / --dry-run: flush multiline at EOF, never wait for more
};

struct ProspectorMetrics {
  metrics::Counter* lines = nullptr;        // lines read
  metrics::Counter* opened = nullptr;       // harvesters started
  metrics::Counter* closed = nullptr;       // harvesters closed
  metrics::Counter* truncations = nullptr;  // copytruncate detected
  static ProspectorMetrics in(metrics::Registry& registry);
};

class Prospector {
 public:
  using Clock = std::chrono::steady_clock;

  // `shipper`: this input's pipeline, the ack tracker (whose file slots the prospector opens and
  // closes) and the output, handed to every harvester. `time`: the wall clock for ignore_older and
  // the registry's updated_ms (the monotonic `now` of each call drives everything else).
  Prospector(const InputConfig& input, const Shipper& shipper, Registry* registry, ProspectorOptions options,
             metrics::Registry& metrics, TimeSource& time = RealTimeSource::instance());
  ~Prospector();

  void scan(Clock::time_point now);
  // Reads up to `budget` lines across this input's files; returns lines read.
  size_t harvest(size_t budget, Clock::time_point now);
  // Multiline timeouts, rotation checks at EOF, close_inactive, registry offsets.
  void tick(Clock::time_point now);
  // --once: every file at EOF with nothing pending in multiline.
  bool atEof() const;
  size_t openFiles() const { return harvesters_.size(); }
  // Writes the current committed offsets into the registry (also done by tick()).
  void syncRegistry();

  // The input is being removed: every file is closed (pending multiline shipped) and drains;
  // tick()/syncRegistry() keep recording acknowledged offsets until drained().
  void stop(Clock::time_point now);
  // No file open and none waiting for acknowledgements.
  bool drained() const { return harvesters_.empty() && draining_.empty(); }
  // The registry scope of this input's states (state_scope.h).
  const std::string& scope() const { return scope_; }
  // The input's paths find a file at `path` (Scanner::matches).
  bool matches(const std::string& path) const { return scanner_.matches(path); }
  // This input has the file (device, inode) open or waits for its acknowledgements.
  bool holds(uint64_t dev, uint64_t inode) const;
  // Files another input of the same scope holds are not opened (InputSet: an input started while
  // another drains the same file waits for it, or lines in flight would be read twice).
  void setHeldElsewhere(std::function<bool(uint64_t dev, uint64_t inode)> held) { held_elsewhere_ = std::move(held); }

 private:
  struct Draining {
    FileIdentity identity;
    std::string path;
    AckTracker::FileId file;
    bool removed = false;  // closed because the file was deleted: clean_removed may forget it
  };
  enum class Opened { kYes, kNotYet, kNo };  // kNotYet: no complete first line to identify it by
  // Opens `f` unless it is known, held, shipped or ignored; false: harvester_limit reached.
  bool consider(const FoundFile& f, Clock::time_point now);
  Opened open(const FoundFile& f, Clock::time_point now);
  // Files of the last scan that were empty or had no first line: looked at again at every tick
  // (a stat each), so a file that was empty when scanned is read as soon as it has a line rather
  // than at the next scan_frequency.
  void recheckWaiting(Clock::time_point now);
  void close(size_t index, const char* reason, Clock::time_point now);
  // Filebeat's clean_removed for files no harvester has open, after a complete scan (which has
  // brought renamed files' paths up to date): a state of this input's scope whose path the input
  // matches, whose file is not held, and which is gone from that path (or the path is another
  // file now) is forgotten. Without it, each rotated file closed before its deletion stayed.
  // clean_inactive: such a state unchanged for longer is forgotten too (ignore_older, which
  // Filebeat requires with it, keeps the old file unread).
  void forgetRemovedStates();
  void checkAtEof(size_t index, Clock::time_point now);
  // copytruncate: ship what is pending, then read the file again from offset 0.
  // False when the rewritten file has no first line yet (nothing changed; retried later).
  bool restartTruncated(size_t index, Clock::time_point now);

  const InputConfig& input_;
  Shipper shipper_;
  AckTracker& acks_;
  Registry* registry_;
  ProspectorOptions options_;
  TimeSource& time_;
  std::string scope_;
  Scanner scanner_;
  std::vector<std::unique_ptr<Harvester>> harvesters_;
  std::vector<Draining> draining_;
  std::function<bool(uint64_t, uint64_t)> held_elsewhere_;
  std::vector<FoundFile> waiting_;   // see recheckWaiting
  std::set<std::string> done_once_;  // --once: files already read to EOF
  size_t next_ = 0;                  // round-robin start
  bool scanned_ = false;
  ProspectorMetrics metrics_;
  static constexpr std::chrono::seconds kTruncationCheckEvery{1};
  Clock::time_point last_truncation_check_{};
};

}  // namespace logship::tail
