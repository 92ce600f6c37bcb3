#include "logship/stash/event.h"

#include <cstring>

#include "logship/common/json.h"
#include "logship/common/json_scan.h"

namespace logship::stash {

Event::Event() {
  arena_.reserve(4096);
  members_.reserve(64);
}

void Event::clear() {
  members_.clear();
  arena_.clear();
  input_len_ = 0;
}

bool Event::parse(std::string_view raw) {
  clear();
  if (input_.size() < raw.size() + simdjson::SIMDJSON_PADDING) input_.resize(raw.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(input_.data(), raw.data(), raw.size());
  std::memset(input_.data() + raw.size(), 0, simdjson::SIMDJSON_PADDING);
  input_len_ = raw.size();
  simdjson::dom::element root;
  if (parser_.parse(input_.data(), raw.size(), false).get(root) != simdjson::SUCCESS ||
      root.type() != simdjson::dom::element_type::OBJECT) {
    input_len_ = 0;
    return false;
  }
  const std::string_view text(input_.data(), raw.size());
  scan::forEachMember(text, [&](std::string_view key_raw, std::string_view value) {
    Member m;
    m.key_raw = {static_cast<uint32_t>(key_raw.data() - text.data()), static_cast<uint32_t>(key_raw.size()), false};
    m.value = {static_cast<uint32_t>(value.data() - text.data()), static_cast<uint32_t>(value.size()), false};
    const std::string_view key = scan::unescape(key_raw, scratch_);
    m.key = key.data() == key_raw.data() ? m.key_raw : toArena(key);
    // Duplicate keys: the last one wins, as Go's map decoding does.
    for (auto& prev : members_) {
      if (!prev.removed && prev.key.len == m.key.len && view(prev.key) == key) prev.removed = true;
    }
    members_.push_back(m);
    return true;
  });
  return true;
}

void Event::wrapInvalid(std::string_view raw) {
  clear();
  setString("message", raw);
  setRaw("tags", "[\"_jsonparsefailure\"]");
}

Event::Ref Event::toArena(std::string_view s) {
  Ref r{static_cast<uint32_t>(arena_.size()), static_cast<uint32_t>(s.size()), true};
  arena_.append(s);
  return r;
}

int Event::find(std::string_view key) const {
  for (int i = static_cast<int>(members_.size()) - 1; i >= 0; --i) {
    const Member& m = members_[i];
    if (!m.removed && m.key.len == key.size() && view(m.key) == key) return i;
  }
  return -1;
}

std::string_view Event::rawValue(int index) const { return view(members_[index].value); }

bool Event::stringValue(int index, std::string_view& out) {
  const std::string_view raw = rawValue(index);
  if (raw.empty() || raw[0] != '"') return false;
  out = scan::unescape(raw.substr(1, raw.size() - 2), scratch2_);
  return true;
}

std::string_view Event::lookupRaw(std::string_view key) {
  const int i = find(key);
  if (i >= 0) return rawValue(i);
  size_t dot = key.find('.');
  if (dot == std::string_view::npos) return {};
  // Extension: a dotted path into nested objects.
  const int top = find(key.substr(0, dot));
  if (top < 0) return {};
  std::string_view cur = rawValue(top);
  std::string_view rest = key.substr(dot + 1);
  while (true) {
    if (cur.empty() || cur[0] != '{') return {};
    dot = rest.find('.');
    const std::string_view part = rest.substr(0, dot);
    cur = scan::findMember(cur, part, scratch_);
    if (cur.empty() || dot == std::string_view::npos) return cur;
    rest = rest.substr(dot + 1);
  }
}

bool Event::lookupString(std::string_view key, std::string_view& out) {
  const std::string_view raw = lookupRaw(key);
  if (raw.empty() || raw[0] != '"') return false;
  out = scan::unescape(raw.substr(1, raw.size() - 2), scratch2_);
  return true;
}

void Event::remove(int index) { members_[index].removed = true; }

void Event::removeKey(std::string_view key) {
  for (auto& m : members_) {
    if (!m.removed && m.key.len == key.size() && view(m.key) == key) m.removed = true;
  }
}

void Event::setRaw(std::string_view key, std::string_view raw_json) {
  removeKey(key);
  Member m;
  m.key = toArena(key);
  const size_t start = arena_.size();
  json::appendEscaped(arena_, key);
  m.key_raw = {static_cast<uint32_t>(start), static_cast<uint32_t>(arena_.size() - start), true};
  m.value = toArena(raw_json);
  members_.push_back(m);
}

void Event::setString(std::string_view key, std::string_view value) {
  scratch_.clear();
  json::appendString(scratch_, value);
  setRaw(key, scratch_);
}

void Event::serialize(std::string& out, std::string_view skip) const {
  out.push_back('{');
  bool first = true;
  for (const auto& m : members_) {
    if (m.removed) continue;
    if (!skip.empty() && m.key.len == skip.size() && view(m.key) == skip) continue;
    if (!first) out.push_back(',');
    first = false;
    out.push_back('"');
    out.append(view(m.key_raw));
    out.append("\":", 2);
    out.append(view(m.value));
  }
  out.push_back('}');
}

size_t Event::liveMembers() const {
  size_t n = 0;
  for (const auto& m : members_) n += m.removed ? 0 : 1;
  return n;
}

}  // namespace logship::stash
