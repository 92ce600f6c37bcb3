#include "logship/tail/tail_config.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <functional>

#include <librdkafka/rdkafkacpp.h>
#include <re2/re2.h>

#include "logship/common/json.h"
#include "logship/tail/container_config.h"
#include "logship/tail/format_string.h"
#include "logship/tail/processors.h"

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

// A format string (`%{[fields.log_topic]}`) is compiled here, so a malformed one is reported at
// its key instead of escaping as an exception when the output is built.
std::string formatString(const Node& n) {
  std::string text = n.str();
  try {
    FormatString compiled(text);
  } catch (const std::invalid_argument& e) {
    n.fail(std::string(e.what()) + ": \"" + text + "\"");
  }
  return text;
}

// librdkafka checks names and values itself; asking it per key names the key that is wrong.
void checkKafkaProperty(const Node& n, const std::string& name, const std::string& value) {
  if (auto err = kafka::checkProperty(name, value)) n.fail("librdkafka rejects " + name + ": " + *err);
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
  // Refused rather than ignored: with it Filebeat nests `a.b` keys, without it they stay flat, so
  // accepting it would change where fields land without saying so.
  if (n.child("expand_keys").boolean(false))
    n.child("expand_keys").fail("expand_keys: true is not supported yet (decoded keys keep their dots)");
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
    in.max_bytes = n.child("max_bytes").bytes(10 * 1024 * 1024);
    parseMultiline(n.child("multiline"), in.multiline);
    parseJsonLogInput(n.child("json"), in.json);
  } else {
    const Node scanner = n.child("prospector").child("scanner");
    in.exclude_files = regexList(n.child("exclude_files"));
    for (auto& e : regexList(scanner.child("exclude_files"))) in.exclude_files.push_back(e);
    in.scan_frequency = scanner.child("check_interval").duration(milliseconds(10000));
    const Node state = n.child("close").child("on_state_change");
    in.close_inactive = state.child("inactive").duration(milliseconds(300000));
    in.close_renamed = state.child("renamed").boolean(false);
    in.close_removed = state.child("removed").boolean(true);
    in.max_bytes = n.child("message_max_bytes").bytes(10 * 1024 * 1024);
    const auto parsers = n.child("parsers").items();
    for (size_t i = 0; i < parsers.size(); ++i) {
      for (const auto& [name, body] : parsers[i].entries()) {
        if (name == "container") {
          parseContainerParser(body, i, in);
        } else if (name == "ndjson") {
          parseNdjson(body, in.json);
        } else if (name == "multiline") {
          parseMultiline(body, in.multiline);
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

std::shared_ptr<const Condition> parseWhen(const Node& n) { return n.exists() ? Condition::parse(n) : nullptr; }

// Filebeat's partition.<strategy> (libbeat/outputs/kafka/partition.go): exactly one strategy; an
// empty map is the default (hash); keys Filebeat does not read under a strategy are warnings.
void parsePartition(const Node& part, KafkaOutputConfig& k) {
  if (!part.exists()) return;
  if (!part.isMap()) part.fail("expected one of hash, random, round_robin with its settings");
  const auto entries = part.entries();
  if (entries.empty()) return;
  if (entries.size() > 1) part.fail("expected exactly one of hash, random, round_robin");
  const auto& [name, body] = entries[0];
  if (body.exists() && !body.isMap()) body.fail("expected a map (reachable_only, ...)");
  using Strategy = kafka::PartitionConfig::Strategy;
  auto& p = k.partition;
  if (name == "hash") {
    p.strategy = Strategy::kHash;
    k.partition_hash_fields = body.child("hash").strings();
    for (const auto& item : body.child("hash").items()) {
      if (item.str().empty()) item.fail("empty field name");
    }
    k.partition_hash_random = body.child("random").boolean(true);
    p.hash_from_message = !k.partition_hash_fields.empty();
  } else if (name == "random" || name == "round_robin") {
    p.strategy = name == "random" ? Strategy::kRandom : Strategy::kRoundRobin;
    const int64_t group = body.child("group_events").integer(1);
    if (group < 1) body.child("group_events").fail("must be at least 1");
    if (group > UINT32_MAX) body.child("group_events").fail("too large");
    p.group_events = static_cast<uint32_t>(group);
  } else {
    body.fail("unknown partitioner \"" + name + "\" (hash, random, round_robin)");
  }
  p.reachable_only = body.child("reachable_only").boolean(false);
}

// The Filebeat (sarama) knobs people set, mapped to librdkafka's equivalents (docs/tail.md has the
// table); the ones librdkafka has no equivalent for are accepted without effect.
void parseKafkaTuning(const Node& n, KafkaOutputConfig& k, kafka::ProducerSettings& s,
                      std::map<std::string, Node>& from) {
  auto ms = [](const Node& node) -> std::optional<int64_t> {
    if (!node.exists()) return std::nullopt;
    return node.duration(milliseconds(0)).count();
  };
  // broker_timeout is the broker's wait for acks; without it that wait stays `timeout`'s value as
  // before (Filebeat's default would be 10s); `timeout` set also bounds every network request.
  s.request_timeout_ms = ms(n.child("broker_timeout")).value_or(k.timeout.count());
  from.emplace("request_timeout_ms",
               n.child("broker_timeout").exists() ? n.child("broker_timeout") : n.child("timeout"));
  s.socket_timeout_ms = ms(n.child("timeout"));
  from.emplace("socket_timeout_ms", n.child("timeout"));
  s.socket_keepalive = n.child("keep_alive").duration(milliseconds(0)).count() > 0;
  from.emplace("socket_keepalive", n.child("keep_alive"));
  const Node backoff = n.child("backoff");
  k.retry_backoff = backoff.child("init").duration(milliseconds(1000));
  if (backoff.child("init").exists()) s.retry_backoff_ms = std::max<int64_t>(1, k.retry_backoff.count());
  from.emplace("retry_backoff_ms", backoff.child("init"));
  s.reconnect_backoff_max_ms = ms(backoff.child("max"));
  from.emplace("reconnect_backoff_max_ms", backoff.child("max"));
  const Node metadata = n.child("metadata");
  s.metadata_refresh_ms = ms(metadata.child("refresh_frequency"));
  from.emplace("metadata_refresh_ms", metadata.child("refresh_frequency"));
  metadata.child("retry").child("max").integer(3);
  metadata.child("retry").noEffect("librdkafka retries metadata requests on its own schedule");
  if (metadata.child("full").boolean(false))
    metadata.child("full").noEffect("librdkafka asks only for the topics it produces to");
  n.child("channel_buffer_size").integer(256);
  n.child("channel_buffer_size")
      .noEffect("librdkafka buffers per partition; queue.mem.events bounds what is in flight");
  if (n.child("max_retries").integer(3) != -1)
    n.child("max_retries").noEffect("a retriable event is sent again until delivered (at-least-once), as with -1");
}

// Filebeat's output codec: `codec.json` (pretty, escape_html) or `codec.format` (string). Returns
// codec.json.pretty; what logship cannot produce is refused, never sent differently.
bool parseCodec(const Node& codec) {
  if (!codec.exists()) return false;
  if (!codec.isMap()) codec.fail("expected json or format");
  const auto entries = codec.entries();
  if (entries.size() != 1) codec.fail("expected exactly one of json, format");
  const auto& [name, body] = entries[0];
  if (name == "format") body.fail("codec.format is not supported yet: logship-tail sends events as JSON");
  if (name != "json") body.fail("unknown codec \"" + name + "\" (json, format)");
  if (body.exists() && !body.isMap()) body.fail("expected a map (pretty, escape_html)");
  if (body.child("escape_html").boolean(false))
    body.child("escape_html").fail("escape_html: true is not supported (<, > and & are written as they are)");
  return body.child("pretty").boolean(false);
}

void parseKafka(const Node& n, KafkaOutputConfig& k) {
  k.enabled = n.child("enabled").boolean(true);
  if (!k.enabled) {
    n.markSubtreeUsed();
    return;
  }
  k.hosts = n.child("hosts").strings();
  if (k.hosts.empty()) n.child("hosts").fail("output.kafka needs at least one host");
  for (const auto& item : n.child("hosts").items()) {
    if (item.str().empty()) item.fail("empty host (an unset ${VAR}?); expected host:port");
  }
  k.topic = formatString(n.child("topic"));
  for (const auto& rule : n.child("topics").items()) {
    TopicRule r;
    r.topic = formatString(rule.child("topic"));
    if (r.topic.empty()) rule.child("topic").fail("a topics rule needs a topic");
    r.when = parseWhen(rule.child("when"));
    k.topics.push_back(std::move(r));
  }
  if (k.topic.empty() && k.topics.empty()) n.child("topic").fail("output.kafka.topic is required");
  k.key = formatString(n.child("key"));
  parsePartition(n.child("partition"), k);
  const int64_t required_acks = n.child("required_acks").integer(1);
  if (required_acks < -1 || required_acks > 1) n.child("required_acks").fail("expected -1, 0 or 1");
  const auto compression = n.child("compression").oneOf({"none", "gzip", "snappy", "lz4", "zstd"}, "gzip");
  const int64_t compression_level = n.child("compression_level").integer(-1);
  if (compression_level < -1 || compression_level > 12) n.child("compression_level").fail("expected -1 to 12");
  k.max_message_bytes = n.child("max_message_bytes").bytes(1000000);
  const int64_t bulk_max_size = n.child("bulk_max_size").integer(2048);
  const auto bulk_flush_frequency = n.child("bulk_flush_frequency").duration(milliseconds(0));
  const auto client_id = n.child("client_id").str("beats");
  k.timeout = n.child("timeout").duration(milliseconds(30000));
  n.child("version").str();
  n.child("version").noEffect("librdkafka negotiates the protocol version with each broker");
  if (n.child("worker").integer(1) < 1) n.child("worker").fail("must be at least 1");
  n.child("worker").noEffect("one librdkafka producer already keeps a connection to every broker");
  k.pretty = parseCodec(n.child("codec"));

  // The settings, and for each the key it was read from; kafka/ maps them to librdkafka properties.
  kafka::ProducerSettings s;
  std::map<std::string, Node> from;
  s.brokers = k.hosts;
  from.emplace("brokers", n.child("hosts"));
  s.client_id = client_id;
  from.emplace("client_id", n.child("client_id"));
  s.acks = static_cast<int>(required_acks);
  from.emplace("acks", n.child("required_acks"));
  s.compression = compression;
  from.emplace("compression", n.child("compression"));
  s.compression_level = static_cast<int>(compression_level);
  from.emplace("compression_level", n.child("compression_level"));
  s.message_max_bytes = k.max_message_bytes;
  from.emplace("message_max_bytes", n.child("max_message_bytes"));
  s.batch_num_messages = bulk_max_size;
  from.emplace("batch_num_messages", n.child("bulk_max_size"));
  s.linger_ms = bulk_flush_frequency.count() > 0 ? bulk_flush_frequency.count() : 5;
  from.emplace("linger_ms", n.child("bulk_flush_frequency"));
  parseKafkaTuning(n, k, s, from);
  const Node user = n.child("username");
  if (user.exists()) {
    kafka::SaslSettings sasl;
    sasl.username = user.str();
    sasl.password = n.child("password").str();
    sasl.mechanism = n.child("sasl").child("mechanism").oneOf({"plain", "scram-sha-256", "scram-sha-512"}, "plain");
    for (auto& c : sasl.mechanism) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    s.sasl = std::move(sasl);
    from.emplace("sasl.username", user);
    from.emplace("sasl.password", n.child("password"));
  }
  const Node ssl = n.child("ssl");
  if (ssl.exists() && ssl.child("enabled").boolean(true)) {
    kafka::TlsSettings tls;
    const auto cas = ssl.child("certificate_authorities").strings();
    // librdkafka verifies against one CA file: a second one would be silently ignored.
    if (cas.size() > 1)
      ssl.child("certificate_authorities")
          .fail("logship-tail reads one CA file; concatenate the certificates into one PEM file");
    if (!cas.empty()) tls.ca_location = cas.front();
    from.emplace("tls.ca_location", ssl.child("certificate_authorities"));
    auto optional = [&](const char* key, std::optional<std::string>& out, const char* setting) {
      if (ssl.child(key).exists()) out = ssl.child(key).str();
      from.emplace(setting, ssl.child(key));
    };
    optional("certificate", tls.certificate_location, "tls.certificate_location");
    optional("key", tls.key_location, "tls.key_location");
    optional("key_passphrase", tls.key_password, "tls.key_password");
    const std::string mode = ssl.child("verification_mode").oneOf({"full", "strict", "certificate", "none"}, "full");
    // Filebeat's `certificate` checks the chain but not the host name.
    tls.verify = mode == "none"          ? kafka::TlsSettings::Verify::kNone
                 : mode == "certificate" ? kafka::TlsSettings::Verify::kCertificate
                                         : kafka::TlsSettings::Verify::kFull;
    s.tls = std::move(tls);
  }
  // Pass-through for any other librdkafka property (logship extension).
  // Dotted keys were split into maps on load: join them back into librdkafka property names.
  std::map<std::string, Node> passthrough_from;
  std::function<void(const Node&, const std::string&)> passThrough = [&](const Node& node, const std::string& prefix) {
    for (const auto& [key, value] : node.entries()) {
      const std::string name = prefix.empty() ? key : prefix + "." + key;
      if (value.isMap()) {
        passThrough(value, name);
      } else {
        s.passthrough.emplace_back(name, value.str());
        passthrough_from.emplace(name, value);
      }
    }
  };
  passThrough(n.child("librdkafka"), "");
  const auto properties = kafka::producerProperties(s);
  for (const auto& p : properties) {
    if (p.setting.empty()) continue;  // derived from checked settings
    const auto& nodes = p.setting == "passthrough" ? passthrough_from : from;
    checkKafkaProperty(nodes.at(p.setting == "passthrough" ? p.name : p.setting), p.name, p.value);
  }
  k.properties = kafka::toMap(properties);
}

// The general `fields`, `fields_under_root` and `tags` (top level of filebeat.yml) go into every
// event, as libbeat adds them: an input's own field of the same name wins; tags are appended.
void applyGeneralFields(const Node& root, std::vector<InputConfig>& inputs) {
  std::vector<std::pair<std::string, std::string>> fields;
  const bool under_root = root.child("fields_under_root").boolean(false);
  if (root.child("fields").exists()) {
    if (!root.child("fields").isMap()) root.child("fields").fail("expected a map");
    flattenYaml(root.child("fields"), under_root ? "" : "fields", fields);
  }
  const auto tags = root.child("tags").strings();
  for (auto& in : inputs) {
    for (const auto& f : fields) {
      const bool own =
          std::any_of(in.fields.begin(), in.fields.end(), [&](const auto& g) { return g.first == f.first; });
      if (!own) in.fields.push_back(f);
    }
    for (const auto& t : tags) {
      if (std::find(in.tags.begin(), in.tags.end(), t) == in.tags.end()) in.tags.push_back(t);
    }
  }
}

}  // namespace

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
  applyGeneralFields(root, c.inputs);
  if (root.child("processors").exists()) c.processors = parseProcessors(root.child("processors"), c.warnings);
  c.shutdown_timeout = fb.child("shutdown_timeout").duration(milliseconds(5000));
  c.registry_flush = fb.child("registry").child("flush").duration(milliseconds(1000));
  c.filebeat_registry_path = fb.child("registry").child("path").str("registry");
  for (const std::string& legacy : {fb.child("registry").child("migrate_file").str(), fb.child("registry_file").str(),
                                    root.child("registry_file").str()}) {
    if (c.filebeat_registry_file.empty()) c.filebeat_registry_file = legacy;
  }

  const Node out = root.child("output");
  if (out.child("kafka").exists()) parseKafka(out.child("kafka"), c.kafka);
  if (out.child("console").exists()) {
    c.console.enabled = out.child("console").child("enabled").boolean(true);
    c.console.pretty = out.child("console").child("pretty").boolean(false);
    if (parseCodec(out.child("console").child("codec"))) c.console.pretty = true;
  }
  if (c.kafka.enabled == c.console.enabled) {
    out.fail(c.kafka.enabled ? "only one output may be enabled (kafka and console are both enabled)"
                             : "no output configured: set output.kafka or output.console");
  }

  const Node path = root.child("path");
  const std::string home = path.child("home").str(path_home);
  c.path_data = path.child("data").str(home + "/data");
  path.child("config").str();  // its effect: ${path.config} references resolve to it
  path.child("logs").noEffect("logship-tail logs to stderr");
  c.logging_level =
      root.child("logging").child("level").oneOf({"debug", "info", "warning", "warn", "error", "critical"}, "info");
  c.logging_json = root.child("logging").child("json").boolean(false);
  const Node http = root.child("http");
  c.http.enabled = http.child("enabled").boolean(false);
  c.http.host = http.child("host").str("localhost");
  c.http.port = static_cast<int>(http.child("port").integer(5066));
  c.queue_events = static_cast<int>(root.child("queue").child("mem").child("events").integer(4096));
  root.child("queue").child("mem").child("flush").noEffect(
      "librdkafka batches per partition: linger.ms (bulk_flush_frequency) and batch.num.messages (bulk_max_size)");
  if (c.queue_events < 1) root.child("queue").child("mem").child("events").fail("must be positive");
  c.unhealthy_after = root.child("logship").child("unhealthy_after").duration(milliseconds(30000));
  c.name = root.child("name").str();

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
  return config::Document::loadFile(args.file, opts);
}

// Every scalar read through the config layer, so ${VAR} references are expanded (or fail) as
// when the daemon reads them.
YAML::Node resolved(const Node& n) {
  if (n.isMap()) {
    YAML::Node out(YAML::NodeType::Map);
    for (const auto& [key, child] : n.entries()) out[key] = resolved(child);
    return out;
  }
  if (n.isSequence()) {
    YAML::Node out(YAML::NodeType::Sequence);
    for (const auto& item : n.items()) out.push_back(resolved(item));
    return out;
  }
  if (!n.exists()) return YAML::Node(YAML::NodeType::Null);
  return YAML::Node(n.str());
}

}  // namespace

TailConfig loadTailConfig(const LoadArgs& args) {
  std::string home;
  auto doc = loadDocument(args, home);
  return parseTailConfig(*doc, home);
}

std::string exportTailConfig(const LoadArgs& args) {
  std::string home;
  auto doc = loadDocument(args, home);
  YAML::Emitter out;
  out << resolved(doc->root());
  return std::string(out.c_str()) + "\n";
}

}  // namespace logship::tail
