#include "logship/tail/json_decoder.h"

#include <cstring>
#include <utility>

#include "logship/tail/event.h"

namespace logship::tail {
namespace {

// JSON's number grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
bool validNumber(std::string_view t) {
  size_t i = 0;
  const size_t n = t.size();
  auto digitsFrom = [&](size_t from) {
    size_t j = from;
    while (j < n && t[j] >= '0' && t[j] <= '9') ++j;
    return j;
  };
  if (i < n && t[i] == '-') ++i;
  if (i >= n) return false;
  if (t[i] == '0') {
    ++i;
  } else {
    const size_t end = digitsFrom(i);
    if (end == i) return false;
    i = end;
  }
  if (i < n && t[i] == '.') {
    const size_t end = digitsFrom(i + 1);
    if (end == i + 1) return false;
    i = end;
  }
  if (i < n && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < n && (t[i] == '+' || t[i] == '-')) ++i;
    const size_t end = digitsFrom(i);
    if (end == i) return false;
    i = end;
  }
  return i == n;
}

// Raw slices run up to the next token: the whitespace before it is not part of the value.
void trimTrailingSpace(std::string_view& raw) {
  while (!raw.empty() && (raw.back() == ' ' || raw.back() == '\t' || raw.back() == '\n' || raw.back() == '\r'))
    raw.remove_suffix(1);
}

// [from, to) holds only JSON whitespace and exactly one `separator` (none when it is '\0').
bool onlySeparator(const char* from, const char* to, char separator) {
  if (from > to) return false;
  bool seen = separator == '\0';
  for (const char* p = from; p < to; ++p) {
    const char c = *p;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') continue;
    if (c != separator || seen) return false;
    seen = true;
  }
  return seen;
}

}  // namespace

JsonDecoder::JsonDecoder(const JsonConfig& config) : config_(config) {}

bool JsonDecoder::memberKey(simdjson::ondemand::field& field, Event& event, std::string_view& key, const char*& before,
                            const char*& after) {
  // A key without escapes is its raw text, in the line's copy like the values: no copy. Stage 1
  // already rejected invalid UTF-8 and unescaped control characters.
  const char* begin = field.key().raw();  // unescaped_key() consumes it: read it once, first
  const char* end = line_.data() + line_.size();
  before = begin - 1;
  const auto* quote = static_cast<const char*>(std::memchr(begin, '"', static_cast<size_t>(end - begin)));
  if (quote == nullptr) return false;
  if (std::memchr(begin, '\\', static_cast<size_t>(quote - begin)) == nullptr) {
    key = std::string_view(begin, static_cast<size_t>(quote - begin));
    after = quote + 1;
    return true;
  }
  const char* p = begin;  // escapes: the closing quote is the first one not escaped
  while (p < end && *p != '"') p += *p == '\\' ? 2 : 1;
  if (p >= end) return false;
  after = p + 1;
  // Escapes: unescaped (and so validated) into the parser's string buffer, reused by the next
  // line; the event keeps a copy.
  if (field.unescaped_key().get(key)) return false;
  key = event.arena().copy(key);
  return true;
}

bool JsonDecoder::memberValue(simdjson::ondemand::value& value, Member& m) {
  using simdjson::ondemand::json_type;
  if (value.type().get(m.type)) return false;
  m.unescaped = {};
  if (m.type == json_type::object || m.type == json_type::array) {
    simdjson::error_code err;
    if (m.type == json_type::object) {
      simdjson::ondemand::object o;
      err = value.get_object().get(o);
      if (!err) err = o.raw_json().get(m.raw);
    } else {
      simdjson::ondemand::array a;
      err = value.get_array().get(a);
      if (!err) err = a.raw_json().get(m.raw);
    }
    // On-demand iteration skipped what is inside: validate it before it is copied as it is. The
    // slice lies inside the line's copy, followed by at least SIMDJSON_PADDING readable bytes.
    simdjson::dom::element unused;
    trimTrailingSpace(m.raw);
    return !err && !validator_.parse(m.raw.data(), m.raw.size(), false).get(unused);
  }
  m.raw = value.raw_json_token();
  trimTrailingSpace(m.raw);
  switch (m.type) {
    case json_type::string: {
      if (m.raw.size() < 2 || m.raw.back() != '"') return false;
      const std::string_view inner = m.raw.substr(1, m.raw.size() - 2);
      if (inner.find('\\') == std::string_view::npos) {
        m.unescaped = inner;
        return true;
      }
      return !value.get_string().get(m.unescaped);  // validates the escapes
    }
    case json_type::number: {
      // The grammar, then simdjson's own number parser: a number out of a double's range
      // (`1e999`) is refused as the DOM parser and Go's encoding/json refuse it.
      simdjson::ondemand::number number;
      return validNumber(m.raw) && !value.get_number().get(number);
    }
    case json_type::boolean:
      return m.raw == "true" || m.raw == "false";
    case json_type::null:
      return m.raw == "null";
    default:
      return false;
  }
}

