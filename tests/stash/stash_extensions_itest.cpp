// logship-stash extensions against the real Kafka and Elasticsearch of scripts/services:
// TopicsPattern picking up a topic created later, the Kafka dead letter, Compress (gzip bulk
// bodies, seen on the wire through a loopback forwarder) and two clusters in one process.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <map>
#include <mutex>

#include "stash/stash_itest_util.h"

namespace logship::testing::stash {
namespace {

using namespace std::chrono_literals;

// A JSON object value with a fixed date (2022-09-08 in Shanghai), its source and sequence number.
std::string sourcedEvent(const std::string& src, int seq) {
  return R"({"@timestamp":"2022-09-08T01:00:00Z","src":")" + src + R"(","seq":)" + std::to_string(seq) + "}";
}

std::vector<std::string> sourcedEvents(const std::string& src, int n) {
  std::vector<std::string> v;
  for (int i = 0; i < n; ++i) v.push_back(sourcedEvent(src, i));
  return v;
}

int64_t countWhere(const std::string& index, const std::string& field, const std::string& value) {
  return static_cast<int64_t>(
      esSearchSources(index, R"({"query":{"term":{")" + field + R"(.keyword":")" + value + R"("}}})", 10000).size());
}

// The stash's only cluster entry of configYaml (between "Clusters:\n" and "GracePeriod:"), renamed.
std::string clusterEntry(const ServicesEnv& env, const StashSetup& s, const std::string& name) {
  std::string y = configYaml(env, s);
  const std::string head = "Clusters:\n";
  y = y.substr(head.size(), y.find("GracePeriod:") - head.size());
  const std::string old_name = "Name: itest\n";
  y.replace(y.find(old_name), old_name.size(), "Name: " + name + "\n");
  return y;
}

// Forwards TCP connections from a loopback port to 127.0.0.1:<target_port> byte for byte and keeps
// everything the clients sent, so a test can look at the requests as they were on the wire.
class LoopbackForwarder {
 public:
  explicit LoopbackForwarder(int target_port) : target_port_(target_port) {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 ||
        ::listen(listen_fd_, 16) != 0 || ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len) != 0)
      throw std::runtime_error("cannot listen on 127.0.0.1");
    port_ = ntohs(a.sin_port);
    accept_thread_ = std::thread([this] { acceptLoop(); });
  }
  ~LoopbackForwarder() {
    stop_ = true;
    if (accept_thread_.joinable()) accept_thread_.join();
    for (auto& t : conn_threads_) t.join();
    ::close(listen_fd_);
  }
  int port() const { return port_; }
  std::string clientBytes() {
    std::lock_guard<std::mutex> lock(mutex_);
    return sent_;
  }

