#include "logship/common/metrics.h"

#include <gtest/gtest.h>

#include "logship/common/error.h"

namespace logship::metrics {
namespace {

TEST(MetricsTest, CountersAreSharedByNameAndLabels) {
  Registry r;
  r.counter("lines_total", "Lines read", {{"input", "a"}}).inc(3);
  r.counter("lines_total", "Lines read", {{"input", "a"}}).inc(2);
  r.counter("lines_total", "Lines read", {{"input", "b"}}).inc();
  const auto text = r.renderPrometheus();
  EXPECT_NE(text.find("# TYPE lines_total counter"), std::string::npos);
  EXPECT_NE(text.find("lines_total{input=\"a\"} 5\n"), std::string::npos) << text;
  EXPECT_NE(text.find("lines_total{input=\"b\"} 1\n"), std::string::npos) << text;
}

TEST(MetricsTest, GaugesAndCallbacks) {
  Registry r;
  r.gauge("open_files", "Open files").set(4);
  r.callbackGauge("queue_depth", "Queue depth", {}, [] { return 17.0; });
  const auto text = r.renderPrometheus();
  EXPECT_NE(text.find("open_files 4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("queue_depth 17\n"), std::string::npos) << text;
}

TEST(MetricsTest, HistogramIsCumulative) {
  Registry r;
  auto& h = r.histogram("latency_seconds", "Latency", {0.1, 1});
  h.observe(0.05);
  h.observe(0.5);
  h.observe(5);
  const auto text = r.renderPrometheus();
  EXPECT_NE(text.find("latency_seconds_bucket{le=\"0.1\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("latency_seconds_bucket{le=\"1\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("latency_seconds_bucket{le=\"+Inf\"} 3\n"), std::string::npos) << text;
  EXPECT_NE(text.find("latency_seconds_count 3\n"), std::string::npos) << text;
}

TEST(MetricsTest, EscapesLabelValues) {
  Registry r;
  r.counter("x_total", "x", {{"file", "a\"b"}}).inc();
  EXPECT_NE(r.renderPrometheus().find("x_total{file=\"a\\\"b\"} 1"), std::string::npos);
}

TEST(MetricsTest, OneNameOneType) {
  Registry r;
  r.counter("dual", "d");
  EXPECT_THROW(r.gauge("dual", "d"), logship::Error);
}

}  // namespace
}  // namespace logship::metrics
