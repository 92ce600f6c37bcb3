#include "logship/common/outcome.h"

namespace logship {

std::string_view dispositionName(Disposition d) {
  switch (d) {
    case Disposition::kSuccess:
      return "success";
    case Disposition::kDuplicate:
      return "duplicate";
    case Disposition::kRetry:
      return "retry";
    case Disposition::kPermanent:
      return "permanent";
  }
  return "unknown";
}

Disposition classifyEsResponse(int http_status) {
  if (http_status == 0) return Disposition::kRetry;  // no answer at all
  if (http_status >= 200 && http_status < 300) return Disposition::kSuccess;
  switch (http_status) {
    case 408:  // request timeout
    case 429:  // too many requests: the cluster asks us to slow down
    case 500:  // ES answers 500 for transient shard failures too; retrying is what Beats does
    case 502:
    case 503:
    case 504:
      return Disposition::kRetry;
    case 401:
    case 403:
      // Credentials can be fixed without a restart (a rotated API key); never drop data for them.
      return Disposition::kRetry;
    default:
      return http_status >= 500 ? Disposition::kRetry : Disposition::kPermanent;
  }
}

Disposition classifyEsItem(int item_status, std::string_view error_type) {
  if (item_status >= 200 && item_status < 300) return Disposition::kSuccess;
  if (item_status == 409 && (error_type.empty() || error_type == "version_conflict_engine_exception"))
    return Disposition::kDuplicate;
  if (item_status == 429 || item_status >= 500) return Disposition::kRetry;
  // es_rejected_execution_exception arrives as 429; cluster_block_exception (read-only index after
  // disk watermark) as 403 or 429 and heals once the operator frees disk.
  if (error_type == "es_rejected_execution_exception" || error_type == "cluster_block_exception")
    return Disposition::kRetry;
  return Disposition::kPermanent;  // 400 mapper_parsing_exception, illegal_argument_exception, ...
}

Disposition classifyKafka(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR_NO_ERROR:
      return Disposition::kSuccess;
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_MSG:
    case RD_KAFKA_RESP_ERR_INVALID_RECORD:
    case RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED:
    case RD_KAFKA_RESP_ERR_TOPIC_EXCEPTION:  // invalid topic name
    case RD_KAFKA_RESP_ERR__INVALID_ARG:
    case RD_KAFKA_RESP_ERR__FATAL:
      return Disposition::kPermanent;
    default:
      // Timeouts, transport errors, leader changes, unknown topic (it may be created later),
      // not enough replicas: all heal on their own.
      return Disposition::kRetry;
  }
}

ErrorCode errorCodeForEsStatus(int http_status) {
  if (http_status == 0) return ErrorCode::kEsTransport;
  if (http_status == 401 || http_status == 403) return ErrorCode::kEsAuth;
  if (http_status == 429 || http_status >= 500) return ErrorCode::kEsRejected;
  if (http_status >= 400) return ErrorCode::kEsDocument;
  return ErrorCode::kOk;
}

ErrorCode errorCodeForKafka(rd_kafka_resp_err_t err) {
  switch (err) {
    case RD_KAFKA_RESP_ERR_NO_ERROR:
      return ErrorCode::kOk;
    case RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC:
    case RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART:
    case RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION:
      return ErrorCode::kKafkaTopic;
    case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
    case RD_KAFKA_RESP_ERR_INVALID_MSG:
    case RD_KAFKA_RESP_ERR_INVALID_RECORD:
      return ErrorCode::kKafkaMessage;
    case RD_KAFKA_RESP_ERR__FATAL:
    case RD_KAFKA_RESP_ERR__AUTHENTICATION:
    case RD_KAFKA_RESP_ERR_SASL_AUTHENTICATION_FAILED:
      return ErrorCode::kKafkaFatal;
    default:
      return ErrorCode::kKafkaTransport;
  }
}

}  // namespace logship
