#pragma once
// Building librdkafka configurations from our config structs, shared by producer and consumer.
// librdkafka's own logs and errors are routed into the "kafka" logger; secrets are never printed.
#include <map>
#include <memory>
#include <string>

#include <librdkafka/rdkafkacpp.h>

namespace logship::kafka {

using Properties = std::map<std::string, std::string>;

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

}  // namespace logship::kafka
