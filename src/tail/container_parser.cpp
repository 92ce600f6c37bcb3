#include "logship/tail/container_parser.h"

#include <cstring>

#include "logship/common/json.h"

namespace logship::tail {

void OwnedContainerMeta::assign(const ContainerMeta& m) {
  stream_.assign(m.stream);
  attrs_.assign(m.attrs);
  const size_t ts = std::min(m.timestamp.size(), sizeof(timestamp_));
  if (ts > 0) std::memcpy(timestamp_, m.timestamp.data(), ts);  // an error line has none
  view_.stream = stream_;
  view_.attrs = attrs_;
  view_.timestamp = std::string_view(timestamp_, ts);
  view_.timestamp_ms = m.timestamp_ms;
  view_.error = m.error;
}

ContainerParser::ContainerParser(const ContainerConfig& config, uint64_t max_bytes, bool keep_escaped)
    : config_(config), max_bytes_(max_bytes), decoder_(config.format, config.cri_flags, keep_escaped) {}

uint64_t ContainerParser::rawLineLimit(uint64_t max_bytes) {
  // JSON escaping at most sextuples a byte (\u0000); ordinary text grows far less. Filebeat reads
  // raw lines up to 4 x max_bytes for the same reason.
  constexpr uint64_t kEnvelope = 64 * 1024;
  return max_bytes > (UINT64_MAX - kEnvelope) / 4 ? UINT64_MAX : max_bytes * 4 + kEnvelope;
}

bool ContainerParser::wanted(std::string_view stream) const {
  switch (config_.stream) {
    case ContainerConfig::Stream::kAll:
      return true;
    case ContainerConfig::Stream::kStdout:
      return stream == "stdout";
    case ContainerConfig::Stream::kStderr:
      return stream == "stderr";
  }
  return true;
}

namespace {

// stripLineEnding (line_reader.h) on escaped text: a trailing `\n` escape, then a `\r` before it.
std::string_view stripEscapedNewline(std::string_view s) {
  if (json::endsWithEscape(s, 'n')) {
    s.remove_suffix(2);
    if (json::endsWithEscape(s, 'r')) s.remove_suffix(2);
  }
  return s;
}

}  // namespace

void ContainerParser::finish(const Message& m, const ContainerMeta& meta, const Emit& emit, const Skip& skip) const {
  if (!wanted(meta.stream)) {
    skip(m.end_offset);
    return;
  }
  Message out = m;
  out.container = &meta;
  emit(out);
}

void ContainerParser::emitPending(const Emit& emit, const Skip& skip) {
  pending_ = false;
  joined_.text = buffer_;
  finish(joined_, joined_meta_.view(), emit, skip);
}

void ContainerParser::feed(const Line& line, const Emit& emit, const Skip& skip) {
  if (!decoder_.decode(line.text, line_)) {
    // Never dropped: what was joined so far goes out, then this line as it is, flagged.
    if (pending_) emitPending(emit, skip);
    ContainerMeta meta;
    meta.error = line_.error;
    Message raw;
    raw.text = line.text.substr(0, std::min<uint64_t>(line.text.size(), max_bytes_));
    raw.offset = line.offset;
    raw.end_offset = line.end_offset;
    raw.truncated = line.truncated || raw.text.size() < line.text.size();
    raw.container = &meta;
    emit(raw);
    return;
  }
  const bool joins = config_.combine_partial && line_.partial;
  if (!line_.escaped.empty()) {
    const std::string_view body = stripEscapedNewline(line_.escaped);
    // Decoded text is never longer than escaped text: under max_bytes escaped, nothing is cut.
    if (!pending_ && !joins && body.size() <= max_bytes_) {
      quoted_.assign(1, '"');
      quoted_.append(body);
      quoted_.push_back('"');
      Message m;
      m.text = quoted_;
      m.json_string = true;
      m.truncated = line.truncated;
      m.offset = line.offset;
      m.end_offset = line.end_offset;
      finish(m, ContainerMeta{line_.stream, line_.attrs, std::string_view(line_.timestamp, 24), line_.timestamp_ms, {}},
             emit, skip);
      return;
    }
    decoder_.unescape(line_);
  }
  std::string_view content = line_.content;
  // LineReader took "\r\n" off the raw line; a CRI `P` part keeps its "\r" (Filebeat strips only "\n").
  if (line_.partial && !line.truncated && line.end_offset - line.offset == line.text.size() + 2 &&
      content.data() + content.size() == line.text.data() + line.text.size())
    content = std::string_view(content.data(), content.size() + 1);
  ContainerMeta meta{line_.stream, line_.attrs, std::string_view(line_.timestamp, 24), line_.timestamp_ms, {}};
  if (!pending_ && !joins) {  // one line, one event: no copy
    Message m;
    const std::string_view text = stripLineEnding(content);
    m.text = text.substr(0, std::min<uint64_t>(text.size(), max_bytes_));
    m.truncated = line.truncated || m.text.size() < text.size();
    m.offset = line.offset;
    m.end_offset = line.end_offset;
    finish(m, meta, emit, skip);
    return;
  }
  if (!pending_) {
    pending_ = true;
    buffer_.clear();
    joined_meta_.assign(meta);  // the first part's stream, attrs and time, as Filebeat keeps them
    joined_ = Message{};
    joined_.offset = line.offset;
  }
  joined_.end_offset = line.end_offset;
  joined_.truncated = joined_.truncated || line.truncated;
  const uint64_t room = max_bytes_ - std::min<uint64_t>(max_bytes_, buffer_.size());
  const bool fits = content.size() <= room;
  buffer_.append(content.substr(0, fits ? content.size() : room));
  if (!fits) joined_.truncated = true;
  if (joins) return;
  if (fits) buffer_.resize(stripLineEnding(buffer_).size());  // a cut message has lost its end anyway
  emitPending(emit, skip);
}

}  // namespace logship::tail
