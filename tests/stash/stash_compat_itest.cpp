// logship-stash against the other servers it must support: Elasticsearch 7.17 and OpenSearch 2
// (`scripts/services compat start`, next to the main Kafka + Elasticsearch 8). For each: exactly N
// documents in the right date indices with the right content, `DocType: doc` configured without
// breaking anything (OpenSearch 2 rejects any `_type` with 400; Elasticsearch 7 keeps the type of an
// index go-stash created with `_type: doc`), and a replay by a second group over the same topic that
// only yields 409 duplicates: still exactly N documents.
#include "stash/stash_itest_util.h"

#include "support/admin_probe.h"
#include "support/process.h"

namespace logship::testing::stash {
namespace {

using namespace std::chrono_literals;

constexpr int kEvents = 300;

class StashCompat : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    runServicesCommand("compat start");
    started_ = true;
  }
  static void TearDownTestSuite() {
    if (started_) runServicesCommand("compat stop");
  }
  void SetUp() override {
    env = ServicesEnv::load();  // re-read: `compat start` appended ES7_URL / OPENSEARCH_URL
    s.topic = uniqueTopic("stash-compat");
    s.group = "g-" + s.topic;
    s.index_prefix = "compat-" + randomSuffix();
    createTopic(env.kafka_bootstrap, s.topic, 3);
  }
  void TearDown() override {
    if (!env.es_url.empty()) esDeleteIndex(s.index_prefix + "-*");
    deleteTopic(env.kafka_bootstrap, s.topic);
  }

  // Points the helpers and the stash config at the server of `url_key`.
  void useServer(const std::string& url_key) {
    const std::string url = env.get(url_key);
    ASSERT_FALSE(url.empty()) << url_key << " missing in " << env.env_file;
    env.es_url = url;
    setEsBaseUrl(url);
  }

  // Produces kEvents events, half on 2022-09-08 and half on 2022-09-09 in Asia/Shanghai.
  void produce() {
    std::vector<std::string> values;
    for (int i = 0; i < kEvents; ++i)
      values.push_back(filebeatEvent(i, i % 2 == 0 ? "2022-09-08T16:00:00.000Z" : "2022-09-08T15:59:59.999Z"));
    produceMessages(env.kafka_bootstrap, s.topic, values);
  }

  std::string configWithAdmin(const std::string& group, int admin_port) {
    StashSetup c = s;
    c.group = group;
    c.extra_kafka += "        Prometheus:\n          Host: 127.0.0.1\n          Port: " + std::to_string(admin_port) +
                     "\n          Path: /metrics\n";
    c.extra_es = "        DocType: doc\n";
    c.extra_cluster = "    DeadLetter:\n      File: " + (dir / ("dead-" + group + ".ndjson")).string() + "\n";
    return configYaml(env, c);
  }

  double metric(int port, const std::string& name) {
    std::string body;
    int status = 0;
    if (!pollAdmin(
            port, "/metrics", [](int st, const std::string&) { return st == 200; }, 10s, &status, &body))
      return -2;
    return metricValue(body, name + "{cluster=\"itest\"}");
  }

  // The whole scenario against the current server. `server` names it in messages.
  void deliverThenReplay(const std::string& server, const std::string& expected_version_log) {
    SCOPED_TRACE(server);
    produce();
    const std::string i8 = s.index_prefix + "-2022-09-08", i9 = s.index_prefix + "-2022-09-09";

    // First run: exactly N documents, split by the Shanghai date.
    const int port1 = freeLoopbackPort();
    writeFile(dir / "stash1.yml", configWithAdmin(s.group, port1));
    {
      StashProcess stash(dir / "stash1.yml", dir / "stash1.log");
      ASSERT_EQ(esWaitForCount(s.index_prefix + "-*", kEvents, 90s), kEvents) << readFile(dir / "stash1.log");
      EXPECT_EQ(esCount(i8), kEvents / 2);
      EXPECT_EQ(esCount(i9), kEvents / 2);
      ASSERT_TRUE(
          pollUntil([&] { return committedTotal(env.kafka_bootstrap, s.group, s.topic, 3) == kEvents; }, 30s, 500ms))
          << readFile(dir / "stash1.log");
      EXPECT_EQ(metric(port1, "logship_stash_duplicates_total"), 0);
      EXPECT_EQ(stash.terminate(20s), 0) << readFile(dir / "stash1.log");
    }
    // The version was detected (`GET /` on both) and no `_type` is used.
    const std::string log1 = readFile(dir / "stash1.log");
    EXPECT_NE(log1.find(expected_version_log), std::string::npos) << log1;

    // Content: filters applied, @metadata not indexed, ids from topic-partition-offset.
    auto docs = esSearchSources(s.index_prefix + "-*", R"({"query":{"term":{"data.seq":42}}})", 10);
    ASSERT_EQ(docs.size(), 1u);
    EXPECT_EQ(docs[0].at("data").at("content").as_string(), "line 42");
    EXPECT_EQ(docs[0].at("level").as_string(), "error");
    EXPECT_EQ(docs[0].at("k8s_container_name").as_string(), "user-api");
    EXPECT_FALSE(docs[0].has_field("@metadata"));
    EXPECT_FALSE(docs[0].has_field("beat"));
    EXPECT_FALSE(docs[0].has_field("message"));
    // seq 42 is even: 2022-09-08T16:00Z, which is already the 9th in Shanghai.
    auto hits =
        parseJson(esRequest("GET", "/" + s.index_prefix + "-*/_search?q=data.seq:42").body).at("hits").at("hits");
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits.at(0).at("_index").as_string(), i9);
    EXPECT_EQ(hits.at(0).at("_id").as_string().rfind(s.topic + "-", 0), 0u) << hits.at(0).serialize();
    if (server == "es7") {
      // 7.x still shows `_type`: the stash sends none (typeless, as documented), so it is "_doc"
      // in indices the stash created...
      EXPECT_EQ(hits.at(0).at("_type").as_string(), "_doc");
    }

