#pragma once
// The registry: per file identity and state scope (state_scope.h), the offset up to which every
// event is acknowledged. Stored as JSON under path.data (registry/logship-tail/registry.json);
// written atomically (temp file, fsync, rename, fsync of the directory) and batched by the
// caller (flushIfDue).
//
// Registries written before scopes existed (version 1) held one state per file. Their entries
// load as `legacy`: an input of a non-empty scope that has no state of its own for a file starts
// where the legacy state says (it may be where this very input stopped), so an upgrade neither
// re-reads nor skips anything.
#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "logship/common/time_source.h"
#include "logship/tail/file_identity.h"

namespace logship::tail {

struct FileState {
  FileIdentity identity;
  std::string path;        // last known path (informational)
  uint64_t offset = 0;     // everything before is acknowledged
  int64_t updated_ms = 0;  // unix ms of the last change
  std::string scope;       // "" shared; see state_scope.h
  bool legacy = false;     // from a version 1 registry, scope "": see above
};

class Registry {
 public:
  using Clock = std::chrono::steady_clock;
  // `dir` is created if missing. Throws Error(kIo) when it cannot be. The flush interval counts
  // from construction, then from each write, on `time`'s monotonic clock.
  explicit Registry(std::string dir, TimeSource& time = RealTimeSource::instance());

  // Reads the file if it exists. A corrupt file is renamed aside (registry.json.corrupt) and the
  // registry starts empty; returns false in that case.
  bool load();
  // The state of `id` in `scope`; for a non-empty scope without one, the file's legacy state.
  const FileState* find(const std::string& scope, const FileIdentity& id) const;
  // Sets the state of (state.scope, state.identity); it is no longer legacy.
  void update(const FileState& state);
  // Forgets the state of `id` in `scope`, and the file's legacy state (the file is gone).
  void remove(const std::string& scope, const FileIdentity& id);
  // Forgets one state by its key in states().
  void erase(const std::string& key);
  static std::string keyOf(const std::string& scope, const FileIdentity& id);
  const std::map<std::string, FileState>& states() const { return states_; }

  // Writes when dirty and `interval` has passed since the last write. Returns true on a write.
  bool flushIfDue(Clock::time_point now, std::chrono::milliseconds interval);
  // Writes if dirty (shutdown). Throws Error(kIo) on failure.
  void flush();
  bool dirty() const { return dirty_; }
  uint64_t writes() const { return writes_; }
  Clock::time_point lastWrite() const { return last_write_; }
  const std::string& file() const { return file_; }

 private:
  TimeSource& time_;
  std::string dir_;
  std::string file_;
  std::map<std::string, FileState> states_;
  bool dirty_ = false;
  uint64_t writes_ = 0;
  Clock::time_point last_write_;
};

}  // namespace logship::tail
