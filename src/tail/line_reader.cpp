#include "logship/tail/line_reader.h"

#include <cerrno>
#include <cstring>

#include <unistd.h>

namespace logship::tail {

namespace {
// Per open file: Filebeat's harvester_buffer_size. An idle file (most of them on a node) keeps
// only this; a file with a backlog grows its buffer to kBacklogBuffer for fewer, larger reads; a
// long line grows it as far as the line needs; at EOF it shrinks back, so neither a drained backlog
// nor one 5 MB line keeps a large buffer per file for the rest of the file's life.
constexpr size_t kInitialBuffer = 16 * 1024;
constexpr size_t kBacklogBuffer = 256 * 1024;
}  // namespace

LineReader::LineReader(int fd, uint64_t start_offset, uint64_t max_bytes)
    : fd_(fd), max_bytes_(max_bytes), buf_(kInitialBuffer), line_start_(start_offset) {}

bool LineReader::fill() {
  if (begin_ > 0 && (end_ == begin_ || end_ == buf_.size())) {
    std::memmove(buf_.data(), buf_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  if (end_ == buf_.size()) buf_.resize(buf_.size() * 2);
  while (true) {
    const size_t room = buf_.size() - end_;
    const ssize_t n = ::pread(fd_, buf_.data() + end_, room, static_cast<off_t>(line_start_ + (end_ - begin_)));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      errno_ = errno;
      return false;
    }
    if (n == 0) {
      shrink();
      return false;
    }
    end_ += static_cast<size_t>(n);
    // The read filled the buffer: there is a backlog, read it in larger pieces.
    if (static_cast<size_t>(n) == room && buf_.size() < kBacklogBuffer) buf_.resize(buf_.size() * 2);
    return true;
  }
}

void LineReader::shrink() {
  if (buf_.size() <= kInitialBuffer || end_ - begin_ > kInitialBuffer / 2) return;
  std::vector<char> smaller(kInitialBuffer);
  std::memcpy(smaller.data(), buf_.data() + begin_, end_ - begin_);
  end_ -= begin_;
  begin_ = 0;
  buf_.swap(smaller);
}

LineReader::Status LineReader::next(Line& line) {
  while (true) {
    const char* base = buf_.data();
    const size_t search_from = begin_ + scanned_;
    const void* nl = search_from < end_ ? std::memchr(base + search_from, '\n', end_ - search_from) : nullptr;
    if (nl) {
      const size_t pos = static_cast<const char*>(nl) - base;
      const size_t len = pos - begin_;
      const uint64_t start = line_start_;
      line_start_ += len + 1;
      const size_t b = begin_;
      begin_ = pos + 1;
      scanned_ = 0;
      if (skipping_) {  // the tail of a truncated line: consumed, not returned
        skipping_ = false;
        continue;
      }
      size_t text_len = len;
      if (text_len > 0 && base[b + text_len - 1] == '\r') --text_len;
      line.truncated = false;
      if (text_len > max_bytes_) {
        text_len = max_bytes_;
        line.truncated = true;
      }
      line.text = std::string_view(base + b, text_len);
      line.offset = start;
      line.end_offset = line_start_;
      return Status::kLine;
    }
    scanned_ = end_ - begin_;
    if (scanned_ > max_bytes_) {
      const uint64_t start = line_start_;
      if (skipping_) {  // drop what we have of the long line's tail
        line_start_ += scanned_;
        begin_ = end_;
        scanned_ = 0;
      } else {
        // Emit the first max_bytes now, skip the rest up to the newline.
        line.text = std::string_view(base + begin_, max_bytes_);
        line.offset = start;
        line.truncated = true;
        line_start_ += scanned_;
        begin_ = end_;
        scanned_ = 0;
        skipping_ = true;
        line.end_offset = line_start_;
        // The view stays valid: fill() only runs on the next call.
        return Status::kLine;
      }
    }
    if (!fill()) return errno_ ? Status::kError : Status::kEof;
  }
}

}  // namespace logship::tail
