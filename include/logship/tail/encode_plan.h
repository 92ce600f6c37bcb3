#pragma once
// Remembers how events of one shape were encoded, so the next event with the same keys skips the
// sort and the nesting: the encoder's output for an entry list is fixed text (keys, braces,
// commas) between the values, and depends only on the keys and their removed/preencoded flags.
// Lines of one file (and of one go-zero log kind) produce the same few shapes over and over.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "logship/tail/event.h"

namespace logship::tail {

class EncodePlan {
 public:
  // True when `entries` has this plan's shape (same keys in the same order, same flags).
  bool matches(const std::vector<Entry>& entries) const;
  // Writes the members of `entries` (which must match) as the recorded encoding did.
  void play(const std::vector<Entry>& entries, std::string& out) const;

  // Recording, by the encoder while it writes `entries` the slow way.
  void startRecording(const std::vector<Entry>& entries, const std::string& out);
  void recordValue(size_t entry, const std::string& out);  // before entry's value is written
  void valueWritten(const std::string& out) { literal_start_ = out.size(); }
  void finishRecording(const std::string& out);

 private:
  struct Key {
    uint32_t offset, size;  // into keys_
    uint8_t flags;
  };
  struct Step {
    uint32_t literal_offset, literal_size;  // into literals_: text before the value
    uint32_t entry;
  };
  static uint8_t flagsOf(const Entry& e) { return static_cast<uint8_t>((e.removed ? 1 : 0) | (e.preencoded ? 2 : 0)); }
  void appendLiteral(const std::string& out, size_t from);

  std::string keys_;
  std::vector<Key> shape_;
  std::string literals_;
  std::vector<Step> steps_;
  uint32_t tail_offset_ = 0, tail_size_ = 0;  // text after the last value (closing braces)
  size_t literal_start_ = 0;
  bool valid_ = false;
};

// A few plans, replaced round-robin when a new shape shows up.
class EncodePlanCache {
 public:
  // The plan for `entries`' shape, or nullptr.
  const EncodePlan* find(const std::vector<Entry>& entries) const;
  // A plan slot to record a new shape into.
  EncodePlan& slotForNewShape();

 private:
  static constexpr size_t kPlans = 8;
  EncodePlan plans_[kPlans];
  size_t next_ = 0;
  mutable size_t last_hit_ = 0;
};

}  // namespace logship::tail
