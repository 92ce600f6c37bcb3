#include "logship/common/metrics.h"

#include <charconv>
#include <cmath>

#include "logship/common/error.h"

namespace logship::metrics {
namespace {

std::string renderLabels(const Labels& labels, const std::string& extra = {}) {
  if (labels.empty() && extra.empty()) return {};
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k;
    out += "=\"";
    for (char c : v) {
      if (c == '\\' || c == '"') out += '\\';
      if (c == '\n') {
        out += "\\n";
        continue;
      }
      out += c;
    }
    out += '"';
  }
  if (!extra.empty()) {
    if (!first) out += ',';
    out += extra;
  }
  out += '}';
  return out;
}

std::string formatNumber(double v) {
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  char buf[32];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v);  // shortest exact form: 0.1, not 0.1000...01
  (void)ec;
  return std::string(buf, ptr);
}

}  // namespace

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<uint64_t>[bounds_.size() + 1]) {
  for (size_t i = 0; i <= bounds_.size(); ++i) buckets_[i].store(0);
}

const std::vector<double>& latencySecondsBuckets() {
  static const std::vector<double> bounds{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75,
                                          1,     1.5,  2,     2.5,  5,   10,   30,  60};
  return bounds;
}

void Histogram::observe(double v) {
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<uint64_t>(v * 1e6), std::memory_order_relaxed);
}

std::vector<uint64_t> Histogram::bucketCounts() const {
  std::vector<uint64_t> out(bounds_.size() + 1);
  for (size_t i = 0; i <= bounds_.size(); ++i) out[i] = buckets_[i].load(std::memory_order_relaxed);
  return out;
}

double Histogram::sum() const { return static_cast<double>(sum_micros_.load()) / 1e6; }

Registry::Series& Registry::series(const std::string& name, const std::string& help, Kind kind, const Labels& labels) {
  auto [it, inserted] = families_.try_emplace(name);
  Family& family = it->second;
  if (inserted) {
    family.kind = kind;
    family.help = help;
  } else if (family.kind != kind) {
    throw Error(ErrorCode::kInternal, "metric " + name + " registered with two types");
  }
  auto& s = family.series[renderLabels(labels)];
  s.labels = labels;
  return s;
}

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& s = series(name, help, Kind::kCounter, labels);
  if (!s.counter) s.counter = std::make_unique<Counter>();
  return *s.counter;
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& s = series(name, help, Kind::kGauge, labels);
  if (!s.gauge) s.gauge = std::make_unique<Gauge>();
  return *s.gauge;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help, std::vector<double> bounds,
                               const Labels& labels) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto& s = series(name, help, Kind::kHistogram, labels);
  if (!s.histogram) s.histogram = std::make_unique<Histogram>(std::move(bounds));
  return *s.histogram;
}

void Registry::callbackGauge(const std::string& name, const std::string& help, const Labels& labels,
                             std::function<double()> fn) {
  std::lock_guard<std::mutex> lock(mutex_);
  series(name, help, Kind::kGauge, labels).callback = std::move(fn);
}

std::string Registry::renderPrometheus() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::string out;
  for (const auto& [name, family] : families_) {
    out += "# HELP " + name + " " + family.help + "\n";
    out += "# TYPE " + name + " " +
           (family.kind == Kind::kCounter ? "counter"
            : family.kind == Kind::kGauge ? "gauge"
                                          : "histogram") +
           "\n";
    for (const auto& [label_text, s] : family.series) {
      if (s.counter) {
        out += name + label_text + " " + std::to_string(s.counter->value()) + "\n";
      } else if (s.gauge) {
        out += name + label_text + " " + std::to_string(s.gauge->value()) + "\n";
      } else if (s.callback) {
        out += name + label_text + " " + formatNumber(s.callback()) + "\n";
      } else if (s.histogram) {
        const auto counts = s.histogram->bucketCounts();
        uint64_t cumulative = 0;
        for (size_t i = 0; i < counts.size(); ++i) {
          cumulative += counts[i];
          const std::string le =
              "le=\"" + (i < s.histogram->bounds().size() ? formatNumber(s.histogram->bounds()[i]) : "+Inf") + "\"";
          out += name + "_bucket" + renderLabels(s.labels, le) + " " + std::to_string(cumulative) + "\n";
        }
        out += name + "_sum" + label_text + " " + formatNumber(s.histogram->sum()) + "\n";
        out += name + "_count" + label_text + " " + std::to_string(s.histogram->count()) + "\n";
      }
    }
  }
  return out;
}

std::vector<Registry::Sample> Registry::snapshot() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::vector<Sample> out;
  for (const auto& [name, family] : families_) {
    for (const auto& [label_text, s] : family.series) {
      if (s.counter) {
        out.push_back({name + label_text, true, static_cast<double>(s.counter->value())});
      } else if (s.gauge) {
        out.push_back({name + label_text, false, static_cast<double>(s.gauge->value())});
      } else if (s.callback) {
        out.push_back({name + label_text, false, s.callback()});
      } else if (s.histogram) {
        out.push_back({name + "_count" + label_text, true, static_cast<double>(s.histogram->count())});
      }
    }
  }
  return out;
}

}  // namespace logship::metrics
