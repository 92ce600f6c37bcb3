// timestamp: parses `field` with Go reference-time `layouts` (tried in order; also UNIX and
// UNIX_MS for epoch seconds / milliseconds, as numbers or strings) and writes the instant to
// `target_field` (default @timestamp: the event's time and its Kafka timestamp; another field gets
// the same `2006-01-02T15:04:05.000Z` text). `timezone` (IANA name, `Local`, or an offset `+08`,
// `+0800`, `+08:00`; default UTC) applies to values without a zone; a layout without a year gets
// the current year there. ignore_missing, ignore_failure, `test` (values that must parse at load),
// `id`. Layouts are compiled once at load (go_time_layout.h).
#include <date/tz.h>

#include <chrono>
#include <cmath>
#include <optional>

#include "go_strconv.h"
#include "go_time_layout.h"
#include "logship/tail/event.h"
#include "logship/tail/json_decoder.h"
#include "logship/tail/processor.h"

namespace logship::tail::processors {
namespace {

// A time zone: a fixed offset (tz null) or an IANA zone.
struct ZoneRule {
  const date::time_zone* tz = nullptr;
  int offset = 0;  // seconds east of UTC, when fixed
};

int64_t localSeconds(const GoTime& t) {
  using namespace date;
  const sys_days first = year(t.year) / month(static_cast<unsigned>(t.month)) / 1;
  return (first.time_since_epoch().count() + t.day - 1) * 86400LL + t.hour * 3600 + t.minute * 60 + t.second;
}

// Go's Date in a location: the offset in effect at the wall clock, looked up once more when the
// first guess falls outside its own period (a DST change).
int64_t utcSeconds(int64_t local, const ZoneRule& z) {
  if (!z.tz) return local - z.offset;
  using namespace std::chrono;
  const date::sys_seconds as_utc{seconds(local)};
  const date::sys_info info = z.tz->get_info(as_utc);
  const int64_t utc = local - info.offset.count();
  const date::sys_seconds at{seconds(utc)};
  if (at < info.begin || at >= info.end) return local - z.tz->get_info(at).offset.count();
  return utc;
}

int currentYear(const ZoneRule& z) {
  using namespace std::chrono;
  const auto now = date::floor<seconds>(system_clock::now());
  const auto local = z.tz ? z.tz->to_local(now).time_since_epoch() : now.time_since_epoch() + seconds(z.offset);
  return static_cast<int>(date::year_month_day{date::sys_days{date::floor<date::days>(local)}}.year());
}

// Go's lookupName: the offset of a zone abbreviation in the location, if it has one.
std::optional<int> abbreviationOffset(std::string_view name, const ZoneRule& z, int64_t local) {
  if (!z.tz) return std::nullopt;
  for (const int64_t probe : {local, local - int64_t{182 * 86400}, local + int64_t{182 * 86400}}) {
    const date::sys_info info = z.tz->get_info(date::sys_seconds{std::chrono::seconds(probe)});
    if (info.abbrev == name) return static_cast<int>(info.offset.count());
  }
  return std::nullopt;
}

// The instant of a parsed value in ms: its own zone, else the option's; year 0 is this year.
int64_t unixMillis(GoTime t, const ZoneRule& option) {
  int64_t local = localSeconds(t);
  ZoneRule rule = option;
  std::optional<int> named;
  if (t.zone == GoTime::Zone::kUtc) rule = ZoneRule{};
  if (t.zone == GoTime::Zone::kOffset) rule = ZoneRule{nullptr, t.offset};
  if (t.zone == GoTime::Zone::kName) {
    named = abbreviationOffset(t.zone_name, option, local);
    if (!named) {  // an unknown abbreviation is UTC, GMT+h is h hours (Go)
      int64_t hours = 0;
      if (t.zone_name.size() > 3 && t.zone_name.compare(0, 3, "GMT") == 0)
        goParseInt(t.zone_name.substr(3), 64, hours, nullptr);
      rule = ZoneRule{nullptr, static_cast<int>(hours * 3600)};
    }
  }
  if (t.year == 0) {
    t.year = currentYear(rule);
    local = localSeconds(t);
    named.reset();
  }
  const int64_t utc = named ? local - *named : utcSeconds(local, rule);
  return utc * 1000 + t.nanos / 1000000;
}

// UNIX / UNIX_MS: an integer (JSON number or string) or a float, scaled to ms as Go's time.Unix.
bool epochMillis(std::string_view text, bool is_string, bool millis, int64_t& out) {
  int64_t n = 0;
  const bool integer = is_string
                           ? goParseInt(text, 64, n, nullptr)
                           : text.find_first_of(".eE") == std::string_view::npos && goParseInt(text, 64, n, nullptr);
  if (integer) {
    out = millis ? n : n * 1000;
    return true;
  }
  double d = 0;
  if (!goParseDouble(text, d) || std::fabs(d) > (millis ? 9.2e15 : 9.2e12)) return false;
  const auto ns = static_cast<int64_t>(d * (millis ? 1e6 : 1e9));
  out = ns / 1000000 - (ns % 1000000 < 0 ? 1 : 0);
  return true;
}

class Timestamp final : public Processor {
 public:
  Timestamp(std::string field, std::string target, std::vector<std::string> layouts, ZoneRule zone, bool ignore_missing,
            bool ignore_failure)
      : field_(std::move(field)),
        target_(std::move(target)),
        zone_(zone),
        ignore_missing_(ignore_missing),
        ignore_failure_(ignore_failure) {
    for (const auto& l : layouts) layouts_.emplace_back(l);
  }

