// Issue 14, scenarios 4 and 5, against the real secured services of `scripts/services secure start`
// (docs/test-services.md "Secured services"): logship-tail producing over SASL_SSL/SCRAM and over
// mTLS, logship-stash consuming over SASL_SSL and indexing over HTTPS with basic auth and with an
// API key; and every refusal (wrong password, revoked API key, unknown CA, expired and wrong-host
// certificates) ending in a clear error
// naming host and cause, /healthz unhealthy with its code, nothing acknowledged, and everything
// arriving exactly once after the credential is fixed and the daemon restarted. Secrets must never
// show in logs, /metrics, `export config` or the dead letter.
// The test side reads and writes Kafka through the broker's PLAINTEXT listener (never used by the
// daemons) and Elasticsearch through es::EsClient with the test CA and the file-realm user.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "logship/es/es_client.h"
#include "support/admin_probe.h"
#include "support/kafka_admin.h"
#include "support/paths.h"
#include "support/poll.h"
#include "support/process.h"

namespace logship::e2e {
namespace {

namespace fs = std::filesystem;
namespace lt = logship::testing;
using namespace std::chrono_literals;

// $LOGSHIP_RUN_DIR-secure/secure.env (the run dir as scripts/services.d/locations.sh computes it).
std::map<std::string, std::string> loadSecureEnv() {
  std::string run;
  if (const char* r = std::getenv("LOGSHIP_RUN_DIR"); r && *r) {
    run = r;
  } else {
    const char* cache = std::getenv("LOGSHIP_CACHE");
    run = (cache && *cache ? std::string(cache) : std::string(std::getenv("HOME")) + "/.cache/logship") + "/run";
  }
  while (run.size() > 1 && run.back() == '/') run.pop_back();
  std::ifstream f(run + "-secure/secure.env");
  std::map<std::string, std::string> env;
  for (std::string line; std::getline(f, line);) {
    const auto eq = line.find('=');
    if (line.empty() || line[0] == '#' || eq == std::string::npos) continue;
    env[line.substr(0, eq)] = line.substr(eq + 1);
  }
  if (env.count("SECURE_ES_URL") == 0) throw std::runtime_error("no " + run + "-secure/secure.env with ES");
  return env;
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::ostringstream o;
  o << f.rdbuf();
  return o.str();
}

bool healthCode(int port, int code, std::chrono::milliseconds timeout, std::string* body) {
  const std::string want = "\"code\":" + std::to_string(code);
  return lt::pollAdmin(
      port, "/healthz", [&](int status, const std::string& b) { return status == 503 && b.find(want) != b.npos; },
      timeout, nullptr, body);
}

std::string metricsText(int port) {
  std::string body;
  lt::httpGetStatus(port, "/metrics", 2s, &body);
  return body;
}

class Security : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { env_ = new std::map<std::string, std::string>(loadSecureEnv()); }
  static void TearDownTestSuite() { delete env_; }
  static std::string env(const std::string& k) { return env_->at(k); }
  std::string cert(const std::string& name) const { return env("SECURE_CERTS") + "/" + name; }
  std::string plain() const { return env("SECURE_KAFKA_PLAINTEXT"); }

  // The secret files (Docker/Kubernetes style), referenced as ${file:...}.
  std::string secretFile(const std::string& name, const std::string& value) {
    const fs::path p = dir_.path() / name;
    lt::writeFile(p, value + "\n");
    return p.string();
  }

