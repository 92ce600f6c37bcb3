#include "logship/common/json_scan.h"

#include <cstdint>
#include <cstring>

#include "logship/common/json.h"

namespace logship::scan {
namespace {

uint32_t readHex4(std::string_view s, size_t i) {
  uint32_t v = 0;
  for (size_t k = 0; k < 4 && i + k < s.size(); ++k) {
    const int h = json::hexDigit(s[i + k]);
    v = (v << 4) | static_cast<uint32_t>(h < 0 ? 0 : h);
  }
  return v;
}

}  // namespace

size_t skipWs(std::string_view s, size_t i) {
  while (i < s.size() && (s[i] == ' ' || s[i] == '\n' || s[i] == '\r' || s[i] == '\t')) ++i;
  return i;
}

size_t skipString(std::string_view s, size_t i) {
  ++i;  // opening quote
  while (i < s.size()) {
    const void* p = std::memchr(s.data() + i, '"', s.size() - i);
    if (!p) return s.size();
    size_t q = static_cast<const char*>(p) - s.data();
    // Count the backslashes just before the quote: an odd number escapes it.
    size_t bs = 0;
    while (q - bs > i && s[q - bs - 1] == '\\') ++bs;
    if (bs % 2 == 0) return q + 1;
    i = q + 1;
  }
  return s.size();
}

size_t skipValue(std::string_view s, size_t i) {
  if (i >= s.size()) return i;
  const char c = s[i];
  if (c == '"') return skipString(s, i);
  if (c == '{' || c == '[') {
    int depth = 0;
    while (i < s.size()) {
      const char d = s[i];
      if (d == '"') {
        i = skipString(s, i);
        continue;
      }
      if (d == '{' || d == '[')
        ++depth;
      else if (d == '}' || d == ']') {
        if (--depth == 0) return i + 1;
      }
      ++i;
    }
    return i;
  }
  while (i < s.size()) {
    const char d = s[i];
    if (d == ',' || d == '}' || d == ']' || d == ' ' || d == '\n' || d == '\r' || d == '\t') break;
    ++i;
  }
  return i;
}

std::string_view unescape(std::string_view raw, std::string& scratch) {
  if (raw.find('\\') == std::string_view::npos) return raw;
  scratch.clear();
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c != '\\' || i + 1 >= raw.size()) {
      scratch.push_back(c);
      continue;
    }
    const char e = raw[++i];
    switch (e) {
      case 'n':
        scratch.push_back('\n');
        break;
      case 't':
        scratch.push_back('\t');
        break;
      case 'r':
        scratch.push_back('\r');
        break;
      case 'b':
        scratch.push_back('\b');
        break;
      case 'f':
        scratch.push_back('\f');
        break;
      case 'u': {
        uint32_t cp = readHex4(raw, i + 1);
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF && i + 6 < raw.size() + 0 && raw[i + 1] == '\\' && raw[i + 2] == 'u') {
          const uint32_t lo = readHex4(raw, i + 3);
          if (lo >= 0xDC00 && lo <= 0xDFFF) {
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            i += 6;
          }
        }
        if (cp >= 0xD800 && cp <= 0xDFFF) cp = 0xFFFD;  // lone surrogate
        json::appendUtf8(scratch, cp);
        break;
      }
      default:
        scratch.push_back(e);
        break;  // \" \\ \/
    }
  }
  return scratch;
}

std::string_view findMember(std::string_view obj, std::string_view key, std::string& scratch) {
  std::string_view found;
  forEachMember(obj, [&](std::string_view k, std::string_view v) {
    if (unescape(k, scratch) == key) found = v;  // last one wins, as Go's map decoding does
    return true;
  });
  return found;
}

}  // namespace logship::scan