  // The instant of a value in ms; false when no layout reads it.
  bool parse(std::string_view text, bool is_string, int64_t& ms) const {
    GoTime t;
    for (const auto& layout : layouts_) {
      if (layout.text() == "UNIX" || layout.text() == "UNIX_MS") {
        if (epochMillis(text, is_string, layout.text() == "UNIX_MS", ms)) return true;
      } else if (is_string && layout.parse(text, t)) {
        ms = unixMillis(t, zone_);
        return true;
      }
    }
    return false;
  }

  void run(Event& event) const override {
    const Entry* e = event.find(field_);
    if (!e && field_ == "@timestamp") return write(event, eventMillis(event));  // a time already: no layouts
    if (!e) {
      if (!ignore_missing_ && !ignore_failure_)
        flagProcessorError(event, "failed to get time field " + field_ + ": key not found");
      return;
    }
    const bool is_string = e->isString();
    thread_local std::string scratch;
    const std::string_view text = is_string ? Event::text(*e, scratch) : e->value;
    int64_t ms = 0;
    if (!parse(text, is_string, ms)) {
      // libbeat returns the error; logship also sets error.message (docs/tail.md).
      if (!ignore_failure_)
        flagProcessorError(event, "failed parsing time field " + field_ + "='" + std::string(text) + "'");
      return;
    }
    write(event, ms);
  }

  std::optional<std::vector<std::string>> addedFields() const override {
    return std::vector<std::string>{target_, "error.message"};
  }

 private:
  // The event's own time in ms (libbeat reads @timestamp as a time.Time, not through the layouts).
  static int64_t eventMillis(const Event& event) {
    if (event.timestamp_ms != 0) return event.timestamp_ms;
    thread_local std::string normalized;
    int64_t ms = 0;
    normalizeTimestamp(event.timestamp_, normalized, &ms);
    return ms;
  }

  void write(Event& event, int64_t ms) const {
    if (target_ == "@timestamp") {
      formatTimestamp(ms, event.timestamp_);
      event.timestamp_ms = ms > 0 ? ms : 0;  // Kafka refuses negative timestamps; 0 is "now"
      for (auto& e : event.entries())        // an @timestamp a processor set as a field is replaced
        if (!e.removed && !e.key.empty() && e.key[0] == '@' && keyUnder(e.key, "@timestamp")) e.removed = true;
      return;
    }
    thread_local std::string formatted;
    formatTimestamp(ms, formatted);
    event.remove(target_);
    event.append(target_, event.arena().copy(formatted), Entry::Kind::kString);
  }

  std::string field_, target_;
  std::vector<GoTimeLayout> layouts_;
  ZoneRule zone_;
  bool ignore_missing_, ignore_failure_;
};

// libbeat's cfgtype.Timezone: an offset (`-07`, `-0700`, `-07:00` forms), else a location name.
ZoneRule parseZone(const config::Node& node) {
  const std::string name = node.str("");
  if (name.empty() || name == "UTC") return ZoneRule{};
  for (const char* form : {"-07", "-0700", "-07:00"}) {
    GoTime t;
    if (GoTimeLayout(form).parse(name, t)) return ZoneRule{nullptr, t.offset};
  }
  try {
    if (name == "Local") return ZoneRule{date::current_zone(), 0};
  } catch (const std::exception&) {
    return ZoneRule{};  // no /etc/localtime: Go's time.Local is UTC then
  }
  try {
    return ZoneRule{date::locate_zone(name), 0};
  } catch (const std::exception&) {
    node.fail("unknown time zone " + name);
  }
}

}  // namespace

std::unique_ptr<const Processor> parseTimestamp(const config::Node& node) {
  const std::string field = node.child("field").str();
  if (field.empty()) node.fail("timestamp needs a field");
  const std::vector<std::string> layouts = node.child("layouts").strings();
  if (layouts.empty()) node.fail("timestamp needs a list of layouts");
  std::string target = node.child("target_field").str("@timestamp");
  if (target.empty()) target = "@timestamp";
  node.child("id").noEffect("it names the processor in Filebeat's debug log only");
  auto p = std::make_unique<Timestamp>(field, target, layouts, parseZone(node.child("timezone")),
                                       node.child("ignore_missing").boolean(false),
                                       node.child("ignore_failure").boolean(false));
  const config::Node tests = node.child("test");
  for (const std::string& value : tests.strings()) {
    int64_t ms = 0;
    if (!p->parse(value, true, ms))
      tests.fail("failed to parse test timestamp: failed parsing time field " + field + "='" + value + "'");
  }
  return p;
}

}  // namespace logship::tail::processors
