#include "logship/tail/json_message_text.h"

namespace logship::tail {

std::string_view JsonMessageText::of(std::string_view line) {
  // The DOM parse validates the whole line: one that is not a JSON object is shipped as text, as
  // the decoder ships it.
  simdjson::dom::object object;
  if (parser_.parse(line.data(), line.size()).get_object().get(object) != simdjson::SUCCESS) return line;
  if (key_.empty()) return {};
  std::string_view text;
  if (object[key_].get_string().get(text) != simdjson::SUCCESS) return {};  // missing or not a string
  unescaped_.assign(text);
  return strip_ ? stripLineEnding(unescaped_) : std::string_view(unescaped_);
}

}  // namespace logship::tail
