#include "logship/tail/event.h"

#include <cstring>

#include <simdjson.h>

#include "logship/common/json.h"
#include "logship/tail/event_encoder.h"
#include "logship/tail/raw_json.h"

namespace logship::tail {

std::string_view Arena::copy(std::string_view s) {
  if (s.empty()) return {};
  char* p = allocate(s.size());
  std::memcpy(p, s.data(), s.size());
  return {p, s.size()};
}

char* Arena::allocate(size_t n) {
  while (true) {
    if (block_ < blocks_.size()) {
      if (used_ + n <= sizes_[block_]) {
        char* p = blocks_[block_].get() + used_;
        used_ += n;
        return p;
      }
      ++block_;
      used_ = 0;
      continue;
    }
    const size_t size = n > kBlock ? n : kBlock;
    blocks_.emplace_back(new char[size]);
    sizes_.push_back(size);
  }
}

bool Event::set(std::string_view key, std::string_view value, Entry::Kind kind) {
  Entry* slot = nullptr;
  Entry* parent = nullptr;
  bool below = false;  // entries under `key`: the new value replaces them
  // Called for each decoded member of a JSON line: the first byte rules out most entries before
  // any comparison of whole keys.
  const char first = key.empty() ? '\0' : key.front();
  for (auto& e : entries_) {
    const size_t n = e.key.size();
    if (e.removed || n == 0 || e.key.front() != first) continue;
    if (n == key.size()) {
      if (slot == nullptr && std::memcmp(e.key.data(), key.data(), n) == 0) slot = &e;
    } else if (n < key.size()) {
      if (key[n] == '.' && std::memcmp(key.data(), e.key.data(), n) == 0 &&
          (parent == nullptr || n > parent->key.size()))
        parent = &e;
    } else if (e.key[key.size()] == '.' && std::memcmp(e.key.data(), key.data(), key.size()) == 0) {
      below = true;
    }
  }
  if (slot == nullptr && parent != nullptr) return putBelow(*parent, key, value, kind);
  if (below) {
    for (auto& e : entries_)
      if (!e.removed && e.key.size() > key.size() && keyUnder(e.key, key)) e.removed = true;
  }
  if (slot != nullptr) {
    slot->value = value;
    slot->kind = kind;
    return true;
  }
  entries_.push_back(Entry{key, value, kind, false});
  return true;
}

bool Event::putBelow(Entry& parent, std::string_view key, std::string_view value, Entry::Kind kind) {
  if (parent.kind != Entry::Kind::kRaw) return false;
  thread_local std::string encoded;
  thread_local std::string rewritten;
  if (kind == Entry::Kind::kString) {
    encoded.clear();
    json::appendString(encoded, value);
    value = encoded;
  }
  rewritten.clear();
  if (!raw::put(parent.value, key.substr(parent.key.size() + 1), value, rewritten)) return false;
  parent.value = arena_.copy(rewritten);
  return true;
}

Entry* Event::ancestor(std::string_view key) {
  Entry* parent = nullptr;
  for (auto& e : entries_) {
    const size_t n = e.key.size();
    if (e.removed || n >= key.size() || key[n] != '.' || key.compare(0, n, e.key) != 0) continue;
    if (parent == nullptr || n > parent->key.size()) parent = &e;
  }
  return parent;
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
  if (any) return true;
  Entry* parent = ancestor(key);
  if (parent == nullptr || parent->kind != Entry::Kind::kRaw) return false;
  thread_local std::string rewritten;
  rewritten.clear();
  if (!raw::erase(parent->value, key.substr(parent->key.size() + 1), rewritten)) return false;
  parent->value = arena_.copy(rewritten);
  return true;
}

bool Event::subtree(std::string_view key, Entry& out) {
  const Entry* exact = nullptr;
  bool below = false;
  for (const auto& e : entries_) {
    if (e.removed || !keyUnder(e.key, key)) continue;
    if (e.key.size() == key.size()) {
      if (exact == nullptr) exact = &e;
    } else {
      below = true;
    }
  }
  if (!below) {
    if (exact == nullptr) return lookupInsideRaw(key, out);
    out = *exact;
    return true;
  }
  // Entries under `key` (`a.b`, `a.c.d` for `a`): one object, as mapstr holds them.
  thread_local std::vector<Entry> members;
  thread_local std::string text;
  members.clear();
  for (const auto& e : entries_)
    if (!e.removed && e.key.size() > key.size() && keyUnder(e.key, key))
      members.push_back(Entry{e.key.substr(key.size() + 1), e.value, e.kind, false});
  text.assign("{");
  EventEncoder::encodeMembers(members, text);
  text.push_back('}');
  out = Entry{key, arena_.copy(text), Entry::Kind::kRaw, false};
  return true;
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
