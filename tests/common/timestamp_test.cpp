// parseRfc3339 and the civil-date arithmetic against the date library on random dates: the
// hand-written day counting must agree with it on every valid date and refuse every invalid one.
#include "logship/common/timestamp.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>

#include <date/date.h>

namespace logship {
namespace {

TEST(CivilDays, AgreeWithTheDateLibraryBothWays) {
  for (int64_t day = -150000; day <= 150000; day += 7) {  // 1559 .. 2380
    const date::year_month_day ymd{date::sys_days{date::days{day}}};
    int64_t y;
    unsigned m, d;
    civilFromDays(day, y, m, d);
    ASSERT_EQ(y, static_cast<int>(ymd.year())) << day;
    ASSERT_EQ(m, static_cast<unsigned>(ymd.month())) << day;
    ASSERT_EQ(d, static_cast<unsigned>(ymd.day())) << day;
    ASSERT_EQ(daysFromCivil(y, m, d), day);
  }
}

TEST(Rfc3339, RandomDatesParseAsTheDateLibraryCountsThem) {
  std::mt19937 rng(11);
  int valid = 0, invalid = 0;
  for (int i = 0; i < 20000; ++i) {
    const int y = 1678 + static_cast<int>(rng() % 584);
    const unsigned m = 1 + rng() % 12, d = 1 + rng() % 31;
    const int h = static_cast<int>(rng() % 24), mi = static_cast<int>(rng() % 60), s = static_cast<int>(rng() % 60);
    const int oh = static_cast<int>(rng() % 15), om = static_cast<int>(rng() % 4) * 15;
    const bool east = rng() % 2 == 0;
    char text[64];
    std::snprintf(text, sizeof text, "%04d-%02u-%02uT%02d:%02d:%02d.%03u%c%02d:%02d", y, m, d, h, mi, s,
                  static_cast<unsigned>(rng() % 1000), east ? '+' : '-', oh, om);
    const auto parsed = parseRfc3339(text);
    const date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
    if (!ymd.ok()) {
      EXPECT_FALSE(parsed.has_value()) << text;
      ++invalid;
      continue;
    }
    ASSERT_TRUE(parsed.has_value()) << text;
    ++valid;
    const auto offset = std::chrono::minutes((oh * 60 + om) * (east ? 1 : -1));
    const auto want =
        date::sys_days(ymd) + std::chrono::hours(h) + std::chrono::minutes(mi) + std::chrono::seconds(s) - offset;
    EXPECT_EQ(std::chrono::floor<std::chrono::seconds>(*parsed), want) << text;
  }
  EXPECT_GT(valid, 15000);
  EXPECT_GT(invalid, 100);  // the 29th to 31st of short months
}

TEST(Rfc3339, RefusesWhatIsNotOneTimestamp) {
  for (const char* bad :
       {"2022-02-29T00:00:00Z", "2022-13-01T00:00:00Z", "2022-00-10T00:00:00Z", "2022-01-01T24:00:00Z",
        "2022-01-01T00:00:00", "2022-01-01T00:00:00+08", "2022-01-01T00:00:00+0800", "2022-01-01T00:00:00Zx",
        "2022-01-01T00:00:00.Z", "1600-01-01T00:00:00Z"}) {
    EXPECT_FALSE(parseRfc3339(bad).has_value()) << bad;
  }
  EXPECT_TRUE(parseRfc3339("2024-02-29 23:59:60.999999999z").has_value());
}

}  // namespace
}  // namespace logship
