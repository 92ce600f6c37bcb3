#include "logship/common/outcome.h"

#include <gtest/gtest.h>

namespace logship {
namespace {

TEST(OutcomeTest, ElasticsearchResponses) {
  EXPECT_EQ(classifyEsResponse(200), Disposition::kSuccess);
  EXPECT_EQ(classifyEsResponse(0), Disposition::kRetry);  // connection refused, timeout
  for (int status : {429, 500, 502, 503, 504}) EXPECT_EQ(classifyEsResponse(status), Disposition::kRetry) << status;
  EXPECT_EQ(classifyEsResponse(400), Disposition::kPermanent);
  EXPECT_EQ(classifyEsResponse(413), Disposition::kPermanent);
}

TEST(OutcomeTest, BulkItems) {
  EXPECT_EQ(classifyEsItem(201, ""), Disposition::kSuccess);
  EXPECT_EQ(classifyEsItem(409, "version_conflict_engine_exception"), Disposition::kDuplicate);
  EXPECT_EQ(classifyEsItem(400, "mapper_parsing_exception"), Disposition::kPermanent);
  EXPECT_EQ(classifyEsItem(400, "document_parsing_exception"), Disposition::kPermanent);
  EXPECT_EQ(classifyEsItem(429, "es_rejected_execution_exception"), Disposition::kRetry);
  EXPECT_EQ(classifyEsItem(503, "unavailable_shards_exception"), Disposition::kRetry);
  EXPECT_EQ(classifyEsItem(403, "cluster_block_exception"), Disposition::kRetry);
}

TEST(OutcomeTest, KafkaErrors) {
  EXPECT_EQ(classifyKafka(RD_KAFKA_RESP_ERR_NO_ERROR), Disposition::kSuccess);
  EXPECT_EQ(classifyKafka(RD_KAFKA_RESP_ERR__TRANSPORT), Disposition::kRetry);
  EXPECT_EQ(classifyKafka(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT), Disposition::kRetry);
  EXPECT_EQ(classifyKafka(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART), Disposition::kRetry);
  EXPECT_EQ(classifyKafka(RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE), Disposition::kPermanent);
  EXPECT_EQ(errorCodeForKafka(RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC), ErrorCode::kKafkaTopic);
  EXPECT_EQ(errorCodeForEsStatus(503), ErrorCode::kEsRejected);
  EXPECT_EQ(errorCodeForEsStatus(0), ErrorCode::kEsTransport);
}

TEST(OutcomeTest, ErrorCarriesCodeMessageAndCause) {
  Error e(ErrorCode::kEsTransport, "cannot reach elasticsearch", "connection refused");
  EXPECT_EQ(e.code(), ErrorCode::kEsTransport);
  EXPECT_EQ(e.message(), "cannot reach elasticsearch");
  EXPECT_EQ(e.cause(), "connection refused");
  EXPECT_STREQ(e.what(), "cannot reach elasticsearch: connection refused");
  EXPECT_EQ(errorCodeName(e.code()), "es_transport");
}

}  // namespace
}  // namespace logship