 private:
  void acceptLoop() {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      const int client = ::accept(listen_fd_, nullptr, nullptr);
      if (client < 0) continue;
      const int server = ::socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      a.sin_port = htons(static_cast<uint16_t>(target_port_));
      if (server < 0 || ::connect(server, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
        ::close(client);
        if (server >= 0) ::close(server);
        continue;
      }
      conn_threads_.emplace_back([this, client, server] { pump(client, server); });
    }
  }
  void pump(int client, int server) {
    char buf[65536];
    while (!stop_) {
      pollfd p[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
      if (::poll(p, 2, 100) <= 0) continue;
      bool closed = false;
      for (int i = 0; i < 2 && !closed; ++i) {
        if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        const ssize_t n = ::read(p[i].fd, buf, sizeof buf);
        if (n <= 0) {
          closed = true;
          break;
        }
        if (i == 0) {
          std::lock_guard<std::mutex> lock(mutex_);
          sent_.append(buf, static_cast<size_t>(n));
        }
        const int to = i == 0 ? server : client;
        for (ssize_t off = 0; off < n;) {
          const ssize_t w = ::write(to, buf + off, static_cast<size_t>(n - off));
          if (w <= 0) {
            closed = true;
            break;
          }
          off += w;
        }
      }
      if (closed) break;
    }
    ::close(client);
    ::close(server);
  }

  int target_port_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::thread accept_thread_;
  std::vector<std::thread> conn_threads_;  // only touched by the accept thread until the destructor joins it
  std::mutex mutex_;
  std::string sent_;
};

class StashExtensions : public ::testing::Test {
 protected:
  void SetUp() override {
    env = ServicesEnv::load();
    setEsBaseUrl(env.es_url);
    s.group = "g-" + uniqueTopic("stash-ext");
    s.index_prefix = "itest-ext-" + randomSuffix();
    s.filters = "";
  }
  void TearDown() override {
    for (const auto& p : index_prefixes) esDeleteIndex(p + "-*");
    esDeleteIndex(s.index_prefix + "-*");
    for (const auto& t : topics) deleteTopic(env.kafka_bootstrap, t);
  }
  std::string topic(const std::string& name, int partitions) {
    createTopic(env.kafka_bootstrap, name, partitions);
    topics.push_back(name);
    return name;
  }
  ServicesEnv env;
  StashSetup s;
  TempDir dir;
  std::vector<std::string> topics;
  std::vector<std::string> index_prefixes;
};

TEST_F(StashExtensions, TopicsPatternPicksUpATopicCreatedAfterStart) {
  const std::string base = uniqueTopic("ext-pat");
  const std::string first = topic(base + "-a", 2);
  const std::string unmatched = topic(base + "x-c", 1);  // "^<base>-" must not match "<base>x-c"
  produceMessages(env.kafka_bootstrap, first, sourcedEvents("a", 20));
  produceMessages(env.kafka_bootstrap, unmatched, sourcedEvents("c", 7));

  s.topic = "";  // Topics: [""] -> no fixed topic, the pattern alone decides
  s.extra_kafka += "        TopicsPattern: \"^" + base + "-\"\n        TopicsRefresh: 1s\n";
  s.extra_cluster = "    DeadLetter:\n      File: " + (dir / "dead.ndjson").string() + "\n";
  writeFile(dir / "stash.yml", configYaml(env, s));
  StashProcess stash(dir / "stash.yml", dir / "stash.log");
  const std::string index = s.index_prefix + "-*";
  ASSERT_EQ(esWaitForCount(index, 20, 60s), 20) << readFile(dir / "stash.log");

  // Created while the stash runs: only the periodic re-check can find it.
  const std::string later = topic(base + "-b", 3);
  produceMessages(env.kafka_bootstrap, later, sourcedEvents("b", 30));
  EXPECT_EQ(esWaitForCount(index, 50, 60s), 50) << readFile(dir / "stash.log");
  EXPECT_TRUE(pollUntil([&] { return committedTotal(env.kafka_bootstrap, s.group, later, 3) == 30; }, 20s, 500ms))
      << readFile(dir / "stash.log");
  EXPECT_EQ(countWhere(index, "src", "a"), 20);
  EXPECT_EQ(countWhere(index, "src", "b"), 30);
  EXPECT_EQ(countWhere(index, "src", "c"), 0);
  EXPECT_EQ(committedTotal(env.kafka_bootstrap, s.group, unmatched, 1), 0);
  EXPECT_EQ(stash.terminate(15s), 0);
  EXPECT_EQ(esCount(index), 50);
}

TEST_F(StashExtensions, KafkaDeadLetterGetsInvalidJsonAndMappingConflictWithTheError) {
  s.topic = topic(uniqueTopic("ext-dl-in"), 1);  // one partition: offsets are the positions below
  const std::string dead_topic = topic(uniqueTopic("ext-dl-out"), 1);
  const std::string index = s.index_prefix + "-2022-09-08";
  auto r = esRequest("PUT", "/" + index, R"({"mappings":{"properties":{"n":{"type":"integer"}}}})", "application/json");
  ASSERT_LT(r.status, 300) << r.body;
  const std::string conflict = R"({"@timestamp":"2022-09-08T01:00:00Z","n":"not a number"})";
  std::vector<std::string> values;
  for (int i = 0; i < 10; ++i)
    values.push_back(R"({"@timestamp":"2022-09-08T01:00:00Z","n":)" + std::to_string(i) + "}");
  values[3] = "this is not json {";
  values[6] = conflict;
  produceMessages(env.kafka_bootstrap, s.topic, values);

  s.extra_cluster = "    DeadLetter:\n      Topic: " + dead_topic + "\n";
  writeFile(dir / "stash.yml", configYaml(env, s));
  StashProcess stash(dir / "stash.yml", dir / "stash.log");
  EXPECT_EQ(esWaitForCount(index, 8, 60s), 8) << readFile(dir / "stash.log");
  EXPECT_TRUE(pollUntil([&] { return committedTotal(env.kafka_bootstrap, s.group, s.topic, 1) == 10; }, 20s, 500ms))
      << readFile(dir / "stash.log");

  const auto dead = consumeAll(env.kafka_bootstrap, dead_topic, 2, 30s, 2s);
  ASSERT_EQ(dead.size(), 2u) << readFile(dir / "stash.log");
  std::map<std::string, web::json::value> by_reason;
  for (const auto& d : dead) {
    auto v = parseJson(d);
    by_reason[v.at("reason").as_string()] = v;
  }
  ASSERT_EQ(by_reason.count("invalid_json"), 1u) << dead[0] << "\n" << dead[1];
  ASSERT_EQ(by_reason.count("rejected"), 1u) << dead[0] << "\n" << dead[1];

  const auto& inv = by_reason["invalid_json"];
  EXPECT_EQ(inv.at("topic").as_string(), s.topic);
  EXPECT_EQ(inv.at("partition").as_integer(), 0);
  EXPECT_EQ(inv.at("offset").as_integer(), 3);
  EXPECT_EQ(inv.at("raw").as_string(), "this is not json {");
  EXPECT_EQ(inv.at("error").at("type").as_string(), "invalid_json");
  EXPECT_FALSE(inv.has_field("doc"));

  const auto& rej = by_reason["rejected"];
  EXPECT_EQ(rej.at("topic").as_string(), s.topic);
  EXPECT_EQ(rej.at("offset").as_integer(), 6);
  EXPECT_EQ(rej.at("index").as_string(), index);
  EXPECT_EQ(rej.at("id").as_string(), s.topic + "-0-6");
  EXPECT_EQ(rej.at("error").at("status").as_integer(), 400);
  const std::string type = rej.at("error").at("type").as_string();
  EXPECT_TRUE(type == "document_parsing_exception" || type == "mapper_parsing_exception") << type;
  EXPECT_NE(rej.at("error").at("reason").as_string().find("[n]"), std::string::npos) << rej.serialize();
  EXPECT_EQ(rej.at("doc").at("n").as_string(), "not a number");
  EXPECT_FALSE(rej.has_field("raw"));

  EXPECT_EQ(stash.terminate(15s), 0);
  EXPECT_EQ(esCount(index), 8);
}

TEST_F(StashExtensions, CompressSendsGzipBulkBodiesThatElasticsearchIndexes) {
  s.topic = topic(uniqueTopic("ext-gz"), 3);
  const std::string marker = "plaintext-marker-" + randomSuffix();
  std::vector<std::string> values;
  for (int i = 0; i < 200; ++i)
    values.push_back(R"({"@timestamp":"2022-09-08T01:00:00Z","marker":")" + marker + R"(","seq":)" + std::to_string(i) +
                     "}");
  produceMessages(env.kafka_bootstrap, s.topic, values);

  const int es_port = std::stoi(env.es_url.substr(env.es_url.rfind(':') + 1));
  LoopbackForwarder wire(es_port);
  ServicesEnv via = env;
  via.es_url = "http://127.0.0.1:" + std::to_string(wire.port());
  s.extra_es = "        Compress: true\n";
  s.extra_cluster = "    DeadLetter:\n      File: " + (dir / "dead.ndjson").string() + "\n";
  writeFile(dir / "stash.yml", configYaml(via, s));
  StashProcess stash(dir / "stash.yml", dir / "stash.log");
  const std::string index = s.index_prefix + "-2022-09-08";
  EXPECT_EQ(esWaitForCount(index, 200, 60s), 200) << readFile(dir / "stash.log");
  EXPECT_EQ(countWhere(index, "marker", marker), 200);
  EXPECT_EQ(stash.terminate(15s), 0);
  EXPECT_FALSE(std::filesystem::exists(dir / "dead.ndjson")) << readFile(dir / "dead.ndjson");

  // On the wire: bulk requests announced as gzip, a gzip body, and never the documents in clear.
  std::string sent = wire.clientBytes();
  std::string lower = sent;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  const size_t bulk = lower.find("post /_bulk");
  ASSERT_NE(bulk, std::string::npos) << lower.substr(0, 2000);
  const size_t body = lower.find("\r\n\r\n", bulk);
  ASSERT_NE(body, std::string::npos);
  const std::string headers = lower.substr(bulk, body - bulk);
  const size_t ce = headers.find("\r\ncontent-encoding:");
  ASSERT_NE(ce, std::string::npos) << headers;
  const size_t value = headers.find_first_not_of(' ', ce + std::string("\r\ncontent-encoding:").size());
  EXPECT_EQ(headers.substr(value, headers.find("\r\n", value) - value), "gzip") << headers;
  ASSERT_GE(sent.size(), body + 6);
  EXPECT_EQ(static_cast<unsigned char>(sent[body + 4]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>(sent[body + 5]), 0x8b);
  EXPECT_EQ(sent.find(marker), std::string::npos) << "a document went uncompressed";
}

TEST_F(StashExtensions, TwoClustersInOneProcessEachIndexExactlyItsOwnEvents) {
  StashSetup a = s, b = s;
  a.topic = topic(uniqueTopic("ext-two-a"), 2);
  b.topic = topic(uniqueTopic("ext-two-b"), 3);
  a.group = "g-" + a.topic;
  b.group = "g-" + b.topic;
  a.index_prefix = "itest-ext-a-" + randomSuffix();
  b.index_prefix = "itest-ext-b-" + randomSuffix();
  index_prefixes = {a.index_prefix, b.index_prefix};
  a.extra_cluster = "    DeadLetter:\n      File: " + (dir / "dead-a.ndjson").string() + "\n";
  b.extra_cluster = "    DeadLetter:\n      File: " + (dir / "dead-b.ndjson").string() + "\n";
  produceMessages(env.kafka_bootstrap, a.topic, sourcedEvents("a", 40));
  produceMessages(env.kafka_bootstrap, b.topic, sourcedEvents("b", 65));

  writeFile(dir / "stash.yml",
            "Clusters:\n" + clusterEntry(env, a, "ext-a") + clusterEntry(env, b, "ext-b") + "GracePeriod: 10s\n");
  StashProcess stash(dir / "stash.yml", dir / "stash.log");
  const std::string ia = a.index_prefix + "-*", ib = b.index_prefix + "-*";
  EXPECT_EQ(esWaitForCount(ia, 40, 60s), 40) << readFile(dir / "stash.log");
  EXPECT_EQ(esWaitForCount(ib, 65, 60s), 65) << readFile(dir / "stash.log");
  EXPECT_TRUE(pollUntil(
      [&] {
        return committedTotal(env.kafka_bootstrap, a.group, a.topic, 2) == 40 &&
               committedTotal(env.kafka_bootstrap, b.group, b.topic, 3) == 65;
      },
      20s, 500ms))
      << readFile(dir / "stash.log");
  EXPECT_EQ(stash.terminate(15s), 0);

  EXPECT_EQ(esCount(ia), 40);
  EXPECT_EQ(esCount(ib), 65);
  EXPECT_EQ(countWhere(ia, "src", "a"), 40);
  EXPECT_EQ(countWhere(ib, "src", "b"), 65);
  // Each group committed only its own topic.
  EXPECT_EQ(committedTotal(env.kafka_bootstrap, a.group, b.topic, 3), 0);
  EXPECT_EQ(committedTotal(env.kafka_bootstrap, b.group, a.topic, 2), 0);
  EXPECT_FALSE(std::filesystem::exists(dir / "dead-a.ndjson"));
  EXPECT_FALSE(std::filesystem::exists(dir / "dead-b.ndjson"));
}

// A config librdkafka refuses only when the consumer is created (the CA file cannot be read): the
// daemon must not run on healthy-looking without consuming; it stops and exits 2 naming the
// cluster and librdkafka's reason. Elasticsearch is up, so the runner gets that far.
TEST_F(StashExtensions, AConsumerLibrdkafkaRefusesEndsTheDaemonWithExit2) {
  s.topic = topic(uniqueTopic("ext-refused"), 1);
  s.extra_kafka =
      "        Librdkafka: {security.protocol: ssl, ssl.ca.location: \"" + (dir / "missing-ca.pem").string() + "\"}\n";
  writeFile(dir / "stash.yml", configYaml(env, s));
  StashProcess stash(dir / "stash.yml", dir / "stash.log");
  ASSERT_TRUE(pollUntil([&] { return !stash.running(); }, 60s, 200ms)) << readFile(dir / "stash.log");
  EXPECT_EQ(stash.exitStatus(), 2) << readFile(dir / "stash.log");
  const std::string log = readFile(dir / "stash.log");
  EXPECT_NE(log.find("logship-stash: cluster itest: cannot create kafka consumer"), std::string::npos) << log;
  EXPECT_NE(log.find("ssl.ca.location"), std::string::npos) << log;
}

}  // namespace
}  // namespace logship::testing::stash
