#include "logship/stash/filters.h"

#include <cstdio>
#include <ctime>

#include "logship/common/json_scan.h"

namespace logship::stash {

DropFilter::DropFilter(std::vector<Condition> conditions) : conditions_(std::move(conditions)) {
  for (const auto& c : conditions_) {
    regexes_.push_back(c.type == "regex" ? std::make_unique<RE2>(c.value, RE2::Quiet) : nullptr);
  }
}

// go-stash's loop, quirks included: an `and` condition that fails keeps the event at once (even
// after an `or` that qualified); any qualifying condition otherwise drops it.
bool DropFilter::apply(Event& event) {
  bool qualify = false;
  for (size_t i = 0; i < conditions_.size(); ++i) {
    const Condition& c = conditions_[i];
    bool once = false;
    std::string_view value;
    // match: `cond.Value == m[cond.Key]` is true only for a string field with that exact value.
    if (event.lookupString(c.key, value)) {
      if (c.type == "match")
        once = value == c.value;
      else if (c.type == "contains")
        once = value.find(c.value) != std::string_view::npos;
      else if (regexes_[i])
        once = RE2::PartialMatch(re2::StringPiece(value.data(), value.size()), *regexes_[i]);
    }
    if (c.op == "and") {
      if (!once) return true;
      qualify = true;
    } else if (once) {
      qualify = true;
    }
  }
  return !qualify;
}

bool RemoveFieldFilter::apply(Event& event) {
  for (const auto& f : fields_) event.removeKey(f);
  return true;
}

bool TransferFilter::apply(Event& event) {
  const int i = event.find(field_);
  if (i < 0) return true;
  std::string_view s;
  if (!event.stringValue(i, s)) return true;
  text_.assign(s);
  const size_t len = text_.size();
  text_.resize(len + simdjson::SIMDJSON_PADDING, '\0');
  simdjson::dom::element root;
  if (parser_.parse(text_.data(), len, false).get(root) != simdjson::SUCCESS ||
      root.type() != simdjson::dom::element_type::OBJECT) {
    text_.resize(len);
    return true;
  }
  text_.resize(len);
  event.remove(i);
  if (!target_.empty()) {
    event.setRaw(target_, text_);
    return true;
  }
  scan::forEachMember(text_, [&](std::string_view key_raw, std::string_view value) {
    const std::string_view key = scan::unescape(key_raw, keys_);
    event.setRaw(key, value);
    return true;
  });
  return true;
}

namespace {
bool isObjectIdHex(std::string_view s) {
  if (s.size() != 24) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) return false;
  }
  return true;
}
}  // namespace

void UriFilter::rewrite(std::string_view url, std::string& out) {
  out.clear();
  const size_t q = url.find('?');
  if (q != std::string_view::npos) url = url.substr(0, q);
  size_t start = 0;
  while (true) {
    const size_t slash = url.find('/', start);
    const std::string_view seg =
        url.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (isObjectIdHex(seg))
      out.push_back('*');
    else
      out.append(seg);
    if (slash == std::string_view::npos) break;
    out.push_back('/');
    start = slash + 1;
  }
}

bool UriFilter::apply(Event& event) {
  const int i = event.find(in_);
  if (i < 0) return true;
  std::string_view url;
  if (!event.stringValue(i, url)) return true;
  rewrite(url, buf_);
  event.setString(out_, buf_);
  return true;
}

std::string TimestampFilter::format(std::chrono::system_clock::time_point tp) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(tp.time_since_epoch()).count();
  const std::time_t secs = static_cast<std::time_t>(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(((ms % 1000) + 1000) % 1000));
  return buf;
}

bool TimestampFilter::apply(Event& event) {
  if (event.find("@timestamp") >= 0) return true;
  event.setString("@timestamp", format(clock_ ? clock_() : std::chrono::system_clock::now()));
  return true;
}

std::vector<std::unique_ptr<Filter>> buildFilters(const std::vector<FilterConfig>& configs) {
  std::vector<std::unique_ptr<Filter>> out;
  for (const auto& f : configs) {
    if (f.action == "drop")
      out.push_back(std::make_unique<DropFilter>(f.conditions));
    else if (f.action == "remove_field")
      out.push_back(std::make_unique<RemoveFieldFilter>(f.fields));
    else if (f.action == "transfer")
      out.push_back(std::make_unique<TransferFilter>(f.field, f.target));
  }
  // Added by go-stash's main after the configured filters.
  out.push_back(std::make_unique<UriFilter>("url", "uri"));
  out.push_back(std::make_unique<TimestampFilter>());
  return out;
}

}  // namespace logship::stash
