#include "logship/tail/format_string.h"

#include <stdexcept>

#include "logship/common/joda.h"
#include "logship/common/timestamp.h"
#include "logship/tail/event.h"
#include "logship/tail/event_encoder.h"

namespace logship::tail {
namespace {

// `[a.b]` or `[a][b]` (joined with dots, as fmtstr's parseEventPath), or a bare `a.b`; `j` ends
// after the name.
std::string fieldName(std::string_view inner, size_t& j) {
  std::string name;
  j = 0;
  while (j < inner.size() && inner[j] == '[') {
    const size_t end = inner.find(']', j);
    if (end == std::string_view::npos) throw std::invalid_argument("unterminated [ in format string");
    if (end == j + 1) throw std::invalid_argument("empty fields selector '[]' in format string");
    if (!name.empty()) name.push_back('.');
    name.append(inner.substr(j + 1, end - j - 1));
    j = end + 1;
  }
  if (j == 0) {  // bare `%{field}`
    const size_t colon = inner.find(':');
    name = std::string(inner.substr(0, colon));
    j = colon == std::string_view::npos ? inner.size() : colon;
  }
  return name;
}

// What the encoder writes under @metadata for every event (event_encoder.cpp).
bool builtinMetadata(std::string_view field, std::string_view& out) {
  if (field == "@metadata.beat")
    out = "filebeat";
  else if (field == "@metadata.type")
    out = "_doc";
  else if (field == "@metadata.version")
    out = kBeatVersion;
  else
    return false;
  return true;
}

}  // namespace

FormatString::FormatString(std::string_view text) : source_(text) {
  size_t i = 0;
  std::string literal;
  while (i < text.size()) {
    if (text[i] == '%' && i + 1 < text.size() && text[i + 1] == '{') {
      const size_t close = text.find('}', i + 2);
      if (close == std::string_view::npos) throw std::invalid_argument("unterminated %{ in format string");
      if (!literal.empty()) {
        parts_.push_back(Part{false, literal, false, false, {}});
        literal.clear();
      }
      const std::string_view inner = text.substr(i + 2, close - i - 2);
      Part part;
      if (!inner.empty() && inner[0] == '+') {
        part.is_time = true;
        part.text = std::string(inner.substr(1));
      } else {
        part.is_field = true;
        size_t j = 0;
        part.text = fieldName(inner, j);
        if (j < inner.size() && inner[j] == ':') {
          part.has_default = true;
          part.fallback = std::string(inner.substr(j + 1));
        }
      }
      parts_.push_back(std::move(part));
      i = close + 1;
    } else {
      literal.push_back(text[i]);
      ++i;
    }
  }
  if (!literal.empty()) parts_.push_back(Part{false, literal, false, false, {}});
}

std::vector<std::string> FormatString::requiredFields() const {
  std::vector<std::string> out;
  std::string_view unused;
  for (const auto& part : parts_) {
    if (part.is_field && !part.has_default && part.text != "@timestamp" && !builtinMetadata(part.text, unused))
      out.push_back(part.text);
  }
  return out;
}

namespace {

// fmtstr's fieldString: the value as text; false when missing or not a string, number or bool
// (objects and arrays do not convert).
bool fieldText(const Event& event, const std::string& field, std::string& scratch, std::string_view& out) {
  if (field == "@timestamp") {
    out = event.timestamp_;  // common.Time's String(): "2006-01-02T15:04:05.000Z"
    return true;
  }
  Entry e;
  if (event.lookup(field, e)) {
    if (e.kind == Entry::Kind::kRaw && !e.value.empty() && (e.value.front() == '{' || e.value.front() == '['))
      return false;
    out = Event::text(e, scratch);
    return true;
  }
  return keyUnder(field, "@metadata") && builtinMetadata(field, out);
}

void appendTime(const Event& event, std::string_view pattern, std::string& out) {
  using namespace std::chrono;
  int64_t ms = event.timestamp_ms;
  if (ms == 0) {
    if (const auto tp = parseRfc3339(event.timestamp_))
      ms = duration_cast<milliseconds>(tp->time_since_epoch()).count();
  }
  formatJoda(pattern, date::local_time<milliseconds>{milliseconds(ms)}, out);  // UTC wall time
}

}  // namespace

bool FormatString::evaluate(const Event& event, std::string& out) const {
  std::string scratch;
  for (const auto& part : parts_) {
    if (part.is_time) {
      appendTime(event, part.text, out);
      continue;
    }
    if (!part.is_field) {
      out += part.text;
      continue;
    }
    std::string_view text;
    const bool found = fieldText(event, part.text, scratch, text);
    if (!found && !part.has_default) return false;
    // fmtstr: the default stands in for a missing value and for an empty one.
    out += found && !text.empty() ? text : std::string_view(part.fallback);
  }
  return true;
}

}  // namespace logship::tail
