// logship-stash under faults, against the real Kafka and Elasticsearch: kill -9 and restart,
// Elasticsearch stopped for 20 s, two processes sharing one group. Each ends with exactly N docs.
#include "stash/stash_itest_util.h"

namespace logship::testing::stash {
namespace {

using namespace std::chrono_literals;

class StashFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    env = ServicesEnv::load();
    setEsBaseUrl(env.es_url);
    s.topic = uniqueTopic("stash-faults");
    s.group = "g-" + s.topic;
    s.index_prefix = "itest-" + randomSuffix();
    s.filters = "";
    createTopic(env.kafka_bootstrap, s.topic, 4);
  }
  void TearDown() override {
    esDeleteIndex(s.index_prefix + "-*");
    deleteTopic(env.kafka_bootstrap, s.topic);
  }
  std::vector<std::string> events(int from, int to) {
    std::vector<std::string> v;
    for (int i = from; i < to; ++i) v.push_back(filebeatEvent(i, "2022-09-08T10:00:00.000Z"));
    return v;
  }
  // Exactly `n` documents and no data.seq twice (a terms aggregation, exact on one shard): so
  // every event exactly once.
  void expectExactly(int n) {
    const std::string pattern = s.index_prefix + "-*";
    EXPECT_EQ(esCount(pattern), n);
    auto r =
        parseJson(esRequest("POST", "/" + pattern + "/_search",
                            R"({"size":0,"aggs":{"dup":{"terms":{"field":"data.seq","min_doc_count":2,"size":10}}}})",
                            "application/json")
                      .body);
    EXPECT_EQ(r.at("aggregations").at("dup").at("buckets").size(), 0u) << r.serialize();
  }
  ServicesEnv env;
  StashSetup s;
  TempDir dir;
};

TEST_F(StashFaults, Kill9MidStreamThenRestartStillExactlyN) {
  const int n = 40000;
  s.filters = R"(    Filters:
      - Action: transfer
        Field: message
        Target: data
)";
  s.extra_es = "        MaxChunkBytes: 200000\n        MaxInFlight: 2\n";
  produceMessages(env.kafka_bootstrap, s.topic, events(0, n));
  writeFile(dir / "stash.yml", configYaml(env, s));
  {
    StashProcess first(dir / "stash.yml", dir / "stash1.log");
    ASSERT_TRUE(pollUntil([&] { return esCount(s.index_prefix + "-*") >= n / 4; }, 60s, 100ms))
        << readFile(dir / "stash1.log");
    first.kill9();
  }
  const int64_t after_kill = esCount(s.index_prefix + "-*");
  EXPECT_LT(after_kill, n) << "the kill came too late to test anything";
  StashProcess second(dir / "stash.yml", dir / "stash2.log");
  EXPECT_EQ(esWaitForCount(s.index_prefix + "-*", n, 90s), n) << readFile(dir / "stash2.log");
  ASSERT_TRUE(pollUntil([&] { return committedTotal(env.kafka_bootstrap, s.group, s.topic, 4) == n; }, 20s, 500ms));
  EXPECT_EQ(second.terminate(15s), 0);
  expectExactly(n);
}

TEST_F(StashFaults, ElasticsearchStoppedFor20SecondsNothingLost) {
  const int n = 4000;
  s.filters = "    Filters:\n      - Action: transfer\n        Field: message\n        Target: data\n";
  writeFile(dir / "stash.yml", configYaml(env, s));
  StashProcess stash(dir / "stash.yml", dir / "stash.log");
  produceMessages(env.kafka_bootstrap, s.topic, events(0, n / 2));
  ASSERT_EQ(esWaitForCount(s.index_prefix + "-*", n / 2, 60s), n / 2) << readFile(dir / "stash.log");
  runServicesCommand("es stop");
  produceMessages(env.kafka_bootstrap, s.topic, events(n / 2, n));
  std::this_thread::sleep_for(20s);  // the outage itself, not a synchronisation
  EXPECT_TRUE(stash.running());
  runServicesCommand("es start");
  EXPECT_EQ(esWaitForCount(s.index_prefix + "-*", n, 90s), n) << readFile(dir / "stash.log");
  ASSERT_TRUE(pollUntil([&] { return committedTotal(env.kafka_bootstrap, s.group, s.topic, 4) == n; }, 30s, 500ms));
  EXPECT_EQ(stash.terminate(15s), 0);
  expectExactly(n);
  EXPECT_NE(readFile(dir / "stash.log").find("bulk request failed, retrying"), std::string::npos);
}

TEST_F(StashFaults, TwoProcessesInOneGroupShareThenOneIsKilled) {
  const int n = 20000;
  s.filters = "    Filters:\n      - Action: transfer\n        Field: message\n        Target: data\n";
  s.extra_es = "        MaxChunkBytes: 100000\n        MaxInFlight: 1\n";
  writeFile(dir / "stash.yml", configYaml(env, s));
  StashProcess a(dir / "stash.yml", dir / "a.log");
  StashProcess b(dir / "stash.yml", dir / "b.log");
  // Both joined: each logs an assignment.
  ASSERT_TRUE(pollUntil(
      [&] {
        return readFile(dir / "a.log").find("partitions assigned") != std::string::npos &&
               readFile(dir / "b.log").find("partitions assigned") != std::string::npos;
      },
      60s));
  produceMessages(env.kafka_bootstrap, s.topic, events(0, n));
  ASSERT_TRUE(pollUntil([&] { return esCount(s.index_prefix + "-*") >= n / 5; }, 60s, 100ms));
  a.kill9();
  EXPECT_EQ(esWaitForCount(s.index_prefix + "-*", n, 100s), n) << readFile(dir / "b.log");
  ASSERT_TRUE(pollUntil([&] { return committedTotal(env.kafka_bootstrap, s.group, s.topic, 4) == n; }, 30s, 500ms));
  EXPECT_EQ(b.terminate(15s), 0);
  expectExactly(n);
}

}  // namespace
}  // namespace logship::testing::stash
