#include "logship/common/config.h"

#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

namespace logship::config {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::vector<std::string> splitDots(std::string_view key) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t dot = key.find('.', start);
    parts.emplace_back(key.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts;
}

void mergeInto(YAML::Node target, const YAML::Node& source);

// go-ucfg semantics: `a.b: 1` and `a: {c: 2}` in one map become `a: {b: 1, c: 2}`.
YAML::Node splitDottedKeys(const YAML::Node& node) {
  if (node.IsSequence()) {
    YAML::Node out(YAML::NodeType::Sequence);
    for (const auto& item : node) out.push_back(splitDottedKeys(item));
    return out;
  }
  if (!node.IsMap()) return node;
  YAML::Node out(YAML::NodeType::Map);
  for (const auto& kv : node) {
    const auto parts = splitDots(kv.first.Scalar());
    YAML::Node value = splitDottedKeys(kv.second);
    for (size_t i = parts.size() - 1; i > 0; --i) {
      YAML::Node wrapper(YAML::NodeType::Map);
      wrapper[parts[i]] = value;
      value.reset(wrapper);
    }
    YAML::Node existing = out[parts[0]];
    if (existing.IsMap() && value.IsMap()) {
      mergeInto(existing, value);
    } else {
      out[parts[0]] = value;
    }
  }
  return out;
}

void mergeInto(YAML::Node target, const YAML::Node& source) {
  for (const auto& kv : source) {
    const std::string key = kv.first.Scalar();
    YAML::Node existing = target[key];
    if (existing.IsMap() && kv.second.IsMap()) {
      mergeInto(existing, kv.second);
    } else {
      target[key] = kv.second;
    }
  }
}

constexpr double kMaxMs = 9.2e15;     // ~290,000 years; well inside int64 milliseconds
constexpr double kMaxBytes = 9.2e18;  // < 2^63

bool parseGoDuration(std::string_view s, double& ms_out) {
  // Go's time.ParseDuration: sequence of decimal numbers with units ns us ms s m h.
  if (s.empty()) return false;
  double total = 0;
  size_t i = 0;
  while (i < s.size()) {
    size_t start = i;
    while (i < s.size() && (std::isdigit(static_cast<unsigned char>(s[i])) || s[i] == '.')) ++i;
    if (start == i) return false;
    double value = std::strtod(std::string(s.substr(start, i - start)).c_str(), nullptr);
    size_t ustart = i;
    while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
    std::string_view unit = s.substr(ustart, i - ustart);
    double factor;
    if (unit == "ns")
      factor = 1e-6;
    else if (unit == "us" || unit == "µs")
      factor = 1e-3;
    else if (unit == "ms")
      factor = 1;
    else if (unit == "s")
      factor = 1000;
    else if (unit == "m")
      factor = 60'000;
    else if (unit == "h")
      factor = 3'600'000;
    else
      return false;
    total += value * factor;
  }
  ms_out = total;
  return true;
}

}  // namespace

ConfigError::ConfigError(const std::string& file, int line, int column, const std::string& path,
                         const std::string& message)
    : Error(ErrorCode::kConfigInvalid,
            [&] {
              std::string where = file;
              if (line > 0) where += ":" + std::to_string(line) + ":" + std::to_string(column);
              where += ": ";
              if (!path.empty()) where += path + ": ";
              return where + message;
            }()),
      file_(file),
      line_(line),
      path_(path) {}

std::optional<std::chrono::milliseconds> parseDuration(std::string_view text) {
  const std::string t = trim(text);
  if (t.empty()) return std::nullopt;
  char* end = nullptr;
  const double seconds = std::strtod(t.c_str(), &end);
  double ms = 0;
  if (end && *end == '\0') {
    ms = seconds * 1000;
  } else if (!parseGoDuration(t, ms)) {
    return std::nullopt;
  }
  // Converting a double outside int64's range is undefined: "1e300s" is an error, not a duration.
  if (!(std::fabs(ms) < kMaxMs)) return std::nullopt;
  return std::chrono::milliseconds(static_cast<int64_t>(ms));
}

