#pragma once
// libbeat's dissect tokenizer, compiled once from the `tokenizer` text: the delimiters between
// `%{...}` keys and the keys with their modifiers (`%{}` skip, `%{?k}` named skip, `%{*k}` pointer,
// `%{&k}` indirect, `%{+k}` / `%{+k/N}` append in order N, `%{k->}` right padding, `%{k#N}` fixed
// length, `%{k|integer}` data type). extract() finds each key's value in a text as libbeat's
// Dissector.extract does (the first delimiter must start the text, each value ends at the next
// occurrence of the delimiter after it, the last key takes the rest); resolve() applies the
// modifiers. Values are views into the text: nothing is allocated once the thread's buffers grew.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace logship::tail::processors {

enum class DissectType : uint8_t { kNone, kInteger, kLong, kFloat, kDouble, kString, kBoolean, kIp };

struct DissectField {
  enum class Kind : uint8_t { kNormal, kSkip, kNamedSkip, kPointer, kAppend, kIndirect };
  Kind kind = Kind::kNormal;
  size_t id = 0;      // its place in the tokenizer (0: the first key)
  int ordinal = 0;    // `/N`: the order appends are joined in (fields are applied in this order)
  size_t length = 0;  // `#N`: fixed length; 0 when the next delimiter ends the value
  bool greedy = false;
  DissectType type = DissectType::kNone;
  std::string type_name;
  std::string key;
  std::string join;  // append: put before its value (the delimiter before the key, or " ")
  // Kept in the result: skip, named skip and pointer fields only name values for `&` keys.
  bool saveable() const { return kind == Kind::kNormal || kind == Kind::kAppend || kind == Kind::kIndirect; }
};

struct DissectSpan {
  size_t start = 0, end = 0;
};

// One resolved key and its value.
struct DissectValue {
  std::string_view key;
  std::string_view value;
  DissectType type = DissectType::kNone;
  int slot = -1;  // the tokenizer's slot for a key it names (targets are computed once); -1 for an `&` key
  bool present = false;
};

class DissectTokenizer {
 public:
  // Compiles `tokenizer`; on a bad one returns false with libbeat's message in `error`.
  bool compile(std::string_view tokenizer, std::string& error);

  // The span of each field's value in `s` (by field id); false with libbeat's error text.
  bool extract(std::string_view s, std::vector<DissectSpan>& spans, std::string& error) const;
  // The key/value pairs of `s` from its spans, as libbeat's resolve: fields applied in ordinal
  // order, appends joined, `&` keys named by their reference's value, reference keys left out
  // (`present` false). `keep(a, join, b)` returns a + join + b in storage that outlives the call
  // (the event's arena).
  template <typename Keep>
  void resolve(std::string_view s, const std::vector<DissectSpan>& spans, std::vector<DissectValue>& out,
               Keep&& keep) const;

  const std::vector<DissectField>& fields() const { return fields_; }
  // The keys the tokenizer names itself (not `&` keys), one slot each, in order of first use.
  const std::vector<std::string>& slotKeys() const { return slot_keys_; }
  bool slotIsReference(size_t slot) const { return slot_reference_[slot]; }
  bool converts() const { return converts_; }
  bool hasIndirect() const { return has_indirect_; }

 private:
  const DissectField& byId(size_t id) const { return fields_[by_id_[id]]; }

  std::vector<std::string> delimiters_;  // delimiters_[i] precedes field i; one more when text trails
  std::vector<bool> greedy_;             // delimiters_[i] is followed by a `->` key
  std::vector<DissectField> fields_;     // in ordinal order (stable)
  std::vector<size_t> by_id_;            // field id -> index in fields_
  std::vector<int> slot_of_;             // index in fields_ -> slot of its key (-1: skip or `&`)
  std::vector<std::string> slot_keys_;
  std::vector<bool> slot_reference_;  // the key is a reference (`?k`, `*k`): not in the result
  std::vector<std::string> reference_keys_;
  bool converts_ = false;
  bool has_indirect_ = false;
};

// Trims each span by the characters of `chars` (ASCII bytes or UTF-8 characters) on the left
// and/or right, as libbeat's trimmer.
class DissectTrimmer {
 public:
  DissectTrimmer(std::string_view chars, bool left, bool right);
  void trim(std::string_view s, DissectSpan& span) const;
  bool active() const { return left_ || right_; }

 private:
  bool isTrimmed(std::string_view s, size_t at, size_t& width) const;
  bool isTrimmedBefore(std::string_view s, size_t end, size_t& width) const;

  std::string chars_;
  bool ascii_ = true;
  bool table_[128] = {};
  bool left_, right_;
};

template <typename Keep>
void DissectTokenizer::resolve(std::string_view s, const std::vector<DissectSpan>& spans,
                               std::vector<DissectValue>& out, Keep&& keep) const {
  // One slot per key the tokenizer names (found without a search); `&` keys are appended.
  out.resize(slot_keys_.size());
  for (size_t i = 0; i < slot_keys_.size(); ++i) out[i] = DissectValue{slot_keys_[i], {}, DissectType::kNone, int(i)};
  for (size_t i = 0; i < fields_.size(); ++i) {
    const DissectField& f = fields_[i];
    const DissectSpan& span = spans[f.id];
    const std::string_view value = s.substr(span.start, span.end - span.start);
    if (f.kind == DissectField::Kind::kSkip) continue;
    if (f.kind == DissectField::Kind::kIndirect) {
      std::string_view key;
      bool found = false;
      for (const auto& v : out)
        if (v.present && v.key == f.key) key = v.value, found = true;
      if (!found) continue;
      DissectValue* target = nullptr;
      for (auto& v : out)
        if (v.key == key) target = &v;
      if (!target) target = &out.emplace_back(DissectValue{key, {}, DissectType::kNone, -1});
      target->value = value;
      target->type = f.type;
      target->present = true;
      continue;
    }
    DissectValue& v = out[static_cast<size_t>(slot_of_[i])];
    if (f.kind == DissectField::Kind::kAppend && v.present) {
      v.value = keep(v.value, f.join, value);
    } else {
      v.value = value;
    }
    if (f.saveable()) v.type = f.type;
    v.present = true;
  }
  // Reference keys (`?k`, `*k`) only name values for `&` keys: not part of the result.
  for (auto& v : out) {
    if (v.slot >= 0) {
      v.present = v.present && !slot_reference_[static_cast<size_t>(v.slot)];
      continue;
    }
    for (const auto& r : reference_keys_) v.present = v.present && v.key != r;
  }
}

}  // namespace logship::tail::processors
