#pragma once
// JSON output helpers for the hot paths (event encoding, bulk bodies, log lines).
// Appending to a caller-owned std::string lets callers reuse one buffer per batch: no per-event
// allocation once the buffer has grown.
#include <cstdint>
#include <string>
#include <string_view>

namespace logship::json {

// Appends `s` as a quoted JSON string. Invalid UTF-8 never breaks the output: each invalid byte
// becomes U+FFFD. Returns false when a replacement was made (callers may flag the event).
bool appendString(std::string& out, std::string_view s);

// Appends `s` escaped but without quotes (for building strings piecewise).
bool appendEscaped(std::string& out, std::string_view s);

void appendInt(std::string& out, int64_t v);
void appendUint(std::string& out, uint64_t v);

// Writes code point `cp` (at most U+10FFFF) as UTF-8 at `out` (decoding a \uXXXX escape);
// returns the end of what was written (at most 4 bytes).
char* writeUtf8(char* out, uint32_t cp);
void appendUtf8(std::string& out, uint32_t cp);

// Decodes the contents of a JSON string: `in` starts after its opening quote (and may go on past
// the closing one). The text is written at `out`, which needs room for in.size() bytes (decoding
// never lengthens; whole blocks are stored). Returns how much of `in` the string took, closing
// quote included, and sets `written`; 0 when it is unterminated or has an invalid escape or a raw
// control character. A lone surrogate escape becomes U+FFFD (as Go's decoder).
size_t decodeString(std::string_view in, char* out, size_t& written);

// Checks the JSON string body at `in` as decodeString reads it, without decoding: returns how much
// of `in` it took, closing quote included, when the body can be copied into JSON output as it is
// (valid escapes, no raw control character, valid UTF-8); 0 otherwise, and also for a \u escape of
// a surrogate (decodeString pairs or replaces those).
size_t checkString(std::string_view in);

// The escaped string body `body` ends with the escape `\<e>` (its backslash not itself escaped):
// endsWithEscape(R"(a\n)", 'n') is true, endsWithEscape(R"(a\\n)", 'n') false.
inline bool endsWithEscape(std::string_view body, char e) {
  if (body.size() < 2 || body.back() != e) return false;
  size_t backslashes = 0;
  for (size_t i = body.size() - 1; i-- > 0 && body[i] == '\\';) ++backslashes;
  return backslashes % 2 == 1;
}

// True when `s` is valid UTF-8 (SIMD-accelerated).
bool validUtf8(std::string_view s);

// The value of one hex digit (0-9, a-f, A-F), or -1: for the \uXXXX escapes of both JSON readers.
inline int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Builds a JSON object into a caller-owned buffer, tracking commas. Keys are escaped too.
class ObjectWriter {
 public:
  explicit ObjectWriter(std::string& out) : out_(out) { out_.push_back('{'); }
  ObjectWriter& key(std::string_view k) {
    if (!first_) out_.push_back(',');
    first_ = false;
    appendString(out_, k);
    out_.push_back(':');
    return *this;
  }
  ObjectWriter& field(std::string_view k, std::string_view v) {
    key(k);
    appendString(out_, v);
    return *this;
  }
  ObjectWriter& fieldInt(std::string_view k, int64_t v) {
    key(k);
    appendInt(out_, v);
    return *this;
  }
  ObjectWriter& fieldBool(std::string_view k, bool v) {
    key(k);
    out_ += v ? "true" : "false";
    return *this;
  }
  // `raw` must already be valid JSON.
  ObjectWriter& fieldRaw(std::string_view k, std::string_view raw) {
    key(k);
    out_ += raw;
    return *this;
  }
  void close() { out_.push_back('}'); }
  std::string& buffer() { return out_; }

 private:
  std::string& out_;
  bool first_ = true;
};

}  // namespace logship::json
