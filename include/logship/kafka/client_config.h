#pragma once
// Building librdkafka configurations, shared by producer and consumer: the daemons' config parsers
// fill settings structs, the mapping to librdkafka properties and the Conf live here.
// librdkafka's own logs and errors are routed into the "kafka" logger; secrets are never printed.
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <librdkafka/rdkafkacpp.h>

#include "logship/common/error.h"

namespace logship::kafka {

using Properties = std::map<std::string, std::string>;

struct SaslSettings {
  std::string username;
  std::string password;
  std::string mechanism = "PLAIN";  // sasl.mechanisms
};

struct TlsSettings {
  enum class Verify { kFull, kCertificate, kNone };  // kCertificate: the chain, not the host name
  std::optional<std::string> ca_location;            // one PEM file
  std::optional<std::string> certificate_location;
  std::optional<std::string> key_location;
  std::optional<std::string> key_password;
  Verify verify = Verify::kFull;
};

// What every client has.
struct ClientSettings {
  std::vector<std::string> brokers;
  std::string client_id;  // empty: librdkafka's default
  std::optional<SaslSettings> sasl;
  std::optional<TlsSettings> tls;
  std::vector<std::pair<std::string, std::string>> passthrough;  // librdkafka properties, applied last
};

struct ProducerSettings : ClientSettings {
  int acks = 1;
  std::string compression = "gzip";
  int compression_level = -1;  // -1: the codec's default
  uint64_t message_max_bytes = 1000000;
  int64_t batch_num_messages = 2048;
  int64_t linger_ms = 5;
  int64_t request_timeout_ms = 30000;  // the broker's wait for acks
  // Set only when the user set the Filebeat key; otherwise librdkafka's (or the output's) default.
  std::optional<int64_t> socket_timeout_ms;         // timeout
  bool socket_keepalive = false;                    // keep_alive > 0 (the interval is the OS's)
  std::optional<int64_t> retry_backoff_ms;          // backoff.init
  std::optional<int64_t> reconnect_backoff_max_ms;  // backoff.max
  std::optional<int64_t> metadata_refresh_ms;       // metadata.refresh_frequency
};

// Manual commits only; partition EOF events off.
struct ConsumerSettings : ClientSettings {
  std::string group;
  bool from_earliest = false;  // auto.offset.reset without committed offsets
  int64_t fetch_min_bytes = 10240;
  int64_t max_bytes = 10485760;  // one partition's fetch (kafka-go's MaxBytes)
  // Memory bounds of the pre-fetch (set by the stash's MaxMemory sizing; unset: librdkafka's
  // defaults, fetch.max.bytes = 4 x max_bytes).
  std::optional<int64_t> queued_max_kbytes;    // queued.max.messages.kbytes
  std::optional<int64_t> queued_min_messages;  // queued.min.messages
  std::optional<int64_t> fetch_max_bytes;      // fetch.max.bytes (and receive.message.max.bytes)
  // Group liveness: how long a member that died without leaving (kill -9) keeps its partitions.
  int64_t session_timeout_ms = 6000;     // session.timeout.ms (the brokers' default minimum)
  int64_t heartbeat_interval_ms = 2000;  // heartbeat.interval.ms (a third of the session)
};

// One librdkafka property and the setting it comes from: a settings field ("brokers", "acks",
// "sasl.username", "tls.ca_location", ...), "passthrough" for the passthrough entries, or empty for
// properties derived from several settings (security.protocol, ...). A config parser uses it to
// point at the key that set a value librdkafka rejects.
struct Property {
  std::string name;
  std::string value;
  std::string setting;
};
using PropertyList = std::vector<Property>;

PropertyList clientProperties(const ClientSettings& s);  // brokers, client id, SASL, TLS, passthrough
PropertyList producerProperties(const ProducerSettings& s);
PropertyList consumerProperties(const ConsumerSettings& s);
// In order: a later entry replaces an earlier one (the passthrough comes last).
Properties toMap(const PropertyList& list);
// Whether librdkafka accepts one property; the problem otherwise (without trailing whitespace).
std::optional<std::string> checkProperty(const std::string& name, const std::string& value);

// Applies `props` to a new global Conf (throws Error(kConfigInvalid) naming the property when
// librdkafka rejects it) and installs the log/event callback.
std::unique_ptr<RdKafka::Conf> makeConf(const Properties& props);

// For logging a configuration: secret values replaced by ***.
std::string describe(const Properties& props);

// Receives librdkafka's log lines and client-level errors (brokers down, auth failures).
class EventLogger : public RdKafka::EventCb {
 public:
  void event_cb(RdKafka::Event& event) override;
};

// The last SASL or TLS failure any client of this process saw (librdkafka's text names the
// broker and the cause), for /healthz: "Kafka is not acknowledging" becomes "because the broker
// refused our password". Empty when none was seen within `within`.
struct SecurityFailure {
  ErrorCode code = ErrorCode::kOk;  // kKafkaAuth or kKafkaTls
  std::string message;
};
std::optional<SecurityFailure> recentSecurityFailure(std::chrono::steady_clock::duration within);
// Classifies one librdkafka error event (exposed for unit tests); kOk when it is no SASL/TLS one.
ErrorCode securityFailureCode(int rd_kafka_err, std::string_view text);
// Records a SASL/TLS failure from the event callback (any other error is ignored).
void noteSecurityFailure(int rd_kafka_err, const std::string& text);

}  // namespace logship::kafka