std::optional<uint64_t> parseBytes(std::string_view text) {
  const std::string t = trim(text);
  size_t i = 0;
  while (i < t.size() && (std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == '.')) ++i;
  if (i == 0) return std::nullopt;
  double value = std::strtod(t.substr(0, i).c_str(), nullptr);
  const std::string unit = lower(trim(std::string_view(t).substr(i)));
  static const std::pair<const char*, double> kUnits[] = {
      {"", 1},
      {"b", 1},
      {"k", 1000},
      {"kb", 1000},
      {"kib", 1024},
      {"m", 1e6},
      {"mb", 1e6},
      {"mib", 1024.0 * 1024},
      {"g", 1e9},
      {"gb", 1e9},
      {"gib", 1024.0 * 1024 * 1024},
  };
  for (const auto& [name, factor] : kUnits) {
    if (unit != name) continue;
    const double bytes = value * factor;
    if (!(bytes < kMaxBytes)) return std::nullopt;  // beyond 2^63: undefined to convert
    return static_cast<uint64_t>(bytes);
  }
  return std::nullopt;
}

// ---- Document --------------------------------------------------------------------------------

std::unique_ptr<Document> Document::loadFile(const std::string& file, const LoadOptions& options) {
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    throw ConfigError(file, 0, 0, "", "cannot read config file");
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  return loadString(buffer.str(), file, options);
}

std::unique_ptr<Document> Document::loadString(const std::string& text, const std::string& name,
                                               const LoadOptions& options) {
  std::unique_ptr<Document> doc(new Document(name, options));
  try {
    doc->root_ = YAML::Load(text);
  } catch (const YAML::Exception& e) {
    throw ConfigError(name, e.mark.line + 1, e.mark.column + 1, "", "invalid YAML: " + e.msg);
  }
  if (!doc->root_.IsDefined() || doc->root_.IsNull()) doc->root_ = YAML::Node(YAML::NodeType::Map);
  if (!doc->root_.IsMap() && !(options.list_root && doc->root_.IsSequence())) {
    throw ConfigError(name, doc->root_.Mark().line + 1, doc->root_.Mark().column + 1, "",
                      options.list_root ? "expected a list at the top level" : "expected a map at the top level");
  }
  if (options.split_dotted_keys) doc->root_ = splitDottedKeys(doc->root_);
  doc->applyOverrides();
  return doc;
}

void Document::applyOverrides() {
  for (const auto& expr : options_.overrides) {
    try {
      applyOverride(expr);
    } catch (const YAML::Exception& e) {  // e.g. a key below a scalar: `-E a.b=1` where a is "x"
      throw ConfigError("-E " + expr, 0, 0, "", "cannot apply: " + e.msg);
    }
  }
}

void Document::applyOverride(const std::string& expr) {
  const auto eq = expr.find('=');
  if (eq == std::string::npos || eq == 0) {
    throw ConfigError("-E " + expr, 0, 0, "", "expected key=value");
  }
  const std::string key = trim(std::string_view(expr).substr(0, eq));
  const std::string raw = expr.substr(eq + 1);
  YAML::Node value;
  try {
    value = YAML::Load(raw);
  } catch (const YAML::Exception&) {
    value = YAML::Node(raw);
  }
  if (!value.IsDefined() || value.IsNull()) value = YAML::Node(YAML::NodeType::Null);
  if (options_.split_dotted_keys) value = splitDottedKeys(value);

  const auto parts = splitDots(key);
  YAML::Node cur;
  cur.reset(root_);
  for (size_t i = 0; i < parts.size(); ++i) {
    // go-ucfg: a number addresses a list element (`filebeat.inputs.0.paths=[...]`); one past the
    // end appends.
    size_t index = 0;
    const auto [end, ec] = std::from_chars(parts[i].data(), parts[i].data() + parts[i].size(), index);
    if (cur.IsSequence() && ec == std::errc() && end == parts[i].data() + parts[i].size()) {
      if (index > cur.size())
        throw ConfigError("-E " + expr, 0, 0, "",
                          "index " + parts[i] + " is past the end of a list of " + std::to_string(cur.size()));
      if (i + 1 == parts.size()) {
        if (index == cur.size())
          cur.push_back(value);
        else
          cur[index] = value;
        return;
      }
      if (index == cur.size()) cur.push_back(YAML::Node(YAML::NodeType::Map));
      YAML::Node next = cur[index];
      cur.reset(next);
      continue;
    }
    std::string actual = parts[i];
    for (const auto& kv : cur) {
      if (keyEquals(kv.first.Scalar(), parts[i])) {
        actual = kv.first.Scalar();
        break;
      }
    }
    if (i + 1 == parts.size()) {
      cur[actual] = value;
    } else {
      if (!cur[actual].IsMap() && !cur[actual].IsSequence()) cur[actual] = YAML::Node(YAML::NodeType::Map);
      YAML::Node next = cur[actual];
      cur.reset(next);
    }
  }
}

