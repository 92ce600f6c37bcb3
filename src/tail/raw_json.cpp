#include "logship/tail/raw_json.h"

#include "logship/common/json.h"

namespace logship::tail::raw {

bool isObject(std::string_view v) {
  const size_t i = scan::skipWs(v, 0);
  return i < v.size() && v[i] == '{';
}

namespace {

bool member(std::string_view obj, std::string_view key, std::string_view& out) {
  bool found = false;
  scan::forEachMember(obj, [&](std::string_view k, std::string_view v) {
    if (k != key) return true;
    out = v;  // the last duplicate wins, as Go's decoder keeps the last one
    found = true;
    return true;
  });
  return found;
}

// One level of mapstr's mapFind: the member of `obj` that `path` names (the whole path when it
// is a key, else its first segment) and the rest below it (empty: the member itself).
struct Step {
  std::string_view key;
  std::string_view rest;
  bool present = false;
  std::string_view value;
};

Step step(std::string_view obj, std::string_view path) {
  Step s;
  if (member(obj, path, s.value)) {
    s.key = path;
    s.present = true;
    return s;
  }
  const size_t dot = path.find('.');
  s.key = path.substr(0, dot);
  if (dot != std::string_view::npos) s.rest = path.substr(dot + 1);
  s.present = member(obj, s.key, s.value);
  return s;
}

// Whether put() can write `path` below `obj`: no non-object member on the way.
bool canPut(std::string_view obj, std::string_view path) {
  while (true) {
    const Step s = step(obj, path);
    if (s.rest.empty() || !s.present) return true;
    if (!isObject(s.value)) return false;
    obj = s.value;
    path = s.rest;
  }
}

// `value` under the dotted `path`, one object per segment (mapstr creates the missing maps).
void writeNested(std::string_view path, std::string_view value, std::string& out) {
  size_t depth = 0;
  while (true) {
    const size_t dot = path.find('.');
    json::appendString(out, path.substr(0, dot));
    out.push_back(':');
    if (dot == std::string_view::npos) break;
    out.push_back('{');
    ++depth;
    path.remove_prefix(dot + 1);
  }
  out.append(value);
  out.append(depth, '}');
}

// Copies `obj` with the member `path` leads to rewritten: replaced by `value`, or dropped when
// `value` is null. Preconditions (checked by the callers): canPut for a put, findPath for an erase.
void rewrite(std::string_view obj, std::string_view path, const std::string_view* value, std::string& out) {
  const Step s = step(obj, path);
  int occurrences = 0;
  scan::forEachMember(obj, [&](std::string_view k, std::string_view) {
    occurrences += k == s.key;
    return true;
  });
  out.push_back('{');
  bool first = true;
  int seen = 0;
  auto separate = [&] {
    if (!first) out.push_back(',');
    first = false;
  };
  scan::forEachMember(obj, [&](std::string_view k, std::string_view v) {
    const bool target = k == s.key && ++seen == occurrences;  // the last duplicate is the one read
    if (k == s.key && !target) return true;
    if (target && s.rest.empty() && value == nullptr) return true;
    separate();
    out.push_back('"');
    out.append(k);
    out.append("\":", 2);
    if (!target) {
      out.append(v);
    } else if (s.rest.empty()) {
      out.append(*value);
    } else {
      rewrite(v, s.rest, value, out);
    }
    return true;
  });
  if (!s.present && value != nullptr) {
    separate();
    writeNested(path, *value, out);
  }
  out.push_back('}');
}

}  // namespace

bool findPath(std::string_view obj, std::string_view path, std::string_view& out) {
  while (true) {
    if (!isObject(obj)) return false;
    if (member(obj, path, out)) return true;
    const size_t dot = path.find('.');
    if (dot == std::string_view::npos) return false;
    std::string_view child;
    if (!member(obj, path.substr(0, dot), child)) return false;
    obj = child;
    path = path.substr(dot + 1);
  }
}

bool put(std::string_view obj, std::string_view path, std::string_view value, std::string& out) {
  if (!isObject(obj) || !canPut(obj, path)) return false;
  rewrite(obj, path, &value, out);
  return true;
}

bool erase(std::string_view obj, std::string_view path, std::string& out) {
  std::string_view unused;
  if (!findPath(obj, path, unused)) return false;
  rewrite(obj, path, nullptr, out);
  return true;
}

}  // namespace logship::tail::raw
