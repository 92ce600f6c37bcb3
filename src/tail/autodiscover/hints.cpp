// co.elastic.logs/* labels -> LogsHints, following libbeat's hints utilities (GenerateHints,
// GetHintAsList, GetConfigs, GetProcessors) for which keys mean what and in which order.
#include "logship/tail/autodiscover/hints.h"

#include <algorithm>
#include <cctype>
#include <regex>

#include <yaml-cpp/yaml.h>

#include "logship/common/json.h"

namespace logship::tail::autodiscover {
namespace {

std::string trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return std::string(s);
}

std::vector<std::string> splitDots(const std::string& key) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t dot; (dot = key.find('.', start)) != std::string::npos; start = dot + 1)
    parts.push_back(key.substr(start, dot - start));
  parts.push_back(key.substr(start));
  return parts;
}

// libbeat: strings.Split on "," with each item trimmed.
std::vector<std::string> commaList(const std::string& value) {
  std::vector<std::string> items;
  size_t start = 0;
  for (size_t comma; (comma = value.find(',', start)) != std::string::npos; start = comma + 1)
    items.push_back(trim(std::string_view(value).substr(start, comma - start)));
  items.push_back(trim(std::string_view(value).substr(start)));
  return items;
}

bool isNumber(const std::string& s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// GetConfigs: numbered entries first, sorted as strings as libbeat does ("10" before "2"), each
// kept only when it is a map; then every named entry as {name: value}.
std::vector<HintTree> processorList(const HintTree& raw) {
  std::vector<HintTree> out;
  for (const auto& [key, tree] : raw.children)
    if (isNumber(key) && !tree.children.empty()) out.push_back(tree);
  for (const auto& [key, tree] : raw.children) {
    if (isNumber(key)) continue;
    HintTree one;
    one.children[key] = tree;
    out.push_back(std::move(one));
  }
  return out;
}

std::optional<bool> parseBool(const std::string& s) {  // Go's strconv.ParseBool
  static const std::vector<std::string> yes{"1", "t", "T", "TRUE", "true", "True"};
  static const std::vector<std::string> no{"0", "f", "F", "FALSE", "false", "False"};
  if (std::find(yes.begin(), yes.end(), s) != yes.end()) return true;
  if (std::find(no.begin(), no.end(), s) != no.end()) return false;
  return std::nullopt;
}

void readHint(const std::string& name, const HintTree& tree, LogsHints& h) {
  const std::string value = tree.value.value_or("");
  if (name == "enabled") {
    const auto b = parseBool(value);
    if (b)
      h.enabled = *b;
    else
      h.warnings.push_back(std::string(kLogsHintPrefix) + "enabled: not a boolean \"" + value + "\", ignored");
  } else if (name == "multiline") {
    h.multiline = tree;
  } else if (name == "json") {
    h.json = tree;
  } else if (name == "include_lines") {
    if (!value.empty()) h.include_lines = commaList(value);
  } else if (name == "exclude_lines") {
    if (!value.empty()) h.exclude_lines = commaList(value);
  } else if (name == "processors") {
    h.processors = processorList(tree);
  } else {
    h.warnings.push_back(std::string(kLogsHintPrefix) + name + ": hint not supported by logship-tail, no effect");
  }
}

// A scalar as YAML: booleans and integers plain (libbeat's config unpacks them from the string),
// everything else a JSON string (valid YAML double-quoted) so regexps and colons stay text.
void emitScalar(const std::string& s, std::string& out) {
  static const std::regex plain("true|false|-?[0-9]+");
  if (std::regex_match(s, plain))
    out += s;
  else
    json::appendString(out, s);
}

// GetProcessors: a processor given as one string holding a JSON object is that object.
bool isJsonObject(const std::string& s) {
  if (s.empty() || s.front() != '{') return false;
  try {
    return YAML::Load(s).IsMap();
  } catch (const YAML::Exception&) {
    return false;
  }
}

void emitTree(const HintTree& t, std::string& out) {
  if (t.children.empty()) {
    const std::string v = t.value.value_or("");
    if (isJsonObject(v))
      out += v;
    else
      emitScalar(v, out);
    return;
  }
  out += '{';
  bool first = true;
  for (const auto& [key, child] : t.children) {
    if (!first) out += ", ";
    first = false;
    emitScalar(key, out);
    out += ": ";
    emitTree(child, out);
  }
  out += '}';
}

void emitList(const std::vector<std::string>& items, std::string& out) {
  out += '[';
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    emitScalar(items[i], out);
  }
  out += ']';
}

}  // namespace

LogsHints parseLogsHints(const std::map<std::string, std::string>& labels, bool default_enabled) {
  HintTree root;
  const std::string prefix = kLogsHintPrefix;
  for (const auto& [key, value] : labels) {
    if (key.compare(0, prefix.size(), prefix) != 0 || key.size() == prefix.size()) continue;
    HintTree* node = &root;
    for (const auto& part : splitDots(key.substr(prefix.size()))) node = &node->children[part];
    node->value = trim(value);
  }
  LogsHints h;
  h.enabled = default_enabled;
  for (const auto& [name, tree] : root.children) readHint(name, tree, h);
  return h;
}

std::string hintsOverlayYaml(const LogsHints& h) {
  std::string out = "{";
  auto field = [&out](const char* key) {
    if (out.size() > 1) out += ", ";
    out += key;
    out += ": ";
  };
  if (!h.multiline.empty()) field("multiline"), emitTree(h.multiline, out);
  if (!h.json.empty()) field("json"), emitTree(h.json, out);
  if (!h.include_lines.empty()) field("include_lines"), emitList(h.include_lines, out);
  if (!h.exclude_lines.empty()) field("exclude_lines"), emitList(h.exclude_lines, out);
  if (!h.processors.empty()) {
    field("processors");
    out += '[';
    for (size_t i = 0; i < h.processors.size(); ++i) {
      if (i) out += ", ";
      emitTree(h.processors[i], out);
    }
    out += ']';
  }
  return out + "}";
}

}  // namespace logship::tail::autodiscover
