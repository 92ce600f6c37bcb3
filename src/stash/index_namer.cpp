#include "logship/stash/index_namer.h"

#include <cstdlib>
#include <stdexcept>

namespace logship::stash {
const date::time_zone* resolveZone(const std::string& name) {
  std::string zone = name;
  if (zone.empty()) {
    if (const char* tz = std::getenv("TZ")) zone = tz;
    if (!zone.empty() && zone[0] == ':') zone.erase(0, 1);
  }
  try {
    if (!zone.empty()) return date::locate_zone(zone);
    return date::current_zone();
  } catch (const std::exception&) {
    if (!name.empty()) throw std::runtime_error("unknown time zone \"" + name + "\"");
    return date::locate_zone("UTC");
  }
}

// go-stash's getFormat: `{{...}}` and `{...}` are time patterns, `{.field}` a field.
IndexNamer::IndexNamer(std::string format, const std::string& zone, Clock clock)
    : zone_(resolveZone(zone)), clock_(std::move(clock)) {
  size_t i = 0;
  std::string literal;
  while (i < format.size()) {
    if (format[i] != '{') {
      literal.push_back(format[i++]);
      continue;
    }
    const bool dbl = i + 1 < format.size() && format[i + 1] == '{';
    const size_t start = i + (dbl ? 2 : 1);
    size_t end = format.find('}', start);
    if (end == std::string::npos) {
      literal.append(format.substr(i));
      break;
    }
    if (!literal.empty()) segments_.push_back({Segment::kLiteral, literal}), literal.clear();
    std::string inner = format.substr(start, end - start);
    if (!dbl && !inner.empty() && inner[0] == '.') {
      segments_.push_back({Segment::kField, inner.substr(1)});
      constant_ = false;
    } else if (!inner.empty()) {
      if (inner.find('S') != std::string::npos) has_millis_ = true;
      segments_.push_back({Segment::kTime, inner});
      has_time_ = true;
      constant_ = false;
    }
    i = end + 1 + (dbl && end + 1 < format.size() && format[end + 1] == '}' ? 1 : 0);
  }
  if (!literal.empty()) segments_.push_back({Segment::kLiteral, literal});
  time_parts_.resize(segments_.size());
  if (constant_) {
    for (const auto& s : segments_) out_ += s.text;
  }
}

std::string_view IndexNamer::name(Event& event) {
  if (constant_) return out_;
  std::chrono::system_clock::time_point tp;
  if (has_time_) {
    std::optional<std::chrono::system_clock::time_point> parsed;
    std::string_view ts;
    const int i = event.find("@timestamp");
    if (i >= 0 && event.stringValue(i, ts)) parsed = parseRfc3339(ts);
    tp = parsed ? *parsed : (clock_ ? clock_() : std::chrono::system_clock::now());
    const auto ms = std::chrono::time_point_cast<std::chrono::milliseconds>(tp);
    const int64_t sec = ms.time_since_epoch().count() / 1000;
    if (sec != cached_second_ || has_millis_) {
      cached_second_ = sec;
      const auto local = zone_->to_local(ms);
      for (size_t k = 0; k < segments_.size(); ++k) {
        if (segments_[k].kind != Segment::kTime) continue;
        time_parts_[k].clear();
        formatJoda(segments_[k].text, local, time_parts_[k]);
      }
    }
  }
  out_.clear();
  for (size_t k = 0; k < segments_.size(); ++k) {
    const Segment& s = segments_[k];
    if (s.kind == Segment::kLiteral) {
      out_ += s.text;
    } else if (s.kind == Segment::kTime) {
      out_ += time_parts_[k];
    } else {
      const int i = event.find(s.text);
      if (i < 0) continue;
      std::string_view str;
      if (event.stringValue(i, str))
        out_ += str;
      else
        out_ += event.rawValue(i);
    }
  }
  return out_;
}

}  // namespace logship::stash
