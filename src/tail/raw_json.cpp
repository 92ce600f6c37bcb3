#include "logship/tail/raw_json.h"

namespace logship::tail::raw {

size_t skipWs(std::string_view s, size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) ++i;
  return i;
}

size_t skipString(std::string_view s, size_t i) {
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\') {
      ++i;
    } else if (s[i] == '"') {
      return i + 1;
    }
  }
  return s.size();
}

size_t skipValue(std::string_view s, size_t i) {
  i = skipWs(s, i);
  if (i >= s.size()) return i;
  if (s[i] == '"') return skipString(s, i);
  if (s[i] == '{' || s[i] == '[') {
    int depth = 0;
    while (i < s.size()) {
      const char c = s[i];
      if (c == '"') {
        i = skipString(s, i);
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if ((c == '}' || c == ']') && --depth == 0) return i + 1;
      ++i;
    }
    return i;
  }
  while (i < s.size() && s[i] != ',' && s[i] != '}' && s[i] != ']' && s[i] != ' ' && s[i] != '\t' &&
         s[i] != '\n' && s[i] != '\r') {
    ++i;
  }
  return i;
}

bool isObject(std::string_view v) {
  const size_t i = skipWs(v, 0);
  return i < v.size() && v[i] == '{';
}

namespace {

bool member(std::string_view obj, std::string_view key, std::string_view& out) {
  bool found = false;
  forEachMember(obj, [&](std::string_view k, std::string_view v) {
    if (k != key) return true;
    out = v;  // the last duplicate wins, as Go's decoder keeps the last one
    found = true;
    return true;
  });
  return found;
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

}  // namespace logship::tail::raw
