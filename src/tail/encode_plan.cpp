#include "logship/tail/encode_plan.h"

#include <cstring>

#include "logship/common/json.h"

namespace logship::tail {

bool EncodePlan::matches(const std::vector<Entry>& entries) const {
  if (!valid_ || entries.size() != shape_.size()) return false;
  for (size_t i = 0; i < entries.size(); ++i) {
    const Entry& e = entries[i];
    const Key& k = shape_[i];
    if (flagsOf(e) != k.flags) return false;
    if (k.flags != 0) continue;  // skipped by the encoder whatever its key
    if (e.key.size() != k.size || std::memcmp(e.key.data(), keys_.data() + k.offset, k.size) != 0) return false;
  }
  return true;
}

void EncodePlan::play(const std::vector<Entry>& entries, std::string& out) const {
  for (const Step& s : steps_) {
    out.append(literals_, s.literal_offset, s.literal_size);
    const Entry& e = entries[s.entry];
    if (e.kind == Entry::Kind::kString) {
      json::appendString(out, e.value);
    } else {
      out.append(e.value);
    }
  }
  out.append(literals_, tail_offset_, tail_size_);
}

void EncodePlan::startRecording(const std::vector<Entry>& entries, const std::string& out) {
  valid_ = false;
  keys_.clear();
  shape_.clear();
  literals_.clear();
  steps_.clear();
  for (const Entry& e : entries) {
    shape_.push_back(Key{static_cast<uint32_t>(keys_.size()), static_cast<uint32_t>(e.key.size()), flagsOf(e)});
    keys_.append(e.key);
  }
  literal_start_ = out.size();
}

void EncodePlan::appendLiteral(const std::string& out, size_t from) { literals_.append(out, from, out.size() - from); }

void EncodePlan::recordValue(size_t entry, const std::string& out) {
  const auto offset = static_cast<uint32_t>(literals_.size());
  appendLiteral(out, literal_start_);
  steps_.push_back(Step{offset, static_cast<uint32_t>(literals_.size() - offset), static_cast<uint32_t>(entry)});
}

void EncodePlan::finishRecording(const std::string& out) {
  tail_offset_ = static_cast<uint32_t>(literals_.size());
  appendLiteral(out, literal_start_);
  tail_size_ = static_cast<uint32_t>(literals_.size() - tail_offset_);
  valid_ = true;
}

const EncodePlan* EncodePlanCache::find(const std::vector<Entry>& entries) const {
  if (plans_[last_hit_].matches(entries)) return &plans_[last_hit_];  // runs of one shape are the rule
  for (size_t i = 0; i < kPlans; ++i) {
    if (i != last_hit_ && plans_[i].matches(entries)) {
      last_hit_ = i;
      return &plans_[i];
    }
  }
  return nullptr;
}

EncodePlan& EncodePlanCache::slotForNewShape() {
  last_hit_ = next_;
  EncodePlan& p = plans_[next_];
  next_ = (next_ + 1) % kPlans;
  return p;
}

}  // namespace logship::tail
