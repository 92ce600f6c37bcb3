#include "dissect_tokenizer.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace logship::tail::processors {
namespace {

struct KeyParts {
  std::string_view key, type;
  int ordinal = 0;
  size_t length = 0;
  bool greedy = false;
};

// Up to two digits after `at` (libbeat's \d{1,2}); false when there is none.
bool digits(std::string_view s, size_t& at, int& value) {
  size_t n = 0;
  value = 0;
  while (n < 2 && at + n < s.size() && std::isdigit(static_cast<unsigned char>(s[at + n])))
    value = value * 10 + (s[at + n++] - '0');
  at += n;
  return n > 0;
}

// Whether `rest` is entirely the suffixes `/N`, `#N`, `->`, `|type` (each optional, in that order).
bool suffixes(std::string_view rest, KeyParts& p) {
  size_t at = 0;
  int n = 0;
  if (at < rest.size() && rest[at] == '/') {
    if (!digits(rest, ++at, n)) return false;
    p.ordinal = n;
  }
  if (at < rest.size() && rest[at] == '#') {
    if (!digits(rest, ++at, n)) return false;
    p.length = static_cast<size_t>(n);
  }
  if (rest.compare(at, 2, "->") == 0) {
    p.greedy = true;
    at += 2;
  }
  if (at < rest.size() && rest[at] == '|') {
    const size_t from = ++at;
    while (at < rest.size() && std::isalpha(static_cast<unsigned char>(rest[at]))) ++at;
    p.type = rest.substr(from, at - from);
  }
  return at == rest.size();
}

// libbeat's suffix expression `(.+?)(/(\d{1,2}))?(#(\d{1,2}))?(->)?(\|([[:alpha:]]*))?$`: the
// shortest key after which the rest is only suffixes.
KeyParts splitKey(std::string_view raw) {
  for (size_t n = 1; n < raw.size(); ++n) {
    KeyParts p;
    if (suffixes(raw.substr(n), p)) {
      p.key = raw.substr(0, n);
      return p;
    }
  }
  KeyParts whole;
  whole.key = raw;
  return whole;
}

DissectType typeNamed(std::string_view name) {
  static const std::pair<std::string_view, DissectType> kTypes[] = {{"integer", DissectType::kInteger},
                                                                    {"long", DissectType::kLong},
                                                                    {"float", DissectType::kFloat},
                                                                    {"double", DissectType::kDouble},
                                                                    {"string", DissectType::kString},
                                                                    {"boolean", DissectType::kBoolean},
                                                                    {"ip", DissectType::kIp}};
  for (const auto& [n, t] : kTypes)
    if (n == name) return t;
  return DissectType::kNone;
}

bool startsWith(std::string_view s, std::string_view p) { return s.compare(0, p.size(), p) == 0; }

// libbeat's newField: the key's kind from its prefix, its modifiers from its suffixes.
bool makeField(size_t id, std::string_view raw, std::string_view previous, DissectField& f, std::string& error) {
  f.id = id;
  if (raw.empty()) {
    f.kind = DissectField::Kind::kSkip;
    return true;
  }
  const KeyParts p = splitKey(raw);
  if (raw.back() == '|') return error = "missing data type", false;
  if (!p.type.empty() && typeNamed(p.type) == DissectType::kNone) return error = "invalid data type", false;
  if (startsWith(p.key, "+&") || startsWith(p.key, "&+")) return error = "mixed prefix `&+`", false;
  f.length = p.length;
  f.key.assign(p.key);
  const char prefix = p.key[0];
  if (prefix == '?' || prefix == '*' || prefix == '+' || prefix == '&') f.key.erase(0, 1);
  switch (prefix) {
    case '?':
      f.kind = DissectField::Kind::kNamedSkip;
      return true;
    case '*':
      f.kind = DissectField::Kind::kPointer;
      return true;
    case '+':
      f.kind = DissectField::Kind::kAppend;
      f.ordinal = p.ordinal;
      f.greedy = p.greedy;
      f.join = previous.empty() ? " " : std::string(previous);
      return true;
    case '&':
      f.kind = DissectField::Kind::kIndirect;
      break;
    default:
      f.kind = DissectField::Kind::kNormal;
      f.ordinal = p.ordinal;
      f.greedy = p.greedy;
  }
  f.type = typeNamed(p.type);
  f.type_name.assign(p.type);
  return true;
}

// Go's %s of a libbeat field, for its error texts.
std::string describe(const DissectField& f) {
  return "field: " + f.key + ", ordinal: " + std::to_string(f.ordinal) + ", greedy: " + (f.greedy ? "true" : "false") +
         ", dataType: " + f.type_name;
}

// libbeat's "... `delimiter` in remaining: `text`, (offset: N)", built in `error`'s own storage: a
// line after line that fails (ignore_failure) allocates nothing once it has grown.
bool delimiterError(std::string& error, std::string_view what, std::string_view delimiter, std::string_view rest,
                    size_t offset) {
  char digits[24];
  const auto end = std::to_chars(digits, digits + sizeof(digits), offset).ptr;
  error.assign(what).append(delimiter).append("` in remaining: `").append(rest).append("`, (offset: ");
  error.append(digits, static_cast<size_t>(end - digits)).append(")");
  return false;
}

}  // namespace