Node Document::root() { return Node(this, root_, "", root_.Mark()); }

bool Document::keyEquals(std::string_view a, std::string_view b) const {
  if (!options_.case_insensitive) return a == b;
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::optional<std::string> Document::lookupReference(const std::string& name, bool& from_file) const {
  from_file = false;
  if (const char* env = std::getenv(name.c_str())) return std::string(env);
  // A reference to another key of the same file (`${path.data}`): the file's own value wins
  // over the builtin default, as in Filebeat. The builtins are the fallback below.
  YAML::Node cur;
  cur.reset(root_);
  for (const auto& part : splitDots(name)) {
    if (!cur.IsMap()) return builtin(name);
    YAML::Node next;
    for (const auto& kv : cur) {
      if (keyEquals(kv.first.Scalar(), part)) next.reset(kv.second);
    }
    if (!next.IsDefined()) return builtin(name);
    cur.reset(next);
  }
  if (!cur.IsScalar()) return builtin(name);
  from_file = true;
  return cur.Scalar();
}

std::optional<std::string> Document::builtin(const std::string& name) const {
  if (auto it = options_.builtins.find(name); it != options_.builtins.end()) return it->second;
  return std::nullopt;
}

// go-ucfg's variables: `${name}`, `${name:default}` (the default may hold references itself:
// `${A:${B:x}}`), `${name:?message}` (unset is an error with that message), `${name:+alt}` (alt
// when set, else empty); `$${` is a literal `${`.
std::string Document::expand(const std::string& value, const Node& at, int depth) const {
  if (value.find('$') == std::string::npos) return value;
  // A key may refer to a key that refers to another (`path.data: ${path.home}/data`); a cycle
  // ends here instead of recursing forever.
  if (depth > 8) at.fail("${...} references nest too deep (a cycle?) in \"" + value + "\"");
  std::string out;
  size_t i = 0;
  while (i < value.size()) {
    if (value.compare(i, 3, "$${") == 0) {  // escaped: the text `${...}` stays as it is
      out += "${";
      i += 3;
      continue;
    }
    if (value.compare(i, 2, "${") != 0) {
      out += value[i++];
      continue;
    }
    size_t close = i + 2;
    for (int open = 1; close < value.size(); ++close) {
      if (value.compare(close, 2, "${") == 0) {
        ++open;
        ++close;
      } else if (value[close] == '}' && --open == 0) {
        break;
      }
    }
    if (close >= value.size()) at.fail("unterminated ${ in \"" + value + "\"");
    out += resolveVariable(value.substr(i + 2, close - i - 2), at, depth);
    i = close + 1;
  }
  return out;
}

namespace {

// `${file:PATH}` (a logship extension): the content of a Docker or Kubernetes secret file. One
// trailing newline is dropped (`echo secret > file` writes one; the secret never holds it). The
// error names the path and the cause, never any content.
std::string readSecretFile(const std::string& path, const Node& at) {
  if (path.empty()) at.fail("${file:PATH} needs a path");
  std::ifstream in(path, std::ios::binary);
  if (!in) at.fail("${file:" + path + "}: cannot read the file: " + std::strerror(errno));
  std::ostringstream content;
  content << in.rdbuf();
  std::string value = content.str();
  if (!value.empty() && value.back() == '\n') value.pop_back();
  if (!value.empty() && value.back() == '\r') value.pop_back();
  return value;
}

}  // namespace

std::string Document::resolveVariable(const std::string& inner, const Node& at, int depth) const {
  const size_t colon = inner.find(':');
  const std::string name = colon == std::string::npos ? inner : inner.substr(0, colon);
  const std::string rest = colon == std::string::npos ? "" : inner.substr(colon + 1);
  // The path may itself hold references (`${file:${SECRETS_DIR}/kafka}`); the content is taken
  // as it is, as an environment variable's value.
  if (name == "file" && colon != std::string::npos) return readSecretFile(expand(rest, at, depth + 1), at);
  const char op = rest.empty() ? '\0' : rest[0];
  bool from_file = false;
  const auto resolved = lookupReference(name, from_file);
  if (op == '+') return resolved ? expand(rest.substr(1), at, depth + 1) : std::string();
  if (resolved) return from_file ? expand(*resolved, at, depth + 1) : *resolved;  // env values as they are
  if (op == '?') {
    const std::string message = expand(rest.substr(1), at, depth + 1);
    at.fail("${" + name + "} is not set: " + (message.empty() ? "a value is required" : message));
  }
  if (colon == std::string::npos) at.fail("${" + name + "} is not set (no environment variable, no default)");
  return expand(rest, at, depth + 1);
}

void Document::collectUnknown(const YAML::Node& node, const std::string& path, std::vector<std::string>& out) const {
  if (used_trees_.count(path)) return;
  if (node.IsMap()) {
    for (const auto& kv : node) {
      const std::string child = path.empty() ? kv.first.Scalar() : path + "." + kv.first.Scalar();
      if (!used_.count(child) && !used_trees_.count(child)) {
        out.push_back(child);
        continue;
      }
      collectUnknown(kv.second, child, out);
    }
  } else if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i) {
      collectUnknown(node[i], path + "[" + std::to_string(i) + "]", out);
    }
  }
}

