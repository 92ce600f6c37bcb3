// WatcherHealth: see watcher_health.h.
#include "logship/tail/watcher_health.h"

#include "logship/common/logging.h"

namespace logship::tail {

void WatcherHealth::failed(const std::string& error) {
  const auto now = clock_.monotonicTime();
  if (failures_++ == 0 || now - last_warning_ >= std::chrono::minutes(1)) {
    last_warning_ = now;
    log::warn(*log::get("processors"), unreachable_, {{where_key_, where_}, {"error", error}, {"failures", failures_}});
  }
}

void WatcherHealth::answered() {
  if (failures_ > 0) log::info(*log::get("processors"), back_, {{where_key_, where_}});
  failures_ = 0;
}

}  // namespace logship::tail
