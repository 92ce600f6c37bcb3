#include "logship/tail/metrics_log.h"

#include <unistd.h>

#include <cmath>
#include <fstream>
#include <vector>

#include "logship/common/logging.h"

namespace logship::tail {
namespace {

// logship's series that mean what a Filebeat metric means, under Filebeat's name.
const std::map<std::string, std::string>& filebeatNames() {
  static const std::map<std::string, std::string> names = {
      {"logship_tail_events_published_total", "libbeat.pipeline.events.published"},
      {"logship_tail_events_filtered_total", "libbeat.pipeline.events.filtered"},
      {"logship_tail_events_dropped_total", "libbeat.pipeline.events.dropped"},
      {"logship_tail_events_retried_total", "libbeat.pipeline.events.retry"},
      {"logship_tail_events_inflight", "libbeat.pipeline.events.active"},
      {"logship_tail_events_acked_total", "libbeat.output.events.acked"},
      {"logship_tail_events_failed_total", "libbeat.output.events.failed"},
      {"logship_tail_kafka_queue_depth", "libbeat.output.events.active"},
      {"logship_tail_files_opened_total", "filebeat.harvester.started"},
      {"logship_tail_files_closed_total", "filebeat.harvester.closed"},
      {"logship_tail_open_files", "filebeat.harvester.open_files"},
      {"logship_tail_registry_writes", "registrar.writes.success"},
  };
  return names;
}

// A gauge that only grows (writes since start): reported as a delta like a counter.
bool countsUp(const std::string& series) { return series == "logship_tail_registry_writes"; }
// Seconds since the last registry write: never zero, it would fill every line.
bool skipped(const std::string& series) { return series == "logship_tail_registry_age_seconds"; }

std::string summaryName(const std::string& series) {
  if (const auto it = filebeatNames().find(series); it != filebeatNames().end()) return it->second;
  std::string name = series;
  for (const char* prefix : {"logship_tail_", "logship_"}) {
    if (name.rfind(prefix, 0) == 0) {
      name.erase(0, std::string(prefix).size());
      break;
    }
  }
  const std::string suffix = "_total";
  if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0)
    name.resize(name.size() - suffix.size());
  return "logship." + name;
}

int64_t procRss() {
  std::ifstream statm("/proc/self/statm");
  int64_t pages_total = 0, pages_resident = 0;
  if (!(statm >> pages_total >> pages_resident)) return 0;
  return pages_resident * static_cast<int64_t>(::sysconf(_SC_PAGESIZE));
}

// The fields point into `values`, alive until the line is written.
void logValues(spdlog::logger& logger, const std::string& msg,
               const std::vector<std::pair<std::string, double>>& values) {
  std::vector<log::Field> fields;
  fields.reserve(values.size());
  for (const auto& [name, value] : values) {
    if (value == std::floor(value) && std::fabs(value) < 9e15)
      fields.emplace_back(name, static_cast<int64_t>(value));
    else
      fields.emplace_back(name, value);
  }
  log::write(logger, spdlog::level::info, msg, fields);
}

}  // namespace

std::string goDurationString(std::chrono::milliseconds d) {
  int64_t ms = d.count();
  if (ms == 0) return "0s";
  if (ms < 1000) return std::to_string(ms) + "ms";
  const int64_t h = ms / 3'600'000;
  ms %= 3'600'000;
  const int64_t m = ms / 60'000;
  ms %= 60'000;
  std::string seconds = std::to_string(ms / 1000);
  if (ms % 1000) {
    std::string frac = std::to_string(1000 + ms % 1000).substr(1);
    while (frac.back() == '0') frac.pop_back();
    seconds += "." + frac;
  }
  std::string out;
  if (h > 0) out += std::to_string(h) + "h";
  if (h > 0 || m > 0) out += std::to_string(m) + "m";
  return out + seconds + "s";
}

MetricsLog::MetricsLog(const metrics::Registry& registry, std::chrono::milliseconds period, const TimeSource& time,
                       spdlog::logger& logger, std::function<int64_t()> rss)
    : registry_(registry),
      period_(period),
      time_(time),
      logger_(logger),
      rss_(rss ? std::move(rss) : std::function<int64_t()>(procRss)),
      started_(time.monotonicTime()),
      next_(started_ + period) {
  log::info(logger_, "Starting metrics logging every " + goDurationString(period_));
}

void MetricsLog::tick() {
  const auto now = time_.monotonicTime();
  if (now < next_) return;
  // The next line one period after this one, however late this tick came (as a Go ticker drops ticks).
  while (next_ <= now) next_ += period_;
  logSummary();
}

void MetricsLog::logSummary() {
  std::vector<std::pair<std::string, double>> values;
  for (const auto& s : registry_.snapshot()) {
    if (skipped(s.series)) continue;
    if (s.is_counter || countsUp(s.series)) {
      double& last = last_[s.series];
      const double delta = s.value - last;
      last = s.value;
      if (delta != 0) values.emplace_back(summaryName(s.series), delta);
    } else if (s.value != 0) {
      values.emplace_back(summaryName(s.series), s.value);
    }
  }
  if (const int64_t rss = rss_(); rss > 0) values.emplace_back("beat.memstats.rss", static_cast<double>(rss));
  const std::string period = goDurationString(period_);
  if (values.empty()) {
    log::info(logger_, "No non-zero metrics in the last " + period);
    return;
  }
  logValues(logger_, "Non-zero metrics in the last " + period, values);
}

void MetricsLog::logTotals() {
  std::vector<std::pair<std::string, double>> values;
  for (const auto& s : registry_.snapshot()) {
    if (!skipped(s.series) && s.value != 0) values.emplace_back(summaryName(s.series), s.value);
  }
  logValues(logger_, "Total metrics", values);
  const auto uptime = std::chrono::duration_cast<std::chrono::milliseconds>(time_.monotonicTime() - started_);
  log::info(logger_, "Uptime: " + goDurationString(uptime));
}

}  // namespace logship::tail
