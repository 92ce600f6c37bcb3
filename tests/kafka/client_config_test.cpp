// The one librdkafka property builder: what each setting becomes, where it comes from, and the
// order that lets the passthrough win.
#include "logship/kafka/client_config.h"

#include <gtest/gtest.h>

namespace logship::kafka {
namespace {

const Property* find(const PropertyList& list, const std::string& name) {
  const Property* out = nullptr;
  for (const auto& p : list)
    if (p.name == name) out = &p;
  return out;
}

TEST(ClientConfig, ConsumerPropertiesCommitManuallyAndLetThePassthroughWin) {
  ConsumerSettings s;
  s.brokers = {"a:9092", "b:9092"};
  s.client_id = "stash";
  s.group = "g";
  s.from_earliest = true;
  s.max_bytes = 100;  // raised to librdkafka's minimums
  s.sasl = SaslSettings{"u", "p", "PLAIN"};
  s.passthrough = {{"fetch.wait.max.ms", "50"}};
  const auto m = toMap(consumerProperties(s));
  EXPECT_EQ(m.at("bootstrap.servers"), "a:9092,b:9092");
  EXPECT_EQ(m.at("group.id"), "g");
  EXPECT_EQ(m.at("client.id"), "stash");
  EXPECT_EQ(m.at("enable.auto.commit"), "false");
  EXPECT_EQ(m.at("enable.auto.offset.store"), "false");
  EXPECT_EQ(m.at("auto.offset.reset"), "earliest");
  EXPECT_EQ(m.at("max.partition.fetch.bytes"), "1024");
  EXPECT_EQ(m.at("fetch.max.bytes"), "1048576");
  EXPECT_EQ(m.at("security.protocol"), "sasl_plaintext");
  EXPECT_EQ(m.at("sasl.mechanisms"), "PLAIN");
  EXPECT_EQ(m.at("fetch.wait.max.ms"), "50");  // passthrough applied last
  for (const auto& [k, v] : m) EXPECT_FALSE(checkProperty(k, v)) << k << "=" << v;
}

TEST(ClientConfig, ConsumerPreFetchBoundsAndGroupLiveness) {
  ConsumerSettings s;
  s.brokers = {"a:9092"};
  s.group = "g";
  auto m = toMap(consumerProperties(s));
  EXPECT_EQ(m.count("queued.max.messages.kbytes"), 0u);  // unset: librdkafka's defaults
  EXPECT_EQ(m.at("fetch.max.bytes"), std::to_string(10485760 * 4));
  EXPECT_EQ(m.at("session.timeout.ms"), "6000");
  EXPECT_EQ(m.at("heartbeat.interval.ms"), "2000");
  s.queued_max_kbytes = 20480;
  s.queued_min_messages = 40960;
  s.fetch_max_bytes = 2 * 1024 * 1024;
  const auto list = consumerProperties(s);
  m = toMap(list);
  EXPECT_EQ(m.at("queued.max.messages.kbytes"), "20480");
  EXPECT_EQ(m.at("queued.min.messages"), "40960");
  EXPECT_EQ(m.at("fetch.max.bytes"), "2097152");
  EXPECT_EQ(m.at("max.partition.fetch.bytes"), "2097152");  // MaxBytes (10 MiB) capped by the fetch
  EXPECT_EQ(m.at("receive.message.max.bytes"), "3145728");
  EXPECT_EQ(find(list, "fetch.max.bytes")->setting, "fetch_max_bytes");
  for (const auto& [k, v] : m) EXPECT_FALSE(checkProperty(k, v)) << k << "=" << v;
}

TEST(ClientConfig, ProducerPropertiesNameTheSettingTheyComeFrom) {
  ProducerSettings s;
  s.brokers = {"k:9092"};
  s.client_id = "beats";
  s.acks = -1;
  s.compression = "lz4";
  s.compression_level = 3;
  s.message_max_bytes = 10;  // librdkafka's minimum is 1000
  s.batch_num_messages = 0;
  TlsSettings tls;
  tls.ca_location = "/ca.pem";
  tls.verify = TlsSettings::Verify::kCertificate;
  s.tls = tls;
  s.passthrough = {{"queue.buffering.max.ms", "7"}};
  const auto list = producerProperties(s);
  EXPECT_EQ(find(list, "acks")->value, "-1");
  EXPECT_EQ(find(list, "acks")->setting, "acks");
  EXPECT_EQ(find(list, "compression.level")->setting, "compression_level");
  EXPECT_EQ(find(list, "message.max.bytes")->value, "1000");
  EXPECT_EQ(find(list, "batch.num.messages")->value, "1");
  EXPECT_EQ(find(list, "ssl.ca.location")->setting, "tls.ca_location");
  EXPECT_EQ(find(list, "ssl.endpoint.identification.algorithm")->value, "none");
  EXPECT_EQ(find(list, "security.protocol")->value, "ssl");
  EXPECT_EQ(find(list, "security.protocol")->setting, "");  // derived: nothing to point at
  EXPECT_EQ(find(list, "queue.buffering.max.ms")->setting, "passthrough");
  EXPECT_EQ(list.back().name, "queue.buffering.max.ms");
  EXPECT_EQ(find(list, "sasl.username"), nullptr);
}

TEST(ClientConfig, CheckPropertyReportsWhatLibrdkafkaRejects) {
  EXPECT_FALSE(checkProperty("linger.ms", "5"));
  const auto err = checkProperty("linger.ms", "forever");
  ASSERT_TRUE(err);
  EXPECT_FALSE(err->empty());
  EXPECT_FALSE(std::isspace(static_cast<unsigned char>(err->back())));
  EXPECT_TRUE(checkProperty("no.such.property", "1"));
}

}  // namespace
}  // namespace logship::kafka
