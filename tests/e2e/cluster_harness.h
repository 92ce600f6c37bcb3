#pragma once
// What the cluster scenarios (cluster_failover_itest) add to the pipeline harness: the brokers'
// view of a topic (who leads, who is in sync), the fault commands of `scripts/services cluster`,
// and a watch that measures the longest time a count did not grow (the stall; reported, never
// asserted).
#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "e2e/pipeline_harness.h"

namespace logship::e2e {

struct PartitionView {
  std::map<int, int> leaders;  // broker id -> partitions it leads
  int under_replicated = 0;    // partitions with fewer than 3 in-sync replicas (or no leader)
};

// Metadata of `topic` as the cluster answers it now; throws when no broker answers.
inline PartitionView partitionView(const std::string& bootstrap, const std::string& topic) {
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", bootstrap, err);
  conf->set("log_level", "0", err);
  std::unique_ptr<RdKafka::Producer> p(RdKafka::Producer::create(conf.get(), err));
  if (!p) throw std::runtime_error("producer: " + err);
  std::unique_ptr<RdKafka::Topic> t(RdKafka::Topic::create(p.get(), topic, nullptr, err));
  RdKafka::Metadata* raw = nullptr;
  if (p->metadata(false, t.get(), &raw, 10000) != RdKafka::ERR_NO_ERROR || raw == nullptr)
    throw std::runtime_error("metadata of " + topic);
  std::unique_ptr<RdKafka::Metadata> md(raw);
  PartitionView v;
  for (const auto* tm : *md->topics())
    for (const auto* pm : *tm->partitions()) {
      if (pm->leader() >= 0) ++v.leaders[pm->leader()];
      if (pm->leader() < 0 || pm->isrs()->size() < 3) ++v.under_replicated;
    }
  return v;
}

// Messages in a topic through one long-lived client: its metadata
// follows leader changes, where a fresh client per call (lt::countMessages) can wait out its
// whole timeout on a partition whose leader just died. -1 while that fails.
class WatermarkCounter {
 public:
  WatermarkCounter(const std::string& bootstrap, std::string topic, int partitions)
      : topic_(std::move(topic)), partitions_(partitions) {
    std::string err;
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    conf->set("bootstrap.servers", bootstrap, err);
    conf->set("log_level", "0", err);
    // Leaders move when a broker dies; the default refresh (5 min) would keep asking the dead one.
    conf->set("topic.metadata.refresh.interval.ms", "1000", err);
    producer_.reset(RdKafka::Producer::create(conf.get(), err));
    if (!producer_) throw std::runtime_error("producer: " + err);
  }
  // The end offsets (a new topic, nothing deleted: the message count), asked as kcat -Q does
  // (OffsetsForTimes, which follows leader changes; query_watermark_offsets kept asking the dead
  // leader here).
  std::int64_t count() {
    std::vector<RdKafka::TopicPartition*> parts;
    for (int p = 0; p < partitions_; ++p) parts.push_back(RdKafka::TopicPartition::create(topic_, p, -1));
    std::int64_t total = producer_->offsetsForTimes(parts, 5000) == RdKafka::ERR_NO_ERROR ? 0 : -1;
    for (auto* tp : parts) {
      if (total >= 0 && (tp->err() != RdKafka::ERR_NO_ERROR || tp->offset() < 0)) total = -1;
      if (total >= 0) total += tp->offset();
    }
    RdKafka::TopicPartition::destroy(parts);
    return total;
  }

 private:
  std::string topic_;
  int partitions_;
  std::unique_ptr<RdKafka::Producer> producer_;
};

// The broker (node id = N of `cluster kafka-node N`) leading most partitions of the topic.
inline int busiestLeader(const PartitionView& v) {
  return std::max_element(v.leaders.begin(), v.leaders.end(),
                          [](const auto& a, const auto& b) { return a.second < b.second; })
      ->first;
}

inline void clusterCommand(const std::string& args) {
  std::cout << "[cluster] scripts/services cluster " << args << std::endl;
  lt::runServicesCommand("cluster " + args);
}

// Samples `count` every 100 ms on its own thread; stall() is the longest time between two
// increases while it runs, i.e. how long the pipeline made no progress.
class StallWatch {
 public:
  explicit StallWatch(std::function<std::int64_t()> count) : count_(std::move(count)) {
    thread_ = std::thread([this] { run(); });
  }
  ~StallWatch() { stop(); }
  void stop() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  double stallSeconds() const { return std::chrono::duration<double>(worst_).count(); }
  std::int64_t last() const { return last_; }

 private:
  void run() {
    auto since = Clock::now();
    while (!stop_) {
      const std::int64_t n = count_();
      const auto now = Clock::now();
      if (n > last_) {
        if (last_ >= 0) worst_ = std::max(worst_, Clock::duration(now - since));
        last_ = n;
        since = now;
      }
      std::this_thread::sleep_for(100ms);
    }
  }
  std::function<std::int64_t()> count_;
  std::atomic<bool> stop_{false};
  std::atomic<std::int64_t> last_{-1};
  Clock::duration worst_{};
  std::thread thread_;
};

}  // namespace logship::e2e
