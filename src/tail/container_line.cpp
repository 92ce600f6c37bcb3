#include "logship/tail/container_line.h"

#include <cctype>
#include <cstring>

#include "logship/common/json.h"
#include "logship/common/timestamp.h"
#include "logship/tail/json_decoder.h"

namespace logship::tail {
namespace {

// A position in the envelope being scanned, and where decoded strings go: one scratch buffer as
// long as the line holds every decoded string of it (decoding never lengthens).
struct Cursor {
  const char* p;
  const char* end;
  char* out;

  bool done() const { return p >= end; }
  void skipSpace() {
    while (p < end && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')) ++p;
  }
  bool eat(char c) {
    skipSpace();
    if (p >= end || *p != c) return false;
    ++p;
    return true;
  }
};

// A JSON string at c.p (its opening quote), decoded; `text` stays valid until the next line.
bool scanString(Cursor& c, std::string_view& text) {
  if (!c.eat('"')) return false;
  size_t written = 0;
  const size_t used = json::decodeString(std::string_view(c.p, static_cast<size_t>(c.end - c.p)), c.out, written);
  if (used == 0) return false;
  text = std::string_view(c.out, written);
  c.out += written;
  c.p += used;
  return true;
}

bool skipValue(Cursor& c, int depth);

bool skipContainer(Cursor& c, char close, bool object, int depth) {
  if (c.eat(close)) return true;
  while (true) {
    if (object) {
      std::string_view key;
      if (!scanString(c, key) || !c.eat(':')) return false;
    }
    if (!skipValue(c, depth + 1)) return false;
    if (c.eat(close)) return true;
    if (!c.eat(',')) return false;
  }
}

// The escaped body ends with a `\uXXXX` escape.
bool endsWithUnicodeEscape(std::string_view body) {
  return body.size() >= 6 && json::endsWithEscape(body.substr(0, body.size() - 4), 'u');
}

// Docker's `log` kept escaped: checked to be a JSON string whose body can be copied as it is.
// A body ending in a \u escape (before or after a `\n`) is decoded instead: the line ending it may
// spell (\u000a, \u000d) would otherwise decide differently whether the line is partial, or what
// stripping the newline leaves.
bool checkString(Cursor& c, std::string_view& body) {
  c.skipSpace();
  if (c.done() || *c.p != '"') return false;
  const size_t used = json::checkString(std::string_view(c.p + 1, static_cast<size_t>(c.end - c.p - 1)));
  if (used == 0) return false;
  const std::string_view checked(c.p + 1, used - 1);
  if (endsWithUnicodeEscape(checked) ||
      (json::endsWithEscape(checked, 'n') && endsWithUnicodeEscape(checked.substr(0, checked.size() - 2))))
    return false;
  body = checked;
  c.p += used + 1;
  return true;
}

// Any JSON value (keys Docker may add one day); numbers and literals are checked loosely: they
// are skipped, never copied into the event.
bool skipValue(Cursor& c, int depth) {
  if (depth > 64) return false;
  c.skipSpace();
  if (c.done()) return false;
  const char ch = *c.p;
  if (ch == '"') {
    std::string_view s;
    return scanString(c, s);
  }
  if (ch == '{' || ch == '[') {
    ++c.p;
    return skipContainer(c, ch == '{' ? '}' : ']', ch == '{', depth);
  }
  const char* start = c.p;
  while (c.p < c.end && (std::isalnum(static_cast<unsigned char>(*c.p)) || std::strchr("+-.", *c.p))) ++c.p;
  return c.p > start;
}

// Docker's attrs: an object of string values (Filebeat reads it as map[string]string). The raw
// text is kept; it is valid JSON since every member was checked.
bool scanAttrs(Cursor& c, std::string_view& raw) {
  c.skipSpace();
  const char* start = c.p;
  if (!c.eat('{')) return false;
  bool empty = true;
  if (!c.eat('}')) {
    empty = false;
    while (true) {
      std::string_view s;
      if (!scanString(c, s) || !c.eat(':')) return false;
      c.skipSpace();
      if (!scanString(c, s)) return false;
      if (c.eat('}')) break;
      if (!c.eat(',')) return false;
    }
  }
  raw = empty ? std::string_view() : std::string_view(start, static_cast<size_t>(c.p - start));
  return true;
}

bool isNull(Cursor& c) {
  c.skipSpace();
  if (c.end - c.p >= 4 && std::memcmp(c.p, "null", 4) == 0) {
    c.p += 4;
    return true;
  }
  return false;
}

bool digits(const char* p, int n, int& out) {
  out = 0;
  for (int i = 0; i < n; ++i) {
    if (p[i] < '0' || p[i] > '9') return false;
    out = out * 10 + (p[i] - '0');
  }
  return true;
}

int64_t daysFromCivil(int y, int m, int d) {  // H. Hinnant's algorithm, proleptic Gregorian
  y -= m <= 2;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<int64_t>(era) * 146097 + doe - 719468;
}

int daysInMonth(int y, int m) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return m == 2 && leap ? 29 : kDays[m - 1];
}

// Seconds since the epoch of `YYYY-MM-DDTHH:MM:SS` at p; false when it is not one.
bool parseSecond(const char* p, int64_t& seconds) {
  int y, mo, d, h, mi, sec;
  if (!digits(p, 4, y) || p[4] != '-' || !digits(p + 5, 2, mo) || p[7] != '-' || !digits(p + 8, 2, d) || p[10] != 'T' ||
      !digits(p + 11, 2, h) || p[13] != ':' || !digits(p + 14, 2, mi) || p[16] != ':' || !digits(p + 17, 2, sec))
    return false;
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || sec > 59) return false;
  seconds = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
  return true;
}

}  // namespace

