#include "logship/common/timestamp.h"

namespace logship {
namespace {

// Two or four digits at pos (the caller checked the length).
inline bool digits2(std::string_view s, size_t pos, int& out) {
  const unsigned a = static_cast<unsigned char>(s[pos]) - '0', b = static_cast<unsigned char>(s[pos + 1]) - '0';
  if (a > 9 || b > 9) return false;
  out = static_cast<int>(a * 10 + b);
  return true;
}

inline bool digits4(std::string_view s, size_t pos, int& out) {
  int hi, lo;
  if (!digits2(s, pos, hi) || !digits2(s, pos + 2, lo)) return false;
  out = hi * 100 + lo;
  return true;
}

unsigned daysInMonth(int64_t y, unsigned m) {
  static constexpr unsigned kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (m != 2) return kDays[m - 1];
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return leap ? 29 : 28;
}

}  // namespace

int64_t daysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);                 // [0, 399]
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;  // [0, 365]
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;            // [0, 146096]
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civilFromDays(int64_t days, int64_t& y, unsigned& m, unsigned& d) {
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);                    // [0, 146096]
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;  // [0, 399]
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);                // [0, 365]
  const unsigned mp = (5 * doy + 2) / 153;                                     // [0, 11]
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2 ? 1 : 0);
}

std::optional<std::chrono::system_clock::time_point> parseRfc3339(std::string_view s) {
  int y, mo, d, h, mi, se;
  if (s.size() < 20 || !digits4(s, 0, y) || s[4] != '-' || !digits2(s, 5, mo) || s[7] != '-' || !digits2(s, 8, d) ||
      (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !digits2(s, 11, h) || s[13] != ':' || !digits2(s, 14, mi) ||
      s[16] != ':' || !digits2(s, 17, se))
    return std::nullopt;
  size_t i = 19;
  int64_t nanos = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    int64_t scale = 100000000;
    const size_t start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') {
      nanos += (s[i] - '0') * scale;
      scale /= 10;
      ++i;
    }
    if (i == start) return std::nullopt;
  }
  if (i >= s.size()) return std::nullopt;
  int offset_minutes = 0;
  if (s[i] == 'Z' || s[i] == 'z') {
    ++i;
  } else if (s[i] == '+' || s[i] == '-') {
    int oh, om;
    if (i + 6 > s.size() || !digits2(s, i + 1, oh) || s[i + 3] != ':' || !digits2(s, i + 4, om)) return std::nullopt;
    offset_minutes = (oh * 60 + om) * (s[i] == '-' ? -1 : 1);
    i += 6;
  } else {
    return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || static_cast<unsigned>(d) > daysInMonth(y, static_cast<unsigned>(mo)) || h > 23 ||
      mi > 59 || se > 60)
    return std::nullopt;
  // system_clock counts nanoseconds in 64 bits: years outside 1678..2261 would overflow (found by
  // tests/fuzz/stash_event_fuzz). Such a timestamp is treated as unparseable (index uses now).
  if (y < 1678 || y > 2261) return std::nullopt;
  const int64_t seconds = daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
                          mi * 60 + se - offset_minutes * 60;
  const std::chrono::nanoseconds since_epoch{seconds * 1000000000 + nanos};
  return std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(since_epoch));
}

}  // namespace logship
