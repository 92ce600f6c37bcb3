// logship-stash against the real Kafka and Elasticsearch of scripts/services: exact delivery into
// date indices, dead letter for mapping conflicts and invalid JSON, SIGTERM, the reference config.
#include "stash/stash_itest_util.h"

namespace logship::testing::stash {
namespace {

using namespace std::chrono_literals;

class StashDelivery : public ::testing::Test {
 protected:
  void SetUp() override {
    env = ServicesEnv::load();
    setEsBaseUrl(env.es_url);
    s.topic = uniqueTopic("stash-itest");
    s.group = "g-" + s.topic;
    s.index_prefix = "itest-" + randomSuffix();
    createTopic(env.kafka_bootstrap, s.topic, 3);
  }
  void TearDown() override {
    esDeleteIndex(s.index_prefix + "-*");
    deleteTopic(env.kafka_bootstrap, s.topic);
  }
  ServicesEnv env;
  StashSetup s;
  TempDir dir;
};

TEST_F(StashDelivery, ExactlyNDocumentsInTheRightDateIndicesThenSigtermCommits) {
  // Shanghai is UTC+8: 2022-09-08T15:59:59Z is still the 8th there, 16:00:00Z the 9th.
  std::vector<std::string> values;
  int kept_8 = 0, kept_9 = 0, dropped = 0;
  for (int i = 0; i < 3000; ++i) {
    const bool ninth = i % 2 == 0;
    const std::string ts = ninth ? (i % 4 == 0 ? "2022-09-08T16:00:00.000Z" : "2022-09-09T00:30:00+08:00")
                                 : (i % 3 == 0 ? "2022-09-08T15:59:59.999Z" : "2022-09-08T10:00:00Z");
    if (i % 10 == 7) {
      values.push_back(filebeatEvent(i, ts, "user-rpc", "info"));  // dropped by the reference filter
      ++dropped;
      continue;
    }
    values.push_back(filebeatEvent(i, ts));
    (ninth ? kept_9 : kept_8)++;
  }
  values.push_back("this is not json");
  produceMessages(env.kafka_bootstrap, s.topic, values);

  s.extra_cluster = "    DeadLetter:\n      File: " + (dir / "dead.ndjson").string() + "\n";
  writeFile(dir / "stash.yml", configYaml(env, s));
  StashProcess stash(dir / "stash.yml", dir / "stash.log");

  const int64_t expected = kept_8 + kept_9;
  EXPECT_EQ(esWaitForCount(s.index_prefix + "-*", expected, 90s), expected) << readFile(dir / "stash.log");
  EXPECT_EQ(esCount(s.index_prefix + "-2022-09-08"), kept_8);
  EXPECT_EQ(esCount(s.index_prefix + "-2022-09-09"), kept_9);

  // Content: filters applied, @metadata not indexed, id derived from topic-partition-offset.
  auto docs = esSearchSources(s.index_prefix + "-*", R"({"query":{"term":{"data.seq":42}}})", 10);
  ASSERT_EQ(docs.size(), 1u);
  auto& d = docs[0];
  EXPECT_EQ(d.at("data").at("content").as_string(), "line 42");
  EXPECT_EQ(d.at("level").as_string(), "error");
  EXPECT_FALSE(d.has_field("@metadata"));
  EXPECT_FALSE(d.has_field("beat"));
  EXPECT_FALSE(d.has_field("message"));
  auto hits = parseJson(esRequest("GET", "/" + s.index_prefix + "-*/_search?q=data.seq:42").body);
  const std::string id = hits.at("hits").at("hits").at(0).at("_id").as_string();
  EXPECT_EQ(id.rfind(s.topic + "-", 0), 0u) << id;

  // The invalid line went to the dead letter, with its coordinates.
  ASSERT_TRUE(pollUntil([&] { return std::filesystem::exists(dir / "dead.ndjson"); }, 10s));
  const std::string dead = readFile(dir / "dead.ndjson");
  EXPECT_NE(dead.find("\"reason\":\"invalid_json\""), std::string::npos) << dead;
  EXPECT_NE(dead.find("\"raw\":\"this is not json\""), std::string::npos) << dead;

  // Everything done -> everything committed (dropped and dead-lettered messages included).
  const int64_t total = static_cast<int64_t>(values.size());
  EXPECT_TRUE(pollUntil([&] { return committedTotal(env.kafka_bootstrap, s.group, s.topic, 3) == total; }, 20s, 500ms))
      << committedTotal(env.kafka_bootstrap, s.group, s.topic, 3) << " of " << total;
  EXPECT_EQ(stash.terminate(15s), 0);
  EXPECT_EQ(esCount(s.index_prefix + "-*"), expected);
}

TEST_F(StashDelivery, MappingConflictGoesToTheDeadLetterOthersAreIndexed) {
  const std::string index = s.index_prefix + "-2022-09-08";
  auto r = esRequest("PUT", "/" + index, R"({"mappings":{"properties":{"n":{"type":"integer"}}}})", "application/json");
  ASSERT_LT(r.status, 300) << r.body;
  std::vector<std::string> values;
  for (int i = 0; i < 50; ++i)
    values.push_back(R"({"@timestamp":"2022-09-08T01:00:00Z","n":)" +
                     (i == 25 ? std::string("\"not a number\"") : std::to_string(i)) + "}");
  produceMessages(env.kafka_bootstrap, s.topic, values);
  s.filters = "";
  s.extra_cluster = "    DeadLetter:\n      File: " + (dir / "dead.ndjson").string() + "\n";
  writeFile(dir / "stash.yml", configYaml(env, s));
  StashProcess stash(dir / "stash.yml", dir / "stash.log");
  EXPECT_EQ(esWaitForCount(index, 49, 60s), 49) << readFile(dir / "stash.log");
  ASSERT_TRUE(pollUntil([&] { return committedTotal(env.kafka_bootstrap, s.group, s.topic, 3) == 50; }, 20s, 500ms))
      << readFile(dir / "stash.log");
  const std::string dead = readFile(dir / "dead.ndjson");
  EXPECT_NE(dead.find("\"reason\":\"rejected\""), std::string::npos) << dead;
  // ES 8 says document_parsing_exception, 7.x mapper_parsing_exception.
  EXPECT_TRUE(dead.find("document_parsing_exception") != std::string::npos ||
              dead.find("mapper_parsing_exception") != std::string::npos)
      << dead;
  EXPECT_NE(dead.find("\"status\":400"), std::string::npos) << dead;
  EXPECT_NE(dead.find("\"doc\":{\"@timestamp\":\"2022-09-08T01:00:00Z\",\"n\":\"not a number\"}"), std::string::npos)
      << dead;
  EXPECT_EQ(esCount(index), 49);
}

TEST_F(StashDelivery, ReferenceGoStashConfigRunsWithHostOverridesOnly) {
  // The reference file unchanged: topic courseware-log, group pro, Offset last, index courseware-*.
  const std::string topic = "courseware-log";
  createTopic(env.kafka_bootstrap, topic, 1, 30s, true);
  const auto ref = sharedDir() / "reference-configs" / "go-stash.yml";
  const std::string marker = "marker-" + randomSuffix();
  // Run from the temp dir, as a user would from the config's directory.
  ChildProcess stash({daemonPath("logship-stash").string(), "-f", ref.string()}, dir / "stash.log",
                     {{"LOGSHIP_STASH_ES_HOSTS", env.es_url}, {"LOGSHIP_STASH_BROKERS", env.kafka_bootstrap}},
                     dir.path());
  // Offset: last -> only messages produced after the group joined arrive: keep producing markers.
  const std::string query = R"({"query":{"term":{"data.marker.keyword":")" + marker + R"("}}})";
  bool arrived = pollUntil(
      [&] {
        produceMessages(
            env.kafka_bootstrap, topic,
            {R"({"k8s_container_name":"a-api","level":"error","message":"{\"marker\":\")" + marker + R"(\"}"})"});
        return !esSearchSources("courseware-*", query, 1).empty();
      },
      60s, 1000ms);
  const int status = stash.terminate(30s);
  EXPECT_TRUE(arrived) << readFile(dir / "stash.log");
  EXPECT_EQ(status, 0) << readFile(dir / "stash.log");
  auto docs = esSearchSources("courseware-*", query, 1);
  ASSERT_FALSE(docs.empty());
  EXPECT_EQ(docs[0].at("data").at("marker").as_string(), marker);
  EXPECT_FALSE(docs[0].has_field("message"));
  EXPECT_TRUE(docs[0].has_field("@timestamp"));  // defaulted by the implicit timestamp filter
}

}  // namespace
}  // namespace logship::testing::stash
