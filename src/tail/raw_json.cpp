#include "logship/tail/raw_json.h"

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
