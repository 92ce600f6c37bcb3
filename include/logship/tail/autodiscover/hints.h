#pragma once
// Hints-based autodiscover: the `co.elastic.logs/...` labels of a container, read as libbeat's
// hints builder (filebeat/autodiscover/builder/hints/logs.go) reads them. A pure function of the
// labels, so the provider only has to merge the result over `hints.default_config`.
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace logship::tail::autodiscover {

// Dotted hint keys as a tree: `co.elastic.logs/multiline.pattern: x` is
// children["multiline"].children["pattern"].value == "x".
struct HintTree {
  std::optional<std::string> value;
  std::map<std::string, HintTree> children;
  bool empty() const { return !value && children.empty(); }
};

struct LogsHints {
  bool enabled = true;                     // co.elastic.logs/enabled (absent: the default's)
  HintTree multiline;                      // co.elastic.logs/multiline.*
  HintTree json;                           // co.elastic.logs/json.*
  std::vector<std::string> include_lines;  // co.elastic.logs/include_lines, comma-separated
  std::vector<std::string> exclude_lines;  // co.elastic.logs/exclude_lines, comma-separated
  // co.elastic.logs/processors.N.<name>.<option> (numbered, in libbeat's string order of N) then
  // co.elastic.logs/processors.<name> (a JSON object or options): one {name: options} tree each.
  std::vector<HintTree> processors;
  std::vector<std::string> warnings;  // hints read but without effect here (module, fileset, ...)
};

inline constexpr const char* kLogsHintPrefix = "co.elastic.logs/";

// `default_enabled` is hints.default_config.enabled: false means only `enabled: true` containers.
LogsHints parseLogsHints(const std::map<std::string, std::string>& labels, bool default_enabled);

// The hints as a YAML flow map of input options ("{}" when there are none), for the provider to
// merge over the default config: {multiline: {...}, json: {...}, include_lines: [...], ...}.
std::string hintsOverlayYaml(const LogsHints& hints);

}  // namespace logship::tail::autodiscover
