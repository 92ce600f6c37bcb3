#include "logship/stash/index_namer.h"

#include <cstdlib>
#include <stdexcept>

namespace logship::stash {
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

const date::time_zone* resolveZone(const std::string& name) {
  std::string zone = name;
  if (zone.empty()) {
    if (const char* tz = std::getenv("TZ")) zone = tz;
    if (!zone.empty() && zone[0] == ':') zone.erase(0, 1);
  }
  try {
    if (!zone.empty()) return date::locate_zone(zone);
    return date::current_zone();
  } catch (const std::exception&) {
    if (!name.empty()) throw std::runtime_error("unknown time zone \"" + name + "\"");
    return date::locate_zone("UTC");
  }
}

// go-stash's getFormat: `{{...}}` and `{...}` are time patterns, `{.field}` a field.
IndexNamer::IndexNamer(std::string format, const std::string& zone, Clock clock)
    : zone_(resolveZone(zone)), clock_(std::move(clock)) {
  size_t i = 0;
  std::string literal;
  while (i < format.size()) {
    if (format[i] != '{') {
      literal.push_back(format[i++]);
      continue;
    }
    const bool dbl = i + 1 < format.size() && format[i + 1] == '{';
    const size_t start = i + (dbl ? 2 : 1);
    size_t end = format.find('}', start);
    if (end == std::string::npos) {
      literal.append(format.substr(i));
      break;
    }
    if (!literal.empty()) segments_.push_back({Segment::kLiteral, literal}), literal.clear();
    std::string inner = format.substr(start, end - start);
    if (!dbl && !inner.empty() && inner[0] == '.') {
      segments_.push_back({Segment::kField, inner.substr(1)});
      constant_ = false;
    } else if (!inner.empty()) {
      if (inner.find('S') != std::string::npos) has_millis_ = true;
      segments_.push_back({Segment::kTime, inner});
      has_time_ = true;
      constant_ = false;
    }
    i = end + 1 + (dbl && end + 1 < format.size() && format[end + 1] == '}' ? 1 : 0);
  }
  if (!literal.empty()) segments_.push_back({Segment::kLiteral, literal});
  time_parts_.resize(segments_.size());
  if (constant_) {
    for (const auto& s : segments_) out_ += s.text;
  }
}

std::string_view IndexNamer::name(Event& event) {
  if (constant_) return out_;
  std::chrono::system_clock::time_point tp;
  if (has_time_) {
    std::optional<std::chrono::system_clock::time_point> parsed;
    std::string_view ts;
    const int i = event.find("@timestamp");
    if (i >= 0 && event.stringValue(i, ts)) parsed = parseRfc3339(ts);
    tp = parsed ? *parsed : (clock_ ? clock_() : std::chrono::system_clock::now());
    const auto ms = std::chrono::time_point_cast<std::chrono::milliseconds>(tp);
    const int64_t sec = ms.time_since_epoch().count() / 1000;
    if (sec != cached_second_ || has_millis_) {
      cached_second_ = sec;
      const auto local = zone_->to_local(ms);
      for (size_t k = 0; k < segments_.size(); ++k) {
        if (segments_[k].kind != Segment::kTime) continue;
        time_parts_[k].clear();
        formatJoda(segments_[k].text, local, time_parts_[k]);
      }
    }
  }
  out_.clear();
  for (size_t k = 0; k < segments_.size(); ++k) {
    const Segment& s = segments_[k];
    if (s.kind == Segment::kLiteral) {
      out_ += s.text;
    } else if (s.kind == Segment::kTime) {
      out_ += time_parts_[k];
    } else {
      const int i = event.find(s.text);
      if (i < 0) continue;
      std::string_view str;
      if (event.stringValue(i, str))
        out_ += str;
      else
        out_ += event.rawValue(i);
    }
  }
  return out_;
}

}  // namespace logship::stash
