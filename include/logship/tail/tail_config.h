#pragma once
// filebeat.yml -> plain structs. Only this file knows Filebeat's key names; every stage gets the
// struct it needs. Defaults are Filebeat 8's (see docs/tail.md for the list and the differences).
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "logship/common/config.h"
#include "logship/kafka/client_config.h"
#include "logship/kafka/partitioner.h"
#include "logship/tail/condition.h"

namespace logship::tail {

using std::chrono::milliseconds;

struct MultilineConfig {
  bool enabled = false;
  std::string pattern;  // RE2
  bool negate = false;
  bool match_after = true;  // match: after (default) | before
  int max_lines = 500;
  milliseconds timeout{5000};
};

struct JsonConfig {
  bool enabled = false;
  bool keys_under_root = false;  // log input: json.keys_under_root; ndjson: target ""
  std::string target = "json";   // where decoded keys go when not under root
  bool overwrite_keys = false;
  bool add_error_key = false;
  std::string message_key;  // the key that holds the text (multiline/filters apply to it)
  bool log_errors = true;   // !ignore_decoding_error: lines that are not JSON are logged
};

// The container parser (Filebeat's docker-json reader: container/docker inputs, filestream's
// `parsers: [container]`); see container_parser.h.
struct ContainerConfig {
  enum class Format : uint8_t { kAuto, kDocker, kCri };
  enum class Stream : uint8_t { kAll, kStdout, kStderr };
  bool enabled = false;
  Format format = Format::kAuto;
  Stream stream = Stream::kAll;
  bool combine_partial = true;  // join Docker partial lines / CRI `P` parts
  bool cri_flags = true;        // CRI lines carry the P/F flags field
};

class Processor;

// One processor (processor.h): conditions are compiled once (condition.h), the processor's own
// settings are parsed by its component (src/tail/processors/<name>.cpp).
struct ProcessorConfig {
  std::shared_ptr<const Condition> when;       // null: always
  std::shared_ptr<const Processor> processor;  // never null
};

struct InputConfig {
  std::string type = "log";  // log | filestream | container | docker (input.type in events)
  std::string id;
  bool enabled = true;
  std::vector<std::string> paths;
  std::vector<std::string> exclude_files;  // RE2 on the path
  std::vector<std::string> include_lines;  // RE2
  std::vector<std::string> exclude_lines;  // RE2
  // fields as flattened (dotted key, raw JSON) pairs, prefix `fields.` unless fields_under_root.
  std::vector<std::pair<std::string, std::string>> fields;
  std::vector<std::string> tags;
  milliseconds ignore_older{0};  // 0: off
  bool tail_files = false;       // start at the end of files seen for the first time
  milliseconds scan_frequency{10000};
  milliseconds close_inactive{300000};
  bool close_renamed = false;
  bool close_removed = true;
  bool clean_removed = true;
  int harvester_limit = 0;  // 0: unlimited
  uint64_t max_bytes = 10 * 1024 * 1024;
  MultilineConfig multiline;
  JsonConfig json;
  ContainerConfig container;  // before multiline and JSON decoding
  std::vector<ProcessorConfig> processors;
};

struct TopicRule {
  std::string topic;  // format string
  std::shared_ptr<const Condition> when;
};

struct KafkaOutputConfig {
  bool enabled = false;
  std::vector<std::string> hosts;
  std::string topic;  // format string
  std::vector<TopicRule> topics;
  std::string key;  // format string, empty: no key
  // partition.{hash,random,round_robin} (Filebeat's partitioners; default hash). With
  // `hash.hash: [fields]` the event fields are hashed (partition.hash_from_message) instead of the key.
  kafka::PartitionConfig partition;
  std::vector<std::string> partition_hash_fields;  // partition.hash.hash
  bool partition_hash_random =
      true;  // partition.hash.random: unhashable fields -> random partition, else the event is dropped
  uint64_t max_message_bytes = 1000000;
  milliseconds timeout{30000};       // network requests (Filebeat `timeout` -> socket.timeout.ms)
  milliseconds retry_backoff{1000};  // before a retriable event is produced again (backoff.init)
  // Everything handed to librdkafka: hosts, client_id, required_acks, compression(_level),
  // bulk_max_size, bulk_flush_frequency, timeout, SASL/SSL and the librdkafka passthrough.
  kafka::Properties properties;
  bool pretty = false;  // codec.json.pretty
};

struct ConsoleOutputConfig {
  bool enabled = false;
  bool pretty = false;
};

struct HttpConfig {
  bool enabled = false;
  std::string host = "localhost";
  int port = 5066;
};

struct TailConfig {
  std::string config_file;
  std::vector<InputConfig> inputs;
  std::vector<ProcessorConfig> processors;  // global
  KafkaOutputConfig kafka;
  ConsoleOutputConfig console;
  std::string path_data;
  std::string logging_level = "info";
  bool logging_json = false;
  HttpConfig http;
  int queue_events = 4096;              // queue.mem.events: bound on events in flight
  milliseconds shutdown_timeout{5000};  // filebeat.shutdown_timeout (grace period)
  milliseconds registry_flush{1000};    // filebeat.registry.flush
  // Where Filebeat's registry is read from on a first start (filebeat_registry.h), relative to
  // path.data unless absolute: filebeat.registry.path (its directory) and the legacy file,
  // filebeat.registry.migrate_file / filebeat.registry_file / registry_file.
  std::string filebeat_registry_path = "registry";
  std::string filebeat_registry_file;
  milliseconds unhealthy_after{30000};  // logship extension: /healthz threshold
  std::string name;                     // agent.name / host.name override (`name`)
  std::vector<std::string> warnings;    // unknown keys and skipped processors
};

struct LoadArgs {
  std::string file;
  std::vector<std::string> overrides;  // -E
  std::string path_home;               // default: directory of the binary's cwd
  std::string path_config;             // --path.config; default: the config file's directory
};

// Throws config::ConfigError (file:line:col: key: message).
TailConfig loadTailConfig(const LoadArgs& args);
TailConfig parseTailConfig(config::Document& doc, const std::string& path_home);
// `export config`: the file as logship-tail reads it (after -E overrides, dotted keys split,
// ${VAR} references expanded), as YAML. Secrets are printed as they are, as Filebeat does.
std::string exportTailConfig(const LoadArgs& args);

// Flattens a YAML map into (dotted key, raw JSON) pairs under `prefix` ("fields").
void flattenYaml(const config::Node& node, const std::string& prefix,
                 std::vector<std::pair<std::string, std::string>>& out);

}  // namespace logship::tail
