#pragma once
// Metrics kept next to the stage that owns them, rendered in Prometheus text format by /metrics.
// Counters and gauges are lock-free atomics: incrementing on the hot path costs one relaxed add.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace logship::metrics {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void inc(uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> value_{0};
};

class Gauge {
 public:
  void set(int64_t v) { value_.store(v, std::memory_order_relaxed); }
  void add(int64_t d) { value_.fetch_add(d, std::memory_order_relaxed); }
  int64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> value_{0};
};

// Fixed buckets (upper bounds, ascending), cumulative on render.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void observe(double v);
  const std::vector<double>& bounds() const { return bounds_; }
  std::vector<uint64_t> bucketCounts() const;  // non-cumulative, one more than bounds (+Inf)
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;
  std::atomic<uint64_t> count_{0};
  std::atomic<uint64_t> sum_micros_{0};
};

// Upper bounds for latency histograms in seconds, shared so the daemons' series line up; fine
// around 1-2 s, where the end-to-end latency target lies (docs/benchmarks.md).
const std::vector<double>& latencySecondsBuckets();

class Registry {
 public:
  // Returns the same instance for the same name and labels; the reference stays valid for the
  // registry's lifetime. `help` is taken from the first registration of a family.
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help, std::vector<double> bounds,
                       const Labels& labels = {});
  // A gauge computed when scraped (queue depth, open files, consumer lag).
  void callbackGauge(const std::string& name, const std::string& help, const Labels& labels,
                     std::function<double()> fn);

  std::string renderPrometheus() const;

  // Every counter and gauge (callback gauges evaluated) as it is now, in name order; a histogram
  // contributes its count as a counter `<name>_count`. For summaries that compare two snapshots.
  struct Sample {
    std::string series;  // name with its rendered labels: `x_total{topic="a"}`
    bool is_counter;
    double value;
  };
  std::vector<Sample> snapshot() const;

 private:
  enum class Kind { kCounter, kGauge, kHistogram };
  struct Series {
    Labels labels;
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::unique_ptr<Histogram> histogram;
    std::function<double()> callback;
  };
  struct Family {
    Kind kind;
    std::string help;
    std::map<std::string, Series> series;  // key: rendered labels
  };
  Series& series(const std::string& name, const std::string& help, Kind kind, const Labels& labels);

  mutable std::mutex mutex_;
  std::map<std::string, Family> families_;
};

}  // namespace logship::metrics
