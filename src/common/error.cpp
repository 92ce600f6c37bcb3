#include "logship/common/error.h"

namespace logship {

std::string_view errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kOk:
      return "ok";
    case ErrorCode::kConfigInvalid:
      return "config_invalid";
    case ErrorCode::kConfigIo:
      return "config_io";
    case ErrorCode::kIo:
      return "io";
    case ErrorCode::kKafkaTransport:
      return "kafka_transport";
    case ErrorCode::kKafkaTopic:
      return "kafka_topic";
    case ErrorCode::kKafkaMessage:
      return "kafka_message";
    case ErrorCode::kKafkaFatal:
      return "kafka_fatal";
    case ErrorCode::kKafkaAuth:
      return "kafka_auth";
    case ErrorCode::kKafkaTls:
      return "kafka_tls";
    case ErrorCode::kEsTransport:
      return "es_transport";
    case ErrorCode::kEsRejected:
      return "es_rejected";
    case ErrorCode::kEsDocument:
      return "es_document";
    case ErrorCode::kEsAuth:
      return "es_auth";
    case ErrorCode::kEsTls:
      return "es_tls";
    case ErrorCode::kDecode:
      return "decode";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "unknown";
}

}  // namespace logship
