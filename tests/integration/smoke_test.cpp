// Smoke test of the real test services started by `scripts/services start`
// (ctest fixture "services"): proves Kafka and Elasticsearch really answer.
#include <gtest/gtest.h>
#include <librdkafka/rdkafkacpp.h>

#include <chrono>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "support/es_http.h"
#include "support/kafka_admin.h"
#include "support/services_env.h"

namespace lt = logship::testing;
using namespace std::chrono_literals;

namespace {

std::string todayUtc() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

class DeliveryReport : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    ++delivered;
    last_error = message.err();
  }
  int delivered = 0;
  RdKafka::ErrorCode last_error = RdKafka::ERR_NO_ERROR;
};

std::unique_ptr<RdKafka::Producer> makeProducer(const std::string& bootstrap, DeliveryReport* dr,
                                                const std::string& message_timeout_ms = "30000") {
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  EXPECT_EQ(conf->set("bootstrap.servers", bootstrap, err), RdKafka::Conf::CONF_OK) << err;
  EXPECT_EQ(conf->set("message.timeout.ms", message_timeout_ms, err), RdKafka::Conf::CONF_OK) << err;
  EXPECT_EQ(conf->set("dr_cb", dr, err), RdKafka::Conf::CONF_OK) << err;
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), err));
  EXPECT_TRUE(producer) << err;
  return producer;
}

}  // namespace

TEST(ServicesSmoke, EnvFileIsComplete) {
  const lt::ServicesEnv env = lt::ServicesEnv::load();
  EXPECT_EQ(env.kafka_bootstrap.rfind("127.0.0.1:", 0), 0u) << env.kafka_bootstrap;
  EXPECT_EQ(env.es_url.rfind("http://127.0.0.1:", 0), 0u) << env.es_url;
  EXPECT_FALSE(env.run_dir.empty());
  EXPECT_FALSE(env.kafka_version.empty());
  EXPECT_EQ(env.es_version.substr(0, 2), "8.") << env.es_version;
  EXPECT_NO_THROW(lt::runServicesCommand("status"));
}

TEST(ServicesSmoke, KafkaProduceAndConsumeBack) {
  const lt::ServicesEnv env = lt::ServicesEnv::load();
  const std::string topic = lt::uniqueTopic("logship-smoke");
  lt::createTopic(env.kafka_bootstrap, topic, 3);
  EXPECT_EQ(lt::partitionCount(env.kafka_bootstrap, topic), 3);

  const std::string payload = R"({"message":"hello from the smoke test","topic":")" + topic + R"("})";
  DeliveryReport dr;
  auto producer = makeProducer(env.kafka_bootstrap, &dr);
  ASSERT_TRUE(producer);
  const std::string key = "smoke-key";
  const RdKafka::ErrorCode perr =
      producer->produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                        const_cast<char*>(payload.data()), payload.size(), key.data(), key.size(), 0, nullptr);
  ASSERT_EQ(perr, RdKafka::ERR_NO_ERROR) << RdKafka::err2str(perr);
  ASSERT_EQ(producer->flush(30000), RdKafka::ERR_NO_ERROR);
  EXPECT_EQ(dr.delivered, 1);
  EXPECT_EQ(dr.last_error, RdKafka::ERR_NO_ERROR) << RdKafka::err2str(dr.last_error);

  const std::vector<lt::KafkaMessage> got = lt::consumeMessages(env.kafka_bootstrap, topic, 1, 30s, 500ms);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].value, payload);
  EXPECT_EQ(got[0].key, key);
  EXPECT_EQ(lt::countMessages(env.kafka_bootstrap, topic), 1);

  lt::deleteTopic(env.kafka_bootstrap, topic);
  EXPECT_FALSE(lt::topicExists(env.kafka_bootstrap, topic));
}

