#pragma once
// What multiline matches and joins when lines are decoded before it (JsonConfig::before_multiline):
// the text Filebeat's JSON reader leaves as a line's content. That is the string at message_key
// (its trailing line ending removed when strip_message_newline), "" when message_key is unset or
// the key is missing or not a string, and the raw line when the line is not a JSON object.
#include <string>
#include <string_view>

#include <simdjson.h>

#include "logship/tail/line_reader.h"
#include "logship/tail/tail_config.h"

namespace logship::tail {

class JsonMessageText {
 public:
  explicit JsonMessageText(const JsonConfig& config) : key_(config.message_key), strip_(config.strip_message_newline) {}
  // The line's content; a view into `line` or into this object, valid until the next call.
  std::string_view of(std::string_view line);

 private:
  std::string key_;
  bool strip_;
  simdjson::dom::parser parser_;
  std::string unescaped_;
};

}  // namespace logship::tail