// `YYYY-MM-DDTHH:MM:SS[.f...]Z`; false for anything else (the general parser decides then). Lines
// come many per second: the second of the previous line is reused when it is the same text.
bool ContainerLineDecoder::fastUtcTimestamp(std::string_view s, char (&text)[24], int64_t& ms) {
  if (s.size() < 20 || s.back() != 'Z') return false;
  const char* p = s.data();
  if (second_seconds_ == kNoSecond || std::memcmp(p, second_text_, sizeof(second_text_)) != 0) {
    int64_t seconds = 0;
    if (!parseSecond(p, seconds)) return false;
    std::memcpy(second_text_, p, sizeof(second_text_));
    second_seconds_ = seconds;
  }
  char frac[3] = {'0', '0', '0'};
  if (s.size() > 20) {
    if (p[19] != '.' || s.size() < 22) return false;
    for (size_t i = 20; i + 1 < s.size(); ++i) {
      if (p[i] < '0' || p[i] > '9') return false;
      if (i < 23) frac[i - 20] = p[i];
    }
  }
  std::memcpy(text, p, 19);
  text[19] = '.';
  std::memcpy(text + 20, frac, 3);
  text[23] = 'Z';
  const int64_t millis = second_seconds_ * 1000 + (frac[0] - '0') * 100 + (frac[1] - '0') * 10 + (frac[2] - '0');
  ms = millis > 0 ? millis : 0;  // Kafka refuses negative timestamps
  return true;
}

bool ContainerLineDecoder::timestamp(std::string_view in, char (&text)[24], int64_t& ms) {
  if (fastUtcTimestamp(in, text, ms)) return true;
  std::string formatted;  // offsets other than Z: rare, the general parser
  if (!normalizeTimestamp(in, formatted, &ms) || formatted.size() != 24) return false;
  std::memcpy(text, formatted.data(), 24);
  return true;
}

bool ContainerLineDecoder::decode(std::string_view raw, ContainerLine& out) {
  out.content = {};
  out.escaped = {};
  out.stream = {};
  out.attrs = {};
  out.partial = false;
  out.error = {};
  const bool docker =
      format_ == ContainerFormat::kDocker || (format_ == ContainerFormat::kAuto && !raw.empty() && raw.front() == '{');
  return docker ? decodeDocker(raw, out) : decodeCri(raw, out);
}

