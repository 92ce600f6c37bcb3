#pragma once
// Reads one open file from an offset: lines -> (container parser) -> (multiline) -> Pipeline. The file descriptor stays
// open across renames, so a rotated file is read to its end. Rotation and truncation are
// detected here (checkRotation); the Prospector decides what to do about them.
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "logship/tail/ack_tracker.h"
#include "logship/tail/container_parser.h"
#include "logship/tail/file_identity.h"
#include "logship/tail/json_message_text.h"
#include "logship/tail/line_reader.h"
#include "logship/tail/multiline.h"
#include "logship/tail/output.h"
#include "logship/tail/pipeline.h"

namespace logship::tail {

// What happens to each message a harvester reads: the pipeline decides, then the event is tracked
// for its acknowledgement and handed to the output or, filtered or dropped, its file's offset just
// advances. Inline: it runs per line.
struct Shipper {
  Pipeline& pipeline;
  AckTracker& acks;
  Output& output;

  void ship(const Message& m, const HarvesterContext& ctx, AckTracker::FileId file) const {
    const PipelineOutcome outcome = pipeline.process(m, ctx);
    if (outcome.kind != PipelineOutcome::Kind::kPublish) {
      acks.skip(file, m.end_offset);
      return;
    }
    output.publish(*outcome.event, outcome.payload, acks.track(file, m.end_offset));
  }
};

class Harvester {
 public:
  using Clock = std::chrono::steady_clock;
  enum class State { kReading, kEof, kError };
  enum class Change { kNone, kTruncated, kRenamed, kRemoved };

  // Takes ownership of `fd`. `now`: when it was opened (the start of its inactivity).
  Harvester(const Shipper& shipper, int fd, std::string path, const FileIdentity& identity, uint64_t offset,
            AckTracker::FileId ack_file, Clock::time_point now);
  ~Harvester();
  Harvester(const Harvester&) = delete;
  Harvester& operator=(const Harvester&) = delete;

  // Reads at most `max_lines` lines. Returns the number read; state() tells why it stopped.
  size_t read(size_t max_lines, Clock::time_point now);
  // Emits a pending multiline message whose timeout has passed (or any, with force).
  void flushMultiline(Clock::time_point now, bool force);
  bool multilinePending() const { return multiline_ && multiline_->pending(); }
  // Compares the open file with what is at its path now.
  Change checkRotation() const;
  // True when the open file is shorter than what was read or its first bytes changed: it was
  // truncated (copytruncate), possibly already written again.
  bool truncated() const;
  // copytruncate: start again from offset 0 with a new identity and ack slot.
  void restartFromZero(const FileIdentity& identity, AckTracker::FileId ack_file);
  // The fingerprint is taken again once the file has grown past a short first fingerprint.
  void setPath(const std::string& path) { ctx_.path = path; }

  State state() const { return state_; }
  const std::string& path() const { return ctx_.path; }
  const FileIdentity& identity() const { return identity_; }
  AckTracker::FileId ackFile() const { return ack_file_; }
  uint64_t readOffset() const { return reader_->offset(); }
  // errno of the failed read when state() is kError, else 0.
  int readErrno() const { return reader_->lastErrno(); }
  Clock::time_point lastActivity() const { return last_activity_; }
  Clock::time_point openedAt() const { return opened_at_; }  // close_timeout counts from here
  int fd() const { return fd_; }
  uint64_t linesRead() const { return lines_read_; }

 private:
  void ship(const Message& m) { shipper_.ship(m, ctx_, ack_file_); }
  // A message of the container parser (or a raw line) on its way to multiline or the pipeline.
  void toMultiline(const Message& m, Clock::time_point now);
  // A line consumed without an event: its offset is acknowledged after anything pending.
  void skipLine(uint64_t end_offset);
  void makeStages(uint64_t offset);

  Shipper shipper_;
  int fd_;
  FileIdentity identity_;
  HarvesterContext ctx_;
  AckTracker::FileId ack_file_;
  std::unique_ptr<LineReader> reader_;
  std::optional<ContainerParser> container_;
  std::optional<Multiline> multiline_;
  std::optional<JsonMessageText> json_text_;  // lines decoded before multiline: what it matches
  State state_ = State::kReading;
  Clock::time_point last_activity_;
  Clock::time_point opened_at_;
  uint64_t lines_read_ = 0;
};

}  // namespace logship::tail
