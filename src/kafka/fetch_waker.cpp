#include "logship/kafka/fetch_waker.h"

#include <algorithm>
#include <vector>

namespace logship::kafka {

FetchWaker::FetchWaker(RdKafka::KafkaConsumer& consumer, std::chrono::milliseconds min_interval)
    : consumer_(consumer), min_interval_(min_interval), thread_([this] { run(); }) {}

FetchWaker::~FetchWaker() { stop(); }

void FetchWaker::poke() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (poked_) return;
    poked_ = true;
  }
  cv_.notify_one();
}

void FetchWaker::stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

uint64_t FetchWaker::wakes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return wakes_;
}

void forEachPartitionLag(RdKafka::KafkaConsumer& consumer,
                         const std::function<void(const RdKafka::TopicPartition&, int64_t lag)>& fn) {
  std::vector<RdKafka::TopicPartition*> parts;
  if (consumer.assignment(parts) != RdKafka::ERR_NO_ERROR) return;
  consumer.position(parts);
  for (const auto* p : parts) {
    int64_t low = 0, high = 0;
    if (p->offset() < 0 ||
        consumer.get_watermark_offsets(p->topic(), p->partition(), &low, &high) != RdKafka::ERR_NO_ERROR || high < 0)
      continue;
    fn(*p, std::max<int64_t>(0, high - p->offset()));
  }
  RdKafka::TopicPartition::destroy(parts);
}

bool FetchWaker::behind() {
  bool behind = false;
  forEachPartitionLag(consumer_, [&](const RdKafka::TopicPartition&, int64_t lag) { behind = behind || lag > 0; });
  if (!behind) return false;
  // ListOffsets for the latest offset (timestamp -1) of every assigned partition: one request per
  // leader, each queued to the broker thread that fetches those partitions.
  std::vector<RdKafka::TopicPartition*> parts;
  if (consumer_.assignment(parts) == RdKafka::ERR_NO_ERROR && !parts.empty()) {
    for (auto* p : parts) p->set_offset(-1);
    consumer_.offsetsForTimes(parts, 1000);
  }
  RdKafka::TopicPartition::destroy(parts);
  return true;
}

void FetchWaker::run() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    cv_.wait(lock, [&] { return poked_ || stopping_; });
    if (stopping_) return;
    poked_ = false;
    lock.unlock();
    const bool sent = behind();
    lock.lock();
    if (sent) ++wakes_;
    // At most one request per interval, whatever the pokes.
    cv_.wait_for(lock, min_interval_, [&] { return stopping_; });
  }
}

}  // namespace logship::kafka
