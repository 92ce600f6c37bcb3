// HttpResponseParser and LineSplitter: see http_stream.h.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>

#include "logship/common/error.h"
#include "logship/tail/http_stream.h"

namespace logship::tail {
namespace {

constexpr size_t kMaxHead = 64 * 1024;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

[[noreturn]] void malformed(const std::string& what) {
  throw Error(ErrorCode::kDecode, "malformed HTTP response", what);
}

}  // namespace

void HttpResponseParser::parseHead(std::string_view head) {
  const size_t eol = head.find("\r\n");
  const std::string_view status_line = head.substr(0, eol);
  if (status_line.substr(0, 5) != "HTTP/" || status_line.size() < 12) malformed("status line");
  const auto code = status_line.substr(9, 3);
  if (std::from_chars(code.data(), code.data() + 3, status_).ec != std::errc()) malformed("status code");
  bool chunked = false;
  bool has_length = false;
  size_t at = eol == std::string_view::npos ? head.size() : eol + 2;
  while (at < head.size()) {
    size_t end = head.find("\r\n", at);
    if (end == std::string_view::npos) end = head.size();
    const std::string_view line = head.substr(at, end - at);
    at = end + 2;
    const size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    const std::string_view name = line.substr(0, colon);
    const std::string_view value = trim(line.substr(colon + 1));
    if (iequals(name, "Transfer-Encoding")) {
      std::string lower(value);
      for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      chunked = lower.find("chunked") != std::string::npos;
    }
    if (iequals(name, "Content-Length")) {
      has_length = std::from_chars(value.data(), value.data() + value.size(), remaining_).ec == std::errc();
      if (!has_length) malformed("Content-Length");
    }
  }
  const bool no_body = status_ == 204 || status_ == 304 || (status_ >= 100 && status_ < 200);
  if (chunked) {
    state_ = State::kChunkSize;
  } else if (has_length || no_body) {
    if (no_body) remaining_ = 0;
    state_ = remaining_ == 0 ? State::kDone : State::kLengthBody;
  } else {
    state_ = State::kEofBody;
  }
}

bool HttpResponseParser::deliver(std::string_view data) {
  if (!data.empty() && !sink_(data)) stopped_ = true;
  return !stopped_;
}

bool HttpResponseParser::feed(std::string_view data) {
  while (!data.empty() && state_ != State::kDone && !stopped_) {
    if (state_ == State::kHead) {
      const size_t old = pending_.size();
      pending_.append(data);
      const size_t end = pending_.find("\r\n\r\n", old >= 3 ? old - 3 : 0);
      if (end == std::string::npos) {
        if (pending_.size() > kMaxHead) malformed("head over 64 KiB");
        return true;
      }
      const size_t used = end + 4 - old;
      parseHead(std::string_view(pending_).substr(0, end + 2));
      pending_.clear();
      data.remove_prefix(used);
    } else if (state_ == State::kLengthBody) {
      const size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, data.size()));
      remaining_ -= n;
      if (remaining_ == 0) state_ = State::kDone;
      deliver(data.substr(0, n));
      data.remove_prefix(n);
    } else if (state_ == State::kEofBody) {
      deliver(data);
      data = {};
    } else {
      data.remove_prefix(feedChunked(data));
    }
  }
  return state_ != State::kDone && !stopped_;
}

// One step of the chunked body; returns the bytes used.
size_t HttpResponseParser::feedChunked(std::string_view data) {
  if (state_ == State::kChunkData) {
    const size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, data.size()));
    remaining_ -= n;
    if (remaining_ == 0) state_ = State::kChunkEnd;
    deliver(data.substr(0, n));
    return n;
  }
  // A line: the chunk size, the CRLF after a chunk's data, or a trailer.
  const size_t eol = data.find('\n');
  if (eol == std::string_view::npos) {
    pending_.append(data);
    if (pending_.size() > kMaxHead) malformed("chunk line over 64 KiB");
    return data.size();
  }
  pending_.append(data.substr(0, eol + 1));
  const std::string_view line = trim(std::string_view(pending_).substr(0, pending_.size() - 1));
  if (state_ == State::kChunkEnd) {
    if (!line.empty()) malformed("no CRLF after chunk data");
    state_ = State::kChunkSize;
  } else if (state_ == State::kChunkSize) {
    const std::string_view hex = line.substr(0, line.find(';'));
    if (hex.empty() || std::from_chars(hex.data(), hex.data() + hex.size(), remaining_, 16).ec != std::errc()) {
      malformed("chunk size");
    }
    state_ = remaining_ == 0 ? State::kTrailers : State::kChunkData;
  } else if (line.empty()) {  // kTrailers: an empty line ends them
    state_ = State::kDone;
  }
  pending_.clear();
  return eol + 1;
}

bool HttpResponseParser::finishAtEof() const { return state_ == State::kEofBody || state_ == State::kDone; }

bool LineSplitter::feed(std::string_view data) {
  while (!data.empty()) {
    const size_t eol = data.find('\n');
    if (eol == std::string_view::npos) {
      partial_.append(data);
      return true;
    }
    bool go_on;
    if (partial_.empty()) {
      go_on = sink_(data.substr(0, eol));
    } else {
      partial_.append(data.substr(0, eol));
      go_on = sink_(partial_);
      partial_.clear();
    }
    if (!go_on) return false;
    data.remove_prefix(eol + 1);
  }
  return true;
}

}  // namespace logship::tail