    // Replay: a second stash with a new group reads the topic from the beginning again; every
    // create answers 409, which counts as done: all committed, N duplicates, still exactly N docs.
    const std::string group2 = s.group + "-replay";
    const int port2 = freeLoopbackPort();
    writeFile(dir / "stash2.yml", configWithAdmin(group2, port2));
    {
      StashProcess stash(dir / "stash2.yml", dir / "stash2.log");
      ASSERT_TRUE(
          pollUntil([&] { return committedTotal(env.kafka_bootstrap, group2, s.topic, 3) == kEvents; }, 60s, 500ms))
          << readFile(dir / "stash2.log");
      EXPECT_EQ(metric(port2, "logship_stash_duplicates_total"), kEvents) << readFile(dir / "stash2.log");
      EXPECT_EQ(metric(port2, "logship_stash_indexed_total"), 0);
      EXPECT_EQ(stash.terminate(20s), 0) << readFile(dir / "stash2.log");
    }
    EXPECT_EQ(esCount(s.index_prefix + "-*"), kEvents);
    EXPECT_EQ(esCount(i8), kEvents / 2);
    EXPECT_EQ(esCount(i9), kEvents / 2);
    // Nothing was rejected (a `_type` sent to OpenSearch 2 would fail every item).
    EXPECT_FALSE(std::filesystem::exists(dir / ("dead-" + s.group + ".ndjson")));
    EXPECT_FALSE(std::filesystem::exists(dir / ("dead-" + group2 + ".ndjson")));
  }

  static inline bool started_ = false;
  ServicesEnv env;
  StashSetup s;
  TempDir dir;
};

TEST_F(StashCompat, Elasticsearch7) {
  useServer("ES7_URL");
  if (HasFatalFailure()) return;
  ASSERT_EQ(env.get("ES7_VERSION").rfind("7.17.", 0), 0u) << env.get("ES7_VERSION");
  deliverThenReplay("es7", "elasticsearch reachable cluster=itest version=" + env.get("ES7_VERSION") +
                               " distribution=elasticsearch doc_type=\"\"");
}

TEST_F(StashCompat, Elasticsearch7KeepsTheTypeOfIndicesGoStashCreated) {
  // go-stash (olivere/elastic v7) sent `_type: doc` to 7.x; its indices have the mapping type "doc".
  // The stash's typeless creates must land in them (as type "doc"), and replays must still be 409s.
  useServer("ES7_URL");
  if (HasFatalFailure()) return;
  const std::string index = s.index_prefix + "-2022-09-08";
  auto r = esRequest("PUT", "/" + index + "?include_type_name=true",
                     R"({"mappings":{"doc":{"properties":{"level":{"type":"keyword"}}}}})", "application/json");
  ASSERT_EQ(r.status, 200) << r.body;
  std::vector<std::string> values;
  for (int i = 0; i < 50; ++i) values.push_back(filebeatEvent(i, "2022-09-08T01:00:00Z"));
  produceMessages(env.kafka_bootstrap, s.topic, values);
  const int port = freeLoopbackPort();
  writeFile(dir / "stash.yml", configWithAdmin(s.group, port));
  StashProcess stash(dir / "stash.yml", dir / "stash.log");
  ASSERT_EQ(esWaitForCount(index, 50, 60s), 50) << readFile(dir / "stash.log");
  auto hits = parseJson(esRequest("GET", "/" + index + "/_search?size=100").body).at("hits").at("hits");
  ASSERT_EQ(hits.size(), 50u);
  for (size_t i = 0; i < hits.size(); ++i)
    EXPECT_EQ(hits.at(i).at("_type").as_string(), "doc") << hits.at(i).serialize();
  EXPECT_TRUE(pollUntil([&] { return committedTotal(env.kafka_bootstrap, s.group, s.topic, 3) == 50; }, 30s, 500ms));
  EXPECT_EQ(stash.terminate(20s), 0) << readFile(dir / "stash.log");
  EXPECT_EQ(esCount(s.index_prefix + "-*"), 50);
  EXPECT_FALSE(std::filesystem::exists(dir / ("dead-" + s.group + ".ndjson")));
}

TEST_F(StashCompat, OpenSearch2) {
  useServer("OPENSEARCH_URL");
  if (HasFatalFailure()) return;
  ASSERT_EQ(env.get("OPENSEARCH_VERSION").rfind("2.", 0), 0u) << env.get("OPENSEARCH_VERSION");
  deliverThenReplay("opensearch", "elasticsearch reachable cluster=itest version=" + env.get("OPENSEARCH_VERSION") +
                                      " distribution=opensearch doc_type=\"\"");
}

}  // namespace
}  // namespace logship::testing::stash
