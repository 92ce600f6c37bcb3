#include "logship/common/json.h"

#include <algorithm>
#include <charconv>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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
  if (b0 >= 0xC2 && b0 <= 0xDF)
    len = 2, min = 0x80;
  else if (b0 >= 0xE0 && b0 <= 0xEF)
    len = 3, min = 0x800;
  else if (b0 >= 0xF0 && b0 <= 0xF4)
    len = 4, min = 0x10000;
  else
    return 0;
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

char* writeUtf8(char* out, uint32_t cp) {
  auto put = [&out](uint32_t byte) { *out++ = static_cast<char>(byte); };
  if (cp < 0x80) {
    put(cp);
  } else if (cp < 0x800) {
    put(0xC0 | (cp >> 6));
    put(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    put(0xE0 | (cp >> 12));
    put(0x80 | ((cp >> 6) & 0x3F));
    put(0x80 | (cp & 0x3F));
  } else {
    put(0xF0 | (cp >> 18));
    put(0x80 | ((cp >> 12) & 0x3F));
    put(0x80 | ((cp >> 6) & 0x3F));
    put(0x80 | (cp & 0x3F));
  }
  return out;
}

void appendUtf8(std::string& out, uint32_t cp) {
  char buf[4];
  out.append(buf, static_cast<size_t>(writeUtf8(buf, cp) - buf));
}

namespace {

// Block scanning: a mask of the bytes in one block that need a look (a control character, '"',
// '\\', and with `kHigh` also non-ASCII bytes); firstIn() gives the index of the lowest one.
#if defined(__SSE2__)
constexpr size_t kBlock = 16;
using BlockMask = unsigned;

template <bool kWithHigh>
inline BlockMask blockMask(const char* p) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
  const __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
  const __m128i control = _mm_cmpeq_epi8(_mm_max_epu8(v, _mm_set1_epi8(0x1F)), _mm_set1_epi8(0x1F));
  __m128i any = _mm_or_si128(_mm_or_si128(quote, backslash), control);
  if (kWithHigh) any = _mm_or_si128(any, v);  // the sign bit of a non-ASCII byte
  return static_cast<BlockMask>(_mm_movemask_epi8(any));
}
inline size_t firstIn(BlockMask m) { return static_cast<size_t>(__builtin_ctz(m)); }
#else
// SWAR: eight bytes per step. Borrows can only create false positives above a true one, so the
// lowest set bit is always a byte that needs a look.
constexpr size_t kBlock = 8;
using BlockMask = uint64_t;

template <bool kWithHigh>
inline BlockMask blockMask(const char* p) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHighBits = 0x8080808080808080ULL;
  uint64_t w;
  std::memcpy(&w, p, 8);
  const uint64_t quote = w ^ (kOnes * '"');
  const uint64_t backslash = w ^ (kOnes * '\\');
  const uint64_t control = (w - kOnes * 0x20) & ~w;
  const uint64_t zero_quote = (quote - kOnes) & ~quote;
  const uint64_t zero_backslash = (backslash - kOnes) & ~backslash;
  return (zero_quote | zero_backslash | control | (kWithHigh ? w : 0)) & kHighBits;
}
inline size_t firstIn(BlockMask m) { return static_cast<size_t>(__builtin_ctzll(m) >> 3); }
#endif

// Index of the first byte that needs a look (escaping or UTF-8 validation), or s.size().
size_t firstAttention(std::string_view s) {
  size_t i = 0;
  for (; i + kBlock <= s.size(); i += kBlock)
    if (const BlockMask mask = blockMask<true>(s.data() + i)) return i + firstIn(mask);
  while (i < s.size() && kTable.kind[static_cast<unsigned char>(s[i])] == kNone) ++i;
  return i;
}

// Escapes [p, end) into `out` after its current end. Each block is stored before it is looked at
// (one unaligned store instead of a copy per clean run) and the cursor advances only over the
// clean bytes, so output capacity must allow a whole block plus one escape past the cursor.
// `kValidated`: the input is known valid UTF-8, so non-ASCII bytes are copied as they are.
template <bool kValidated>
bool escapeTail(std::string& out, const char* p, const char* const end) {
  constexpr size_t kSlack = kBlock + 8;  // a speculative block store, or one escape (<= 6 bytes)
  size_t used = out.size();
  out.resize(used + static_cast<size_t>(end - p) + static_cast<size_t>(end - p) / 8 + kSlack);
  char* d = &out[used];
  char* limit = out.data() + out.size() - kSlack;
  bool valid = true;
  bool checked_rest = false;
  while (p < end) {
    if (d > limit) {
      used = static_cast<size_t>(d - out.data());
      out.resize(std::max(out.size() * 2, used + static_cast<size_t>(end - p) + kSlack));
      d = &out[used];
      limit = out.data() + out.size() - kSlack;
    }
    if (static_cast<size_t>(end - p) >= kBlock) {
      std::memcpy(d, p, kBlock);
      const BlockMask mask = blockMask<!kValidated>(p);
      if (!mask) {
        p += kBlock, d += kBlock;
        continue;
      }
      const size_t k = firstIn(mask);
      p += k, d += k;
    }
    const auto c = static_cast<unsigned char>(*p);
    const unsigned char kind = kTable.kind[c];
    if (kind == kNone || (kValidated && kind == kHigh)) {
      *d++ = *p++;
    } else if (kind == kShort) {
      d[0] = '\\', d[1] = kTable.short_char[c];
      d += 2, ++p;
    } else if (kind == kUnicode) {
      const char esc[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
      std::memcpy(d, esc, 6);
      d += 6, ++p;
    } else if (!kValidated && !checked_rest) {
      // The first non-ASCII byte: Chinese log text, say, would stop the scan at every byte. Check
      // the rest for valid UTF-8 once and, when it is, copy it in blocks from here on.
      checked_rest = true;
      if (validUtf8(std::string_view(p, static_cast<size_t>(end - p)))) {
        out.resize(static_cast<size_t>(d - out.data()));
        return escapeTail<true>(out, p, end) && valid;
      }
    } else if (const size_t len = utf8SequenceLength(std::string_view(p, static_cast<size_t>(end - p)), 0)) {
      std::memcpy(d, p, len);
      d += len, p += len;
    } else {
      valid = false;
      std::memcpy(d, kReplacement.data(), kReplacement.size());
      d += kReplacement.size(), ++p;
    }
  }
  out.resize(static_cast<size_t>(d - out.data()));
  return valid;
}

}  // namespace