TEST(ServicesSmoke, KafkaDoesNotAutoCreateTopics) {
  const lt::ServicesEnv env = lt::ServicesEnv::load();
  const std::string topic = lt::uniqueTopic("logship-smoke-missing");
  DeliveryReport dr;
  auto producer = makeProducer(env.kafka_bootstrap, &dr, "2000");
  ASSERT_TRUE(producer);
  const std::string payload = "nobody will read this";
  producer->produce(topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                    const_cast<char*>(payload.data()), payload.size(), nullptr, 0, 0, nullptr);
  producer->flush(10000);
  EXPECT_EQ(dr.delivered, 1);
  EXPECT_NE(dr.last_error, RdKafka::ERR_NO_ERROR);
  EXPECT_FALSE(lt::topicExists(env.kafka_bootstrap, topic));
}

TEST(ServicesSmoke, ElasticsearchBulkAndReadBack) {
  const std::string index = "logship-smoke-" + todayUtc();
  lt::esDeleteIndex(index);

  const std::string bulk = "{\"index\":{\"_index\":\"" + index +
                           "\"}}\n"
                           "{\"message\":\"first line\",\"seq\":1,\"host\":{\"name\":\"smoke\"}}\n"
                           "{\"index\":{\"_index\":\"" +
                           index +
                           "\"}}\n"
                           "{\"message\":\"second line\",\"seq\":2,\"host\":{\"name\":\"smoke\"}}\n";
  const lt::EsResponse r = lt::esRequest("POST", "/_bulk", bulk);
  ASSERT_EQ(r.status, 200) << r.body;
  const web::json::value resp = lt::parseJson(r.body);
  ASSERT_TRUE(resp.has_field("errors")) << r.body;
  EXPECT_FALSE(resp.at("errors").as_bool()) << r.body;
  EXPECT_EQ(resp.at("items").as_array().size(), 2u);

  EXPECT_TRUE(lt::esRefresh(index));
  EXPECT_EQ(lt::esCount(index), 2);
  EXPECT_EQ(lt::esCount("logship-smoke-*"), 2);

  const auto docs = lt::esSearchSources(index, R"({"sort":[{"seq":"asc"}]})");
  ASSERT_EQ(docs.size(), 2u);
  EXPECT_EQ(docs[0].at("message").as_string(), "first line");
  EXPECT_EQ(docs[0].at("seq").as_integer(), 1);
  EXPECT_EQ(docs[1].at("message").as_string(), "second line");
  EXPECT_EQ(docs[1].at("seq").as_integer(), 2);
  EXPECT_EQ(docs[1].at("host").at("name").as_string(), "smoke");

  lt::esDeleteIndex(index);
  EXPECT_EQ(lt::esCount(index), 0);
}

// Fault injection used by later integration tests: a service goes down and
// comes back on the same port with the same data.
TEST(ServicesSmoke, KafkaRestartKeepsPortAndData) {
  const lt::ServicesEnv env = lt::ServicesEnv::load();
  const std::string topic = lt::uniqueTopic("logship-smoke-restart");
  lt::createTopic(env.kafka_bootstrap, topic, 1);
  lt::produceMessages(env.kafka_bootstrap, topic, {"before restart"});

  lt::runServicesCommand("kafka stop");
  EXPECT_THROW(lt::topicExists(env.kafka_bootstrap, topic, 2s), std::runtime_error);
  lt::runServicesCommand("kafka start");

  const lt::ServicesEnv after = lt::ServicesEnv::load();
  EXPECT_EQ(after.kafka_bootstrap, env.kafka_bootstrap);
  lt::produceMessages(env.kafka_bootstrap, topic, {"after restart"});
  EXPECT_EQ(lt::consumeAll(env.kafka_bootstrap, topic, 2, 30s),
            (std::vector<std::string>{"before restart", "after restart"}));
  lt::deleteTopic(env.kafka_bootstrap, topic);
}

TEST(ServicesSmoke, ElasticsearchRestartKeepsPortAndData) {
  const std::string index = "logship-smoke-restart-" + todayUtc();
  lt::esDeleteIndex(index);
  const lt::EsResponse put = lt::esRequest("PUT", "/" + index + "/_doc/1?refresh=true", R"({"message":"kept"})");
  ASSERT_EQ(put.status, 201) << put.body;

  lt::runServicesCommand("es stop");
  EXPECT_THROW(lt::esRequest("GET", "/_cluster/health"), std::runtime_error);
  lt::runServicesCommand("es start");

  EXPECT_EQ(lt::esCount(index), 1);
  lt::esDeleteIndex(index);
}
