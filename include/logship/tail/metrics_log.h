#pragma once
// Filebeat's periodic metrics line (libbeat/monitoring/report/log): every logging.metrics.period,
// "Non-zero metrics in the last 30s" with what moved since the previous line (counters as
// deltas, gauges as their value when not zero), and "Total metrics" when logship-tail stops.
// Series Filebeat also has are named as Filebeat names them (libbeat.output.events.acked, ...),
// the others `logship.<name>`.
#include <functional>
#include <map>
#include <string>

#include <spdlog/spdlog.h>

#include "logship/common/metrics.h"
#include "logship/common/time_source.h"

namespace logship::tail {

class MetricsLog {
 public:
  // `rss` reads the process' resident memory in bytes (default: /proc/self/statm).
  MetricsLog(const metrics::Registry& registry, std::chrono::milliseconds period, const TimeSource& time,
             spdlog::logger& logger, std::function<int64_t()> rss = {});
  // Logs a summary when a period has passed since the last one; called from the loop's tick.
  void tick();
  // At exit: every non-zero total, and the uptime.
  void logTotals();

 private:
  void logSummary();

  const metrics::Registry& registry_;
  std::chrono::milliseconds period_;
  const TimeSource& time_;
  spdlog::logger& logger_;
  std::function<int64_t()> rss_;
  TimeSource::MonotonicTime started_;
  TimeSource::MonotonicTime next_;
  std::map<std::string, double> last_;  // counters at the previous summary
};

// Go's time.Duration.String() for whole milliseconds: 30s, 1m0s, 1m30s, 500ms, 1h0m0s.
std::string goDurationString(std::chrono::milliseconds d);

}  // namespace logship::tail
