#include "logship/tail/multiline.h"

#include <re2/re2.h>

#include "logship/common/error.h"
#include "logship/tail/container_parser.h"

namespace logship::tail {

Multiline::Multiline(const MultilineConfig& config, uint64_t max_bytes)
    : config_(config), max_bytes_(max_bytes), re_(std::make_unique<re2::RE2>(config.pattern, re2::RE2::Quiet)) {
  if (!re_->ok()) throw Error(ErrorCode::kConfigInvalid, "invalid multiline.pattern", re_->error());
}

Multiline::~Multiline() = default;

bool Multiline::matches(std::string_view text) const {
  const bool m = re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *re_);
  return m != config_.negate;
}

void Multiline::start(const Message& line, Clock::time_point now) {
  buffer_.assign(line.text);
  json_.assign(line.json);
  message_.container = nullptr;
  if (line.container) {
    if (!container_) container_ = std::make_unique<OwnedContainerMeta>();
    container_->assign(*line.container);
    message_.container = &container_->view();
  }
  message_.offset = line.offset;
  message_.end_offset = line.end_offset;
  message_.truncated = line.truncated;
  lines_ = 1;
  last_ = now;
}

void Multiline::append(const Message& line, Clock::time_point now) {
  message_.end_offset = line.end_offset;
  last_ = now;
  if (!line.json.empty()) json_.assign(line.json);
  if (lines_ >= config_.max_lines || buffer_.size() >= max_bytes_) {
    message_.truncated = true;  // consumed, not kept (Filebeat's max_lines / max_bytes)
    ++lines_;
    return;
  }
  buffer_.push_back('\n');
  buffer_.append(line.text);
  if (buffer_.size() > max_bytes_) {
    buffer_.resize(max_bytes_);
    message_.truncated = true;
  }
  message_.truncated = message_.truncated || line.truncated;
  ++lines_;
}

void Multiline::flush(const Emit& emit) {
  if (lines_ == 0) return;
  message_.text = buffer_;
  message_.json = json_;
  message_.lines = lines_;
  lines_ = 0;
  emit(message_);
}

void Multiline::flushIfStale(Clock::time_point now, const Emit& emit) {
  if (lines_ > 0 && now - last_ >= config_.timeout) flush(emit);
}

void Multiline::feed(const Message& line, Clock::time_point now, const Emit& emit) {
  const bool m = matches(line.text);
  if (config_.match_after) {
    // A "continuation" line (m) joins the pending message; any other line starts a new one.
    if (m && lines_ > 0) {
      append(line, now);
      return;
    }
    flush(emit);
    start(line, now);
    return;
  }
  // match: before — a matching line is continued by the next line.
  if (lines_ == 0) {
    start(line, now);
  } else {
    append(line, now);
  }
  if (!m) flush(emit);
}

}  // namespace logship::tail
