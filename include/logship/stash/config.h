#pragma once
// go-stash's YAML (kevwan/go-stash stash/config/config.go) as structs, loaded with go-zero's rules:
// keys case-insensitive, the same defaults, required keys fail with one line naming file, line and
// key. Extensions (FlushInterval, MaxInFlight, DeadLetter, ApiKey, ...) are documented in
// docs/stash.md.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "logship/common/config.h"

namespace logship::stash {

struct Condition {
  std::string key;
  std::string value;
  std::string type = "match";  // match | contains | regex (extension)
  std::string op = "and";      // and | or
};

struct FilterConfig {
  std::string action;  // drop | remove_field | transfer
  std::vector<Condition> conditions;
  std::vector<std::string> fields;
  std::string field;
  std::string target;
};

struct PrometheusConfig {
  bool enabled = false;
  std::string host = "127.0.0.1";
  int port = 0;
  std::string path = "/metrics";
};

struct KafkaInputConfig {
  std::string name;
  std::vector<std::string> brokers;
  std::string group;
  std::vector<std::string> topics;
  std::string topics_pattern;
  std::string offset = "last";  // first | last
  int64_t min_bytes = 10240;
  int64_t max_bytes = 10485760;
  std::string username;
  std::string password;
  std::string ca_file;  // go-queue's CaFile: TLS to the brokers, verified against these CAs
  // Extensions.
  std::string mechanism = "PLAIN";                // SASL mechanism with Username: PLAIN, SCRAM-SHA-256, SCRAM-SHA-512
  std::string cert_file;                          // client certificate (mTLS), PEM
  std::string key_file;                           // its key, PEM
  std::string key_password;                       // when the key is encrypted
  std::map<std::string, std::string> librdkafka;  // passthrough properties
  std::chrono::milliseconds commit_interval{1000};
  std::chrono::milliseconds topics_refresh{30000};
  // go-zero ServiceConf (accepted under Input.Kafka).
  PrometheusConfig prometheus;
  std::string log_level;
  std::string log_encoding;
};

struct EsOutputConfig {
  std::vector<std::string> hosts;
  std::string index;
  std::string doc_type = "doc";
  std::string time_zone;  // empty: TZ / local zone
  int64_t max_chunk_bytes = 15728640;
  int64_t max_memory = 0;  // ext.: MaxMemory, the cluster's buffer budget (0: 3 x MaxChunkBytes)
  bool compress = false;
  std::string username;
  std::string password;
  // Extensions.
  std::string api_key;
  std::chrono::milliseconds flush_interval{500};
  int max_in_flight = 4;
  std::chrono::milliseconds request_timeout{60000};
  std::chrono::milliseconds backoff_initial{200};
  std::chrono::milliseconds backoff_max{30000};
  std::string ca_file;
  bool tls_verify = true;
};

struct DeadLetterConfig {
  std::string file;   // NDJSON file (default when nothing is configured)
  std::string topic;  // Kafka topic (uses DeadLetter.Brokers or the input's brokers)
  std::vector<std::string> brokers;
  std::string invalid_json = "dead_letter";  // dead_letter | wrap
};

struct ClusterConfig {
  std::string name;  // Input.Kafka.Name, else "cluster-<n>"
  KafkaInputConfig kafka;
  std::vector<FilterConfig> filters;
  EsOutputConfig es;
  DeadLetterConfig dead_letter;
};

struct StashConfig {
  std::vector<ClusterConfig> clusters;
  std::chrono::milliseconds grace_period{10000};
  std::chrono::milliseconds unhealthy_after{30000};  // extension: /healthz threshold
  PrometheusConfig prometheus;                       // the first cluster's (go-zero ServiceConf)
  std::string log_level;
  std::string log_encoding;
};

// Host overrides for local runs (`--es-hosts`, `--brokers`, or the environment variables
// LOGSHIP_STASH_ES_HOSTS / LOGSHIP_STASH_BROKERS), applied to every cluster.
struct HostOverrides {
  std::vector<std::string> es_hosts;
  std::vector<std::string> brokers;
};

// Reads everything from `root`; throws config::ConfigError.
StashConfig parseStashConfig(config::Node root);

struct LoadedConfig {
  StashConfig config;
  std::vector<std::string> unknown_keys;
  std::vector<std::string> no_effect_keys;  // "path: accepted, has no effect (why)"
};
// Loads a file (case-insensitive keys, `${VAR}` expansion) and applies the overrides.
LoadedConfig loadStashConfig(const std::string& file, const HostOverrides& overrides = {});

using config::splitList;

}  // namespace logship::stash
