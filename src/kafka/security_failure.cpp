// The last SASL/TLS failure of any Kafka client in the process, for the health checks.
#include <mutex>

#include "logship/kafka/client_config.h"

namespace logship::kafka {
namespace {

struct Recorded {
  std::mutex mu;
  SecurityFailure failure;
  std::chrono::steady_clock::time_point at{};
};

Recorded& recorded() {
  static Recorded r;
  return r;
}

}  // namespace

ErrorCode securityFailureCode(int rd_kafka_err, std::string_view text) {
  if (rd_kafka_err == RdKafka::ERR__AUTHENTICATION || rd_kafka_err == RdKafka::ERR_SASL_AUTHENTICATION_FAILED)
    return ErrorCode::kKafkaAuth;
  // A certificate the broker refuses (mTLS) comes as a transport failure with an SSL alert; a
  // host name mismatch as a transport failure naming the failed verification.
  if (rd_kafka_err == RdKafka::ERR__SSL || text.find("SSL routines") != std::string_view::npos ||
      text.find("certificate verify failed") != std::string_view::npos)
    return ErrorCode::kKafkaTls;
  return ErrorCode::kOk;
}

// Called from librdkafka's threads through the event callback; errors are rare (one per
// reconnect attempt), so one mutex is enough.
void noteSecurityFailure(int rd_kafka_err, const std::string& text) {
  const ErrorCode code = securityFailureCode(rd_kafka_err, text);
  if (code == ErrorCode::kOk) return;
  Recorded& r = recorded();
  std::lock_guard lock(r.mu);
  r.failure = {code, text};
  r.at = std::chrono::steady_clock::now();
}

std::optional<SecurityFailure> recentSecurityFailure(std::chrono::steady_clock::duration within) {
  Recorded& r = recorded();
  std::lock_guard lock(r.mu);
  if (r.failure.code == ErrorCode::kOk || std::chrono::steady_clock::now() - r.at > within) return std::nullopt;
  return r.failure;
}

}  // namespace logship::kafka
