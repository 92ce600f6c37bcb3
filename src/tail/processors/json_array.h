#pragma once
// Walks the elements of a raw JSON array (an Event value of kind kRaw) without decoding or
// allocating: each element is handed over as a view of its raw JSON text.
#include <cstddef>
#include <string_view>

namespace logship::tail::processors {

// Calls fn(index, element) for each element of `raw`, a JSON array; returns how many there are,
// or -1 when `raw` is not a well-formed array (then fn may have seen a prefix of it).
template <typename Fn>
long forEachJsonArrayElement(std::string_view raw, Fn&& fn);

// The end of the JSON value starting at raw[pos] (strings, numbers, literals, nested
// arrays/objects), or npos when malformed. Structure is checked only as far as finding the end.
size_t jsonValueEnd(std::string_view raw, size_t pos);
size_t skipJsonSpace(std::string_view raw, size_t pos);

template <typename Fn>
long forEachJsonArrayElement(std::string_view raw, Fn&& fn) {
  size_t pos = skipJsonSpace(raw, 0);
  if (pos >= raw.size() || raw[pos] != '[') return -1;
  pos = skipJsonSpace(raw, pos + 1);
  if (pos < raw.size() && raw[pos] == ']') return skipJsonSpace(raw, pos + 1) == raw.size() ? 0 : -1;
  long n = 0;
  while (pos < raw.size()) {
    const size_t end = jsonValueEnd(raw, pos);
    if (end == std::string_view::npos) return -1;
    fn(static_cast<size_t>(n++), raw.substr(pos, end - pos));
    pos = skipJsonSpace(raw, end);
    if (pos >= raw.size()) return -1;
    if (raw[pos] == ']') return skipJsonSpace(raw, pos + 1) == raw.size() ? n : -1;
    if (raw[pos] != ',') return -1;
    pos = skipJsonSpace(raw, pos + 1);
  }
  return -1;
}

}  // namespace logship::tail::processors