std::vector<std::string> Document::unknownKeys() const {
  std::vector<std::string> out;
  collectUnknown(root_, "", out);
  return out;
}

// ---- Node ------------------------------------------------------------------------------------

// Maps rebuilt by splitDottedKeys have no position: use the first positioned node inside them.
static YAML::Mark firstMark(const YAML::Node& node) {
  if (!node.Mark().is_null()) return node.Mark();
  if (node.IsMap()) {
    for (const auto& kv : node) {
      if (!kv.first.Mark().is_null()) return kv.first.Mark();
      const YAML::Mark m = firstMark(kv.second);
      if (!m.is_null()) return m;
    }
  } else if (node.IsSequence()) {
    for (const auto& item : node) {
      const YAML::Mark m = firstMark(item);
      if (!m.is_null()) return m;
    }
  }
  return YAML::Mark::null_mark();
}

Node Node::child(std::string_view key) const {
  const std::string child_path = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
  if (!doc_ || !node_.IsMap()) return Node(doc_, YAML::Node(), child_path, mark_);
  for (const auto& kv : node_) {
    if (doc_->keyEquals(kv.first.Scalar(), key)) {
      const std::string actual = path_.empty() ? kv.first.Scalar() : path_ + "." + kv.first.Scalar();
      doc_->used_.insert(actual);
      YAML::Mark mark = kv.second.Mark();
      if (mark.is_null()) mark = kv.first.Mark();
      if (mark.is_null()) mark = firstMark(kv.second);
      if (mark.is_null()) mark = mark_;
      return Node(doc_, kv.second, actual, mark, true);
    }
  }
  return Node(doc_, YAML::Node(), child_path, mark_);
}

std::vector<Node> Node::items() const {
  std::vector<Node> out;
  if (!exists()) return out;
  if (!node_.IsSequence()) {
    out.push_back(*this);
    return out;
  }
  for (size_t i = 0; i < node_.size(); ++i) {
    YAML::Node item = node_[i];
    YAML::Mark mark = item.Mark().is_null() ? mark_ : item.Mark();
    out.push_back(Node(doc_, item, path_ + "[" + std::to_string(i) + "]", mark));
  }
  return out;
}

