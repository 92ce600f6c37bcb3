#include "logship/common/joda.h"

namespace logship {
namespace {

void pad(std::string& out, int64_t v, int width) {
  char buf[24];
  int n = 0;
  bool neg = v < 0;
  uint64_t u = neg ? static_cast<uint64_t>(-v) : static_cast<uint64_t>(v);
  do {
    buf[n++] = static_cast<char>('0' + u % 10);
    u /= 10;
  } while (u);
  if (neg) out.push_back('-');
  for (int i = n; i < width; ++i) out.push_back('0');
  while (n) out.push_back(buf[--n]);
}

const char* kMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                         "July",    "August",   "September", "October", "November", "December"};
const char* kDays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};

}  // namespace

void formatJoda(std::string_view p, const date::local_time<std::chrono::milliseconds>& local, std::string& out) {
  const auto days = date::floor<date::days>(local);
  const date::year_month_day ymd{days};
  const date::hh_mm_ss<std::chrono::milliseconds> tod{local - days};
  const date::weekday wd{days};
  const int year = static_cast<int>(ymd.year());
  const int month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  const int day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  const int hour = static_cast<int>(tod.hours().count());
  size_t i = 0;
  while (i < p.size()) {
    const char c = p[i];
    if (c == '\'') {
      size_t end = p.find('\'', i + 1);
      if (end == std::string_view::npos) end = p.size();
      if (end == i + 1)
        out.push_back('\'');
      else
        out.append(p.substr(i + 1, end - i - 1));
      i = end + 1;
      continue;
    }
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
      out.push_back(c);
      ++i;
      continue;
    }
    size_t n = 1;
    while (i + n < p.size() && p[i + n] == c) ++n;
    const int w = static_cast<int>(n);
    switch (c) {
      case 'y':
      case 'Y':
        if (n == 2)
          pad(out, year % 100, 2);
        else
          pad(out, year, w);
        break;
      case 'M':
        if (n >= 4)
          out.append(kMonths[month - 1]);
        else if (n == 3)
          out.append(kMonths[month - 1], 3);
        else
          pad(out, month, w);
        break;
      case 'd':
        pad(out, day, w);
        break;
      case 'D':
        pad(out, (days - date::local_days{ymd.year() / date::January / 1}).count() + 1, w);
        break;
      case 'H':
        pad(out, hour, w);
        break;
      case 'h':
        pad(out, hour % 12 == 0 ? 12 : hour % 12, w);
        break;
      case 'm':
        pad(out, tod.minutes().count(), w);
        break;
      case 's':
        pad(out, tod.seconds().count(), w);
        break;
      case 'S': {
        std::string ms;
        pad(ms, tod.subseconds().count(), 3);
        out.append(ms.substr(0, std::min<size_t>(n, 3)));
        for (size_t k = 3; k < n; ++k) out.push_back('0');
        break;
      }
      case 'a':
        out.append(hour < 12 ? "AM" : "PM");
        break;
      case 'E': {
        const char* name = kDays[wd.c_encoding()];
        if (n >= 4)
          out.append(name);
        else
          out.append(name, 3);
        break;
      }
      default:
        out.append(p.substr(i, n));
        break;
    }
    i += n;
  }
}

}  // namespace logship
