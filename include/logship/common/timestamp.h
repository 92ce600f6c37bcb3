#pragma once
// RFC 3339 timestamps as log lines carry them (`2022-09-08T21:51:10.346+08:00`, `...Z`, with or
// without fractions, 'T' or ' ' between date and time). One parser for the tailer's
// `@timestamp` overwrite and the stash's index naming, so both read the same lines the same way.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace logship {

// nullopt when malformed, without a zone, or outside what a nanosecond system_clock holds
// (years 1678..2261).
std::optional<std::chrono::system_clock::time_point> parseRfc3339(std::string_view s);

// Days since 1970-01-01 of a proleptic Gregorian date, and back (Howard Hinnant's civil
// algorithms: a handful of integer operations, where the date library's types cost hundreds of
// instructions per decoded line).
int64_t daysFromCivil(int64_t y, unsigned m, unsigned d);
void civilFromDays(int64_t days, int64_t& y, unsigned& m, unsigned& d);

}  // namespace logship
