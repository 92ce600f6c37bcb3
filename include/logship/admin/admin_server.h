#pragma once
// The admin endpoint both daemons expose when configured (off by default, 127.0.0.1 by default):
//   GET /metrics  Prometheus text format
//   GET /healthz  {"code":0,"message":"ok","data":{...}} with 200, or the same envelope with the
//                 failing check's error code and 503.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "logship/common/error.h"
#include "logship/common/metrics.h"

namespace logship::admin {

struct HealthStatus {
  ErrorCode code = ErrorCode::kOk;  // kOk when healthy
  std::string message = "ok";       // user-facing reason when unhealthy
  std::string data_json = "{}";     // details (a JSON object) for the envelope's data
};

struct HealthCheck {
  std::string name;
  std::function<HealthStatus()> check;
};

struct AdminOptions {
  bool enabled = false;
  std::string host = "127.0.0.1";
  uint16_t port = 5066;  // Filebeat's http.port default
  std::string metrics_path = "/metrics";
};

// `{"code":<code>,"message":"<message>","data":<data_json>}`
std::string envelope(ErrorCode code, const std::string& message, const std::string& data_json);

// Runs all checks and builds the /healthz answer (status and body); exposed for tests.
struct HealthAnswer {
  int http_status;
  std::string body;
};
HealthAnswer evaluateHealth(const std::vector<HealthCheck>& checks);

class AdminServer {
 public:
  AdminServer(AdminOptions options, metrics::Registry& registry, std::vector<HealthCheck> checks);
  ~AdminServer();
  // Throws Error(kIo) when the address cannot be bound.
  void start();
  void stop();
  std::string url() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace logship::admin
