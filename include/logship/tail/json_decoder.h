#pragma once
// Decodes a JSON line (Filebeat's json.* for the log input, the ndjson parser for filestream)
// into event entries. Values stay raw JSON views into the decoder's buffer (valid until the next
// decode). `@timestamp` in the line replaces the read time when overwrite_keys is on.
#include <cstdint>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "logship/tail/tail_config.h"

namespace logship::tail {

class Event;

class JsonDecoder {
 public:
  explicit JsonDecoder(const JsonConfig& config);
  // Returns false when the line is not a JSON object (the event keeps `message` and, with
  // add_error_key, gets error.message / error.type).
  // `append_only`: the members are appended as they are, without Event::set's replacing (for a
  // scratch event that holds only this line's members, dotted keys colliding or not).
  bool decode(std::string_view line, Event& event, bool append_only = false);
  // The text for multiline/filters when message_key is set (empty otherwise or when missing).
  std::string_view messageText() const { return message_text_; }
  // Why the last decode() failed ("invalid JSON", "not a JSON object", ...).
  std::string_view error() const { return error_; }
  // Whether `v` points into the buffer of the last decode (its values do): such views are
  // invalidated by the next decode.
  bool holds(std::string_view v) const {
    const auto p = reinterpret_cast<uintptr_t>(v.data()), b = reinterpret_cast<uintptr_t>(buffer_.data());
    return p >= b && p < b + buffer_.size();
  }

 private:
  JsonConfig config_;
  simdjson::ondemand::parser parser_;
  // On-demand parsing skips what it does not visit (nested values, number syntax) and raw slices
  // are copied into the event as they are: the DOM parser validates the whole line first, so an
  // invalid line can never leak into the encoded event as broken JSON.
  simdjson::dom::parser validator_;
  std::string buffer_;  // the line with simdjson's padding
  std::string scratch_;
  std::string_view message_text_;
  std::string_view error_;  // a string literal
};

// Parses an RFC 3339 time (`2022-09-08T21:51:10.346+08:00`) and writes it as Filebeat does:
// UTC with milliseconds (`2022-09-08T13:51:10.346Z`). Returns false when it is not a time.
bool normalizeTimestamp(std::string_view in, std::string& out, int64_t* ms = nullptr);
// Formats unix milliseconds as `2022-09-08T13:51:10.346Z`.
void formatTimestamp(int64_t unix_ms, std::string& out);

}  // namespace logship::tail
