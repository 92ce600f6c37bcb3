#pragma once
// Beats format strings (libbeat/common/fmtstr): `%{[fields.log_topic]}`, `%{[a][b]}` (= a.b),
// `logs-%{[level]}`, `%{[fields.x]:default}` (used when the field is missing or empty),
// `%{+yyyy.MM.dd}` (the event's @timestamp in UTC, a Joda pattern), `%{[@timestamp]}` and
// `%{[@metadata.beat]}`. Compiled once; evaluation appends to a caller-owned buffer.
#include <string>
#include <string_view>
#include <vector>

namespace logship::tail {

class Event;

class FormatString {
 public:
  FormatString() = default;
  // Throws std::invalid_argument on an unterminated `%{`.
  explicit FormatString(std::string_view text);

  bool empty() const { return parts_.empty(); }
  bool isConstant() const {
    return parts_.size() <= 1 && (parts_.empty() || (!parts_[0].is_field && !parts_[0].is_time));
  }
  const std::string& source() const { return source_; }
  // The fields referenced without a default: without any of them the string cannot be evaluated
  // (@timestamp and the @metadata every event has are not listed).
  std::vector<std::string> requiredFields() const;
  // Appends the value to `out`; returns false when a referenced field is missing and has no default.
  bool evaluate(const Event& event, std::string& out) const;

 private:
  struct Part {
    bool is_field = false;
    std::string text;  // literal, the dotted field name, or the Joda pattern of `%{+...}`
    bool is_time = false;
    bool has_default = false;
    std::string fallback;
  };
  std::string source_;
  std::vector<Part> parts_;
};

}  // namespace logship::tail
