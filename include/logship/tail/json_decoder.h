#pragma once
// Decodes a JSON line (Filebeat's json.* for the log input, the ndjson parser for filestream)
// into event entries. Values stay raw JSON views into a copy of the line in the event's arena
// (or the arena given as `storage`): they live as long as that event does, whatever is decoded
// next. `@timestamp` in the line replaces the read time when overwrite_keys is on.
#include <cstdint>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "logship/tail/tail_config.h"

namespace logship::tail {

class Arena;
class Event;

class JsonDecoder {
 public:
  explicit JsonDecoder(const JsonConfig& config);
  // Returns false when the line is not a JSON object (the event keeps `message` and, with
  // add_error_key, gets error.message / error.type).
  // `append_only`: the members are appended as they are, without Event::set's replacing (for a
  // scratch event that holds only this line's members, dotted keys colliding or not).
  // `storage`: where the line's copy lives, when not in `event`'s arena (a scratch event whose
  // members are put into another event: that event's arena).
  bool decode(std::string_view line, Event& event, bool append_only = false, Arena* storage = nullptr);
  // The text for multiline/filters when message_key is set (empty otherwise or when missing).
  std::string_view messageText() const { return message_text_; }
  // Why the last decode() failed ("invalid JSON", "not a JSON object", ...).
  std::string_view error() const { return error_; }
  // Whether `v` points into the line copy of the last decode (its values and most keys do).
  bool holds(std::string_view v) const {
    const auto p = reinterpret_cast<uintptr_t>(v.data()), b = reinterpret_cast<uintptr_t>(line_.data());
    return p >= b && p + v.size() <= b + line_.size();
  }

 private:
  JsonConfig config_;
  simdjson::ondemand::parser parser_;
  struct Member {
    std::string_view raw;        // the value's JSON text
    std::string_view unescaped;  // a string's contents (the raw text's inside when it has no escape)
    simdjson::ondemand::json_type type{};
  };
  // The member's key (unescaped when it has escapes), where its opening quote is and where its
  // closing quote ends.
  bool memberKey(simdjson::ondemand::field& field, Event& event, std::string_view& key, const char*& before,
                 const char*& after);
  // Reads and validates one member value: on-demand parsing skips what it does not visit (nested
  // values, number syntax) and raw slices are copied into the event as they are, so an invalid
  // line could otherwise leak into the encoded event as broken JSON.
  bool memberValue(simdjson::ondemand::value& value, Member& m);
  // Writes one decoded member: @timestamp, target, message_key, overwrite_keys.
  void putMember(std::string_view key, const Member& m, Event& event, bool append_only);

  simdjson::dom::parser validator_;  // nested objects and arrays
  std::string_view line_;            // the last line's copy in the arena, followed by simdjson's padding
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
