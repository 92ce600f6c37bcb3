#include "go_time_layout.h"

#include <cctype>

namespace logship::tail::processors {
namespace {

using Std = GoTimeLayout::Std;

bool startsWith(std::string_view s, size_t at, std::string_view p) { return s.compare(at, p.size(), p) == 0; }
bool isDigitAt(std::string_view s, size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '9'; }

struct Found {
  size_t at = std::string_view::npos;  // where the element starts
  size_t len = 0;
  Std std = Std::kEnd;
  int digits = 0;
};

// The element starting at `i` of `layout`, as Go's nextStdChunk recognizes them; len 0 if none.
Found elementAt(std::string_view l, size_t i) {
  const auto is = [&](std::string_view p, Std s) { return startsWith(l, i, p) ? Found{i, p.size(), s} : Found{}; };
  Found f;
  switch (l[i]) {
    case 'J':
      if ((f = is("January", Std::kLongMonth)).len) return f;
      return is("Jan", Std::kMonth);
    case 'M':
      if ((f = is("Monday", Std::kLongWeekDay)).len) return f;
      if ((f = is("Mon", Std::kWeekDay)).len) return f;
      return is("MST", Std::kTZ);
    case '0':
      if ((f = is("002", Std::kZeroYearDay)).len) return f;
      if (i + 1 < l.size() && l[i + 1] >= '1' && l[i + 1] <= '6') {
        static const Std zero[] = {Std::kZeroMonth,  Std::kZeroDay,    Std::kZeroHour12,
                                   Std::kZeroMinute, Std::kZeroSecond, Std::kYear};
        return Found{i, 2, zero[l[i + 1] - '1']};
      }
      return f;
    case '1':
      if ((f = is("15", Std::kHour)).len) return f;
      return Found{i, 1, Std::kNumMonth};
    case '2':
      if ((f = is("2006", Std::kLongYear)).len) return f;
      return Found{i, 1, Std::kDay};
    case '_':
      if (startsWith(l, i, "_2")) {
        // `_2006` is a literal `_` and the year.
        if (startsWith(l, i + 1, "2006")) return Found{i + 1, 4, Std::kLongYear};
        return Found{i, 2, Std::kUnderDay};
      }
      return is("__2", Std::kUnderYearDay);
    case '3':
      return Found{i, 1, Std::kHour12};
    case '4':
      return Found{i, 1, Std::kMinute};
    case '5':
      return Found{i, 1, Std::kSecond};
    case 'P':
      return is("PM", Std::kPM);
    case 'p':
      return is("pm", Std::kpm);
    case '-':
      if ((f = is("-070000", Std::kNumSecondsTz)).len) return f;
      if ((f = is("-07:00:00", Std::kNumColonSecondsTZ)).len) return f;
      if ((f = is("-0700", Std::kNumTZ)).len) return f;
      if ((f = is("-07:00", Std::kNumColonTZ)).len) return f;
      return is("-07", Std::kNumShortTZ);
    case 'Z':
      if ((f = is("Z070000", Std::kISO8601SecondsTZ)).len) return f;
      if ((f = is("Z07:00:00", Std::kISO8601ColonSecondsTZ)).len) return f;
      if ((f = is("Z0700", Std::kISO8601TZ)).len) return f;
      if ((f = is("Z07:00", Std::kISO8601ColonTZ)).len) return f;
      return is("Z07", Std::kISO8601ShortTZ);
    case '.':
    case ',':
      if (i + 1 < l.size() && (l[i + 1] == '0' || l[i + 1] == '9')) {
        const char ch = l[i + 1];
        size_t j = i + 1;
        while (j < l.size() && l[j] == ch) ++j;
        if (!isDigitAt(l, j))  // `.000` followed by a digit is literal text
          return Found{i, j - i, ch == '0' ? Std::kFracSecond0 : Std::kFracSecond9, static_cast<int>(j - i - 1)};
      }
      return f;
    default:
      return f;
  }
}

// Go's getnum: one digit, or two when there are two (`fixed`: exactly two).
bool getnum(std::string_view& v, bool fixed, int& out) {
  if (!isDigitAt(v, 0)) return false;
  if (!isDigitAt(v, 1)) {
    if (fixed) return false;
    out = v[0] - '0';
    v.remove_prefix(1);
    return true;
  }
  out = (v[0] - '0') * 10 + (v[1] - '0');
  v.remove_prefix(2);
  return true;
}

bool getnum3(std::string_view& v, bool fixed, int& out) {
  int n = 0;
  size_t i = 0;
  for (; i < 3 && isDigitAt(v, i); ++i) n = n * 10 + (v[i] - '0');
  if (i == 0 || (fixed && i != 3)) return false;
  out = n;
  v.remove_prefix(i);
  return true;
}

// Go's lookup: the index of the name `v` starts with (ASCII case-insensitive), or -1.
int lookupName(std::string_view& v, const char* const* names, int n) {
  for (int k = 0; k < n; ++k) {
    const std::string_view name = names[k];
    if (v.size() < name.size()) continue;
    bool same = true;
    for (size_t c = 0; c < name.size() && same; ++c) same = (v[c] | 0x20) == (name[c] | 0x20);  // ASCII letters
    if (same) {
      v.remove_prefix(name.size());
      return k;
    }
  }
  return -1;
}

const char* const kLongMonths[] = {"January", "February", "March",     "April",   "May",      "June",
                                   "July",    "August",   "September", "October", "November", "December"};
const char* const kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
const char* const kLongDays[] = {"Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"};
const char* const kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};

// Go's skip: the literal text, where a run of spaces matches a run of spaces.
bool skipLiteral(std::string_view& v, std::string_view prefix) {
  const auto cutspace = [](std::string_view& s) {
    while (!s.empty() && s[0] == ' ') s.remove_prefix(1);
  };
  while (!prefix.empty()) {
    if (prefix[0] == ' ') {
      if (!v.empty() && v[0] != ' ') return false;
      cutspace(prefix);
      cutspace(v);
      continue;
    }
    if (v.empty() || v[0] != prefix[0]) return false;
    prefix.remove_prefix(1);
    v.remove_prefix(1);
  }
  return true;
}

// Go's parseNanoseconds of `.ddd` (n bytes, the separator included; digits past 9 dropped).
bool nanos(std::string_view v, size_t n, int32_t& out) {
  if (v.empty() || (v[0] != '.' && v[0] != ',')) return false;
  int32_t ns = 0;
  size_t i = 1;
  for (; i < n && i <= 9; ++i) {
    if (!isDigitAt(v, i)) return false;
    ns = ns * 10 + (v[i] - '0');
  }
  for (size_t k = i; k < n; ++k)
    if (!isDigitAt(v, k)) return false;
  for (; i <= 9; ++i) ns *= 10;
  out = ns;
  return true;
}

// Go's parseSignedOffset: the length of `+h` / `-hh` (hours up to 23) at the start of `v`, or 0.
size_t signedOffsetLength(std::string_view v) {
  if (v.empty() || (v[0] != '+' && v[0] != '-')) return 0;
  size_t k = 1;
  int64_t x = 0;
  while (isDigitAt(v, k) && x <= 23) x = x * 10 + (v[k++] - '0');
  while (isDigitAt(v, k)) ++k;
  return k == 1 || x > 23 ? 0 : k;
}

// Go's parseTimeZone: the length of a zone abbreviation at the start of `v`, 0 when there is none.
size_t zoneNameLength(std::string_view v) {
  if (v.size() < 3) return 0;
  if (startsWith(v, 0, "ChST") || startsWith(v, 0, "MeST")) return 4;
  if (startsWith(v, 0, "GMT")) return 3 + signedOffsetLength(v.substr(3));  // GMT, GMT+5, GMT-10
  if (v[0] == '+' || v[0] == '-') return signedOffsetLength(v);
  size_t upper = 0;
  while (upper < 6 && upper < v.size() && v[upper] >= 'A' && v[upper] <= 'Z') ++upper;
  if (upper == 3) return 3;
  if (upper == 4 && (v[3] == 'T' || startsWith(v, 0, "WITA"))) return 4;
  if (upper == 5 && v[4] == 'T') return 5;
  return 0;
}

// The numeric zone elements (`-07:00`, `Z0700`, ...): the offset in seconds.
bool zoneOffset(std::string_view& v, Std std, GoTime& t) {
  const bool iso = std == Std::kISO8601TZ || std == Std::kISO8601SecondsTZ || std == Std::kISO8601ShortTZ ||
                   std == Std::kISO8601ColonTZ || std == Std::kISO8601ColonSecondsTZ;
  if (iso && !v.empty() && v[0] == 'Z') {
    v.remove_prefix(1);
    t.zone = GoTime::Zone::kUtc;
    return true;
  }
  std::string_view hh, mm = "00", ss = "00";
  size_t used = 0;
  if (std == Std::kISO8601ColonTZ || std == Std::kNumColonTZ) {
    if (v.size() < 6 || v[3] != ':') return false;
    hh = v.substr(1, 2), mm = v.substr(4, 2), used = 6;
  } else if (std == Std::kNumShortTZ || std == Std::kISO8601ShortTZ) {
    if (v.size() < 3) return false;
    hh = v.substr(1, 2), used = 3;
  } else if (std == Std::kISO8601ColonSecondsTZ || std == Std::kNumColonSecondsTZ) {
    if (v.size() < 9 || v[3] != ':' || v[6] != ':') return false;
    hh = v.substr(1, 2), mm = v.substr(4, 2), ss = v.substr(7, 2), used = 9;
  } else if (std == Std::kISO8601SecondsTZ || std == Std::kNumSecondsTz) {
    if (v.size() < 7) return false;
    hh = v.substr(1, 2), mm = v.substr(3, 2), ss = v.substr(5, 2), used = 7;
  } else {
    if (v.size() < 5) return false;
    hh = v.substr(1, 2), mm = v.substr(3, 2), used = 5;
  }
  int h = 0, m = 0, s = 0;
  if (!getnum(hh, true, h) || !getnum(mm, true, m) || !getnum(ss, true, s)) return false;
  if (h > 24 || m > 60 || s > 60) return false;
  if (v[0] != '+' && v[0] != '-') return false;
  t.offset = (v[0] == '-' ? -1 : 1) * ((h * 60 + m) * 60 + s);
  t.zone = GoTime::Zone::kOffset;
  v.remove_prefix(used);
  return true;
}

bool isLeap(int y) { return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0); }
int daysIn(int month, int year) {
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && isLeap(year) ? 29 : kDays[month - 1];
}

}  // namespace

