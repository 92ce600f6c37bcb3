#include "logship/tail/format_string.h"

#include <stdexcept>

#include "logship/tail/event.h"

namespace logship::tail {

FormatString::FormatString(std::string_view text) : source_(text) {
  size_t i = 0;
  std::string literal;
  while (i < text.size()) {
    if (text[i] == '%' && i + 1 < text.size() && text[i + 1] == '{') {
      const size_t close = text.find('}', i + 2);
      if (close == std::string_view::npos) throw std::invalid_argument("unterminated %{ in format string");
      if (!literal.empty()) {
        parts_.push_back(Part{false, literal, false, {}});
        literal.clear();
      }
      std::string_view inner = text.substr(i + 2, close - i - 2);
      Part part;
      part.is_field = true;
      // `[a.b]` or `[a][b]`, optionally followed by `:default`.
      std::string name;
      size_t j = 0;
      while (j < inner.size() && inner[j] == '[') {
        const size_t end = inner.find(']', j);
        if (end == std::string_view::npos) throw std::invalid_argument("unterminated [ in format string");
        if (!name.empty()) name.push_back('.');
        name.append(inner.substr(j + 1, end - j - 1));
        j = end + 1;
      }
      if (j == 0) {  // bare `%{field}`
        const size_t colon = inner.find(':');
        name = std::string(inner.substr(0, colon));
        j = colon == std::string_view::npos ? inner.size() : colon;
      }
      if (j < inner.size() && inner[j] == ':') {
        part.has_default = true;
        part.fallback = std::string(inner.substr(j + 1));
      }
      part.text = name;
      parts_.push_back(std::move(part));
      i = close + 1;
    } else {
      literal.push_back(text[i]);
      ++i;
    }
  }
  if (!literal.empty()) parts_.push_back(Part{false, literal, false, {}});
}

std::vector<std::string> FormatString::requiredFields() const {
  std::vector<std::string> out;
  for (const auto& part : parts_) {
    if (part.is_field && !part.has_default) out.push_back(part.text);
  }
  return out;
}

bool FormatString::evaluate(const Event& event, std::string& out) const {
  std::string scratch;
  for (const auto& part : parts_) {
    if (!part.is_field) {
      out += part.text;
      continue;
    }
    const Entry* e = event.find(part.text);
    if (e) {
      out += Event::text(*e, scratch);
    } else if (part.has_default) {
      out += part.fallback;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace logship::tail
