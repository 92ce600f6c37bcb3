#include "logship/common/json.h"

#include <charconv>

#include <simdjson.h>

namespace logship::json {
namespace {

// 0: copy as is; 1: short escape; 2: \u00XX; 3: non-ASCII (UTF-8 lead or continuation byte).
constexpr unsigned char kNone = 0, kShort = 1, kUnicode = 2, kHigh = 3;

struct EscapeTable {
  unsigned char kind[256];
  char short_char[256];
  constexpr EscapeTable() : kind(), short_char() {
    for (int c = 0; c < 0x20; ++c) kind[c] = kUnicode;
    for (int c = 0x80; c < 0x100; ++c) kind[c] = kHigh;
    kind[static_cast<unsigned char>('"')] = kShort, short_char[static_cast<unsigned char>('"')] = '"';
    kind[static_cast<unsigned char>('\\')] = kShort, short_char[static_cast<unsigned char>('\\')] = '\\';
    kind[static_cast<unsigned char>('\n')] = kShort, short_char[static_cast<unsigned char>('\n')] = 'n';
    kind[static_cast<unsigned char>('\r')] = kShort, short_char[static_cast<unsigned char>('\r')] = 'r';
    kind[static_cast<unsigned char>('\t')] = kShort, short_char[static_cast<unsigned char>('\t')] = 't';
    kind[0x08] = kShort, short_char[0x08] = 'b';
    kind[0x0c] = kShort, short_char[0x0c] = 'f';
  }
};
constexpr EscapeTable kTable;
constexpr char kHex[] = "0123456789abcdef";
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence starting at s[i], or 0 when it is invalid.
size_t utf8SequenceLength(std::string_view s, size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  size_t len;
  uint32_t min;
  if (b0 >= 0xC2 && b0 <= 0xDF) len = 2, min = 0x80;
  else if (b0 >= 0xE0 && b0 <= 0xEF) len = 3, min = 0x800;
  else if (b0 >= 0xF0 && b0 <= 0xF4) len = 4, min = 0x10000;
  else return 0;
  if (i + len > s.size()) return 0;
  uint32_t cp = b0 & (0xFF >> (len + 1));
  for (size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return len;
}

}  // namespace

bool validUtf8(std::string_view s) { return simdjson::validate_utf8(s.data(), s.size()); }

bool appendEscaped(std::string& out, std::string_view s) {
  // Most log text is ASCII without quotes: find runs that need nothing and copy them in one go.
  const bool utf8_ok = validUtf8(s);
  size_t run = 0;
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    const unsigned char kind = kTable.kind[c];
    if (kind == kNone || (kind == kHigh && utf8_ok)) {
      ++i;
      continue;
    }
    out.append(s.data() + run, i - run);
    if (kind == kShort) {
      out.push_back('\\');
      out.push_back(kTable.short_char[c]);
      ++i;
    } else if (kind == kUnicode) {
      const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      out.append(esc, 6);
      ++i;
    } else {
      const size_t len = utf8SequenceLength(s, i);
      if (len == 0) {
        out.append(kReplacement);
        ++i;
      } else {
        out.append(s.data() + i, len);
        i += len;
      }
    }
    run = i;
  }
  out.append(s.data() + run, s.size() - run);
  return utf8_ok;
}

bool appendString(std::string& out, std::string_view s) {
  out.push_back('"');
  const bool ok = appendEscaped(out, s);
  out.push_back('"');
  return ok;
}

void appendInt(std::string& out, int64_t v) {
  char buf[24];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  out.append(buf, ptr);
}

void appendUint(std::string& out, uint64_t v) {
  char buf[24];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  out.append(buf, ptr);
}

}  // namespace logship::json
