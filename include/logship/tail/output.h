#pragma once
// Where encoded events go (Kafka or the console). Outputs report every event back exactly once
// through the AckFn given at construction: ok=true when delivered, ok=false when it failed
// permanently (counted, and the registry may advance past it, as Filebeat does).
#include <chrono>
#include <cstddef>
#include <functional>
#include <string_view>

#include "logship/common/metrics.h"
#include "logship/tail/ack_tracker.h"

namespace logship::tail {

class Event;

using AckFn = std::function<void(AckToken token, bool ok)>;

// Counted by every output.
struct OutputMetrics {
  metrics::Counter* acked = nullptr;  // delivered (ok=true)
  static OutputMetrics in(metrics::Registry& registry);
};

class Output {
 public:
  virtual ~Output() = default;
  // `payload` is the encoded event; `event` is available for topic/key format strings.
  virtual void publish(const Event& event, std::string_view payload, AckToken token) = 0;
  // Serves delivery reports and retries; waits at most `wait` when there is nothing to do.
  virtual void poll(std::chrono::milliseconds wait) = 0;
  // Events handed over and not yet reported.
  virtual size_t queued() const = 0;
  // True while the bytes handed over and not yet reported reach the output's bound
  // (queue.mem.bytes): harvesters stop reading until acks free room.
  virtual bool full() const { return false; }
  // Healthy unless the destination has been unreachable longer than the threshold.
  virtual bool healthy() const { return true; }
};

}  // namespace logship::tail