  // ---- tail
  std::string tailConfig(const std::string& hosts, const std::string& security) const {
    return "filebeat.inputs:\n  - type: log\n    paths: [\"" + (dir_.path() / "logs" / "*.log").string() +
           "\"]\n    scan_frequency: 200ms\nfilebeat.registry.flush: 200ms\npath.data: " +
           (dir_.path() / "data").string() +
           "\nhttp.enabled: true\nhttp.host: 127.0.0.1\nhttp.port: " + std::to_string(tail_port_) +
           "\nlogship.unhealthy_after: 2s\noutput.kafka:\n  hosts: [\"" + hosts + "\"]\n  topic: " + topic_ +
           "\n  required_acks: 1\n" + security;
  }
  std::string scram(const std::string& password_file) const {
    return "  username: " + env("SECURE_KAFKA_USER") + "\n  password: ${file:" + password_file +
           "}\n  sasl.mechanism: SCRAM-SHA-512\n  ssl.certificate_authorities: [\"" + cert("ca.crt") + "\"]\n";
  }
  std::string mtls() const {
    return "  ssl.certificate_authorities: [\"" + cert("ca.crt") + "\"]\n  ssl.certificate: \"" + cert("client.crt") +
           "\"\n  ssl.key: \"" + cert("client.key") + "\"\n";
  }
  void writeLines(int from, int to) {
    fs::create_directories(dir_.path() / "logs");
    std::ofstream f(dir_.path() / "logs" / "app.log", std::ios::app);
    for (int i = from; i < to; ++i) f << "{\"content\":\"sec-" << i << "\"}\n";
  }
  lt::ChildProcess startTail(const std::string& config) {
    lt::writeFile(dir_.path() / "filebeat.yml", config);
    return lt::ChildProcess({lt::daemonPath("logship-tail").string(), "-c", (dir_.path() / "filebeat.yml").string()},
                            dir_.path() / "tail.log");
  }
  // Ids "sec-N" in the topic, with their number of copies.
  std::map<std::string, int> topicIds(size_t expected) {
    std::map<std::string, int> ids;
    for (const auto& v : lt::consumeAll(plain(), topic_, expected, 30s, 1s)) {
      std::smatch m;
      if (std::regex_search(v, m, std::regex("sec-[0-9]+"))) ++ids[m.str()];
    }
    return ids;
  }
  static std::map<std::string, int> expectedIds(int n) {
    std::map<std::string, int> ids;
    for (int i = 0; i < n; ++i) ids["sec-" + std::to_string(i)] = 1;
    return ids;
  }
  bool registryHasProgress() {
    const std::string reg = slurp(dir_.path() / "data" / "registry" / "logship-tail" / "registry.json");
    return std::regex_search(reg, std::regex("\"offset\":[1-9]"));
  }

  // ---- stash
  std::string stashConfig(const std::string& kafka_hosts, const std::string& kafka_security, const std::string& es_url,
                          const std::string& es_security) const {
    return "Clusters:\n  - Input:\n      Kafka:\n        Name: sec\n        Brokers: [\"" + kafka_hosts +
           "\"]\n        Topics: [\"" + topic_ + "\"]\n        Group: " + topic_ +
           "-g\n        Offset: first\n        Prometheus: {Host: 127.0.0.1, Port: " + std::to_string(stash_port_) +
           "}\n" + kafka_security + "    DeadLetter:\n      File: " + (dir_.path() / "dead.ndjson").string() +
           "\n    Output:\n      ElasticSearch:\n        Hosts: [\"" + es_url + "\"]\n        Index: \"" + topic_ +
           "-{{yyyy-MM-dd}}\"\n        FlushInterval: 200ms\n        BackoffMax: 1s\n        Timeout: 5s\n" +
           es_security + "UnhealthyAfter: 2s\nGracePeriod: 5s\n";
  }
  std::string stashScram(const std::string& password_file) const {
    return "        Username: " + env("SECURE_KAFKA_USER") + "\n        Password: ${file:" + password_file +
           "}\n        Mechanism: SCRAM-SHA-512\n        CaFile: \"" + cert("ca.crt") + "\"\n";
  }
  std::string esBasic(const std::string& password_file, const std::string& ca = "ca.crt") const {
    return "        Username: " + env("SECURE_ES_USER") + "\n        Password: ${file:" + password_file +
           "}\n        CaFile: \"" + cert(ca) + "\"\n";
  }
  std::string esApiKey(const std::string& key_file) const {
    return "        ApiKey: ${file:" + key_file + "}\n        CaFile: \"" + cert("ca.crt") + "\"\n";
  }
  lt::ChildProcess startStash(const std::string& config) {
    lt::writeFile(dir_.path() / "stash.yml", config);
    return lt::ChildProcess({lt::daemonPath("logship-stash").string(), "-f", (dir_.path() / "stash.yml").string()},
                            dir_.path() / "stash.log");
  }
  void produce(int n) {
    std::vector<std::string> values;
    for (int i = 0; i < n; ++i)
      values.push_back(R"({"@timestamp":"2022-09-08T13:30:00.000Z","@metadata":{"_id":"sec-)" + std::to_string(i) +
                       R"("},"message":"m )" + std::to_string(i) + "\"}");
    lt::produceMessages(plain(), topic_, values);
  }
  es::EsClient esAdmin() const {
    es::EsClientOptions o;
    o.hosts = {env("SECURE_ES_URL")};
    o.username = env("SECURE_ES_USER");
    o.password = env("SECURE_ES_PASSWORD");
    o.ca_file = cert("ca.crt");
    o.timeout = 10s;
    return es::EsClient(o);
  }
  // The _ids in the test's indices (refreshed first); each once, as `create` guarantees.
  std::set<std::string> esIds() {
    auto es = esAdmin();
    es.request("POST", "/" + topic_ + "-*/_refresh", "");
    const auto r = es.request("GET", "/" + topic_ + "-*/_search?size=1000&_source=false", "");
    std::set<std::string> ids;
    std::smatch m;
    std::string body = r.body;
    const std::regex id_re("\"_id\":\"([^\"]+)\"");
    for (auto it = std::sregex_iterator(body.begin(), body.end(), id_re); it != std::sregex_iterator(); ++it)
      ids.insert((*it)[1].str());
    return ids;
  }
  // esIds() once it holds `n` ids (or after 60 s).
  std::set<std::string> awaitEsIds(int n) {
    std::set<std::string> ids;
    lt::pollUntil(
        [&] {
          ids = esIds();
          return ids.size() >= static_cast<size_t>(n);
        },
        60s, 250ms);
    return ids;
  }
  static std::set<std::string> expectedIdSet(int n) {
    std::set<std::string> ids;
    for (int i = 0; i < n; ++i) ids.insert("sec-" + std::to_string(i));
    return ids;
  }
  void expectNoSecret(const std::string& where, const std::string& text) {
    for (const auto* k :
         {"SECURE_KAFKA_PASSWORD", "SECURE_ES_PASSWORD", "SECURE_ES_API_KEY", "SECURE_ES_REVOKED_API_KEY"})
      EXPECT_EQ(text.find(env(k)), std::string::npos) << k << " appears in " << where;
  }

  void SetUp() override {
    topic_ = lt::uniqueTopic("sec");
    lt::createTopic(plain(), topic_, 1);
    tail_port_ = lt::freeLoopbackPort();
    stash_port_ = lt::freeLoopbackPort();
  }

  static std::map<std::string, std::string>* env_;
  lt::TempDir dir_;
  std::string topic_;
  int tail_port_ = 0;
  int stash_port_ = 0;
};
std::map<std::string, std::string>* Security::env_ = nullptr;

