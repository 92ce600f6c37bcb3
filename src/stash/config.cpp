#include "logship/stash/config.h"

#include <cctype>
#include <cstdlib>
#include <fstream>

#include <date/tz.h>
#include <re2/re2.h>

#include "logship/common/logging.h"
#include "logship/es/es_client.h"

namespace logship::stash {
namespace {

std::string lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

using config::Node;

// go-zero fails when a key without `optional` or `default` is missing.
Node required(const Node& parent, std::string_view key) {
  Node n = parent.child(key);
  if (!n.exists()) parent.fail("required key " + std::string(key) + " is missing");
  return n;
}

std::vector<std::string> nonEmptyStrings(const Node& n) {
  std::vector<std::string> out;
  for (auto& s : n.strings())
    if (!s.empty()) out.push_back(s);
  return out;
}

Condition parseCondition(const Node& n) {
  Condition c;
  c.key = required(n, "Key").str();
  c.value = required(n, "Value").str();
  c.type = n.child("Type").oneOf({"match", "contains", "regex"}, "match");
  c.op = n.child("Op").oneOf({"and", "or"}, "and");
  if (c.type == "regex") {
    RE2 re(c.value, RE2::Quiet);
    if (!re.ok()) n.child("Value").fail("invalid RE2 regular expression: " + re.error());
  }
  return c;
}

FilterConfig parseFilter(const Node& n) {
  FilterConfig f;
  f.action = required(n, "Action").oneOf({"drop", "remove_field", "transfer"}, "");
  for (const auto& c : n.child("Conditions").items()) f.conditions.push_back(parseCondition(c));
  f.fields = n.child("Fields").strings();
  f.field = n.child("Field").str();
  f.target = n.child("Target").str();
  if (f.action == "transfer" && f.field.empty()) required(n, "Field");
  return f;
}

PrometheusConfig parsePrometheus(const Node& n) {
  PrometheusConfig p;
  if (!n.exists()) return p;
  p.host = n.child("Host").str("127.0.0.1");
  p.port = static_cast<int>(n.child("Port").integer(0));
  p.path = n.child("Path").str("/metrics");
  if (p.port < 0 || p.port > 65535) n.child("Port").fail("expected a port number");
  p.enabled = p.port > 0;
  return p;
}

// A PEM file the Kafka client will load: `--check` reports what librdkafka would only find when
// it connects.
std::string pemFile(const Node& key) {
  std::string path = key.str();
  if (!path.empty() && !std::ifstream(path).good()) key.fail("cannot read \"" + path + "\"");
  return path;
}

// TLS and SASL towards the brokers: go-queue's CaFile, and the extensions SCRAM and client
// certificates need. The chain and the broker's host name are always verified.
void parseKafkaTls(const Node& n, KafkaInputConfig& k) {
  k.ca_file = n.child("CaFile").str();
  if (!k.ca_file.empty())
    if (auto problem = es::checkCaFile(k.ca_file)) n.child("CaFile").fail(*problem);
  // Matched case-insensitively (as go-zero's options), passed to librdkafka in its spelling.
  k.mechanism = n.child("Mechanism").oneOf({"plain", "scram-sha-256", "scram-sha-512"}, "plain");
  for (auto& c : k.mechanism) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (n.child("Mechanism").exists() && k.username.empty()) n.child("Mechanism").fail("needs Username and Password");
  k.cert_file = pemFile(n.child("CertFile"));
  k.key_file = pemFile(n.child("KeyFile"));
  k.key_password = n.child("KeyPassword").str();
  if (k.cert_file.empty() != k.key_file.empty())
    n.child(k.cert_file.empty() ? "KeyFile" : "CertFile").fail("CertFile and KeyFile go together");
}

KafkaInputConfig parseKafka(const Node& n) {
  KafkaInputConfig k;
  k.name = n.child("Name").str();
  k.brokers = nonEmptyStrings(required(n, "Brokers"));
  if (k.brokers.empty()) n.child("Brokers").fail("at least one broker is required");
  k.group = required(n, "Group").str();
  k.topics = nonEmptyStrings(n.child("Topics"));
  for (auto& t : nonEmptyStrings(n.child("Topic"))) k.topics.push_back(t);
  k.topics_pattern = n.child("TopicsPattern").str();
  if (!k.topics_pattern.empty()) {
    RE2 re(k.topics_pattern, RE2::Quiet);
    if (!re.ok()) n.child("TopicsPattern").fail("invalid RE2 regular expression: " + re.error());
  }
  if (k.topics.empty() && k.topics_pattern.empty()) required(n, "Topics");
  k.offset = n.child("Offset").oneOf({"first", "last"}, "last");
  // go-stash's goroutine counts: logship-stash has one consumer and one writer per cluster.
  for (const char* key : {"Conns", "Consumers", "Processors"}) {
    if (n.child(key).integer(1) < 1) n.child(key).fail("must be at least 1");
    n.child(key).noEffect("one consumer per cluster; throughput comes from MaxInFlight bulk requests");
  }
  k.min_bytes = n.child("MinBytes").integer(10240);
  k.max_bytes = n.child("MaxBytes").integer(10485760);
  k.username = n.child("Username").str();
  k.password = n.child("Password").str();
  parseKafkaTls(n, k);
  for (const auto& [key, value] : n.child("Librdkafka").entries()) k.librdkafka[key] = value.str();
  k.commit_interval = n.child("CommitInterval").duration(k.commit_interval);
  k.topics_refresh = n.child("TopicsRefresh").duration(k.topics_refresh);
  // go-zero's service.ServiceConf keys: accepted; Prometheus and Log have an effect.
  k.prometheus = parsePrometheus(n.child("Prometheus"));
  const Node logn = n.child("Log");
  if (logn.exists()) {
    k.log_level = logn.child("Level").oneOf({"debug", "info", "error", "severe", "warn"}, "");
    k.log_encoding = logn.child("Encoding").oneOf({"json", "plain"}, "");
    for (const auto& [key, value] : logn.entries()) {
      const std::string name = lower(key);
      if (name != "level" && name != "encoding")
        value.noEffect("logship-stash logs to stderr; only Log.Level and Log.Encoding apply");
    }
  }
  n.child("Mode").oneOf({"dev", "test", "rt", "pre", "pro"}, "pro");
  n.child("Mode").noEffect("go-zero's service mode changes nothing in logship-stash");
  n.child("MetricsUrl").str();
  n.child("MetricsUrl").noEffect("metrics are served on Prometheus.Port, not pushed");
  n.child("Telemetry").noEffect("no tracing in logship-stash");
  n.child("DevServer").noEffect("the admin endpoint is Prometheus.Host/Port (/metrics, /healthz)");
  n.child("Shutdown").noEffect("the grace period is GracePeriod at the top level");
  return k;
}

EsOutputConfig parseEs(const Node& n) {
  EsOutputConfig e;
  e.hosts = nonEmptyStrings(required(n, "Hosts"));
  if (e.hosts.empty()) n.child("Hosts").fail("at least one host is required");
  for (const auto& item : n.child("Hosts").items()) {
    if (item.isScalar() && !item.str().empty())
      if (auto problem = es::checkHost(item.str())) item.fail(*problem + ": \"" + log::redactUrl(item.str()) + "\"");
  }
  e.index = required(n, "Index").str();
  if (e.index.empty()) n.child("Index").fail("must not be empty");
  e.doc_type = n.child("DocType").str("doc");
  e.time_zone = n.child("TimeZone").str();
  if (!e.time_zone.empty()) {
    try {
      date::locate_zone(e.time_zone);
    } catch (const std::exception&) {
      n.child("TimeZone").fail("unknown time zone \"" + e.time_zone + "\"");
    }
  }
  e.max_chunk_bytes = static_cast<int64_t>(n.child("MaxChunkBytes").bytes(15728640));
  if (e.max_chunk_bytes < 1024) n.child("MaxChunkBytes").fail("must be at least 1024");
  e.max_memory = static_cast<int64_t>(n.child("MaxMemory").bytes(0));
  if (n.child("MaxMemory").exists() && e.max_memory < 8 * 1024 * 1024)
    n.child("MaxMemory").fail("must be at least 8MiB");
  e.compress = n.child("Compress").boolean(false);
  e.username = n.child("Username").str();
  e.password = n.child("Password").str();
  e.api_key = n.child("ApiKey").str();
  e.flush_interval = n.child("FlushInterval").duration(e.flush_interval);
  e.max_in_flight = static_cast<int>(n.child("MaxInFlight").integer(4));
  if (e.max_in_flight < 1 || e.max_in_flight > 64) n.child("MaxInFlight").fail("must be between 1 and 64");
  e.request_timeout = n.child("Timeout").duration(e.request_timeout);
  e.backoff_initial = n.child("BackoffInitial").duration(e.backoff_initial);
  e.backoff_max = n.child("BackoffMax").duration(e.backoff_max);
  e.ca_file = n.child("CaFile").str();
  if (!e.ca_file.empty())
    if (auto problem = es::checkCaFile(e.ca_file)) n.child("CaFile").fail(*problem);
  e.tls_verify = n.child("TlsVerify").boolean(true);
  return e;
}

DeadLetterConfig parseDeadLetter(const Node& n, const std::string& cluster_name) {
  DeadLetterConfig d;
  d.file = n.child("File").str();
  d.topic = n.child("Topic").str();
  d.brokers = nonEmptyStrings(n.child("Brokers"));
  d.invalid_json = n.child("InvalidJson").oneOf({"dead_letter", "wrap"}, "dead_letter");
  if (d.file.empty() && d.topic.empty()) d.file = "logship-stash-dead-letter-" + cluster_name + ".ndjson";
  return d;
}

}  // namespace

StashConfig parseStashConfig(Node root) {
  StashConfig cfg;
  const auto clusters = required(root, "Clusters").items();
  if (clusters.empty()) root.child("Clusters").fail("at least one cluster is required");
  int index = 0;
  for (const auto& c : clusters) {
    ClusterConfig cluster;
    cluster.kafka = parseKafka(required(required(c, "Input"), "Kafka"));
    cluster.name = cluster.kafka.name.empty() ? "cluster-" + std::to_string(index) : cluster.kafka.name;
    for (const auto& f : c.child("Filters").items()) cluster.filters.push_back(parseFilter(f));
    cluster.es = parseEs(required(required(c, "Output"), "ElasticSearch"));
    cluster.dead_letter = parseDeadLetter(c.child("DeadLetter"), cluster.name);
    cfg.clusters.push_back(std::move(cluster));
    ++index;
  }
  cfg.grace_period = root.child("GracePeriod").duration(cfg.grace_period);
  cfg.unhealthy_after = root.child("UnhealthyAfter").duration(cfg.unhealthy_after);
  // One process, one metrics endpoint and one log setup: the first cluster that sets them wins.
  for (const auto& c : cfg.clusters) {
    if (!cfg.prometheus.enabled && c.kafka.prometheus.enabled) cfg.prometheus = c.kafka.prometheus;
    if (cfg.log_level.empty()) cfg.log_level = c.kafka.log_level;
    if (cfg.log_encoding.empty()) cfg.log_encoding = c.kafka.log_encoding;
  }
  return cfg;
}

LoadedConfig loadStashConfig(const std::string& file, const HostOverrides& overrides) {
  config::LoadOptions options;
  options.case_insensitive = true;
  auto doc = config::Document::loadFile(file, options);
  LoadedConfig out{parseStashConfig(doc->root()), doc->unknownKeys(), doc->noEffectKeys()};
  HostOverrides o = overrides;
  if (o.es_hosts.empty())
    if (const char* env = std::getenv("LOGSHIP_STASH_ES_HOSTS")) o.es_hosts = splitList(env);
  if (o.brokers.empty())
    if (const char* env = std::getenv("LOGSHIP_STASH_BROKERS")) o.brokers = splitList(env);
  for (auto& c : out.config.clusters) {
    if (!o.es_hosts.empty()) c.es.hosts = o.es_hosts;
    if (!o.brokers.empty()) c.kafka.brokers = o.brokers;
  }
  return out;
}

}  // namespace logship::stash
