// normalizeTimestamp's once-per-hour cache against the full parse: runs of timestamps of one hour
// and zone (the cached path), zone and hour changes, fractions of every length, leap seconds and
// pre-1970 instants must all come out as formatTimestamp(parseRfc3339(...)) does.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <string>

#include "logship/common/timestamp.h"
#include "logship/tail/json_decoder.h"

namespace logship::tail {
namespace {

void expectAsFullParse(const std::string& in) {
  std::string got, want;
  int64_t got_ms = -1;
  const auto tp = parseRfc3339(in);
  const bool ok = normalizeTimestamp(in, got, &got_ms);
  ASSERT_EQ(ok, tp.has_value()) << in;
  if (!ok) return;
  const int64_t millis = std::chrono::duration_cast<std::chrono::milliseconds>(tp->time_since_epoch()).count();
  formatTimestamp(millis, want);
  EXPECT_EQ(got, want) << in;
  EXPECT_EQ(got_ms, millis > 0 ? millis : 0) << in;
}

TEST(UtcTimestamp, CachedHoursAgreeWithTheFullParse) {
  std::mt19937 rng(3);
  const char* zones[] = {"Z", "+08:00", "-05:00", "+05:30", "+00:00", "-00:00", "z"};
  const char* fractions[] = {"", ".5", ".12", ".123", ".123456", ".123456789"};
  for (int run = 0; run < 400; ++run) {
    const int year = run % 50 == 0 ? 1969 : 1970 + static_cast<int>(rng() % 200);
    const unsigned month = 1 + rng() % 12, day = 1 + rng() % 28, hour = rng() % 24;
    const char* zone = zones[rng() % 7];
    for (int i = 0; i < 30; ++i) {  // one hour and zone: all but the first take the cached path
      char text[64];
      const unsigned minute = rng() % 60, second = i == 7 ? 60 : rng() % 60;
      std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02u:%02u:%02u%s%s", year, month, day, hour, minute, second,
                    fractions[rng() % 6], zone);
      expectAsFullParse(text);
    }
  }
}

TEST(UtcTimestamp, MalformedTailsAfterACachedHourAreRefused) {
  std::string out;
  ASSERT_TRUE(normalizeTimestamp("2022-09-08T21:51:10.346+08:00", out));
  EXPECT_EQ(out, "2022-09-08T13:51:10.346Z");
  for (const char* bad :
       {"2022-09-08T21:51:1x.346+08:00", "2022-09-08T21:61:10.346+08:00", "2022-09-08T21:51:10.+08:00",
        "2022-09-08T21:51:10.346+08:00x", "2022-09-08T21:51:10.346+08:0"}) {
    EXPECT_FALSE(normalizeTimestamp(bad, out)) << bad;
  }
  ASSERT_TRUE(normalizeTimestamp("2022-09-08T21:59:59.999+08:00", out));
  EXPECT_EQ(out, "2022-09-08T13:59:59.999Z");
}

}  // namespace
}  // namespace logship::tail
