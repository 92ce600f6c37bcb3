#pragma once
// Configuration loading shared by both daemons (Filebeat's and go-zero's YAML conventions).
//
// A Document owns the parsed YAML; Nodes are cheap views into it that remember their key path.
// Every key a daemon reads is recorded, so after parsing `unknownKeys()` lists what nobody read:
// those are warnings, never failures, because real Filebeat / go-stash files carry keys we do not
// implement. Typed reads throw ConfigError naming file, line, column and key path; the daemons
// print that one line and exit 2.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "logship/common/error.h"

namespace logship::config {

class ConfigError : public Error {
 public:
  ConfigError(const std::string& file, int line, int column, const std::string& path, const std::string& message);
  const std::string& file() const { return file_; }  // the first file
  // The file a key path (`output.kafka.topic`, `filebeat.inputs[0].paths`) was read from: the last
  // file that set it or one of its parents.
  const std::string& fileOf(const std::string& path) const;
  int line() const { return line_; }  // 1-based; 0 when unknown (value from -E)
  const std::string& path() const { return path_; }

 private:
  std::string file_;
  int line_;
  std::string path_;
};

struct LoadOptions {
  // Filebeat (go-ucfg): a key `output.kafka` means `output: {kafka: ...}`.
  bool split_dotted_keys = false;
  // Filebeat's external config files (filebeat.config.inputs): the top level is a list.
  bool list_root = false;
  // go-zero: `brokers` matches `Brokers`.
  bool case_insensitive = false;
  // Filebeat's `-E key=value`; the value is parsed as YAML (`-E 'output.kafka.hosts=["h:9092"]'`).
  std::vector<std::string> overrides;
  // Values for `${name}` references that are not environment variables (Filebeat's `path.config`).
  std::map<std::string, std::string> builtins;
};

class Document;

class Node {
 public:
  Node() = default;

  bool exists() const { return node_.IsDefined() && !node_.IsNull(); }
  // The key is in the file, even with an empty (null) value: `target:` is present, not missing.
  bool present() const { return present_; }
  bool isMap() const { return node_.IsMap(); }
  bool isSequence() const { return node_.IsSequence(); }
  bool isScalar() const { return node_.IsScalar(); }
  const std::string& path() const { return path_; }

  // A child by key; a missing child is a Node whose exists() is false (reading it gives defaults).
  // Dotted keys are not split here: call child("output").child("kafka").
  Node child(std::string_view key) const;
  Node operator[](std::string_view key) const { return child(key); }
  // Sequence items; a missing node is an empty list, a scalar is a one-element list.
  std::vector<Node> items() const;
  // Map entries in file order (each marked as read).
  std::vector<std::pair<std::string, Node>> entries() const;

  // Typed reads. Strings get `${VAR}` / `${VAR:default}` expansion.
  std::string str(std::string_view def = {}) const;
  std::optional<std::string> optStr() const;
  int64_t integer(int64_t def) const;
  double number(double def) const;
  bool boolean(bool def) const;
  // "10s", "1m30s", "500ms", "72h"; a bare number is seconds (as go-ucfg does).
  std::chrono::milliseconds duration(std::chrono::milliseconds def) const;
  // "10485760", "10MiB", "1MB", "512k".
  uint64_t bytes(uint64_t def) const;
  // A list of strings, or a single string taken as a one-element list.
  std::vector<std::string> strings() const;
  // One of `allowed` (case-insensitive); returns it lower-cased.
  std::string oneOf(std::initializer_list<std::string_view> allowed, std::string_view def) const;

  // Everything below counts as read (free-form maps such as Filebeat's `fields`).
  void markSubtreeUsed() const;
  // A key the daemon accepts (it is valid in the user's tool) but that changes nothing here:
  // the subtree counts as read and, when present, `noEffectKeys()` lists it with `why`, so
  // `--check` says so instead of the key passing as if it had been honoured.
  void noEffect(std::string_view why) const;
  // The raw YAML (already override-merged), for free-form maps that are re-serialised.
  const YAML::Node& yaml() const { return node_; }

  [[noreturn]] void fail(const std::string& message) const;

 private:
  friend class Document;
  Node(Document* doc, YAML::Node node, std::string path, YAML::Mark mark, bool present = false)
      : doc_(doc), node_(std::move(node)), path_(std::move(path)), mark_(mark), present_(present) {}
  std::string scalar() const;

  Document* doc_ = nullptr;
  YAML::Node node_;
  std::string path_;
  YAML::Mark mark_;
  bool present_ = false;
};

class Document {
 public:
  // Throws ConfigError (file unreadable, YAML syntax error, bad override).
  static std::unique_ptr<Document> loadFile(const std::string& file, const LoadOptions& options);
  static std::unique_ptr<Document> loadString(const std::string& text, const std::string& name,
                                              const LoadOptions& options);
  // Several files merged in order, as Filebeat merges repeated `-c` files (go-ucfg's default
  // merge): a later file's scalar replaces, maps merge key by key, lists merge item by item (item
  // i with item i; the longer list's rest is kept). Overrides apply to the result. An error names
  // the file the key came from (config_merge.cpp).
  static std::unique_ptr<Document> loadFiles(const std::vector<std::string>& files, const LoadOptions& options);

  Node root();
  const std::string& file() const { return file_; }  // the first file
  // The file a key path (`output.kafka.topic`, `filebeat.inputs[0].paths`) was read from: the last
  // file that set it or one of its parents.
  const std::string& fileOf(const std::string& path) const;
  // Keys present in the file that no reader asked for, as dotted paths (`filebeat.config.modules`).
  std::vector<std::string> unknownKeys() const;
  // Keys present in the file that were declared without effect (Node::noEffect), each as
  // "path: why", in the order they were read.
  const std::vector<std::string>& noEffectKeys() const { return no_effect_; }

 private:
  friend class Node;
  Document(std::string file, LoadOptions options) : file_(std::move(file)), options_(std::move(options)) {}
  void applyOverrides();
  void applyOverride(const std::string& expr);
  void mergeFile(YAML::Node target, const YAML::Node& source, const std::string& path, size_t file);
  void setOrigin(const std::string& path, size_t file);
  std::string expand(const std::string& value, const Node& at, int depth = 0) const;
  std::string resolveVariable(const std::string& inner, const Node& at, int depth) const;
  std::optional<std::string> lookupReference(const std::string& name, bool& from_file) const;
  std::optional<std::string> builtin(const std::string& name) const;
  bool keyEquals(std::string_view a, std::string_view b) const;
  void collectUnknown(const YAML::Node& node, const std::string& path, std::vector<std::string>& out) const;

  std::string file_;
  std::vector<std::string> files_;         // loadFiles: every file, in order
  std::map<std::string, size_t> origins_;  // key path -> index in files_ of what set it (else 0)
  LoadOptions options_;
  YAML::Node root_;
  std::set<std::string> used_;        // exact paths read
  std::set<std::string> used_trees_;  // paths whose whole subtree counts as read
  std::vector<std::string> no_effect_;
};

// Filebeat's duration syntax outside a document (also used for `-E` values and tests).
std::optional<std::chrono::milliseconds> parseDuration(std::string_view text);
std::optional<uint64_t> parseBytes(std::string_view text);
// "a, b,,c" -> {"a", "b", "c"}: comma-separated lists of the command lines (--brokers, -d).
std::vector<std::string> splitList(const std::string& comma_separated);

}  // namespace logship::config
