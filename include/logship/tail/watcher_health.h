#pragma once
// How a metadata watcher says its source (the Docker engine, the Kubernetes API) is unreachable:
// one warning when it goes away, then at most one a minute while it stays away, and one info line
// when it answers again. Used by the watcher's own thread only.
#include <string>

#include "logship/common/time_source.h"

namespace logship::tail {

class WatcherHealth {
 public:
  // `unreachable`, `back`: the two messages; `where_key`/`where`: the source, logged with both.
  WatcherHealth(const TimeSource& clock, std::string unreachable, std::string back, std::string where_key,
                std::string where)
      : clock_(clock),
        unreachable_(std::move(unreachable)),
        back_(std::move(back)),
        where_key_(std::move(where_key)),
        where_(std::move(where)) {}

  void failed(const std::string& error);
  void answered();
  int failures() const { return failures_; }

 private:
  const TimeSource& clock_;
  std::string unreachable_, back_, where_key_, where_;
  int failures_ = 0;
  TimeSource::MonotonicTime last_warning_{};
};

}  // namespace logship::tail