bool ContainerLineDecoder::decodeDocker(std::string_view raw, ContainerLine& out) {
  if (scratch_.size() < raw.size()) scratch_.resize(raw.size());  // grows, never shrinks: no memset per line
  Cursor c{raw.data(), raw.data() + raw.size(), scratch_.data()};
  std::string_view time;
  auto fail = [&out](const char* why) {
    out.error = why;
    return false;
  };
  if (!c.eat('{')) return fail("decoding docker JSON: not a JSON object");
  if (!c.eat('}')) {
    while (true) {
      std::string_view key;
      if (!scanString(c, key) || !c.eat(':')) return fail("decoding docker JSON: invalid object");
      std::string_view* target = key == "log"      ? &out.content
                                 : key == "stream" ? &out.stream
                                 : key == "time"   ? &time
                                                   : nullptr;
      if (target == &out.content && keep_escaped_ && checkString(c, out.escaped)) {
        // checked, kept escaped (a `log` checkString refuses is decoded below, as without keep_escaped)
      } else if (target) {
        if (target == &out.content) out.escaped = {};  // a second `log` key, decoded
        if (!isNull(c) && !scanString(c, *target))
          return fail("decoding docker JSON: log, stream and time must be strings");
      } else if (key == "attrs") {
        if (!isNull(c) && !scanAttrs(c, out.attrs))
          return fail("decoding docker JSON: attrs must map strings to strings");
        // attrs are copied into the event as they are (the log text is decoded, so it is cleaned):
        // bytes that are not UTF-8 would make the event invalid JSON. Docker never writes them.
        if (!json::validUtf8(out.attrs)) return fail("decoding docker JSON: attrs are not valid UTF-8");
      } else if (!skipValue(c, 0)) {
        return fail("decoding docker JSON: invalid value");
      }
      if (c.eat('}')) break;
      if (!c.eat(',')) return fail("decoding docker JSON: invalid object");
    }
  }
  c.skipSpace();
  if (!c.done()) return fail("decoding docker JSON: data after the object");
  if (!timestamp(time, out.timestamp, out.timestamp_ms)) return fail("parsing docker timestamp");
  out.partial =
      out.escaped.empty() ? out.content.empty() || out.content.back() != '\n' : !json::endsWithEscape(out.escaped, 'n');
  return true;
}

void ContainerLineDecoder::unescape(ContainerLine& out) {
  if (out.escaped.empty()) return;
  // Not scratch_: the line's stream (and time) may be decoded there.
  if (unescaped_.size() < out.escaped.size()) unescaped_.resize(out.escaped.size());
  size_t written = 0;
  // The closing quote follows the body in the raw line: decodeString stops there.
  json::decodeString(std::string_view(out.escaped.data(), out.escaped.size() + 1), unescaped_.data(), written);
  out.content = std::string_view(unescaped_.data(), written);
  out.escaped = {};
}

bool ContainerLineDecoder::decodeCri(std::string_view raw, ContainerLine& out) {
  // SplitN(line, " ", 3 or 4): timestamp, stream, [flags,] text.
  std::string_view fields[3];
  const int n = cri_flags_ ? 3 : 2;
  std::string_view rest = raw;
  for (int i = 0; i < n; ++i) {
    const size_t sp = rest.find(' ');
    if (sp == std::string_view::npos) {
      out.error = "invalid CRI log format";
      return false;
    }
    fields[i] = rest.substr(0, sp);
    rest.remove_prefix(sp + 1);
  }
  if (!timestamp(fields[0], out.timestamp, out.timestamp_ms)) {
    out.error = "parsing CRI timestamp";
    return false;
  }
  out.stream = fields[1];
  if (cri_flags_) {  // tags separated by ':'; only P(artial) and F(ull) exist today
    std::string_view tags = fields[2];
    while (!tags.empty()) {
      const size_t colon = tags.find(':');
      if (tags.substr(0, colon) == "P") out.partial = true;
      tags.remove_prefix(colon == std::string_view::npos ? tags.size() : colon + 1);
    }
  }
  out.content = rest;
  return true;
}

}  // namespace logship::tail
