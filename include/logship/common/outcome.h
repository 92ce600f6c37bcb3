#pragma once
// The one table that says what to do with an outcome from Kafka or Elasticsearch:
// retry it, give up on it (dead letter / count as failed), or count it as done.
#include <string_view>

#include <librdkafka/rdkafka.h>

#include "logship/common/error.h"

namespace logship {

enum class Disposition {
  kSuccess,    // accepted
  kDuplicate,  // already there (409 on create): counts as success
  kRetry,      // transient: back off and try again
  kPermanent,  // will never succeed as is: dead letter or count as failed
};

std::string_view dispositionName(Disposition d);

// A whole HTTP answer from Elasticsearch (status 0 means no answer: connection error, timeout).
Disposition classifyEsResponse(int http_status);
// One item of a bulk response; `error_type` is the item's `error.type` ("" when none).
Disposition classifyEsItem(int item_status, std::string_view error_type);
// A librdkafka error (delivery report, consumer error, admin result).
Disposition classifyKafka(rd_kafka_resp_err_t err);

ErrorCode errorCodeForEsStatus(int http_status);
ErrorCode errorCodeForKafka(rd_kafka_resp_err_t err);

}  // namespace logship
