#include <gtest/gtest.h>

#include "logship/kafka/client_config.h"

namespace logship::kafka {
namespace {

// The texts librdkafka 2.x logs against scripts/services secure (docs/test-services.md).
TEST(SecurityFailure, ClassifiesSaslAndTlsFailures) {
  EXPECT_EQ(securityFailureCode(RdKafka::ERR__AUTHENTICATION,
                                "sasl_ssl://127.0.0.1:1/bootstrap: SASL authentication error: Authentication failed"),
            ErrorCode::kKafkaAuth);
  EXPECT_EQ(securityFailureCode(RdKafka::ERR__SSL, "ssl://127.0.0.1:1/bootstrap: SSL handshake failed"),
            ErrorCode::kKafkaTls);
  // Wrong host name and a client certificate the broker refuses come as transport failures.
  EXPECT_EQ(securityFailureCode(RdKafka::ERR__TRANSPORT,
                                "ssl://127.0.0.1:1/bootstrap: error:0A000086:SSL routines::certificate verify failed"),
            ErrorCode::kKafkaTls);
  EXPECT_EQ(securityFailureCode(RdKafka::ERR__TRANSPORT, "Receive failed: SSL routines::sslv3 alert bad certificate"),
            ErrorCode::kKafkaTls);
  EXPECT_EQ(securityFailureCode(RdKafka::ERR__TRANSPORT, "Connect to ipv4#127.0.0.1:1 failed: Connection refused"),
            ErrorCode::kOk);
}

TEST(SecurityFailure, RemembersTheLastOneWithinTheWindow) {
  noteSecurityFailure(RdKafka::ERR__TRANSPORT, "Connection refused");  // not a security failure
  noteSecurityFailure(RdKafka::ERR__AUTHENTICATION, "sasl_ssl://127.0.0.1:9/bootstrap: invalid credentials");
  const auto recent = recentSecurityFailure(std::chrono::minutes(1));
  ASSERT_TRUE(recent.has_value());
  EXPECT_EQ(recent->code, ErrorCode::kKafkaAuth);
  EXPECT_EQ(recent->message, "sasl_ssl://127.0.0.1:9/bootstrap: invalid credentials");
  EXPECT_FALSE(recentSecurityFailure(std::chrono::steady_clock::duration::zero() - std::chrono::seconds(1)));
}

}  // namespace
}  // namespace logship::kafka
