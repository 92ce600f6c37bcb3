#pragma once
// Filebeat's pattern multiline: lines are joined with "\n" into one message.
//   negate=false match=after : a matching line belongs to the previous line
//   negate=true  match=after : a non-matching line belongs to the previous line (stack traces)
//   match=before             : the line is joined with the next one
// max_lines caps the lines kept (further lines are consumed and dropped, message flagged
// truncated); timeout flushes a pending message when no new line arrived.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "logship/tail/line_reader.h"
#include "logship/tail/tail_config.h"

namespace re2 {
class RE2;
}

namespace logship::tail {

struct ContainerMeta;  // container_parser.h
class OwnedContainerMeta;

struct Message {
  std::string_view text;
  uint64_t offset = 0;
  uint64_t end_offset = 0;
  bool truncated = false;
  int lines = 1;
  const ContainerMeta* container = nullptr;  // set by the container parser
  // With JSON decoded before multiline: the raw JSON line whose fields the event takes (a joined
  // message's last line, as libbeat's field merge lets later lines win), while `text` is what
  // multiline matched and joined (JsonMessageText). Empty otherwise.
  std::string_view json = {};
  // `text` is a JSON string literal, quotes included: Docker's escaped `log` kept as it is (the
  // container parser's keep_escaped), shipped as raw JSON.
  bool json_string = false;
};

class Multiline {
 public:
  using Clock = std::chrono::steady_clock;
  using Emit = std::function<void(const Message&)>;

  Multiline(const MultilineConfig& config, uint64_t max_bytes);
  ~Multiline();

  // Feeds one line (or one message of the container parser); calls `emit` for every completed
  // message (zero, one or two). A joined message keeps the first message's container fields.
  void feed(const Message& line, Clock::time_point now, const Emit& emit);
  void feed(const Line& line, Clock::time_point now, const Emit& emit) {
    feed(Message{line.text, line.offset, line.end_offset, line.truncated}, now, emit);
  }
  // A line consumed without a message (the container parser's stream filter) while a message is
  // pending: its end offset becomes the pending message's, so it is acknowledged in order.
  void absorb(uint64_t end_offset) { message_.end_offset = end_offset; }
  // Emits the pending message if it has waited longer than the timeout.
  void flushIfStale(Clock::time_point now, const Emit& emit);
  void flush(const Emit& emit);
  bool pending() const { return lines_ > 0; }

 private:
  bool matches(std::string_view text) const;
  void start(const Message& line, Clock::time_point now);
  void append(const Message& line, Clock::time_point now);

  MultilineConfig config_;
  uint64_t max_bytes_;
  std::unique_ptr<re2::RE2> re_;
  std::string buffer_;
  std::string json_;                               // the pending message's last Message::json
  std::unique_ptr<OwnedContainerMeta> container_;  // the first message's, when it had any
  Message message_;
  int lines_ = 0;
  Clock::time_point last_;
};

}  // namespace logship::tail
