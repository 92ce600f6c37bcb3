#include "logship/tail/kafka_output_config.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>

#include "logship/tail/format_string.h"

namespace logship::tail {
namespace {

using config::Node;

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

}  // namespace

void parseKafkaOutput(const Node& n, KafkaOutputConfig& k) {
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
  k.codec = parseOutputCodec(n.child("codec"));

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

}  // namespace logship::tail
