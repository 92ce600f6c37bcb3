#pragma once
// RFC 3339 timestamps as log lines carry them (`2022-09-08T21:51:10.346+08:00`, `...Z`, with or
// without fractions, 'T' or ' ' between date and time). One parser for the tailer's
// `@timestamp` overwrite and the stash's index naming, so both read the same lines the same way.
#include <chrono>
#include <optional>
#include <string_view>

namespace logship {

// nullopt when malformed, without a zone, or outside what a nanosecond system_clock holds
// (years 1678..2261).
std::optional<std::chrono::system_clock::time_point> parseRfc3339(std::string_view s);

}  // namespace logship
