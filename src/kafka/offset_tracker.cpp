#include "logship/kafka/offset_tracker.h"

namespace logship::kafka {

OffsetTracker::Handle OffsetTracker::assign(const std::string& topic, int32_t partition) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto key = std::make_pair(topic, partition);
  auto it = index_.find(key);
  uint32_t slot;
  if (it == index_.end()) {
    slot = static_cast<uint32_t>(slots_.size());
    slots_.emplace_back();
    slots_[slot].topic = topic;
    slots_[slot].partition = partition;
    index_.emplace(key, slot);
  } else {
    slot = it->second;
  }
  Slot& s = slots_[slot];
  if (!s.active) {
    ++s.epoch;
    s.active = true;
    s.window.reset(-1);
    s.dirty = false;
  }
  return {slot, s.epoch};
}

void OffsetTracker::revoke(const std::string& topic, int32_t partition) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = index_.find({topic, partition});
  if (it == index_.end()) return;
  Slot& s = slots_[it->second];
  s.active = false;
  ++s.epoch;
  s.window.reset(s.window.committed());
  s.dirty = false;
}

bool OffsetTracker::handle(const std::string& topic, int32_t partition, Handle& out) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = index_.find({topic, partition});
  if (it == index_.end() || !slots_[it->second].active) return false;
  out = {it->second, slots_[it->second].epoch};
  return true;
}

void OffsetTracker::track(Handle h, int64_t offset) {
  std::lock_guard<std::mutex> lock(mutex_);
  Slot& s = slots_[h.slot];
  if (!s.active || s.epoch != h.epoch) return;
  s.window.push(offset, offset + 1);  // a replayed offset (not above the last one) is not tracked again
}

void OffsetTracker::done(uint32_t slot, uint32_t epoch, int64_t offset) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (slot >= slots_.size()) return;
  Slot& s = slots_[slot];
  if (!s.active || s.epoch != epoch) return;
  if (s.window.complete(offset)) s.dirty = true;
}

std::vector<CommitPoint> OffsetTracker::takeCommittable(bool all) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<CommitPoint> out;
  for (auto& s : slots_) {
    if (!s.active || s.window.committed() < 0 || (!s.dirty && !all)) continue;
    out.push_back({s.topic, s.partition, s.window.committed()});
    s.dirty = false;
  }
  return out;
}

bool OffsetTracker::committable(const std::string& topic, int32_t partition, int64_t& offset) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = index_.find({topic, partition});
  if (it == index_.end()) return false;
  const Slot& s = slots_[it->second];
  if (!s.active || s.window.committed() < 0) return false;
  offset = s.window.committed();
  return true;
}

void OffsetTracker::describe(uint32_t slot, std::string& topic, int32_t& partition) const {
  std::lock_guard<std::mutex> lock(mutex_);
  if (slot >= slots_.size()) return;
  topic = slots_[slot].topic;
  partition = slots_[slot].partition;
}

size_t OffsetTracker::pending() const {
  std::lock_guard<std::mutex> lock(mutex_);
  size_t n = 0;
  for (const auto& s : slots_) n += s.active ? s.window.pending() : 0;
  return n;
}

size_t OffsetTracker::pending(const std::string& topic, int32_t partition) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = index_.find({topic, partition});
  if (it == index_.end() || !slots_[it->second].active) return 0;
  return slots_[it->second].window.pending();
}

}  // namespace logship::kafka
