#pragma once
// Reads paths inside raw JSON values held by an Event (decoded objects stay raw text until a
// processor writes below them). The text is valid JSON already (the decoder validated it), so
// this only scans: no parsing into a tree, no allocation.
#include <string_view>

namespace logship::tail::raw {

// `i` at the first character of a value (or whitespace before it); returns the index after it.
size_t skipValue(std::string_view s, size_t i);

// True when `v` (trimmed) is a JSON object.
bool isObject(std::string_view v);

// Looks `path` up inside the raw object `obj` as libbeat's mapstr does: at each level the whole
// remaining path is tried as a literal key first ("a.b" as one key), then the part before the
// first dot descends into an object member. Member keys are compared as written (a key holding
// an escape does not match). Sets `out` to the raw value; false when absent or not below an object
// (array elements are never addressed: path segments are keys).
bool findPath(std::string_view obj, std::string_view path, std::string_view& out);

// Calls fn(raw_key, raw_value) for each member of the raw object `obj`; stops when fn returns
// false.
template <typename Fn>
void forEachMember(std::string_view obj, Fn&& fn);

size_t skipWs(std::string_view s, size_t i);
size_t skipString(std::string_view s, size_t i);

template <typename Fn>
void forEachMember(std::string_view obj, Fn&& fn) {
  size_t i = skipWs(obj, 0);
  if (i >= obj.size() || obj[i] != '{') return;
  ++i;
  while (true) {
    i = skipWs(obj, i);
    if (i >= obj.size() || obj[i] != '"') return;
    const size_t ke = skipString(obj, i);
    const std::string_view key = obj.substr(i + 1, ke - i - 2);
    i = skipWs(obj, ke);
    if (i >= obj.size() || obj[i] != ':') return;
    i = skipWs(obj, i + 1);
    const size_t ve = skipValue(obj, i);
    if (!fn(key, obj.substr(i, ve - i))) return;
    i = skipWs(obj, ve);
    if (i >= obj.size() || obj[i] != ',') return;
    ++i;
  }
}

}  // namespace logship::tail::raw
