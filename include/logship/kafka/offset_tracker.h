#pragma once
// Which offsets may be committed: per partition, only up to the highest contiguous offset whose
// message is done (indexed, duplicate, dropped by a filter, or dead-lettered). Messages are
// tracked in consumption order; acknowledgements arrive in any order from the bulk senders.
// A partition gets a slot on assignment; revoking it bumps the slot's epoch so late
// acknowledgements from before the revoke are ignored.
#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

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
    std::deque<std::pair<int64_t, bool>> window;  // tracked offsets, ascending, with done flags
    int64_t commit = -1;                          // next offset to read, -1 unknown
    bool dirty = false;
  };
  mutable std::mutex mutex_;
  std::vector<Slot> slots_;
  std::map<std::pair<std::string, int32_t>, uint32_t> index_;
};

}  // namespace logship::kafka
