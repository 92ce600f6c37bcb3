#pragma once
// One error type for the whole pipeline: a stable code (for metrics, logs and the admin envelope),
// a human message, and the cause it wraps. Whether an outcome is worth retrying is decided in one
// place, outcome.h, never at the call site.
#include <exception>
#include <memory>
#include <string>
#include <string_view>

namespace logship {

enum class ErrorCode : int {
  kOk = 0,
  kConfigInvalid = 1001,   // malformed file, wrong type, bad value
  kConfigIo = 1002,        // file missing or unreadable
  kIo = 2001,              // local file system
  kKafkaTransport = 3001,  // brokers unreachable, timeouts
  kKafkaTopic = 3002,      // unknown topic / partition
  kKafkaMessage = 3003,    // message too large, invalid
  kKafkaFatal = 3004,      // fatal client error, authentication
  kKafkaAuth = 3005,       // SASL authentication refused (wrong user or password)
  kKafkaTls = 3006,        // TLS handshake failed (unknown CA, expired or wrong-host certificate)
  kEsTransport = 4001,     // connection refused, reset, timeout
  kEsRejected = 4002,      // 429 / 5xx
  kEsDocument = 4003,      // mapping error or other permanent per-item failure
  kEsAuth = 4004,          // 401 / 403
  kEsTls = 4005,           // TLS handshake with Elasticsearch failed (unknown CA, expired or wrong-host certificate)
  kDecode = 5001,          // input that is not what it claims (JSON, UTF-8)
  kInternal = 9001,
};

std::string_view errorCodeName(ErrorCode code);

class Error : public std::exception {
 public:
  Error(ErrorCode code, std::string message, std::string cause = {})
      : code_(code), message_(std::move(message)), cause_(std::move(cause)) {
    what_ = message_;
    if (!cause_.empty()) what_ += ": " + cause_;
  }
  ErrorCode code() const noexcept { return code_; }
  const std::string& message() const noexcept { return message_; }
  const std::string& cause() const noexcept { return cause_; }
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  ErrorCode code_;
  std::string message_;
  std::string cause_;
  std::string what_;
};

}  // namespace logship
