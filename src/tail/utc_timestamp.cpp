// The tailer's @timestamp text: RFC 3339 in, UTC with milliseconds out, as Filebeat writes it.
#include <chrono>
#include <cstring>
#include <string>
#include <string_view>

#include <date/date.h>

#include "logship/common/timestamp.h"
#include "logship/tail/json_decoder.h"

namespace logship::tail {

void formatTimestamp(int64_t unix_ms, std::string& out) {
  // Civil-from-days arithmetic and digits written by hand (snprintf + gmtime_r were ~3,900
  // instructions per decoded line with @timestamp, the date library's types ~350).
  const int64_t day = (unix_ms >= 0 ? unix_ms : unix_ms - 86399999) / 86400000;
  const auto in_day = static_cast<uint32_t>(unix_ms - day * 86400000);
  int64_t year;
  unsigned month, mday;
  civilFromDays(day, year, month, mday);
  if (year < 0 || year > 9999) {
    using namespace std::chrono;
    out = date::format("%FT%TZ", date::sys_time<milliseconds>{milliseconds(unix_ms)});
    return;
  }
  static constexpr char kPairs[] =
      "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
      "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
      "8081828384858687888990919293949596979899";
  char buf[25] = "0000-00-00T00:00:00.000Z";
  auto put2 = [&buf](size_t at, uint32_t v) { std::memcpy(buf + at, kPairs + 2 * v, 2); };
  put2(0, static_cast<uint32_t>(year) / 100);
  put2(2, static_cast<uint32_t>(year) % 100);
  put2(5, month);
  put2(8, mday);
  put2(11, in_day / 3600000);
  put2(14, in_day / 60000 % 60);
  put2(17, in_day / 1000 % 60);
  const uint32_t ms = in_day % 1000;
  buf[20] = static_cast<char>('0' + ms / 100);
  put2(21, ms % 100);
  out.assign(buf, 24);
}

namespace {

// Lines of one file carry timestamps of one zone, many per second: in a zone with a whole-hour
// offset (or Z), the UTC text up to the hour and the hour's instant are computed once per
// `YYYY-MM-DDTHH` and zone, and the rest is copied from the input (minutes and seconds are the
// same in UTC). Anything else takes the full parse.
struct HourCache {
  char local[13];  // "2022-09-08T21"
  char zone[6];    // "Z" or "+08:00"
  size_t zone_size = 0;
  char utc[13];  // "2022-09-08T13"
  int64_t hour_ms = 0;
  bool valid = false;
};

inline unsigned digitAt(std::string_view s, size_t i) {
  return static_cast<unsigned>(static_cast<unsigned char>(s[i])) - '0';
}

// The parts after the hour, when `s` has the cacheable shape: ":MM:SS[.fff...](Z|±HH:00)".
bool splitAfterHour(std::string_view s, unsigned& minute, unsigned& second, unsigned& millis, std::string_view& zone) {
  if (s.size() < 20 || s[13] != ':' || s[16] != ':') return false;
  const unsigned m1 = digitAt(s, 14), m2 = digitAt(s, 15), s1 = digitAt(s, 17), s2 = digitAt(s, 18);
  if (m1 > 5 || m2 > 9 || s1 > 5 || s2 > 9) return false;  // no leap second: the full parse has it
  minute = m1 * 10 + m2;
  second = s1 * 10 + s2;
  size_t i = 19;
  millis = 0;
  if (s[i] == '.') {
    const size_t start = ++i;
    while (i < s.size() && digitAt(s, i) <= 9) {
      if (i - start < 3) millis = millis * 10 + digitAt(s, i);
      ++i;
    }
    if (i == start) return false;
    for (size_t k = i - start; k < 3; ++k) millis *= 10;
  }
  zone = s.substr(i);
  if (zone == "Z") return true;
  return zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && digitAt(zone, 1) <= 9 && digitAt(zone, 2) <= 9 &&
         zone[3] == ':' && zone[4] == '0' && zone[5] == '0';
}

void writeUtc(const char* utc_hour, unsigned minute, unsigned second, unsigned millis, std::string& out) {
  char buf[24];
  std::memcpy(buf, utc_hour, 13);
  buf[13] = ':';
  buf[14] = static_cast<char>('0' + minute / 10);
  buf[15] = static_cast<char>('0' + minute % 10);
  buf[16] = ':';
  buf[17] = static_cast<char>('0' + second / 10);
  buf[18] = static_cast<char>('0' + second % 10);
  buf[19] = '.';
  buf[20] = static_cast<char>('0' + millis / 100);
  buf[21] = static_cast<char>('0' + millis / 10 % 10);
  buf[22] = static_cast<char>('0' + millis % 10);
  buf[23] = 'Z';
  out.assign(buf, 24);
}

bool normalizeFully(std::string_view s, std::string& out, int64_t& millis) {
  const auto tp = parseRfc3339(s);
  if (!tp) return false;
  millis = std::chrono::duration_cast<std::chrono::milliseconds>(tp->time_since_epoch()).count();
  formatTimestamp(millis, out);
  return true;
}

}  // namespace

bool normalizeTimestamp(std::string_view s, std::string& out, int64_t* ms) {
  thread_local HourCache cache;
  unsigned minute = 0, second = 0, millis = 0;
  std::string_view zone;
  const bool cacheable = splitAfterHour(s, minute, second, millis, zone);
  int64_t unix_ms = 0;
  if (cacheable && cache.valid && std::memcmp(cache.local, s.data(), 13) == 0 && zone.size() == cache.zone_size &&
      std::memcmp(cache.zone, zone.data(), zone.size()) == 0) {
    writeUtc(cache.utc, minute, second, millis, out);
    unix_ms = cache.hour_ms + minute * 60000 + second * 1000 + millis;
  } else {
    if (!normalizeFully(s, out, unix_ms)) return false;
    // Before 1970 milliseconds are truncated towards zero by the full parse: not cached.
    const int64_t hour_ms = unix_ms - (minute * 60000 + second * 1000 + millis);
    if (cacheable && hour_ms >= 0) {
      std::memcpy(cache.local, s.data(), 13);
      std::memcpy(cache.zone, zone.data(), zone.size());
      cache.zone_size = zone.size();
      std::memcpy(cache.utc, out.data(), 13);
      cache.hour_ms = hour_ms;
      cache.valid = true;
    }
  }
  // Kafka refuses negative timestamps; 0 means "now" to librdkafka.
  if (ms) *ms = unix_ms > 0 ? unix_ms : 0;
  return true;
}

}  // namespace logship::tail