GoTimeLayout::GoTimeLayout(std::string_view layout) : layout_(layout) {
  size_t pos = 0;
  while (true) {
    Found f;
    for (size_t i = pos; i < layout.size() && !f.len; ++i) f = elementAt(layout, i);
    Chunk c;
    c.prefix.assign(layout.substr(pos, f.len ? f.at - pos : std::string_view::npos));
    c.std = f.len ? f.std : Std::kEnd;
    c.digits = f.digits;
    chunks_.push_back(std::move(c));
    if (!f.len) break;
    pos = f.at + f.len;
  }
  for (size_t i = 0; i + 1 < chunks_.size(); ++i)
    chunks_[i].fraction_next = chunks_[i + 1].std == Std::kFracSecond0 || chunks_[i + 1].std == Std::kFracSecond9;
}

namespace {

// What the elements read besides GoTime's own fields: -1 while not seen.
struct Seen {
  int month = -1, day = -1, yday = -1;
  bool pm = false, am = false;
};

// The date elements: years, months, weekdays, days.
bool parseDate(Std std, std::string_view& v, GoTime& t, Seen& seen) {
  int n = 0;
  switch (std) {
    case Std::kYear:
      if (v.size() < 2 || !getnum(v, true, n)) return false;
      t.year = n >= 69 ? 1900 + n : 2000 + n;
      return true;
    case Std::kLongYear:
      if (v.size() < 4 || !isDigitAt(v, 0) || !isDigitAt(v, 1) || !isDigitAt(v, 2) || !isDigitAt(v, 3)) return false;
      t.year = (v[0] - '0') * 1000 + (v[1] - '0') * 100 + (v[2] - '0') * 10 + (v[3] - '0');
      v.remove_prefix(4);
      return true;
    case Std::kMonth:
    case Std::kLongMonth:
      seen.month = lookupName(v, std == Std::kMonth ? kMonths : kLongMonths, 12) + 1;
      return seen.month > 0;
    case Std::kNumMonth:
    case Std::kZeroMonth:
      return getnum(v, std == Std::kZeroMonth, seen.month) && seen.month >= 1 && seen.month <= 12;
    case Std::kWeekDay:
    case Std::kLongWeekDay:  // read, not checked against the date (as Go)
      return lookupName(v, std == Std::kWeekDay ? kDays : kLongDays, 7) >= 0;
    case Std::kDay:
    case Std::kUnderDay:
    case Std::kZeroDay:
      if (std == Std::kUnderDay && !v.empty() && v[0] == ' ') v.remove_prefix(1);
      return getnum(v, std == Std::kZeroDay, seen.day);
    default:  // kUnderYearDay, kZeroYearDay
      for (int k = 0; k < 2 && std == Std::kUnderYearDay && !v.empty() && v[0] == ' '; ++k) v.remove_prefix(1);
      return getnum3(v, std == Std::kZeroYearDay, seen.yday) && seen.yday >= 1 && seen.yday <= 366;
  }
}

// The clock elements: hours, minutes, seconds (with a fraction the layout lacks), AM/PM.
bool parseClock(Std std, bool fraction_next, std::string_view& v, GoTime& t, Seen& seen) {
  switch (std) {
    case Std::kHour:
      return getnum(v, false, t.hour) && t.hour <= 23;
    case Std::kHour12:
    case Std::kZeroHour12:
      return getnum(v, std == Std::kZeroHour12, t.hour) && t.hour <= 12;
    case Std::kMinute:
    case Std::kZeroMinute:
      return getnum(v, std == Std::kZeroMinute, t.minute) && t.minute <= 59;
    case Std::kSecond:
    case Std::kZeroSecond:
      if (!getnum(v, std == Std::kZeroSecond, t.second) || t.second > 59) return false;
      // A fraction in the value that the layout does not have is read anyway (Go).
      if (!fraction_next && v.size() >= 2 && (v[0] == '.' || v[0] == ',') && isDigitAt(v, 1)) {
        size_t k = 2;
        while (isDigitAt(v, k)) ++k;
        if (!nanos(v, k, t.nanos)) return false;
        v.remove_prefix(k);
      }
      return true;
    default: {  // kPM, kpm
      if (v.size() < 2) return false;
      const std::string_view p = v.substr(0, 2);
      seen.pm = p == (std == Std::kPM ? "PM" : "pm");
      seen.am = p == (std == Std::kPM ? "AM" : "am");
      v.remove_prefix(2);
      return seen.pm || seen.am;
    }
  }
}

// Fractions and zones.
bool parseRest(Std std, int digits, std::string_view& v, GoTime& t) {
  switch (std) {
    case Std::kTZ: {
      if (startsWith(v, 0, "UTC")) {
        t.zone = GoTime::Zone::kUtc;
        v.remove_prefix(3);
        return true;
      }
      const size_t len = zoneNameLength(v);
      t.zone = GoTime::Zone::kName;
      t.zone_name = v.substr(0, len);
      v.remove_prefix(len);
      return len > 0;
    }
    case Std::kFracSecond0: {
      const size_t len = static_cast<size_t>(digits) + 1;
      if (v.size() < len || !nanos(v, len, t.nanos)) return false;
      v.remove_prefix(len);
      return true;
    }
    case Std::kFracSecond9: {
      if (v.size() < 2 || (v[0] != '.' && v[0] != ',') || !isDigitAt(v, 1)) return true;  // omitted
      size_t k = 1;
      while (isDigitAt(v, k)) ++k;
      if (!nanos(v, k, t.nanos)) return false;
      v.remove_prefix(k);
      return true;
    }
    default:
      return zoneOffset(v, std, t);
  }
}

// The groups of Std, by its order.
bool isDateElement(Std s) {
  return (s >= Std::kLongMonth && s <= Std::kZeroYearDay) || s == Std::kLongYear || s == Std::kYear;
}
bool isClockElement(Std s) { return (s >= Std::kHour && s <= Std::kZeroSecond) || s == Std::kPM || s == Std::kpm; }

}  // namespace

