#include "logship/common/json.h"

#include <algorithm>
#include <charconv>
#include <cstring>

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

namespace {

// A mask with the high bit set in each byte of `w` that may need attention: a control character
// (< 0x20), '"', '\\' or a non-ASCII byte. SWAR: eight bytes per step. Borrows can only create
// false positives above a true one, so the lowest set bit is always a byte that needs a look.
inline uint64_t attentionMask(uint64_t w) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  const uint64_t quote = w ^ (kOnes * '"');
  const uint64_t backslash = w ^ (kOnes * '\\');
  const uint64_t control = (w - kOnes * 0x20) & ~w;
  const uint64_t zero_quote = (quote - kOnes) & ~quote;
  const uint64_t zero_backslash = (backslash - kOnes) & ~backslash;
  return (zero_quote | zero_backslash | control | w) & kHigh;
}

// Writes into a std::string through a raw cursor: one resize up front instead of a capacity
// check per append (escapes are frequent in JSON-in-JSON log lines).
class Cursor {
 public:
  Cursor(std::string& out, size_t expected) : out_(out), pos_(out.size()) { out_.resize(pos_ + expected); }
  ~Cursor() { out_.resize(pos_); }
  void write(const char* p, size_t n) {
    reserve(n);
    std::memcpy(&out_[pos_], p, n);
    pos_ += n;
  }

 private:
  void reserve(size_t n) {
    if (pos_ + n > out_.size()) out_.resize(std::max(out_.size() * 2, pos_ + n));
  }
  std::string& out_;
  size_t pos_;
};

}  // namespace

// Index of the first byte that needs a look (escaping or UTF-8 validation), or s.size().
static size_t firstAttention(std::string_view s) {
  size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    uint64_t w;
    std::memcpy(&w, s.data() + i, 8);
    if (const uint64_t mask = attentionMask(w)) return i + (__builtin_ctzll(mask) >> 3);
  }
  while (i < s.size() && kTable.kind[static_cast<unsigned char>(s[i])] == kNone) ++i;
  return i;
}

bool appendEscaped(std::string& out, std::string_view s) {
  // Most strings (keys, paths, plain messages) need nothing: one scan, one append.
  const size_t clean = firstAttention(s);
  out.append(s.data(), clean);
  if (clean == s.size()) return true;
  // Log text with quotes or non-ASCII: jump from one byte that needs a look to the next.
  // Multi-byte UTF-8 is validated where it occurs.
  bool valid = true;
  const char* p = s.data() + clean;
  const char* const end = s.data() + s.size();
  const char* run = p;
  Cursor cursor(out, static_cast<size_t>(end - p) + (end - p) / 8 + 16);
  while (p < end) {
    const size_t skip = firstAttention(std::string_view(p, static_cast<size_t>(end - p)));
    p += skip;
    if (p == end) break;
    const auto c = static_cast<unsigned char>(*p);
    const unsigned char kind = kTable.kind[c];
    if (kind == kHigh) {
      const size_t len = utf8SequenceLength(s, static_cast<size_t>(p - s.data()));
      if (len != 0) {
        p += len;
        continue;
      }
      valid = false;
      cursor.write(run, static_cast<size_t>(p - run));
      cursor.write(kReplacement.data(), kReplacement.size());
      run = ++p;
      continue;
    }
    cursor.write(run, static_cast<size_t>(p - run));
    if (kind == kShort) {
      const char esc[2] = {'\\', kTable.short_char[c]};
      cursor.write(esc, 2);
    } else {
      const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      cursor.write(esc, 6);
    }
    run = ++p;
  }
  cursor.write(run, static_cast<size_t>(end - run));
  return valid;
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
