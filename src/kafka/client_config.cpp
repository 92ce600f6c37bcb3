#include "logship/kafka/client_config.h"

#include "logship/common/error.h"
#include "logship/common/logging.h"

namespace logship::kafka {

namespace {
EventLogger g_event_logger;
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
      log::write(*logger, event.fatal() ? spdlog::level::critical : spdlog::level::warn, event.str(),
                 {{"error", RdKafka::err2str(event.err())}});
      break;
    case RdKafka::Event::EVENT_LOG: {
      const auto sev = event.severity();
      const auto level = sev <= RdKafka::Event::EVENT_SEVERITY_ERROR ? spdlog::level::err
                         : sev == RdKafka::Event::EVENT_SEVERITY_WARNING ? spdlog::level::warn
                         : sev <= RdKafka::Event::EVENT_SEVERITY_INFO  ? spdlog::level::info
                                                                       : spdlog::level::debug;
      log::write(*logger, level, event.str(), {{"facility", event.fac()}});
      break;
    }
    default:
      break;
  }
}

}  // namespace logship::kafka
