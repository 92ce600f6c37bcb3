// Filebeat's periodic metrics line on simulated time: only what moved, Filebeat's names, totals.
#include "logship/tail/metrics_log.h"

#include <sstream>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

namespace logship::tail {
namespace {

class MetricsLogTest : public ::testing::Test {
 protected:
  MetricsLogTest() : logger_("monitoring", std::make_shared<spdlog::sinks::ostream_sink_st>(out_)) {
    logger_.set_pattern("%v");
    logger_.set_level(spdlog::level::info);
  }
  // The lines logged since the last call.
  std::string take() {
    std::string s = out_.str();
    out_.str("");
    return s;
  }
  std::ostringstream out_;
  spdlog::logger logger_;
  metrics::Registry registry_;
  SimulatedTimeSource time_;
  int64_t rss_ = 0;
};

TEST_F(MetricsLogTest, EveryPeriodOnlyTheNonZeroDeltasAndGauges) {
  auto& acked = registry_.counter("logship_tail_events_acked_total", "");
  registry_.counter("logship_tail_events_failed_total", "");
  auto& lines = registry_.counter("logship_tail_lines_read_total", "");
  auto& open = registry_.gauge("logship_tail_open_files", "");
  registry_.gauge("logship_tail_registry_age_seconds", "").set(12);
  MetricsLog log(registry_, std::chrono::seconds(30), time_, logger_, [this] { return rss_; });
  EXPECT_EQ(take(), "Starting metrics logging every 30s\n");

  acked.inc(5);
  lines.inc(7);
  open.set(2);
  time_.advance(std::chrono::seconds(29));
  log.tick();
  EXPECT_EQ(take(), "");  // not yet a period
  time_.advance(std::chrono::seconds(1));
  log.tick();
  EXPECT_EQ(take(),
            "Non-zero metrics in the last 30s libbeat.output.events.acked=5 logship.lines_read=7 "
            "filebeat.harvester.open_files=2\n");

  acked.inc(3);
  open.set(0);
  rss_ = 4096;
  time_.advance(std::chrono::seconds(30));
  log.tick();
  EXPECT_EQ(take(), "Non-zero metrics in the last 30s libbeat.output.events.acked=3 beat.memstats.rss=4096\n");

  rss_ = 0;
  time_.advance(std::chrono::seconds(30));
  log.tick();
  EXPECT_EQ(take(), "No non-zero metrics in the last 30s\n");

  lines.inc(1);
  log.logTotals();
  EXPECT_EQ(take(), "Total metrics libbeat.output.events.acked=8 logship.lines_read=8\nUptime: 1m30s\n");
}

TEST_F(MetricsLogTest, ALateTickLogsOnceAndKeepsThePeriod) {
  auto& acked = registry_.counter("logship_tail_events_acked_total", "");
  MetricsLog log(registry_, std::chrono::seconds(10), time_, logger_, [this] { return rss_; });
  take();
  acked.inc(1);
  time_.advance(std::chrono::seconds(35));  // three periods passed while the loop was busy
  log.tick();
  log.tick();
  EXPECT_EQ(take(), "Non-zero metrics in the last 10s libbeat.output.events.acked=1\n");
  time_.advance(std::chrono::seconds(4));  // 39s: the next line is due at 40s
  log.tick();
  EXPECT_EQ(take(), "");
  time_.advance(std::chrono::seconds(1));
  log.tick();
  EXPECT_EQ(take(), "No non-zero metrics in the last 10s\n");
}

TEST(GoDurationString, AsGoPrintsDurations) {
  using std::chrono::milliseconds;
  EXPECT_EQ(goDurationString(milliseconds(30000)), "30s");
  EXPECT_EQ(goDurationString(milliseconds(60000)), "1m0s");
  EXPECT_EQ(goDurationString(milliseconds(90000)), "1m30s");
  EXPECT_EQ(goDurationString(milliseconds(3600000)), "1h0m0s");
  EXPECT_EQ(goDurationString(milliseconds(1500)), "1.5s");
  EXPECT_EQ(goDurationString(milliseconds(500)), "500ms");
  EXPECT_EQ(goDurationString(milliseconds(0)), "0s");
}

}  // namespace
}  // namespace logship::tail