std::vector<std::pair<std::string, Node>> Node::entries() const {
  std::vector<std::pair<std::string, Node>> out;
  if (!node_.IsMap()) return out;
  for (const auto& kv : node_) out.emplace_back(kv.first.Scalar(), child(kv.first.Scalar()));
  return out;
}

void Node::markSubtreeUsed() const {
  if (doc_) doc_->used_trees_.insert(path_);
}

void Node::noEffect(std::string_view why) const {
  if (!doc_ || !exists()) return;
  markSubtreeUsed();
  const std::string entry = path_ + ": accepted, has no effect in logship (" + std::string(why) + ")";
  for (const auto& e : doc_->no_effect_) {
    if (e == entry) return;
  }
  doc_->no_effect_.push_back(entry);
}

void Node::fail(const std::string& message) const {
  const std::string file = doc_ ? doc_->fileOf(path_) : std::string("<config>");
  if (mark_.is_null()) throw ConfigError(file, 0, 0, path_, message);
  throw ConfigError(file, mark_.line + 1, mark_.column + 1, path_, message);
}

std::string Node::scalar() const {
  if (!node_.IsScalar()) fail(node_.IsMap() ? "expected a value, found a map" : "expected a value, found a list");
  return doc_->expand(node_.Scalar(), *this);
}

std::string Node::str(std::string_view def) const {
  if (!exists()) return std::string(def);
  if (!node_.IsScalar()) fail("expected a string");
  return scalar();
}

std::optional<std::string> Node::optStr() const {
  if (!exists()) return std::nullopt;
  return str();
}

int64_t Node::integer(int64_t def) const {
  if (!exists()) return def;
  const std::string s = trim(scalar());
  int64_t value = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || ptr != s.data() + s.size()) fail("expected an integer, got \"" + s + "\"");
  return value;
}

double Node::number(double def) const {
  if (!exists()) return def;
  const std::string s = trim(scalar());
  char* end = nullptr;
  double value = std::strtod(s.c_str(), &end);
  if (s.empty() || *end != '\0') fail("expected a number, got \"" + s + "\"");
  return value;
}

bool Node::boolean(bool def) const {
  if (!exists()) return def;
  const std::string s = lower(trim(scalar()));
  if (s == "true" || s == "yes" || s == "on" || s == "y") return true;
  if (s == "false" || s == "no" || s == "off" || s == "n") return false;
  fail("expected true or false, got \"" + s + "\"");
}

std::chrono::milliseconds Node::duration(std::chrono::milliseconds def) const {
  if (!exists()) return def;
  const std::string s = scalar();
  auto value = parseDuration(s);
  if (!value || value->count() < 0) fail("expected a duration such as 10s, 1m or 500ms, got \"" + s + "\"");
  return *value;
}

uint64_t Node::bytes(uint64_t def) const {
  if (!exists()) return def;
  const std::string s = scalar();
  auto value = parseBytes(s);
  if (!value) fail("expected a size such as 1048576 or 10MiB, got \"" + s + "\"");
  return *value;
}

std::vector<std::string> Node::strings() const {
  std::vector<std::string> out;
  for (const auto& item : items()) {
    if (!item.isScalar()) item.fail("expected a string");
    out.push_back(item.scalar());
  }
  return out;
}

std::string Node::oneOf(std::initializer_list<std::string_view> allowed, std::string_view def) const {
  if (!exists()) return std::string(def);
  const std::string s = lower(trim(scalar()));
  std::string list;
  for (auto a : allowed) {
    if (s == a) return s;
    list += (list.empty() ? "" : ", ") + std::string(a);
  }
  fail("expected one of " + list + ", got \"" + s + "\"");
}

std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    size_t comma = s.find(',', start);
    if (comma == std::string::npos) comma = s.size();
    std::string item = s.substr(start, comma - start);
    while (!item.empty() && item.back() == ' ') item.pop_back();
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    if (!item.empty()) out.push_back(item);
    start = comma + 1;
  }
  return out;
}

}  // namespace logship::config