constexpr int kLines = 50;

TEST_F(Security, TailOverSaslSslScramDeliversEveryLineOnceAndShowsNoSecret) {
  writeLines(0, kLines);
  const std::string pass = secretFile("kafka.pass", env("SECURE_KAFKA_PASSWORD"));
  auto tail = startTail(tailConfig(env("SECURE_KAFKA_SASL_SSL"), scram(pass)));
  EXPECT_EQ(topicIds(kLines), expectedIds(kLines)) << lt::tailOfFile(dir_.path() / "tail.log");
  expectNoSecret("/metrics", metricsText(tail_port_));
  tail.terminate(20s);
  expectNoSecret("the tail's log", slurp(dir_.path() / "tail.log"));
  // export config prints the file's secrets as xxxxx (a password given inline too).
  lt::writeFile(dir_.path() / "inline.yml",
                tailConfig(env("SECURE_KAFKA_SASL_SSL"), scram(pass)) + "  # inline form\n");
  const std::string exported_log = (dir_.path() / "export.log").string();
  {
    std::string cfg = slurp(dir_.path() / "inline.yml");
    cfg = std::regex_replace(cfg, std::regex("\\$\\{file:[^}]+\\}"), env("SECURE_KAFKA_PASSWORD"));
    lt::writeFile(dir_.path() / "inline.yml", cfg);
  }
  lt::ChildProcess exporter(
      {lt::daemonPath("logship-tail").string(), "export", "config", "-c", (dir_.path() / "inline.yml").string()},
      exported_log);
  ASSERT_TRUE(lt::pollUntil([&] { return !exporter.alive(); }, 20s, 50ms));
  const std::string exported = slurp(exported_log);
  EXPECT_NE(exported.find("password"), std::string::npos) << exported;
  expectNoSecret("export config", exported);
}

TEST_F(Security, TailOverMutualTlsDeliversEveryLineOnce) {
  writeLines(0, kLines);
  auto tail = startTail(tailConfig(env("SECURE_KAFKA_MTLS"), mtls()));
  EXPECT_EQ(topicIds(kLines), expectedIds(kLines)) << lt::tailOfFile(dir_.path() / "tail.log");
}

