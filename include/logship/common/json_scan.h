#pragma once
// A tiny scanner over JSON text that is already validated (simdjson, or the tail's decoder): it finds the raw slices of
// an object's members without building anything, so events can be filtered and re-serialised by
// copying slices. Never call it on unvalidated input.
#include <cstddef>
#include <string>
#include <string_view>

namespace logship::scan {

size_t skipWs(std::string_view s, size_t i);
// `i` at the opening quote; returns the index after the closing quote.
size_t skipString(std::string_view s, size_t i);
// `i` at the first character of a value; returns the index after it.
size_t skipValue(std::string_view s, size_t i);

// Calls fn(raw_key_without_quotes, raw_value) for each member of the object `obj` (the whole
// `{...}` text). Stops early when fn returns false.
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

// Unescapes the inside of a JSON string (without quotes). Returns `raw` itself when it holds no
// escape, else the unescaped text written to `scratch`.
std::string_view unescape(std::string_view raw, std::string& scratch);

// The value of `key` (unescaped) in `obj`, or an empty view when absent.
std::string_view findMember(std::string_view obj, std::string_view key, std::string& scratch);

}  // namespace logship::scan
