#include "logship/kafka/client_config.h"

#include <algorithm>
#include <cctype>

#include "logship/common/error.h"
#include "logship/common/logging.h"

namespace logship::kafka {

namespace {
EventLogger g_event_logger;

std::string join(const std::vector<std::string>& v) {
  std::string out;
  for (const auto& s : v) out += (out.empty() ? "" : ",") + s;
  return out;
}

// Everything but the passthrough, which must come after the role's properties.
void addCommon(const ClientSettings& s, PropertyList& out) {
  out.push_back({"bootstrap.servers", join(s.brokers), "brokers"});
  if (!s.client_id.empty()) out.push_back({"client.id", s.client_id, "client_id"});
  if (s.sasl) {
    out.push_back({"sasl.username", s.sasl->username, "sasl.username"});
    out.push_back({"sasl.password", s.sasl->password, "sasl.password"});
    out.push_back({"sasl.mechanisms", s.sasl->mechanism, ""});
  }
  if (s.tls) {
    const TlsSettings& t = *s.tls;
    if (t.ca_location) out.push_back({"ssl.ca.location", *t.ca_location, "tls.ca_location"});
    if (t.certificate_location)
      out.push_back({"ssl.certificate.location", *t.certificate_location, "tls.certificate_location"});
    if (t.key_location) out.push_back({"ssl.key.location", *t.key_location, "tls.key_location"});
    if (t.key_password) out.push_back({"ssl.key.password", *t.key_password, "tls.key_password"});
    if (t.verify == TlsSettings::Verify::kNone) out.push_back({"enable.ssl.certificate.verification", "false", ""});
    if (t.verify == TlsSettings::Verify::kCertificate)
      out.push_back({"ssl.endpoint.identification.algorithm", "none", ""});
  }
  if (s.sasl || s.tls)
    out.push_back({"security.protocol", std::string(s.sasl ? "sasl_" : "") + (s.tls ? "ssl" : "plaintext"), ""});
}

void addPassthrough(const ClientSettings& s, PropertyList& out) {
  for (const auto& [name, value] : s.passthrough) out.push_back({name, value, "passthrough"});
}

}  // namespace

PropertyList clientProperties(const ClientSettings& s) {
  PropertyList out;
  addCommon(s, out);
  addPassthrough(s, out);
  return out;
}

PropertyList producerProperties(const ProducerSettings& s) {
  PropertyList out;
  addCommon(s, out);
  out.push_back({"acks", std::to_string(s.acks), "acks"});
  out.push_back({"compression.codec", s.compression, "compression"});
  if (s.compression_level >= 0)
    out.push_back({"compression.level", std::to_string(s.compression_level), "compression_level"});
  out.push_back(
      {"message.max.bytes", std::to_string(std::max<uint64_t>(s.message_max_bytes, 1000)), "message_max_bytes"});
  out.push_back(
      {"batch.num.messages", std::to_string(std::max<int64_t>(1, s.batch_num_messages)), "batch_num_messages"});
  out.push_back({"linger.ms", std::to_string(s.linger_ms), "linger_ms"});
  out.push_back({"request.timeout.ms", std::to_string(s.request_timeout_ms), "request_timeout_ms"});
  auto optional = [&out](const char* name, const std::optional<int64_t>& v, const char* setting) {
    if (v) out.push_back({name, std::to_string(*v), setting});
  };
  optional("socket.timeout.ms", s.socket_timeout_ms, "socket_timeout_ms");
  if (s.socket_keepalive) out.push_back({"socket.keepalive.enable", "true", "socket_keepalive"});
  optional("retry.backoff.ms", s.retry_backoff_ms, "retry_backoff_ms");
  optional("reconnect.backoff.ms", s.retry_backoff_ms, "retry_backoff_ms");
  optional("reconnect.backoff.max.ms", s.reconnect_backoff_max_ms, "reconnect_backoff_max_ms");
  optional("topic.metadata.refresh.interval.ms", s.metadata_refresh_ms, "metadata_refresh_ms");
  addPassthrough(s, out);
  return out;
}

PropertyList consumerProperties(const ConsumerSettings& s) {
  PropertyList out;
  addCommon(s, out);
  out.push_back({"group.id", s.group, "group"});
  out.push_back({"enable.auto.commit", "false", ""});
  out.push_back({"enable.auto.offset.store", "false", ""});
  out.push_back({"auto.offset.reset", s.from_earliest ? "earliest" : "latest", "from_earliest"});
  out.push_back({"fetch.min.bytes", std::to_string(s.fetch_min_bytes), "fetch_min_bytes"});
  // librdkafka refuses fetch.max.bytes below message.max.bytes (1000000 by default).
  const int64_t fetch_max = std::max<int64_t>(s.fetch_max_bytes.value_or(s.max_bytes * 4), 1024 * 1024);
  out.push_back(
      {"max.partition.fetch.bytes", std::to_string(std::clamp<int64_t>(s.max_bytes, 1024, fetch_max)), "max_bytes"});
  out.push_back({"fetch.max.bytes", std::to_string(fetch_max), s.fetch_max_bytes ? "fetch_max_bytes" : "max_bytes"});
  if (s.fetch_max_bytes)  // a response may be one record batch larger than fetch.max.bytes
    out.push_back({"receive.message.max.bytes", std::to_string(fetch_max + 1024 * 1024), "fetch_max_bytes"});
  if (s.queued_max_kbytes)
    out.push_back({"queued.max.messages.kbytes", std::to_string(std::max<int64_t>(*s.queued_max_kbytes, 1)),
                   "queued_max_kbytes"});
  if (s.queued_min_messages)
    out.push_back(
        {"queued.min.messages", std::to_string(std::max<int64_t>(*s.queued_min_messages, 1)), "queued_min_messages"});
  out.push_back({"session.timeout.ms", std::to_string(s.session_timeout_ms), "session_timeout_ms"});
  out.push_back({"heartbeat.interval.ms", std::to_string(s.heartbeat_interval_ms), "heartbeat_interval_ms"});
  out.push_back({"fetch.wait.max.ms", "100", ""});
  out.push_back({"enable.partition.eof", "false", ""});
  addPassthrough(s, out);
  return out;
}

Properties toMap(const PropertyList& list) {
  Properties p;
  for (const auto& e : list) p[e.name] = e.value;
  return p;
}

std::optional<std::string> checkProperty(const std::string& name, const std::string& value) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string err;
  if (conf->set(name, value, err) == RdKafka::Conf::CONF_OK) return std::nullopt;
  while (!err.empty() && std::isspace(static_cast<unsigned char>(err.back()))) err.pop_back();
  return err;
}