bool DissectTokenizer::compile(std::string_view tokenizer, std::string& error) {
  size_t pos = 0;
  while (true) {
    const size_t open = tokenizer.find("%{", pos);
    if (open == std::string_view::npos) break;
    const size_t close = tokenizer.find('}', open + 2);
    if (close == std::string_view::npos) break;
    const std::string_view delimiter = tokenizer.substr(pos, open - pos);
    DissectField f;
    if (!makeField(fields_.size(), tokenizer.substr(open + 2, close - open - 2), delimiter, f, error)) return false;
    delimiters_.emplace_back(delimiter);
    greedy_.push_back(f.greedy);
    fields_.push_back(std::move(f));
    pos = close + 1;
  }
  if (fields_.empty()) return error = "invalid dissect tokenizer", false;
  if (pos < tokenizer.size()) delimiters_.emplace_back(tokenizer.substr(pos));
  std::stable_sort(fields_.begin(), fields_.end(),
                   [](const DissectField& a, const DissectField& b) { return a.ordinal < b.ordinal; });
  by_id_.resize(fields_.size());
  slot_of_.assign(fields_.size(), -1);
  for (size_t i = 0; i < fields_.size(); ++i) {
    const DissectField& f = fields_[i];
    by_id_[f.id] = i;
    if (!f.saveable()) reference_keys_.push_back(f.key);
    if (f.kind != DissectField::Kind::kSkip && f.kind != DissectField::Kind::kIndirect) {
      const auto known = std::find(slot_keys_.begin(), slot_keys_.end(), f.key);
      slot_of_[i] = static_cast<int>(known - slot_keys_.begin());
      if (known == slot_keys_.end()) slot_keys_.push_back(f.key);
    }
    converts_ = converts_ || f.type != DissectType::kNone;
    has_indirect_ = has_indirect_ || f.kind == DissectField::Kind::kIndirect;
  }
  for (const std::string& key : slot_keys_)
    slot_reference_.push_back(std::find(reference_keys_.begin(), reference_keys_.end(), key) != reference_keys_.end());
  for (const DissectField& f : fields_) {
    if (f.kind != DissectField::Kind::kIndirect) continue;
    if (std::find(reference_keys_.begin(), reference_keys_.end(), f.key) == reference_keys_.end())
      return error = "missing reference for key '" + f.key + "'", false;
  }
  return true;
}

bool DissectTokenizer::extract(std::string_view s, std::vector<DissectSpan>& spans, std::string& error) const {
  spans.assign(fields_.size(), DissectSpan{});
  if (s.empty()) return error = "empty string provided", false;
  if (!startsWith(s, delimiters_[0])) {
    return delimiterError(error, "could not find beginning delimiter: `", delimiters_[0], s, 0);
  }
  size_t offset = delimiters_[0].size();
  size_t i = 0;
  for (; i + 1 < delimiters_.size(); ++i) {
    const std::string& next = delimiters_[i + 1];
    const DissectField& field = byId(i);
    const size_t start = offset;
    size_t end = 0;
    if (field.length > 0) {
      end = offset + field.length;
      if (end > s.size()) {
        error = "field length is grater than string length: remaining: `" + std::string(s.substr(offset)) +
                "`, (offset: " + std::to_string(offset) + "), field: " + describe(field);
        return false;
      }
    } else {
      end = next.empty() ? offset : s.find(next, offset);
      if (end == std::string_view::npos) {
        return delimiterError(error, "could not find delimiter: `", delimiters_[i], s.substr(offset), offset);
      }
    }
    offset = end;
    // `->`: the delimiter repeated right after the value is padding (libbeat steps one byte at a
    // time while the next delimiter starts at the following byte).
    if (greedy_[i] && !next.empty())
      while (offset + 1 <= s.size() && s.compare(offset + 1, next.size(), next) == 0) ++offset;
    spans[i] = DissectSpan{start, end};
    offset += next.size();
  }
  if (i < fields_.size()) {  // the tokenizer ends with a key: it takes the rest
    const DissectField& last = byId(i);
    if (last.length > 0 && offset + last.length != s.size()) {
      error = "last fixed length key `" + describe(last) + "` (length: " + std::to_string(last.length) +
              ") does not fit into remaining: `" + std::string(s) + "`, (offset: " + std::to_string(offset) + ")";
      return false;
    }
    if (offset < s.size()) spans[i] = DissectSpan{offset, s.size()};
  }
  return true;
}

DissectTrimmer::DissectTrimmer(std::string_view chars, bool left, bool right)
    : chars_(chars), left_(left), right_(right) {
  for (const char c : chars) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 128)
      ascii_ = false;
    else
      table_[b] = true;
  }
}

// Whether the character at `at` (ASCII byte, or the UTF-8 sequence there) is one to trim.
bool DissectTrimmer::isTrimmed(std::string_view s, size_t at, size_t& width) const {
  const auto b = static_cast<unsigned char>(s[at]);
  width = 1;
  if (b < 128) return table_[b];
  if (ascii_) return false;
  while (at + width < s.size() && (static_cast<unsigned char>(s[at + width]) & 0xC0) == 0x80) ++width;
  return chars_.find(s.substr(at, width)) != std::string::npos;
}

bool DissectTrimmer::isTrimmedBefore(std::string_view s, size_t end, size_t& width) const {
  size_t at = end - 1;
  if (!ascii_)
    while (at > 0 && (static_cast<unsigned char>(s[at]) & 0xC0) == 0x80) --at;
  return isTrimmed(s.substr(0, end), at, width) && at + width == end;
}

void DissectTrimmer::trim(std::string_view s, DissectSpan& span) const {
  size_t width = 0;
  if (left_)
    while (span.start < span.end && isTrimmed(s.substr(0, span.end), span.start, width)) span.start += width;
  if (right_)
    while (span.start < span.end && isTrimmedBefore(s, span.end, width)) span.end -= width;
}

}  // namespace logship::tail::processors
