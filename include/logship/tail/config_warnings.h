#pragma once
// Config warnings (unknown keys, keys without effect, skipped processors, deprecations, topic
// fields nothing sets) are logged at warning level whatever logging.level says: a level of error
// silences the daemon's own warnings, not the report that part of the file is not honoured.
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

namespace logship::tail {

void logConfigWarnings(const std::vector<std::string>& warnings, const std::string& file, spdlog::logger& logger);

}  // namespace logship::tail