std::unique_ptr<RdKafka::Conf> makeConf(const Properties& props) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  std::string err;
  for (const auto& [key, value] : props) {
    if (conf->set(key, value, err) != RdKafka::Conf::CONF_OK) {
      const std::string shown = log::isSecretKey(key) ? "***" : value;
      throw Error(ErrorCode::kConfigInvalid, "kafka property " + key + "=" + shown + " rejected", err);
    }
  }
  if (conf->set("event_cb", static_cast<RdKafka::EventCb*>(&g_event_logger), err) != RdKafka::Conf::CONF_OK) {
    throw Error(ErrorCode::kInternal, "cannot install kafka event callback", err);
  }
  return conf;
}

std::string describe(const Properties& props) {
  std::string out;
  for (const auto& [key, value] : props) {
    if (!out.empty()) out += ' ';
    out += key + "=" + (log::isSecretKey(key) ? std::string("***") : value);
  }
  return out;
}

void EventLogger::event_cb(RdKafka::Event& event) {
  auto logger = log::get("kafka");
  switch (event.type()) {
    case RdKafka::Event::EVENT_ERROR:
      noteSecurityFailure(static_cast<int>(event.err()), event.str());
      log::write(*logger, event.fatal() ? spdlog::level::critical : spdlog::level::warn, event.str(),
                 {{"error", RdKafka::err2str(event.err())}});
      break;
    case RdKafka::Event::EVENT_LOG: {
      const auto sev = event.severity();
      const auto level = sev <= RdKafka::Event::EVENT_SEVERITY_ERROR     ? spdlog::level::err
                         : sev == RdKafka::Event::EVENT_SEVERITY_WARNING ? spdlog::level::warn
                         : sev <= RdKafka::Event::EVENT_SEVERITY_INFO    ? spdlog::level::info
                                                                         : spdlog::level::debug;
      log::write(*logger, level, event.str(), {{"facility", event.fac()}});
      break;
    }
    default:
      break;
  }
}

}  // namespace logship::kafka
