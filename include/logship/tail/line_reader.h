#pragma once
// Reads a file through one reusable buffer and splits it into lines without copying them.
// A line's view is valid until the next call to next(). Lines longer than max_bytes are cut at
// max_bytes and flagged truncated; the rest of such a line is skipped (never a second event).
// A last line without its newline is not returned until the newline arrives (as Filebeat).
#include <cstdint>
#include <string_view>
#include <vector>

namespace logship::tail {

// `text` without one trailing "\n" or "\r\n" (libbeat's StripNewline, auto line terminator: a "\r"
// goes only with the "\n" after it): Docker's `log` text and the log input's JSON message_key text.
inline std::string_view stripLineEnding(std::string_view text) {
  if (text.empty() || text.back() != '\n') return text;
  text.remove_suffix(1);
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  return text;
}

struct Line {
  std::string_view text;    // without "\n" / "\r\n"
  uint64_t offset = 0;      // of the first byte
  uint64_t end_offset = 0;  // after the newline: where reading resumes
  bool truncated = false;
};

class LineReader {
 public:
  enum class Status { kLine, kEof, kError };

  LineReader(int fd, uint64_t start_offset, uint64_t max_bytes);
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  Status next(Line& line);
  // Offset up to which lines have been returned (the next line starts here).
  uint64_t offset() const { return line_start_; }
  // errno of the read that failed (Status::kError), else 0.
  int lastErrno() const { return errno_; }
  // The read buffer's size: 16 KiB per idle file, more only while a backlog or a long line needs it.
  size_t bufferBytes() const { return buf_.size(); }

 private:
  bool fill();    // false: no more data now (EOF or error)
  void shrink();  // at EOF: back to the initial buffer when what is left fits

  int fd_;
  uint64_t max_bytes_;
  std::vector<char> buf_;
  size_t begin_ = 0;       // first unconsumed byte
  size_t end_ = 0;         // end of valid data
  size_t scanned_ = 0;     // bytes after begin_ known to contain no newline
  uint64_t line_start_;    // file offset of buf_[begin_]
  bool skipping_ = false;  // discarding the rest of a truncated line
  int errno_ = 0;
};

}  // namespace logship::tail
