#pragma once
// Go's time.Parse for one layout written with Go's reference time (`2006-01-02T15:04:05.999Z07:00`,
// `Jan _2 15:04:05`, `02/Jan/2006:15:04:05 -0700`), compiled once into chunks: the layout's
// elements as Go's nextStdChunk finds them, each with the literal text before it. parse() follows
// Go's rules per element: one or two digits where Go allows it, month and weekday names in any
// case, a fraction after the seconds even when the layout has none, a run of spaces matching a run
// of spaces, `Z` for UTC where the layout has `Z07:00`, zone abbreviations (`MST`).
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace logship::tail::processors {

// What a value says, before a time zone turns it into an instant.
struct GoTime {
  enum class Zone : uint8_t { kNone, kUtc, kOffset, kName };
  int year = 0, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  int32_t nanos = 0;
  Zone zone = Zone::kNone;
  int offset = 0;              // seconds east of UTC, for kOffset
  std::string_view zone_name;  // kName: the abbreviation (a view into the value)
};

class GoTimeLayout {
 public:
  explicit GoTimeLayout(std::string_view layout);
  // False when `value` does not match the layout (Go's ParseError) or a field is out of range.
  bool parse(std::string_view value, GoTime& out) const;
  const std::string& text() const { return layout_; }

  // Go's std values; the parser groups them by this order (date, clock, zone, fraction).
  enum class Std : uint8_t {
    kEnd,
    kLongMonth,
    kMonth,
    kNumMonth,
    kZeroMonth,
    kLongWeekDay,
    kWeekDay,
    kDay,
    kUnderDay,
    kZeroDay,
    kUnderYearDay,
    kZeroYearDay,
    kHour,
    kHour12,
    kZeroHour12,
    kMinute,
    kZeroMinute,
    kSecond,
    kZeroSecond,
    kLongYear,
    kYear,
    kPM,
    kpm,
    kTZ,
    kISO8601TZ,
    kISO8601SecondsTZ,
    kISO8601ShortTZ,
    kISO8601ColonTZ,
    kISO8601ColonSecondsTZ,
    kNumTZ,
    kNumSecondsTz,
    kNumShortTZ,
    kNumColonTZ,
    kNumColonSecondsTZ,
    kFracSecond0,
    kFracSecond9,
  };

 private:
  struct Chunk {
    std::string prefix;  // literal text before the element
    Std std = Std::kEnd;
    int digits = 0;              // fraction digits of kFracSecond0 / kFracSecond9
    bool fraction_next = false;  // the next element is a fraction (seconds leave it to it)
  };
  std::string layout_;
  std::vector<Chunk> chunks_;  // the last one is kEnd with the trailing literal
};

}  // namespace logship::tail::processors
