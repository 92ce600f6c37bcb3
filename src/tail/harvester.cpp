#include "logship/tail/harvester.h"

#include <sys/stat.h>
#include <unistd.h>

namespace logship::tail {

Harvester::Harvester(const Shipper& shipper, int fd, std::string path, const FileIdentity& identity, uint64_t offset,
                     AckTracker::FileId ack_file, Clock::time_point now)
    : shipper_(shipper), fd_(fd), identity_(identity), ack_file_(ack_file), last_activity_(now), opened_at_(now) {
  ctx_.path = std::move(path);
  ctx_.file_hash = identity.hash();
  makeStages(offset);
}

void Harvester::makeStages(uint64_t offset) {
  const auto& in = shipper_.pipeline.input();
  // max_bytes bounds the message: the container envelope around it may be longer.
  const uint64_t raw_limit = in.container.enabled ? ContainerParser::rawLineLimit(in.max_bytes) : in.max_bytes;
  reader_ = std::make_unique<LineReader>(fd_, offset, raw_limit);
  container_.reset();
  // Only the encoder reads a message no multiline, line filter or JSON decoding looks at: Docker's
  // escaped `log` can go out as it is (processors read raw strings like decoded JSON values).
  const bool keep_escaped =
      !in.multiline.enabled && !in.json.enabled && in.include_lines.empty() && in.exclude_lines.empty();
  if (in.container.enabled) container_.emplace(in.container, in.max_bytes, keep_escaped);
  multiline_.reset();
  json_text_.reset();
  if (in.multiline.enabled) multiline_.emplace(in.multiline, in.max_bytes);
  if (multiline_ && in.json.enabled && in.json.before_multiline) json_text_.emplace(in.json);
}

void Harvester::toMultiline(const Message& m, Clock::time_point now) {
  if (json_text_) {
    // Filebeat decodes each line first: multiline joins the lines' message_key texts, the event
    // takes its other fields from the JSON line.
    Message decoded = m;
    decoded.json = m.text;
    decoded.text = json_text_->of(m.text);
    multiline_->feed(decoded, now, [this](const Message& joined) { ship(joined); });
  } else if (multiline_) {
    multiline_->feed(m, now, [this](const Message& joined) { ship(joined); });
  } else {
    ship(m);
  }
}

void Harvester::skipLine(uint64_t end_offset) {
  if (multiline_ && multiline_->pending()) {
    multiline_->absorb(end_offset);
  } else {
    shipper_.acks.skip(ack_file_, end_offset);
  }
}

Harvester::~Harvester() {
  if (fd_ >= 0) ::close(fd_);
}

size_t Harvester::read(size_t max_lines, Clock::time_point now) {
  size_t n = 0;
  Line line;
  shipper_.pipeline.refreshReadTime();
  const ContainerParser::Emit to_multiline = [this, now](const Message& m) { toMultiline(m, now); };
  const ContainerParser::Skip skip = [this](uint64_t end_offset) { skipLine(end_offset); };
  // The output's byte bound is checked per line: one slice of large lines could overshoot it.
  while (n < max_lines && !shipper_.output.full()) {
    const auto status = reader_->next(line);
    if (status == LineReader::Status::kLine) {
      ++n;
      if (container_) {
        container_->feed(line, to_multiline, skip);
      } else {
        toMultiline(Message{line.text, line.offset, line.end_offset, line.truncated}, now);
      }
      continue;
    }
    state_ = status == LineReader::Status::kEof ? State::kEof : State::kError;
    lines_read_ += n;
    if (n > 0) last_activity_ = now;
    return n;
  }
  state_ = State::kReading;
  lines_read_ += n;
  last_activity_ = now;
  return n;
}

void Harvester::flushMultiline(Clock::time_point now, bool force) {
  if (!multiline_) return;
  shipper_.pipeline.refreshReadTime();
  auto emit = [this](const Message& m) { ship(m); };
  if (force) {
    multiline_->flush(emit);
  } else {
    multiline_->flushIfStale(now, emit);
  }
}

bool Harvester::truncated() const {
  struct stat open_st {};
  if (::fstat(fd_, &open_st) == 0 && static_cast<uint64_t>(open_st.st_size) < reader_->offset()) return true;
  return !fingerprintMatches(fd_, identity_);  // truncated and written again
}

Harvester::Change Harvester::checkRotation() const {
  if (truncated()) return Change::kTruncated;
  struct stat path_st {};
  if (::stat(ctx_.path.c_str(), &path_st) != 0) return Change::kRemoved;
  if (static_cast<uint64_t>(path_st.st_ino) != identity_.inode ||
      static_cast<uint64_t>(path_st.st_dev) != identity_.dev)
    return Change::kRenamed;
  return Change::kNone;
}

void Harvester::restartFromZero(const FileIdentity& identity, AckTracker::FileId ack_file) {
  identity_ = identity;
  ctx_.file_hash = identity.hash();
  ack_file_ = ack_file;
  makeStages(0);
  state_ = State::kReading;
}

}  // namespace logship::tail