TEST_F(Security, TailWithWrongPasswordAcknowledgesNothingThenDeliversOnceFixed) {
  writeLines(0, kLines);
  const std::string wrong = secretFile("wrong.pass", "not-the-password-0000");
  const std::string host = env("SECURE_KAFKA_SASL_SSL");
  {
    auto tail = startTail(tailConfig(host, scram(wrong)));
    std::string body;
    EXPECT_TRUE(healthCode(tail_port_, 3005, 30s, &body)) << body << lt::tailOfFile(dir_.path() / "tail.log");
    EXPECT_NE(body.find(host), std::string::npos) << "healthz does not name the broker: " << body;
    const std::string log = slurp(dir_.path() / "tail.log");
    EXPECT_NE(log.find(host), std::string::npos);
    EXPECT_NE(log.find("uthentication"), std::string::npos) << "the log does not name the cause";
    EXPECT_EQ(log.find("not-the-password-0000"), std::string::npos) << "the wrong password is logged";
    EXPECT_EQ(metricsText(tail_port_).find("not-the-password-0000"), std::string::npos);
    tail.terminate(20s);
  }
  EXPECT_EQ(lt::countMessages(plain(), topic_), 0);
  EXPECT_FALSE(registryHasProgress()) << slurp(dir_.path() / "data" / "registry" / "logship-tail" / "registry.json");
  auto fixed = startTail(tailConfig(host, scram(secretFile("kafka.pass", env("SECURE_KAFKA_PASSWORD")))));
  EXPECT_EQ(topicIds(kLines), expectedIds(kLines)) << lt::tailOfFile(dir_.path() / "tail.log");
  // The registry check above reads the right file: it shows progress now.
  EXPECT_TRUE(lt::pollUntil([&] { return registryHasProgress(); }, 10s, 100ms));
}

TEST_F(Security, TailRefusesUnknownCaExpiredAndWrongHostCertificates) {
  writeLines(0, 5);
  for (const char* listener :
       {"SECURE_KAFKA_UNKNOWN_CA_CERT", "SECURE_KAFKA_EXPIRED_CERT", "SECURE_KAFKA_WRONG_HOST_CERT"}) {
    SCOPED_TRACE(listener);
    fs::remove(dir_.path() / "tail.log");
    const std::string host = env(listener);
    auto tail = startTail(tailConfig(host, mtls()));
    std::string body;
    EXPECT_TRUE(healthCode(tail_port_, 3006, 30s, &body)) << body << lt::tailOfFile(dir_.path() / "tail.log");
    EXPECT_NE(body.find(host), std::string::npos) << body;
    EXPECT_NE(slurp(dir_.path() / "tail.log").find(host), std::string::npos);
    tail.terminate(20s);
    EXPECT_FALSE(registryHasProgress());
  }
  EXPECT_EQ(lt::countMessages(plain(), topic_), 0);
}

TEST_F(Security, StashOverSaslSslIntoHttpsWithBasicAuthIndexesEveryEventOnce) {
  produce(kLines);
  // One value that is not JSON: the dead letter gets a record, so its check below reads something.
  lt::produceMessages(plain(), topic_, {"not json"});
  const std::string kpass = secretFile("kafka.pass", env("SECURE_KAFKA_PASSWORD"));
  const std::string epass = secretFile("es.pass", env("SECURE_ES_PASSWORD"));
  auto stash =
      startStash(stashConfig(env("SECURE_KAFKA_SASL_SSL"), stashScram(kpass), env("SECURE_ES_URL"), esBasic(epass)));
  EXPECT_EQ(awaitEsIds(kLines), expectedIdSet(kLines)) << lt::tailOfFile(dir_.path() / "stash.log");
  EXPECT_TRUE(lt::pollUntil([&] { return lt::committedTotal(plain(), topic_ + "-g", topic_, 1) == kLines + 1; }, 20s));
  expectNoSecret("/metrics", metricsText(stash_port_));
  stash.terminate(20s);
  expectNoSecret("the stash's log", slurp(dir_.path() / "stash.log"));
  const std::string dead = slurp(dir_.path() / "dead.ndjson");
  EXPECT_NE(dead.find("invalid_json"), std::string::npos) << dead;
  expectNoSecret("the dead letter", dead);
}

