#include "logship/tail/kafka_output.h"

#include <thread>

namespace logship::tail {

ConsoleOutput::ConsoleOutput(std::FILE* out, AckFn on_ack, metrics::Registry& m)
    : out_(out), on_ack_(std::move(on_ack)), metrics_(OutputMetrics::in(m)) {}

void ConsoleOutput::publish(const Event&, std::string_view payload, AckToken token) {
  std::fwrite(payload.data(), 1, payload.size(), out_);
  std::fputc('\n', out_);
  metrics_.acked->inc();
  on_ack_(token, true);
}

void ConsoleOutput::poll(std::chrono::milliseconds wait) {
  std::fflush(out_);
  if (wait.count() > 0) std::this_thread::sleep_for(wait);  // idle: nothing to serve
}

}  // namespace logship::tail
