#include "logship/tail/tail_config.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

#include <re2/re2.h>

#include "logship/common/json.h"
#include "logship/tail/config_inputs.h"
#include "logship/tail/container_config.h"
#include "logship/tail/kafka_output_config.h"
#include "logship/tail/logging_config.h"
#include "logship/tail/processors.h"
#include "logship/tail/topic_fields.h"

namespace logship::tail {
namespace {

using config::Node;

void appendScalarJson(const std::string& s, bool plain, std::string& out) {
  if (plain && !s.empty()) {  // unquoted: numbers and booleans stay JSON literals
    if (s == "true" || s == "false") {
      out += s;
      return;
    }
    char* end = nullptr;
    std::strtod(s.c_str(), &end);
    if (end && *end == '\0' && s.find_first_not_of("0123456789.-+eE") == std::string::npos) {
      out += s;
      return;
    }
  }
  json::appendString(out, s);
}

void yamlToJson(const YAML::Node& n, std::string& out) {
  if (!n.IsDefined() || n.IsNull()) {
    out += "null";
  } else if (n.IsScalar()) {
    appendScalarJson(n.Scalar(), n.Tag() != "!", out);
  } else if (n.IsSequence()) {
    out.push_back('[');
    bool first = true;
    for (const auto& item : n) {
      if (!first) out.push_back(',');
      first = false;
      yamlToJson(item, out);
    }
    out.push_back(']');
  } else {
    json::ObjectWriter w(out);
    for (const auto& kv : n) {
      w.key(kv.first.Scalar());
      yamlToJson(kv.second, out);
    }
    w.close();
  }
}

void checkRegex(const Node& n, const std::string& pattern) {
  re2::RE2 re(pattern, re2::RE2::Quiet);
  if (!re.ok()) n.fail("invalid regular expression \"" + pattern + "\": " + re.error());
}

std::vector<std::string> regexList(const Node& n) {
  auto list = n.strings();
  const auto items = n.items();
  for (size_t i = 0; i < list.size() && i < items.size(); ++i) checkRegex(items[i], list[i]);
  return list;
}

void parseMultiline(const Node& n, MultilineConfig& m) {
  if (!n.exists()) return;
  m.enabled = true;
  n.child("type").oneOf({"pattern"}, "pattern");
  m.pattern = n.child("pattern").str();
  if (m.pattern.empty()) n.fail("multiline needs a pattern");
  checkRegex(n.child("pattern"), m.pattern);
  m.negate = n.child("negate").boolean(false);
  m.match_after = n.child("match").oneOf({"after", "before"}, "after") == "after";
  m.max_lines = static_cast<int>(n.child("max_lines").integer(500));
  m.timeout = n.child("timeout").duration(milliseconds(5000));
}

void parseJsonCommon(const Node& n, JsonConfig& j) {
  j.log_errors = !n.child("ignore_decoding_error").boolean(false);
  j.expand_keys = n.child("expand_keys").boolean(false);
  j.document_id = n.child("document_id").str();
}

void parseJsonLogInput(const Node& n, JsonConfig& j) {
  if (!n.exists()) return;
  j.enabled = true;
  j.keys_under_root = n.child("keys_under_root").boolean(false);
  j.target = j.keys_under_root ? "" : "json";
  j.overwrite_keys = n.child("overwrite_keys").boolean(false);
  j.add_error_key = n.child("add_error_key").boolean(false);
  j.message_key = n.child("message_key").str();
  parseJsonCommon(n, j);
}

void parseNdjson(const Node& n, JsonConfig& j) {
  j.enabled = true;
  j.target = n.child("target").str("");
  j.keys_under_root = j.target.empty();
  j.overwrite_keys = n.child("overwrite_keys").boolean(false);
  j.add_error_key = n.child("add_error_key").boolean(false);
  j.message_key = n.child("message_key").str();
  parseJsonCommon(n, j);
}

// `legacy`: an item of Filebeat 5/6's filebeat.prospectors, whose type key is `input_type`.
InputConfig parseInput(const Node& n, std::vector<std::string>& warnings, bool legacy = false) {
  InputConfig in;
  in.type = n.child(legacy ? "input_type" : "type").oneOf({"log", "filestream", "container", "docker"}, "log");
  in.id = n.child("id").str();
  in.enabled = n.child("enabled").boolean(true);
  in.paths = n.child("paths").strings();
  if (in.type == "container" || in.type == "docker") parseContainerInput(n, in, warnings);  // then a log input
  if (in.enabled && in.paths.empty()) n.child("paths").fail("an input needs at least one path");
  in.include_lines = regexList(n.child("include_lines"));
  in.exclude_lines = regexList(n.child("exclude_lines"));
  const bool under_root = n.child("fields_under_root").boolean(false);
  if (n.child("fields").exists()) {
    if (!n.child("fields").isMap()) n.child("fields").fail("expected a map");
    flattenYaml(n.child("fields"), under_root ? "" : "fields", in.fields);
  }
  in.tags = n.child("tags").strings();
  // Filebeat 5: the event's `type` (what `topic: '%{[type]}'` routes on).
  if (n.child("document_type").exists()) {
    std::string raw;
    json::appendString(raw, n.child("document_type").str());
    in.fields.emplace_back("type", raw);
  }
  // utf-8 and plain both mean what logship does: bytes pass through and invalid UTF-8 becomes
  // U+FFFD when encoded (as Go's JSON encoder does in Filebeat). Other encodings are refused.
  n.child("encoding").oneOf({"utf-8", "utf8", "plain"}, "utf-8");
  in.ignore_older = n.child("ignore_older").duration(milliseconds(0));
  in.tail_files = n.child("tail_files").boolean(false);
  in.harvester_limit = static_cast<int>(n.child("harvester_limit").integer(0));
  in.clean_removed = n.child("clean_removed").boolean(true);
  if (n.child("processors").exists()) in.processors = parseProcessors(n.child("processors"), warnings);

  if (in.type != "filestream") {
    in.exclude_files = regexList(n.child("exclude_files"));
    in.scan_frequency = n.child("scan_frequency").duration(milliseconds(10000));
    in.close_inactive = n.child("close_inactive").duration(milliseconds(300000));
    in.close_renamed = n.child("close_renamed").boolean(false);
    in.close_removed = n.child("close_removed").boolean(true);
    in.close_eof = n.child("close_eof").boolean(false);
    in.close_timeout = n.child("close_timeout").duration(milliseconds(0));
    // Filebeat's log input refuses what would forget the state of a file it still reads.
    in.clean_inactive = n.child("clean_inactive").duration(milliseconds(0));
    if (in.clean_inactive.count() > 0 && in.ignore_older.count() == 0)
      n.child("clean_inactive").fail("ignore_older must be enabled when clean_inactive is used");
    if (in.clean_inactive.count() > 0 && in.clean_inactive <= in.ignore_older + in.scan_frequency)
      n.child("clean_inactive")
          .fail(
              "clean_inactive must be > ignore_older + scan_frequency to make sure only files which are not "
              "monitored anymore are removed");
    in.max_bytes = n.child("max_bytes").bytes(10 * 1024 * 1024);
    parseMultiline(n.child("multiline"), in.multiline);
    parseJsonLogInput(n.child("json"), in.json);
    // Filebeat's log harvester: JSON reader, StripNewline, then multiline.
    in.json.before_multiline = in.json.enabled && in.multiline.enabled;
    in.json.strip_message_newline = in.json.enabled;
  } else {
    const Node scanner = n.child("prospector").child("scanner");
    in.exclude_files = regexList(n.child("exclude_files"));
    for (auto& e : regexList(scanner.child("exclude_files"))) in.exclude_files.push_back(e);
    in.scan_frequency = scanner.child("check_interval").duration(milliseconds(10000));
    const Node state = n.child("close").child("on_state_change");
    in.close_inactive = state.child("inactive").duration(milliseconds(300000));
    in.close_renamed = state.child("renamed").boolean(false);
    in.close_removed = state.child("removed").boolean(true);
    // filestream's clean_inactive: -1 (or any negative value) turns it off; not checked against
    // ignore_older, as filestream does not either.
    const Node clean = n.child("clean_inactive");
    const bool clean_off = clean.exists() && clean.str().rfind('-', 0) == 0;
    in.clean_inactive = clean_off ? milliseconds(0) : clean.duration(milliseconds(0));
    const Node reader = n.child("close").child("reader");
    in.close_eof = reader.child("on_eof").boolean(false);
    in.close_timeout = reader.child("after_interval").duration(milliseconds(0));
    in.max_bytes = n.child("message_max_bytes").bytes(10 * 1024 * 1024);
    const auto parsers = n.child("parsers").items();
    bool ndjson_seen = false;
    for (size_t i = 0; i < parsers.size(); ++i) {
      for (const auto& [name, body] : parsers[i].entries()) {
        if (name == "container") {
          parseContainerParser(body, i, in);
        } else if (name == "ndjson") {
          parseNdjson(body, in.json);
          ndjson_seen = true;
        } else if (name == "multiline") {
          parseMultiline(body, in.multiline);
          in.json.before_multiline = ndjson_seen;  // decode each line, then join the decoded messages
        } else {
          body.markSubtreeUsed();
          warnings.push_back(body.path() + ": parser \"" + name + "\" is not supported and is skipped");
        }
      }
    }
  }
  if (in.max_bytes == 0) n.child("max_bytes").fail("must be greater than 0");
  return in;
}

GeneralFields parseGeneralFields(const Node& root) {
  GeneralFields general;
  const bool under_root = root.child("fields_under_root").boolean(false);
  if (root.child("fields").exists()) {
    if (!root.child("fields").isMap()) root.child("fields").fail("expected a map");
    flattenYaml(root.child("fields"), under_root ? "" : "fields", general.fields);
  }
  general.tags = root.child("tags").strings();
  return general;
}

}  // namespace

InputConfig parseInputConfig(const Node& item, std::vector<std::string>& warnings, bool legacy) {
  return parseInput(item, warnings, legacy);
}

void flattenYaml(const Node& node, const std::string& prefix, std::vector<std::pair<std::string, std::string>>& out) {
  for (const auto& [key, child] : node.entries()) {
    const std::string full = prefix.empty() ? key : prefix + "." + key;
    if (child.isMap()) {
      flattenYaml(child, full, out);
    } else {
      std::string raw;
      if (child.isScalar()) {
        // Expand ${VAR} through the config layer, keep numbers/booleans as JSON literals.
        appendScalarJson(child.str(), child.yaml().Tag() != "!", raw);
      } else {
        child.markSubtreeUsed();
        yamlToJson(child.yaml(), raw);
      }
      out.emplace_back(full, raw);
    }
  }
}

TailConfig parseTailConfig(config::Document& doc, const std::string& path_home) {
  TailConfig c;
  c.config_file = doc.file();
  Node root = doc.root();
  const Node fb = root.child("filebeat");
  for (const auto& item : fb.child("inputs").items()) {
    InputConfig in = parseInput(item, c.warnings);
    if (in.enabled) c.inputs.push_back(std::move(in));
  }
  if (fb.child("prospectors").exists()) {
    c.warnings.push_back("filebeat.prospectors: deprecated since Filebeat 6.3, read as filebeat.inputs");
    for (const auto& item : fb.child("prospectors").items()) {
      InputConfig in = parseInput(item, c.warnings, true);
      if (in.enabled) c.inputs.push_back(std::move(in));
    }
  }
  c.general = parseGeneralFields(root);
  applyGeneralFields(c.general, c.inputs);
  parseExternalConfig(root, c);  // filebeat.config.*, filebeat.autodiscover (config_inputs.cpp)
  if (root.child("processors").exists()) c.processors = parseProcessors(root.child("processors"), c.warnings);
  c.shutdown_timeout = fb.child("shutdown_timeout").duration(milliseconds(5000));
  c.registry_flush = fb.child("registry").child("flush").duration(milliseconds(1000));
  c.filebeat_registry_path = fb.child("registry").child("path").str("registry");
  for (const std::string& legacy : {fb.child("registry").child("migrate_file").str(), fb.child("registry_file").str(),
                                    root.child("registry_file").str()}) {
    if (c.filebeat_registry_file.empty()) c.filebeat_registry_file = legacy;
  }

  const Node out = root.child("output");
  if (out.child("kafka").exists()) parseKafkaOutput(out.child("kafka"), c.kafka);
  if (out.child("console").exists()) {
    c.console.enabled = out.child("console").child("enabled").boolean(true);
    OutputCodec defaults;
    defaults.pretty = out.child("console").child("pretty").boolean(false);
    c.console.codec = parseOutputCodec(out.child("console").child("codec"), defaults);
  }
  if (c.kafka.enabled == c.console.enabled) {
    out.fail(c.kafka.enabled ? "only one output may be enabled (kafka and console are both enabled)"
                             : "no output configured: set output.kafka or output.console");
  }

  const Node path = root.child("path");
  const std::string home = path.child("home").str(path_home);
  c.path_data = path.child("data").str(home + "/data");
  path.child("config").str();  // its effect: ${path.config} references resolve to it
  c.logging = parseLoggingConfig(root.child("logging"), path.child("logs").str(home + "/logs"));
  const Node http = root.child("http");
  c.http.enabled = http.child("enabled").boolean(false);
  c.http.host = http.child("host").str("localhost");
  c.http.port = static_cast<int>(http.child("port").integer(5066));
  c.queue_events = static_cast<int>(root.child("queue").child("mem").child("events").integer(4096));
  root.child("queue").child("mem").child("flush").noEffect(
      "librdkafka batches per partition: linger.ms (bulk_flush_frequency) and batch.num.messages (bulk_max_size)");
  if (c.queue_events < 1) root.child("queue").child("mem").child("events").fail("must be positive");
  c.queue_bytes = root.child("queue").child("mem").child("bytes").bytes(c.queue_bytes);
  if (c.queue_bytes < 1) root.child("queue").child("mem").child("bytes").fail("must be positive");
  c.unhealthy_after = root.child("logship").child("unhealthy_after").duration(milliseconds(30000));
  c.name = root.child("name").str();
  // libbeat settings for what logship-tail does not have: named by --check with the reason.
  root.child("setup").noEffect("there is no Elasticsearch or Kibana to set up for a Kafka output");
  root.child("monitoring").noEffect("metrics are served by http.* (/metrics) and summed up in the log");
  root.child("max_procs").noEffect("one loop thread reads and encodes; librdkafka has its own threads");

  // Looked at without reading them (that is the business of whoever supports them).
  // (yaml-cpp: a missing key gives a node on which only IsDefined() may be asked.)
  const YAML::Node& fb_yaml = fb.yaml();
  const auto defined_map = [](const YAML::Node& n) { return n.IsDefined() && n.IsMap(); };
  const bool inputs_elsewhere =
      defined_map(fb_yaml) && (fb_yaml["autodiscover"].IsDefined() ||
                               (defined_map(fb_yaml["config"]) && fb_yaml["config"]["inputs"].IsDefined()));
  for (auto& w : topicFieldWarnings(c, inputs_elsewhere)) c.warnings.push_back(std::move(w));
  for (const auto& key : doc.noEffectKeys()) c.warnings.push_back(key);
  for (const auto& key : doc.unknownKeys()) c.warnings.push_back(key + ": not supported by logship-tail, ignored");
  return c;
}

namespace {

std::unique_ptr<config::Document> loadDocument(const LoadArgs& args, std::string& home) {
  config::LoadOptions opts;
  opts.split_dotted_keys = true;
  opts.overrides = args.overrides;
  home = args.path_home.empty() ? std::filesystem::current_path().string() : args.path_home;
  std::string cfg_dir =
      !args.path_config.empty() ? args.path_config : std::filesystem::absolute(args.file).parent_path().string();
  opts.builtins = {
      {"path.home", home}, {"path.config", cfg_dir}, {"path.data", home + "/data"}, {"path.logs", home + "/logs"}};
  std::vector<std::string> files{args.file};
  files.insert(files.end(), args.more_files.begin(), args.more_files.end());
  return config::Document::loadFiles(files, opts);
}

// Secrets never leave the process (issue 14 overrides Filebeat, which prints them): the values
// of these keys are masked as libbeat masks them in its debug dump, an inline PEM key as well (a
// path to a key file stays).
bool isSecret(const std::string& key, const std::string& value) {
  static const std::set<std::string> kSecretKeys{"password", "passphrase", "key_passphrase", "pass", "api_key"};
  std::string lower = key.substr(key.rfind('.') == std::string::npos ? 0 : key.rfind('.') + 1);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (kSecretKeys.count(lower)) return true;
  return lower == "key" && value.find("PRIVATE KEY") != std::string::npos;
}

// Every scalar read through the config layer, so ${VAR} references are expanded (or fail) as
// when the daemon reads them.
YAML::Node resolved(const Node& n) {
  if (n.isMap()) {
    YAML::Node out(YAML::NodeType::Map);
    for (const auto& [key, child] : n.entries()) {
      YAML::Node value = resolved(child);  // expanded first: an unset ${VAR} fails as at load
      const bool secret = value.IsScalar() && !value.Scalar().empty() && isSecret(key, value.Scalar());
      out[key] = secret ? YAML::Node("xxxxx") : value;
    }
    return out;
  }
  if (n.isSequence()) {
    YAML::Node out(YAML::NodeType::Sequence);
    for (const auto& item : n.items()) out.push_back(resolved(item));
    return out;
  }
  if (!n.exists()) return YAML::Node(YAML::NodeType::Null);
  // An autodiscover template's ${data.*} is resolved per container, later: shown as written.
  if (n.yaml().Scalar().find("${data.") != std::string::npos) {
    n.markSubtreeUsed();
    return YAML::Node(n.yaml().Scalar());
  }
  return YAML::Node(n.str());
}

}  // namespace

TailConfig loadTailConfig(const LoadArgs& args) {
  std::string home;
  auto doc = loadDocument(args, home);
  TailConfig c = parseTailConfig(*doc, home);
  loadExternalInputs(args, home, c);  // filebeat.config.inputs files (config_inputs.cpp)
  return c;
}

std::string exportTailConfig(const LoadArgs& args) {
  std::string home;
  auto doc = loadDocument(args, home);
  YAML::Emitter out;
  out << resolved(doc->root());
  return std::string(out.c_str()) + "\n";
}

}  // namespace logship::tail