TEST_F(Security, StashIntoHttpsWithAnApiKeyIndexesEveryEventOnce) {
  produce(kLines);
  const std::string kpass = secretFile("kafka.pass", env("SECURE_KAFKA_PASSWORD"));
  const std::string key = secretFile("es.key", env("SECURE_ES_API_KEY"));
  auto stash =
      startStash(stashConfig(env("SECURE_KAFKA_SASL_SSL"), stashScram(kpass), env("SECURE_ES_URL"), esApiKey(key)));
  EXPECT_EQ(awaitEsIds(kLines), expectedIdSet(kLines)) << lt::tailOfFile(dir_.path() / "stash.log");
  expectNoSecret("/metrics", metricsText(stash_port_));
  stash.terminate(20s);
  expectNoSecret("the stash's log", slurp(dir_.path() / "stash.log"));
}

// One refused side at a time; `code` is the /healthz code, `needle` what the log must name.
struct StashRefusal {
  const char* name;
  std::string kafka_host, kafka_security, es_url, es_security;
  int code;
  std::string needle;
};

TEST_F(Security, StashRefusalsCommitNothingAndEverythingArrivesOnceFixed) {
  produce(kLines);
  const std::string kpass = secretFile("kafka.pass", env("SECURE_KAFKA_PASSWORD"));
  const std::string epass = secretFile("es.pass", env("SECURE_ES_PASSWORD"));
  const std::string wrong = secretFile("wrong.pass", "not-the-password-0000");
  const std::string revoked = secretFile("revoked.key", env("SECURE_ES_REVOKED_API_KEY"));
  const std::string es_url = env("SECURE_ES_URL"), sasl = env("SECURE_KAFKA_SASL_SSL");
  const std::string es_host = es_url.substr(std::string("https://").size());
  const std::string ca_only = "        CaFile: \"" + cert("ca.crt") + "\"\n";
  const std::vector<StashRefusal> cases = {
      {"es wrong password", sasl, stashScram(kpass), es_url, esBasic(wrong), 4004, es_host},
      {"es revoked API key", sasl, stashScram(kpass), es_url, esApiKey(revoked), 4004, es_host},
      {"es unknown CA", sasl, stashScram(kpass), es_url, esBasic(epass, "unknown-ca.crt"), 4005, es_host},
      {"es wrong host", sasl, stashScram(kpass), env("SECURE_ES_WRONG_HOST_URL"), esBasic(epass), 4005, "127.0.0.2"},
      {"kafka wrong password", sasl, stashScram(wrong), es_url, esBasic(epass), 3005, sasl},
      {"kafka unknown CA", env("SECURE_KAFKA_UNKNOWN_CA_CERT"), ca_only, es_url, esBasic(epass), 3006,
       env("SECURE_KAFKA_UNKNOWN_CA_CERT")},
      {"kafka expired certificate", env("SECURE_KAFKA_EXPIRED_CERT"), ca_only, es_url, esBasic(epass), 3006,
       env("SECURE_KAFKA_EXPIRED_CERT")},
      {"kafka wrong-host certificate", env("SECURE_KAFKA_WRONG_HOST_CERT"), ca_only, es_url, esBasic(epass), 3006,
       env("SECURE_KAFKA_WRONG_HOST_CERT")},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    fs::remove(dir_.path() / "stash.log");
    auto stash = startStash(stashConfig(c.kafka_host, c.kafka_security, c.es_url, c.es_security));
    std::string body;
    EXPECT_TRUE(healthCode(stash_port_, c.code, 30s, &body)) << body << lt::tailOfFile(dir_.path() / "stash.log");
    EXPECT_NE(body.find(c.needle), std::string::npos) << "healthz does not name the host: " << body;
    const std::string log = slurp(dir_.path() / "stash.log");
    EXPECT_NE(log.find(c.needle), std::string::npos) << "the log does not name the host";
    EXPECT_EQ(log.find("not-the-password-0000"), std::string::npos) << "the wrong password is logged";
    expectNoSecret("/metrics", metricsText(stash_port_));
    stash.terminate(20s);
    EXPECT_LE(lt::committedTotal(plain(), topic_ + "-g", topic_, 1), 0) << "something was committed";
    EXPECT_TRUE(esIds().empty());
  }
  auto fixed = startStash(stashConfig(sasl, stashScram(kpass), es_url, esBasic(epass)));
  EXPECT_EQ(awaitEsIds(kLines), expectedIdSet(kLines)) << lt::tailOfFile(dir_.path() / "stash.log");
}

}  // namespace
}  // namespace logship::e2e
