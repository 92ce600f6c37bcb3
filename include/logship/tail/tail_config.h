#pragma once
// filebeat.yml -> plain structs. Only this file knows Filebeat's key names; every stage gets the
// struct it needs. Defaults are Filebeat 8's (see docs/tail.md for the list and the differences).
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "logship/common/config.h"
#include "logship/kafka/client_config.h"
#include "logship/kafka/partitioner.h"
#include "logship/tail/condition.h"
#include "logship/tail/logging_config.h"
#include "logship/tail/output_codec.h"

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
  std::string message_key;   // the key that holds the text (multiline/filters apply to it)
  bool log_errors = true;    // !ignore_decoding_error: lines that are not JSON are logged
  bool expand_keys = false;  // dotted keys merge into objects; conflicts are decoding errors
  // Each line is decoded before multiline joins them (the log input always; filestream when
  // ndjson is listed before multiline): multiline sees the message_key text of each line.
  bool before_multiline = false;
  // The message_key text loses its trailing line ending (the log input's StripNewline after its
  // JSON reader; filestream strips the raw line before its parsers instead).
  bool strip_message_newline = false;
  std::string document_id;  // the decoded key moved to @metadata._id (a string value only)
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
  bool close_eof = false;         // close_eof / close.reader.on_eof: closed at every EOF
  milliseconds close_timeout{0};  // close_timeout / close.reader.after_interval: 0 off
  bool close_renamed = false;
  bool close_removed = true;
  bool clean_removed = true;
  milliseconds clean_inactive{0};  // 0: off; states of files unchanged this long are forgotten
  int harvester_limit = 0;         // 0: unlimited
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
  OutputCodec codec;
};

// filebeat.config.inputs: external files, each a YAML list of inputs (config_inputs.h loads them,
// inputs_reloader.h re-reads them while running).
struct ConfigInputsSettings {
  std::string path;  // glob; absolute once loadTailConfig resolved it against path.config. Empty: unset
  bool reload = false;
  milliseconds period{10000};
  bool legacy = false;                          // filebeat.config.prospectors: items use `input_type`
  std::map<std::string, std::string> builtins;  // ${path.*} values the files' references resolve to
  std::string modules_path;                     // filebeat.config.modules.path: refused when it finds an enabled module
  // Without reload, the files' inputs are all there is: the error when they hold none.
  std::shared_ptr<const config::ConfigError> empty_error;
};

// The top-level `fields`, `fields_under_root` and `tags`, added to every input's events.
struct GeneralFields {
  std::vector<std::pair<std::string, std::string>> fields;  // flattened as InputConfig::fields
  std::vector<std::string> tags;
};

struct ConsoleOutputConfig {
  bool enabled = false;
  OutputCodec codec;  // output.console.pretty is codec.json.pretty's default
};

struct HttpConfig {
  bool enabled = false;
  std::string host = "localhost";
  int port = 5066;
};

namespace autodiscover {
struct DockerProviderConfig;  // autodiscover/docker_provider.h
}

struct TailConfig {
  std::string config_file;
  std::vector<InputConfig> inputs;
  ConfigInputsSettings config_inputs;
  GeneralFields general;
  // filebeat.autodiscover.providers with `type: docker`, in order.
  std::vector<std::shared_ptr<const autodiscover::DockerProviderConfig>> autodiscover;
  // Set when no input can ever run (none enabled, no filebeat.config.inputs, no autodiscover
  // provider): the error start and `--check` throw (requireAnInput), made while the file's
  // positions are known. Null: something can run.
  std::shared_ptr<const config::ConfigError> nothing_to_read;
  std::vector<ProcessorConfig> processors;  // global
  KafkaOutputConfig kafka;
  ConsoleOutputConfig console;
  std::string path_data;
  LoggingConfig logging;
  HttpConfig http;
  int queue_events = 4096;              // queue.mem.events: bound on events in flight
  uint64_t queue_bytes = 64ull << 20;   // queue.mem.bytes: bound on their encoded bytes
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
  std::vector<std::string> overrides;        // -E
  std::string path_home;                     // default: directory of the binary's cwd
  std::string path_config;                   // --path.config; default: the config file's directory
  std::vector<std::string> more_files = {};  // further -c files, merged over `file` in order
};

// Throws config::ConfigError (file:line:col: key: message).
TailConfig loadTailConfig(const LoadArgs& args);
TailConfig parseTailConfig(config::Document& doc, const std::string& path_home);
// `export config`: the file as logship-tail reads it (after -E overrides, dotted keys split,
// ${VAR} references expanded), as YAML. Secrets are printed as they are, as Filebeat does.
std::string exportTailConfig(const LoadArgs& args);

// One item of filebeat.inputs (or, `legacy`, of filebeat.prospectors); also the items of the
// filebeat.config.inputs files. Throws config::ConfigError.
InputConfig parseInputConfig(const config::Node& item, std::vector<std::string>& warnings, bool legacy = false);

// Flattens a YAML map into (dotted key, raw JSON) pairs under `prefix` ("fields").
void flattenYaml(const config::Node& node, const std::string& prefix,
                 std::vector<std::pair<std::string, std::string>>& out);

}  // namespace logship::tail