namespace {

// The value of four hex digits at p, or -1.
int32_t hex4(const char* p, const char* end) {
  if (end - p < 4) return -1;
  int32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    const int h = hexDigit(p[i]);
    if (h < 0) return -1;
    v = v << 4 | h;
  }
  return v;
}

char shortEscape(char e) {
  switch (e) {
    case '"':
      return '"';
    case '\\':
      return '\\';
    case '/':
      return '/';
    case 'b':
      return '\b';
    case 'f':
      return '\f';
    case 'n':
      return '\n';
    case 'r':
      return '\r';
    case 't':
      return '\t';
    default:
      return 0;
  }
}

// The escape at p (its backslash) written at `out`; returns the position after it or nullptr.
const char* decodeEscape(const char* p, const char* end, char*& out) {
  if (end - p < 2) return nullptr;
  if (p[1] != 'u') {
    const char ch = shortEscape(p[1]);
    if (!ch) return nullptr;
    *out++ = ch;
    return p + 2;
  }
  int32_t cp = hex4(p + 2, end);
  if (cp < 0) return nullptr;
  p += 6;
  if (cp >= 0xD800 && cp < 0xDC00 && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
    const int32_t low = hex4(p + 2, end);
    if (low >= 0xDC00 && low < 0xE000) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
      p += 6;
    }
  }
  if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;  // a lone surrogate, as Go's decoder makes it
  out = writeUtf8(out, static_cast<uint32_t>(cp));
  return p;
}

}  // namespace

size_t decodeString(std::string_view in, char* out, size_t& written) {
  const char* p = in.data();
  const char* const end = p + in.size();
  char* o = out;
  while (true) {
    // Each block is stored before it is looked at: clean text costs one store per block.
    if (end - p >= static_cast<std::ptrdiff_t>(kBlock)) {
      std::memcpy(o, p, kBlock);
      const BlockMask mask = blockMask<false>(p);
      if (!mask) {
        p += kBlock;
        o += kBlock;
        continue;
      }
      const size_t k = firstIn(mask);
      p += k;
      o += k;
    } else {
      while (p < end && *p != '"' && *p != '\\' && static_cast<unsigned char>(*p) >= 0x20) *o++ = *p++;
      if (p == end) return 0;
    }
    if (*p == '"') {
      written = static_cast<size_t>(o - out);
      return static_cast<size_t>(p + 1 - in.data());
    }
    if (*p != '\\') return 0;  // a raw control character
    p = decodeEscape(p, end, o);
    if (!p) return 0;
  }
}

namespace {

// The characters after a backslash that make a short escape (shortEscape's), as a table: the
// check runs for every `\"` of a Docker line.
struct ShortEscapes {
  bool valid[256] = {};
  ShortEscapes() {
    for (const char c : {'"', '\\', '/', 'b', 'f', 'n', 'r', 't'}) valid[static_cast<unsigned char>(c)] = true;
  }
};
const ShortEscapes kShortEscapes;

// The escape at p (its backslash): its length, or 0 when it is invalid, cut short, or a surrogate's.
inline __attribute__((always_inline)) size_t checkEscape(const char* p, const char* end) {
  if (end - p < 2) return 0;
  if (p[1] != 'u') return kShortEscapes.valid[static_cast<unsigned char>(p[1])] ? 2 : 0;
  const int32_t cp = hex4(p + 2, end);
  return cp < 0 || (cp >= 0xD800 && cp < 0xE000) ? 0 : 6;  // surrogates: decodeString pairs or replaces them
}

}  // namespace

size_t checkString(std::string_view in) {
  const char* p = in.data();
  const char* const end = p + in.size();
  while (true) {
    if (end - p >= static_cast<std::ptrdiff_t>(kBlock)) {
      const BlockMask mask = blockMask<false>(p);
      if (!mask) {
        p += kBlock;
        continue;
      }
      p += firstIn(mask);
    } else {
      while (p < end && *p != '"' && *p != '\\' && static_cast<unsigned char>(*p) >= 0x20) ++p;
      if (p == end) return 0;
    }
    if (*p == '"') break;
    if (*p != '\\') return 0;  // a raw control character
    const size_t len = checkEscape(p, end);
    if (len == 0) return 0;
    p += len;
  }
  const std::string_view body(in.data(), static_cast<size_t>(p - in.data()));
  return validUtf8(body) ? body.size() + 1 : 0;
}

bool appendEscaped(std::string& out, std::string_view s) {
  // Most strings (keys, paths, plain messages) need nothing: one scan, one append.
  const size_t clean = firstAttention(s);
  out.append(s.data(), clean);
  if (clean == s.size()) return true;
  return escapeTail<false>(out, s.data() + clean, s.data() + s.size());
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
  out.append(buf, static_cast<size_t>(ptr - buf));
}

void appendUint(std::string& out, uint64_t v) {
  char buf[24];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);
  (void)ec;
  out.append(buf, static_cast<size_t>(ptr - buf));
}

}  // namespace logship::json
