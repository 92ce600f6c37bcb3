#pragma once
// Joda-style date patterns, as go-stash's index names ({{yyyy.MM.dd}}) and Beats' format strings
// (%{+yyyy.MM.dd}) use them: one formatter for the stash and the tailer.
#include <chrono>
#include <string>
#include <string_view>

#include <date/date.h>

namespace logship {

// Formats `local` (a wall time) with a Joda pattern (yyyy yy MM M MMM MMMM dd d HH H hh h mm m ss
// s SSS a EEE EEEE D; 'quoted' literals; other characters copied).
void formatJoda(std::string_view pattern, const date::local_time<std::chrono::milliseconds>& local, std::string& out);

}  // namespace logship
