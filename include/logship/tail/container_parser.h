#pragma once
// The container parser: between the LineReader and Multiline in the harvester. Each raw line is
// decoded (container_line.h); partial lines (Docker's 16 KiB splits, CRI `P` parts) are joined up
// to the line that completes them; lines of the other stream are consumed without an event. An
// event's offset is its first raw line's, its end offset the end of its last raw line, so the
// registry never points into the middle of a joined sequence. A line that is not a container
// line is shipped as it is, with ContainerMeta::error set.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "logship/tail/container_line.h"
#include "logship/tail/multiline.h"
#include "logship/tail/tail_config.h"

namespace logship::tail {

// What the container envelope said about a message (Message::container).
struct ContainerMeta {
  std::string_view stream;
  std::string_view attrs;      // raw JSON object, empty: none
  std::string_view timestamp;  // 24 characters, UTC with milliseconds; empty on error
  int64_t timestamp_ms = 0;
  std::string_view error;  // non-empty: the line was not a container line (a string literal)
};

// A ContainerMeta whose strings it owns (kept across lines by the joiner and by Multiline);
// assign() reuses the buffers.
class OwnedContainerMeta {
 public:
  void assign(const ContainerMeta& m);
  const ContainerMeta& view() const { return view_; }

 private:
  std::string stream_;
  std::string attrs_;
  char timestamp_[24] = {};
  ContainerMeta view_;
};

class ContainerParser {
 public:
  using Emit = std::function<void(const Message&)>;
  using Skip = std::function<void(uint64_t end_offset)>;

  // keep_escaped: no later stage reads the message as text (no multiline, line filters or JSON
  // decoding), so a Docker line's `log` is shipped as the JSON string it is (Message::json_string)
  // unless it must be decoded anyway (a partial line, longer than max_bytes, escapes that cannot
  // be copied). Escaping it back costs as much as decoding it: that is two passes saved per line.
  ContainerParser(const ContainerConfig& config, uint64_t max_bytes, bool keep_escaped = false);
  // Feeds one raw line: emits zero, one or two messages (a pending join cut short by a broken line,
  // then that line), or calls `skip` for a line of the other stream.
  void feed(const Line& line, const Emit& emit, const Skip& skip);
  bool pending() const { return pending_; }
  // The raw line length LineReader must allow so that an envelope around max_bytes of text is not cut.
  static uint64_t rawLineLimit(uint64_t max_bytes);

 private:
  void finish(const Message& m, const ContainerMeta& meta, const Emit& emit, const Skip& skip) const;
  void emitPending(const Emit& emit, const Skip& skip);
  bool wanted(std::string_view stream) const;

  ContainerConfig config_;
  uint64_t max_bytes_;
  ContainerLineDecoder decoder_;
  ContainerLine line_;
  // The join in progress.
  bool pending_ = false;
  std::string buffer_;
  std::string quoted_;  // a kept-escaped `log` between quotes
  OwnedContainerMeta joined_meta_;
  Message joined_;
};

}  // namespace logship::tail
