#pragma once
// Which offsets may be committed: per partition, only up to the highest contiguous offset whose
// message is done (indexed, duplicate, dropped by a filter, or dead-lettered). Messages are
// tracked in consumption order; acknowledgements arrive in any order from the bulk senders.
// A partition gets a slot on assignment; revoking it bumps the slot's epoch so late
// acknowledgements from before the revoke are ignored. Each partition is a ContiguousPrefix of
// offsets whose values are the next offset to read; unknown offsets are ignored (UnknownKey::kIgnore).
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "logship/common/contiguous_prefix.h"

namespace logship::kafka {

struct CommitPoint {
  std::string topic;
  int32_t partition;
  int64_t offset;  // next offset to read (last done + 1)
};

class OffsetTracker {
 public:
  struct Handle {
    uint32_t slot;
    uint32_t epoch;
  };

  // (Re)activates a partition; returns its slot and current epoch.
  Handle assign(const std::string& topic, int32_t partition);
  // Deactivates it: pending offsets are forgotten, late acknowledgements ignored.
  void revoke(const std::string& topic, int32_t partition);
  // The handle of an active partition (consumer thread, hot path: cache it).
  bool handle(const std::string& topic, int32_t partition, Handle& out) const;

  // A consumed message (offsets of one partition must increase).
  void track(Handle h, int64_t offset);
  // Marks a tracked message done. Unknown offsets and stale epochs are ignored.
  void done(uint32_t slot, uint32_t epoch, int64_t offset);

  // Commit points that advanced since the last call (all active ones when `all`).
  std::vector<CommitPoint> takeCommittable(bool all = false);
  // The commit point of one partition, if anything is done there.
  bool committable(const std::string& topic, int32_t partition, int64_t& offset) const;
  // The topic and partition of a slot.
  void describe(uint32_t slot, std::string& topic, int32_t& partition) const;
  // Tracked but not yet done.
  size_t pending() const;
  size_t pending(const std::string& topic, int32_t partition) const;

 private:
  struct Slot {
    std::string topic;
    int32_t partition = 0;
    uint32_t epoch = 0;
    bool active = false;
    // tracked offsets -> next offset to read; committed() is -1 while nothing is done
    ContiguousPrefix<int64_t, int64_t> window{UnknownKey::kIgnore, -1};
    bool dirty = false;
  };
  mutable std::mutex mutex_;
  std::vector<Slot> slots_;
  std::map<std::pair<std::string, int32_t>, uint32_t> index_;
};

}  // namespace logship::kafka
