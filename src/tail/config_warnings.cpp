#include "logship/tail/config_warnings.h"

#include "logship/common/logging.h"

namespace logship::tail {

void logConfigWarnings(const std::vector<std::string>& warnings, const std::string& file, spdlog::logger& logger) {
  const auto level = logger.level();
  if (level > spdlog::level::warn) logger.set_level(spdlog::level::warn);
  for (const auto& w : warnings) log::warn(logger, w, {{"config", file}});
  logger.set_level(level);
}

}  // namespace logship::tail
