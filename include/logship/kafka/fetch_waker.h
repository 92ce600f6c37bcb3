#pragma once
// Wakes librdkafka's fetchers when the consumer has drained its queue and there is more to fetch.
//
// librdkafka 2.0.2 (Debian 12's) decides whether to fetch a partition again only when the broker
// thread that serves it wakes up. Once the pre-fetch queue went over queued.min.messages or
// queued.max.messages.kbytes nothing wakes it when the application drains the queue: it fetches
// again after its 1 s idle wake-up, so the queue size per second becomes the rate cap
// (docs/benchmarks.md, "Memory bounded by MaxMemory"; 2.1 added fetch.queue.backoff.ms). Any
// request queued to that broker thread wakes it, and it re-decides at once. The waker sends one,
// ListOffsets to the leaders of the assigned partitions, from its own thread (the answer can wait
// behind a fetch response on the same connection), at most once per `min_interval`, and only
// while some assigned partition has messages beyond the consumer's position: an idle, caught-up
// consumer sends nothing.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>

#include <librdkafka/rdkafkacpp.h>

namespace logship::kafka {

// Each assigned partition whose position and high watermark librdkafka knows (the watermark as
// cached from its last fetch response: no request), with how many messages lie beyond the position.
void forEachPartitionLag(RdKafka::KafkaConsumer& consumer,
                         const std::function<void(const RdKafka::TopicPartition&, int64_t lag)>& fn);

class FetchWaker {
 public:
  explicit FetchWaker(RdKafka::KafkaConsumer& consumer,
                      std::chrono::milliseconds min_interval = std::chrono::milliseconds(20));
  ~FetchWaker();
  FetchWaker(const FetchWaker&) = delete;
  FetchWaker& operator=(const FetchWaker&) = delete;

  // The consumer thread found its queue empty. Cheap: a flag and a notify.
  void poke();
  // Ends the thread (before the consumer is closed).
  void stop();
  // Wake-up requests sent so far (for tests and the debug log).
  uint64_t wakes() const;

 private:
  void run();
  bool behind();  // an assigned partition's high watermark is beyond the position

  RdKafka::KafkaConsumer& consumer_;
  const std::chrono::milliseconds min_interval_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  bool poked_ = false;
  bool stopping_ = false;
  uint64_t wakes_ = 0;
  std::thread thread_;
};

}  // namespace logship::kafka
