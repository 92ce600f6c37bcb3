#include "logship/tail/event.h"

#include <cstring>

#include <simdjson.h>

#include "logship/tail/raw_json.h"

namespace logship::tail {

std::string_view Arena::copy(std::string_view s) {
  if (s.empty()) return {};
  while (true) {
    if (block_ < blocks_.size()) {
      if (used_ + s.size() <= sizes_[block_]) {
        char* p = blocks_[block_].get() + used_;
        std::memcpy(p, s.data(), s.size());
        used_ += s.size();
        return {p, s.size()};
      }
      ++block_;
      used_ = 0;
      continue;
    }
    const size_t size = s.size() > kBlock ? s.size() : kBlock;
    blocks_.emplace_back(new char[size]);
    sizes_.push_back(size);
  }
}

void Event::set(std::string_view key, std::string_view value, Entry::Kind kind) {
  for (auto& e : entries_) {
    if (!e.removed && e.key == key) {
      e.value = value;
      e.kind = kind;
      return;
    }
  }
  entries_.push_back(Entry{key, value, kind, false});
}

const Entry* Event::find(std::string_view key) const {
  for (const auto& e : entries_) {
    if (!e.removed && e.key == key) return &e;
  }
  // Not a key of its own: maybe inside a raw object (the plain path never gets here).
  if (!lookupInsideRaw(key, found_)) return nullptr;
  return &found_;
}

bool Event::lookup(std::string_view key, Entry& out) const {
  for (const auto& e : entries_) {
    if (!e.removed && e.key == key) {
      out = e;
      return true;
    }
  }
  return lookupInsideRaw(key, out);
}

bool Event::lookupInsideRaw(std::string_view key, Entry& out) const {
  for (const auto& e : entries_) {
    if (e.removed || e.kind != Entry::Kind::kRaw || e.key.size() >= key.size() || !keyUnder(key, e.key)) {
      continue;
    }
    std::string_view value;
    if (raw::findPath(e.value, key.substr(e.key.size() + 1), value)) {
      out = Entry{key, value, Entry::Kind::kRaw, false};
      return true;
    }
  }
  return false;
}

bool Event::has(std::string_view key) const {
  for (const auto& e : entries_) {
    if (!e.removed && keyUnder(e.key, key)) return true;
  }
  Entry unused;
  return lookupInsideRaw(key, unused);
}

bool Event::remove(std::string_view key) {
  bool any = false;
  for (auto& e : entries_) {
    if (!e.removed && keyUnder(e.key, key)) {
      e.removed = true;
      any = true;
    }
  }
  return any;
}

std::string_view Event::text(const Entry& e, std::string& scratch) {
  if (e.kind == Entry::Kind::kString) return e.value;
  const std::string_view v = e.value;
  if (v.size() >= 2 && v.front() == '"') {
    const std::string_view inner = v.substr(1, v.size() - 2);
    if (inner.find('\\') == std::string_view::npos) return inner;
    // Unescape through simdjson (rare: only strings with escapes).
    simdjson::dom::parser parser;
    std::string padded(v);
    auto doc = parser.parse(padded);
    std::string_view out;
    if (!doc.get_string().get(out)) {
      scratch.assign(out);
      return scratch;
    }
    return inner;
  }
  return v;
}

}  // namespace logship::tail