bool GoTimeLayout::parse(std::string_view v, GoTime& t) const {
  t = GoTime{};
  Seen seen;
  for (const Chunk& c : chunks_) {
    if (!skipLiteral(v, c.prefix)) return false;
    bool ok = true;
    if (c.std == Std::kEnd) {
      ok = v.empty();  // no extra text
    } else if (isDateElement(c.std)) {
      ok = parseDate(c.std, v, t, seen);
    } else if (isClockElement(c.std)) {
      ok = parseClock(c.std, c.fraction_next, v, t, seen);
    } else {
      ok = parseRest(c.std, c.digits, v, t);
    }
    if (!ok) return false;
  }
  if (seen.pm && t.hour < 12) t.hour += 12;
  if (seen.am && t.hour == 12) t.hour = 0;
  if (seen.yday >= 0) {  // a day of the year sets (or must agree with) month and day
    int m = 1, d = seen.yday;
    while (m < 12 && d > daysIn(m, t.year)) d -= daysIn(m++, t.year);
    if ((seen.month >= 0 && seen.month != m) || (seen.day >= 0 && seen.day != d) || d > daysIn(m, t.year)) return false;
    seen.month = m, seen.day = d;
  }
  t.month = seen.month < 0 ? 1 : seen.month;
  t.day = seen.day < 0 ? 1 : seen.day;
  return t.day >= 1 && t.day <= daysIn(t.month, t.year);
}

}  // namespace logship::tail::processors
