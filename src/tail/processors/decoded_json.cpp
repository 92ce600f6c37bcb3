#include "decoded_json.h"

#include <algorithm>

#include <simdjson.h>

#include "json_array.h"
#include "logship/tail/raw_json.h"

namespace logship::tail::processors {
namespace {

std::string_view trimmed(std::string_view s) {
  const size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// libbeat's isStructured plus a full decode: `s` is one JSON object or array and nothing else.
bool structuredJson(std::string_view s) {
  if (s.size() < 2 || !((s.front() == '{' && s.back() == '}') || (s.front() == '[' && s.back() == ']'))) return false;
  thread_local simdjson::dom::parser parser;
  thread_local std::string padded;
  padded.assign(s);
  padded.append(simdjson::SIMDJSON_PADDING, '\0');
  simdjson::dom::element unused;
  return !parser.parse(padded.data(), s.size(), false).get(unused);
}

void writeDecoded(std::string_view json, int levels, bool process_array, std::string& out) {
  if (levels <= 0 || !(raw::isObject(json) || (process_array && json.front() == '['))) {
    out.append(json);
    return;
  }
  if (json.front() == '[') {
    out.push_back('[');
    forEachJsonArrayElement(json, [&](size_t i, std::string_view element) {
      if (i > 0) out.push_back(',');
      writeNestedDecoded(element, levels, process_array, out);
    });
    out.push_back(']');
    return;
  }
  out.push_back('{');
  bool first = true;
  scan::forEachMember(json, [&](std::string_view key, std::string_view value) {
    if (!first) out.push_back(',');
    first = false;
    out.push_back('"');
    out.append(key);
    out.append("\":", 2);
    writeNestedDecoded(value, levels, process_array, out);
    return true;
  });
  out.push_back('}');
}

}  // namespace

void writeNestedDecoded(std::string_view value, int levels, bool process_array, std::string& out) {
  if (levels <= 0 || value.size() < 2 || value.front() != '"') {
    out.append(value);
    return;
  }
  // Decoding recurses per level: each level keeps its own unescaped text.
  std::string unescaped_scratch;
  const std::string_view text = trimmed(scan::unescape(value.substr(1, value.size() - 2), unescaped_scratch));
  // An array below the last level is skipped without process_array (libbeat's
  // errProcessingSkipped keeps the string); at the last level it is decoded regardless.
  const bool skipped = !text.empty() && text.front() == '[' && !process_array && levels > 1;
  if (skipped || !structuredJson(text)) {
    out.append(value);
    return;
  }
  writeDecoded(text, levels - 1, process_array, out);
}

namespace {

void flatten(std::string_view key, std::string_view value, Arena& arena, std::vector<Entry>& leaves) {
  bool any = false;
  if (raw::isObject(value)) {
    std::string scratch;
    scan::forEachMember(value, [&](std::string_view k, std::string_view v) {
      any = true;
      std::string child(key);
      child.push_back('.');
      child.append(scan::unescape(k, scratch));
      flatten(arena.copy(child), v, arena, leaves);
      return true;
    });
  }
  if (!any) leaves.push_back(Entry{key, value, Entry::Kind::kRaw, false});
}

}  // namespace

bool expandKeys(const std::vector<Entry>& members, Arena& arena, std::vector<Entry>& leaves, std::string& error) {
  const size_t start = leaves.size();
  for (const auto& m : members) flatten(m.key, m.value, arena, leaves);
  std::stable_sort(leaves.begin() + static_cast<std::ptrdiff_t>(start), leaves.end(),
                   [](const Entry& a, const Entry& b) { return dottedKeyLess(a.key, b.key); });
  size_t kept = start;
  for (size_t i = start; i < leaves.size(); ++i) {
    if (kept > start && keyUnder(leaves[i].key, leaves[kept - 1].key)) {
      // An empty object merges with what lands below it; anything else conflicts.
      if (leaves[kept - 1].value != "{}" || leaves[i].key.size() == leaves[kept - 1].key.size()) {
        error = "cannot expand \"" + std::string(leaves[i].key) + "\": found conflicting key";
        leaves.resize(start);
        return false;
      }
      --kept;
    }
    leaves[kept++] = leaves[i];
  }
  leaves.resize(kept);
  return true;
}

std::string_view takeDocumentId(Event& event, std::string_view key, Arena& storage) {
  Entry e;
  if (!event.lookup(key, e) || !e.isString()) return {};
  thread_local std::string scratch;
  const std::string_view id = storage.copy(Event::text(e, scratch));
  event.remove(key);
  return id;
}

}  // namespace logship::tail::processors