bool JsonDecoder::decode(std::string_view line, Event& event, bool append_only, Arena* storage) {
  message_text_ = {};
  char* copy = (storage != nullptr ? *storage : event.arena()).allocate(line.size() + simdjson::SIMDJSON_PADDING);
  if (!line.empty()) std::memcpy(copy, line.data(), line.size());
  std::memset(copy + line.size(), 0, simdjson::SIMDJSON_PADDING);
  line_ = std::string_view(copy, line.size());
  const size_t mark = event.entries().size();
  auto fail = [&](std::string_view why) {
    error_ = why;
    event.entries().resize(mark);
    if (config_.add_error_key) {
      std::string& msg = scratch_;
      msg.assign("Error decoding JSON: ");
      msg.append(why);
      event.setString("error.message", event.arena().copy(msg));
      event.setString("error.type", "json");
    }
    return false;
  };
  // The line must be just the object (spaces and tabs around it).
  size_t b = 0, e = line.size();
  while (b < e && (line[b] == ' ' || line[b] == '\t')) ++b;
  while (e > b && (line[e - 1] == ' ' || line[e - 1] == '\t' || line[e - 1] == '\r')) --e;
  if (b == e || line[b] != '{' || line[e - 1] != '}') return fail("not a JSON object");
  // One pass (a DOM parse of the whole line first cost ~1,450 instructions per go-zero line).
  // On-demand iteration is not a validating parser: stage 1 checks UTF-8 and strings' control
  // characters, memberValue() each value, and the bytes between keys and values are checked here
  // (it can skip a malformed stretch such as `{"a":"b":"c"]}` without reporting an error).
  simdjson::padded_string_view input(copy, line.size(), line.size() + simdjson::SIMDJSON_PADDING);
  simdjson::ondemand::document doc;
  if (parser_.iterate(input).get(doc)) return fail("invalid JSON");
  simdjson::ondemand::object obj;
  if (doc.get_object().get(obj)) return fail("not a JSON object");
  const char* cursor = copy + b + 1;  // after '{', then after each value
  char separator = '\0';              // none before the first key, then ','
  Member m;
  for (auto member : obj) {
    simdjson::ondemand::field field;
    if (std::move(member).get(field)) return fail("invalid JSON");
    std::string_view key;
    const char *key_begin = nullptr, *key_end = nullptr;
    if (!memberKey(field, event, key, key_begin, key_end)) return fail("invalid key");
    if (!onlySeparator(cursor, key_begin, separator)) return fail("invalid JSON");
    if (!memberValue(field.value(), m)) return fail("invalid value");
    if (!onlySeparator(key_end, m.raw.data(), ':')) return fail("invalid JSON");
    cursor = m.raw.data() + m.raw.size();
    separator = ',';
    putMember(key, m, event, append_only);
  }
  if (!onlySeparator(cursor, copy + e - 1, '\0')) return fail("invalid JSON");
  return true;
}

void JsonDecoder::putMember(std::string_view key, const Member& m, Event& event, bool append_only) {
  const bool under_root = config_.keys_under_root;
  if (under_root && key == "@timestamp") {
    if (config_.overwrite_keys && m.type == simdjson::ondemand::json_type::string &&
        !normalizeTimestamp(m.unescaped, event.timestamp_, &event.timestamp_ms) && config_.add_error_key) {
      event.setString("error.message", "@timestamp not overwritten (parse error)");
      event.setString("error.type", "json");
    }
    return;
  }
  std::string_view full_key = key;
  if (!under_root) {
    scratch_.assign(config_.target);
    scratch_.push_back('.');
    scratch_.append(key);
    full_key = event.arena().copy(scratch_);
  }
  if (!config_.message_key.empty() && key == config_.message_key && m.type == simdjson::ondemand::json_type::string) {
    message_text_ = m.unescaped;
    if (m.unescaped.data() != m.raw.data() + 1) message_text_ = event.arena().copy(m.unescaped);
  }
  if (append_only) {
    event.append(full_key, m.raw, Entry::Kind::kRaw);
    return;
  }
  if (under_root && !config_.overwrite_keys && event.find(full_key)) return;
  event.setRaw(full_key, m.raw);
}

}  // namespace logship::tail
