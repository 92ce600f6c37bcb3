#pragma once
// go-stash's index names (stash/es/index.go): `{{joda-pattern}}` is the event time rendered in the
// configured zone, `{.field}` the value of a top-level field. The time is the event's `@timestamp`
// (RFC 3339, `Z` or an offset, any fraction; go-stash only takes `...000Z`), else now.
#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <date/tz.h>

#include "logship/common/joda.h"
#include "logship/common/timestamp.h"
#include "logship/stash/event.h"

namespace logship::stash {

// RFC 3339 parsing is shared with the tailer.
using logship::parseRfc3339;  // common/timestamp.h

using logship::formatJoda;  // common/joda.h, shared with the tailer's format strings

class IndexNamer {
 public:
  using Clock = std::function<std::chrono::system_clock::time_point()>;
  // `zone` empty: $TZ, else the system's local zone. Throws std::runtime_error for unknown zones.
  IndexNamer(std::string format, const std::string& zone, Clock clock = {});

  // The index for `event` (computed before the filters run, as go-stash does).
  std::string_view name(Event& event);
  bool usesTime() const { return has_time_; }

 private:
  struct Segment {
    enum Kind { kLiteral, kTime, kField } kind;
    std::string text;
  };
  std::vector<Segment> segments_;
  bool has_time_ = false;
  bool constant_ = true;
  const date::time_zone* zone_ = nullptr;
  Clock clock_;
  std::string out_;
  // A one-entry cache for the time part: events arrive in bursts with the same second.
  int64_t cached_second_ = INT64_MIN;
  bool has_millis_ = false;
  std::vector<std::string> time_parts_;
};

const date::time_zone* resolveZone(const std::string& name);

}  // namespace logship::stash
