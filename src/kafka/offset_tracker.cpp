#include "logship/kafka/offset_tracker.h"

#include <algorithm>

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
    s.window.clear();
    s.commit = -1;
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
  s.window.clear();
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
  if (!s.window.empty() && offset <= s.window.back().first) return;  // replayed: already tracked
  s.window.emplace_back(offset, false);
}

void OffsetTracker::done(uint32_t slot, uint32_t epoch, int64_t offset) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (slot >= slots_.size()) return;
  Slot& s = slots_[slot];
  if (!s.active || s.epoch != epoch || s.window.empty()) return;
  auto it = std::lower_bound(s.window.begin(), s.window.end(), offset,
                             [](const std::pair<int64_t, bool>& e, int64_t o) { return e.first < o; });
  if (it == s.window.end() || it->first != offset) return;
  it->second = true;
  while (!s.window.empty() && s.window.front().second) {
    s.commit = s.window.front().first + 1;
    s.window.pop_front();
    s.dirty = true;
  }
}

std::vector<CommitPoint> OffsetTracker::takeCommittable(bool all) {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<CommitPoint> out;
  for (auto& s : slots_) {
    if (!s.active || s.commit < 0 || (!s.dirty && !all)) continue;
    out.push_back({s.topic, s.partition, s.commit});
    s.dirty = false;
  }
  return out;
}

bool OffsetTracker::committable(const std::string& topic, int32_t partition, int64_t& offset) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = index_.find({topic, partition});
  if (it == index_.end()) return false;
  const Slot& s = slots_[it->second];
  if (!s.active || s.commit < 0) return false;
  offset = s.commit;
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
  for (const auto& s : slots_) n += s.active ? s.window.size() : 0;
  return n;
}

size_t OffsetTracker::pending(const std::string& topic, int32_t partition) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = index_.find({topic, partition});
  if (it == index_.end() || !slots_[it->second].active) return 0;
  return slots_[it->second].window.size();
}

}  // namespace logship::kafka
