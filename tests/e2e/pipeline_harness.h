#pragma once
// The whole pipeline under test: a generator writing unique go-zero lines -> logship-tail -> Kafka
// -> logship-stash -> Elasticsearch, with the real services of scripts/services. Header-only (each
// *_itest.cpp is its own program; process handling lives in tests/support/process.h).
//
// Every line carries an id "e2e-<scenario>-<n>" at the start of its `content`; the stash's
// go-stash filters move the JSON line under `data`, so the id is read back from `data.content`
// (or from `message` for lines that are not JSON objects). The checks are count AND set equality
// of those ids, plus the peak RSS of every daemon incarnation (VmHWM sampled every 200 ms).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include <librdkafka/rdkafkacpp.h>

#include "support/es_http.h"
#include "support/kafka_admin.h"
#include "support/paths.h"
#include "support/poll.h"
#include "support/process.h"
#include "support/services_env.h"

namespace logship::e2e {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
namespace lt = logship::testing;

// The memory bound every daemon must stay under in every scenario (peak resident set, VmHWM).
// Stated in docs/guarantees.md.
constexpr std::int64_t kRssBoundKiB = 200 * 1024;
// logship-tail's max_bytes in these tests: longer lines are cut to this and flagged "truncated".
// Kept well under output.kafka.max_message_bytes (1000000) so a truncated event still fits.
constexpr std::size_t kTailMaxBytes = 100000;

inline std::string randomToken() {
  std::random_device rd;
  std::ostringstream o;
  o << std::hex << ((static_cast<std::uint64_t>(rd()) << 20) ^ rd() ^ static_cast<std::uint64_t>(::getpid()));
  return o.str();
}

// ---------------------------------------------------------------------------------------------
// The generator: go-zero style JSON lines, appended to <dir>/app.log, at a rate, with rename
// rotation every N lines (app.log -> app.log.<k>, a new app.log) and a copytruncate on demand.
class LineGenerator {
 public:
  LineGenerator(fs::path dir, std::string scenario) : dir_(std::move(dir)), scenario_(std::move(scenario)) {
    fs::create_directories(dir_);
  }
  ~LineGenerator() { join(); }

  fs::path file() const { return dir_ / "app.log"; }
  std::string id(int n) const { return "e2e-" + scenario_ + "-" + std::to_string(n); }
  std::string line(int n) const {
    return R"({"@timestamp":"2022-09-08T21:51:10.346+08:00","level":")" + std::string(n % 7 == 0 ? "error" : "info") +
           R"(","content":")" + id(n) +
           R"( GET /api/v1/courseware/5f1a2b3c4d5e6f7a8b9c0d1e?page=2 took 12ms","caller":"handler/courseware.go:42","trace":"7f3c9a1e2b4d6f80"})";
  }
  // Appends raw bytes (one or more complete lines) now.
  void appendRaw(const std::string& bytes) {
    std::ofstream f(file(), std::ios::binary | std::ios::app);
    f << bytes;
  }
  void writeRange(int from, int to) {
    std::string chunk;
    for (int n = from; n < to; ++n) chunk += line(n) + "\n";
    appendRaw(chunk);
    written_ = to;
  }
  // Writes lines [from, to) at `rate` lines/s in a background thread; before line n with
  // n % rotate_every == 0 (and n > 0) the file is rotated by rename.
  void start(int from, int to, int rate, int rotate_every = 0) {
    join();
    thread_ = std::thread([=] {
      const auto t0 = Clock::now();
      int n = from;
      while (n < to) {
        const int due = from + static_cast<int>(std::chrono::duration<double>(Clock::now() - t0).count() * rate) + 1;
        std::string chunk;
        while (n < std::min(due, to)) {
          if (rotate_every > 0 && n > 0 && n % rotate_every == 0 && n != last_rotation_) {
            appendRaw(chunk);
            chunk.clear();
            renameRotate();
            last_rotation_ = n;
          }
          chunk += line(n) + "\n";
          ++n;
        }
        appendRaw(chunk);
        written_ = n;
        std::this_thread::sleep_for(10ms);
      }
    });
  }
  void join() {
    if (thread_.joinable()) thread_.join();
  }
  int written() const { return written_; }
  int rotations() const { return rotations_; }

  void renameRotate() {
    ++rotations_;
    fs::rename(file(), dir_ / ("app.log." + std::to_string(rotations_)));
  }
  // copytruncate as logrotate does it: copy the file aside, then truncate it in place.
  void copyTruncate() {
    fs::copy_file(file(), dir_ / "app.log.copytruncated");
    fs::resize_file(file(), 0);
  }

 private:
  fs::path dir_;
  std::string scenario_;
  std::thread thread_;
  std::atomic<int> written_{0};
  std::atomic<int> rotations_{0};
  int last_rotation_ = -1;
};

// ---------------------------------------------------------------------------------------------
// Peak memory of the daemons: a thread reads /proc/<pid>/status of the current incarnations.
class RssSampler {
 public:
  RssSampler() : thread_([this] { run(); }) {}
  ~RssSampler() {
    stop_ = true;
    thread_.join();
  }
  void track(const std::string& name, pid_t pid) {
    std::lock_guard<std::mutex> lock(mutex_);
    pids_[name] = pid;
  }
  // Samples once now (call before a kill so the incarnation's last peak is kept).
  void sampleNow() {
    std::lock_guard<std::mutex> lock(mutex_);
    sampleLocked();
  }
  std::int64_t peakKiB(const std::string& name) {
    std::lock_guard<std::mutex> lock(mutex_);
    return peak_[name];
  }
  int samples(const std::string& name) {
    std::lock_guard<std::mutex> lock(mutex_);
    return samples_[name];
  }

 private:
  void sampleLocked() {
    for (const auto& [name, pid] : pids_) {
      if (auto m = lt::readMemoryStatus(pid)) {
        peak_[name] = std::max({peak_[name], m->hwm_kib, m->rss_kib});
        ++samples_[name];
      }
    }
  }
  void run() {
    while (!stop_) {
      {
        std::lock_guard<std::mutex> lock(mutex_);
        sampleLocked();
      }
      std::this_thread::sleep_for(200ms);
    }
  }
  std::mutex mutex_;
  std::map<std::string, pid_t> pids_;
  std::map<std::string, std::int64_t> peak_;
  std::map<std::string, int> samples_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// ---------------------------------------------------------------------------------------------
// JSON helpers over cpprest values.

// The value at a dotted path, accepting both nested objects and literal dotted keys.
inline std::optional<web::json::value> fieldAt(const web::json::value& v, const std::string& path) {
  if (!v.is_object()) return std::nullopt;
  if (v.has_field(path)) return v.at(path);
  for (size_t dot = path.find('.'); dot != std::string::npos; dot = path.find('.', dot + 1)) {
    const std::string head = path.substr(0, dot);
    if (v.has_field(head))
      if (auto r = fieldAt(v.at(head), path.substr(dot + 1))) return r;
  }
  return std::nullopt;
}
inline std::optional<std::string> stringAt(const web::json::value& v, const std::string& path) {
  auto f = fieldAt(v, path);
  if (!f || !f->is_string()) return std::nullopt;
  return f->as_string();
}

// Every document's _id and _source in the indices matching the pattern (scroll API).
struct EsDoc {
  std::string id;
  std::string index;
  web::json::value source;
};
inline std::vector<EsDoc> esAllDocs(const std::string& pattern, const std::string& source_filter = "true") {
  lt::esRefresh(pattern);
  std::vector<EsDoc> out;
  auto r = lt::esRequest("POST", "/" + pattern + "/_search?scroll=2m",
                         R"({"size":5000,"sort":["_doc"],"_source":)" + source_filter + "}");
  if (r.status != 200)
    throw std::runtime_error("scroll start: " + std::to_string(r.status) + " " + r.body.substr(0, 500));
  for (;;) {
    auto j = lt::parseJson(r.body);
    const auto& hits = j.at("hits").at("hits").as_array();
    if (hits.size() == 0) {
      if (j.has_field("_scroll_id"))
        lt::esRequest("DELETE", "/_search/scroll", R"({"scroll_id":")" + j.at("_scroll_id").as_string() + "\"}");
      break;
    }
    for (const auto& h : hits)
      out.push_back({h.at("_id").as_string(), h.at("_index").as_string(),
                     h.has_field("_source") ? h.at("_source") : web::json::value::object()});
    r = lt::esRequest("POST", "/_search/scroll",
                      R"({"scroll":"2m","scroll_id":")" + j.at("_scroll_id").as_string() + "\"}");
    if (r.status != 200)
      throw std::runtime_error("scroll next: " + std::to_string(r.status) + " " + r.body.substr(0, 500));
  }
  return out;
}

// The number after "e2e-<scenario>-" in `text`, or -1.
inline int lineIdIn(const std::string& text, const std::string& scenario) {
  const std::string key = "e2e-" + scenario + "-";
  const auto p = text.find(key);
  if (p == std::string::npos) return -1;
  size_t i = p + key.size();
  int n = -1;
  while (i < text.size() && text[i] >= '0' && text[i] <= '9') n = (n < 0 ? 0 : n * 10) + (text[i++] - '0');
  return n;
}
inline int lineIdOf(const web::json::value& source, const std::string& scenario) {
  if (auto c = stringAt(source, "data.content")) return lineIdIn(*c, scenario);
  if (auto m = stringAt(source, "message")) return lineIdIn(*m, scenario);
  return -1;
}

// Line id -> copies found, plus the documents that carry no id.
struct IdCensus {
  std::map<int, int> copies;
  std::vector<EsDoc> unidentified;
  std::map<int, EsDoc> by_id;  // one document per id (the last seen)
  size_t docs = 0;
};
inline IdCensus censusOf(const std::vector<EsDoc>& docs, const std::string& scenario) {
  IdCensus c;
  c.docs = docs.size();
  for (const auto& d : docs) {
    const int id = lineIdOf(d.source, scenario);
    if (id < 0) {
      c.unidentified.push_back(d);
      continue;
    }
    ++c.copies[id];
    c.by_id[id] = d;
  }
  return c;
}

// Compares the census with the expected ids: lists what is missing, duplicated or unexpected.
inline ::testing::AssertionResult exactlyOnce(const IdCensus& c, const std::set<int>& expected) {
  std::vector<int> missing, dup, extra;
  for (int id : expected)
    if (!c.copies.count(id)) missing.push_back(id);
  for (const auto& [id, n] : c.copies) {
    if (n > 1) dup.push_back(id);
    if (!expected.count(id)) extra.push_back(id);
  }
  if (missing.empty() && dup.empty() && extra.empty()) return ::testing::AssertionSuccess();
  auto list = [](const std::vector<int>& v) {
    std::string s;
    for (size_t i = 0; i < v.size() && i < 25; ++i) s += std::to_string(v[i]) + " ";
    if (v.size() > 25) s += "...";
    return s;
  };
  return ::testing::AssertionFailure() << "expected " << expected.size() << " distinct ids, Elasticsearch has "
                                       << c.copies.size() << " distinct in " << c.docs << " documents; missing "
                                       << missing.size() << " [" << list(missing) << "], duplicated " << dup.size()
                                       << " [" << list(dup) << "], unexpected " << extra.size() << " [" << list(extra)
                                       << "]";
}

inline std::set<int> idRange(int from, int to, std::set<int> except = {}) {
  std::set<int> s;
  for (int i = from; i < to; ++i)
    if (!except.count(i)) s.insert(i);
  return s;
}

// ---------------------------------------------------------------------------------------------
// One stash cluster of the e2e config.
struct StashCluster {
  std::string name;  // Input.Kafka.Name
  std::string group;
  std::string index_prefix;  // Index: "<prefix>-{{yyyy-MM-dd}}"
  std::string invalid_json;  // DeadLetter.InvalidJson: wrap | dead_letter
  fs::path dead_letter;      // DeadLetter.File
  std::string pattern() const { return index_prefix + "-*"; }
};

// The fixture: a topic, the configs, both daemons (restartable), the generator and the checks.
class PipelineTest : public ::testing::Test {
 protected:
  int partitions_ = 3;

  // Call first in each test.
  void setUpPipeline(const std::string& scenario, int clusters = 1) {
    scenario_ = scenario;
    env_ = lt::ServicesEnv::load();
    if (use_cluster_) useCluster();
    if (peerStash()) {
      // go-stash needs `GET /`, which only the ES 7 compat server answers (docs/guarantees.md).
      env_.es_url = env_.get("ES7_URL");
      ASSERT_FALSE(env_.es_url.empty()) << "LOGSHIP_E2E_PEER_STASH needs scripts/services compat start";
    }
    lt::setEsBaseUrl(env_.es_url);
    const std::string token = randomToken();
    topic_ = lt::uniqueTopic("e2e-" + scenario);
    for (int i = 0; i < clusters; ++i) {
      StashCluster c;
      c.name = "e2e-" + scenario + (clusters > 1 ? "-" + std::to_string(i) : "");
      c.group = "g-" + topic_ + "-" + std::to_string(i);
      c.index_prefix = "e2e-" + scenario + "-" + token + "-" + std::to_string(i);
      c.invalid_json = "wrap";
      c.dead_letter = dir_ / ("dead-letter-" + std::to_string(i) + ".ndjson");
      clusters_.push_back(c);
    }
    for (auto& c : clusters_) lt::esDeleteIndex(c.pattern());
    if (use_cluster_)  // replication factor 3 (scripts/services cluster)
      lt::runServicesCommand("cluster topic create " + topic_ + " " + std::to_string(partitions_));
    else
      lt::createTopic(env_.kafka_bootstrap, topic_, partitions_);
    topic_created_ = true;
    tail_port_ = lt::freeLoopbackPort();
    stash_port_ = lt::freeLoopbackPort();
    gen_ = std::make_unique<LineGenerator>(dir_ / "logs", scenario);
  }

  void TearDown() override {
    gen_.reset();
    tail_.kill9();
    stash_.kill9();
    if (::testing::Test::HasFailure()) {
      std::cerr << "---- logship-tail log (tail) ----\n" << lt::tailOfFile(dir_ / "tail.log") << "\n";
      std::cerr << "---- logship-stash log (tail) ----\n" << lt::tailOfFile(dir_ / "stash.log") << "\n";
      // LOGSHIP_E2E_KEEP=<dir>: a failed scenario's configs, logs and dead letters are copied there.
      if (const char* keep = std::getenv("LOGSHIP_E2E_KEEP")) {
        std::error_code ec;
        const fs::path to = fs::path(keep) / (scenario_ + "-" + std::to_string(::getpid()));
        fs::create_directories(to, ec);
        fs::copy(dir_.path(), to, fs::copy_options::recursive, ec);
        std::cerr << "kept in " << to << (ec ? " (" + ec.message() + ")" : "") << "\n";
      }
    }
    try {
      for (auto& c : clusters_) lt::esDeleteIndex(c.pattern());
      if (topic_created_) lt::deleteTopic(env_.kafka_bootstrap, topic_);
    } catch (const std::exception& e) {
      std::cerr << "cleanup: " << e.what() << "\n";
    }
  }

  // `scripts/services cluster`: 3 brokers, and the stash given all 3 Elasticsearch nodes; the
  // checks read through the first node.
  void useCluster() {
    env_.kafka_bootstrap = env_.get("CLUSTER_KAFKA_BOOTSTRAP");
    const std::string hosts = env_.get("CLUSTER_ES_HOSTS");
    ASSERT_FALSE(env_.kafka_bootstrap.empty() || hosts.empty()) << "no cluster: scripts/services cluster start";
    es_hosts_.clear();
    for (size_t from = 0, comma = 0; from <= hosts.size(); from = comma + 1) {
      comma = std::min(hosts.find(',', from), hosts.size());
      es_hosts_.push_back(hosts.substr(from, comma - from));
    }
    env_.es_url = es_hosts_.front();
  }
  std::string esHostsYaml() const {
    std::string out;
    for (const auto& h : es_hosts_.empty() ? std::vector<std::string>{env_.es_url} : es_hosts_)
      out += (out.empty() ? "\"" : ", \"") + h + "\"";
    return out;
  }

  int killAndRestart(lt::ChildProcess& p, const std::string& log, const std::function<void()>& start) {
    rss_.sampleNow();
    const int st = p.kill9();
    std::ofstream(dir_ / log, std::ios::app) << "==== e2e: kill -9 (status " << st << "), restarting ====\n";
    start();
    return st;
  }

  // ---- configs
  void writeTailConfig() {
    lt::writeFile(dir_ / "filebeat.yml",
                  "filebeat.inputs:\n"
                  "  - type: log\n"
                  "    paths: [\"" +
                      (dir_ / "logs" / "*.log").string() +
                      "\"]\n"
                      "    scan_frequency: 1s\n"
                      "    max_bytes: " +
                      std::to_string(kTailMaxBytes) +
                      "\n"
                      "filebeat.registry.flush: " +
                      registry_flush_ +
                      "\n"
                      "path.data: " +
                      (dir_ / "tail-data").string() +
                      "\n"
                      "output.kafka:\n"
                      "  hosts: [\"placeholder:9092\"]\n"  // replaced with -E, as users do
                      "  topic: \"" +
                      topic_ +
                      "\"\n"
                      "  required_acks: " +
                      required_acks_ +
                      "\n"
                      "  compression: gzip\n"
                      "http.enabled: true\n"
                      "http.host: 127.0.0.1\n"
                      "http.port: " +
                      std::to_string(tail_port_) +
                      "\n"
                      "logging.level: info\n");
  }
  // go-stash's reference filters (../shared/reference-configs/go-stash.yml), local hosts.
  void writeStashConfig() {
    std::string y = "Clusters:\n";
    for (size_t i = 0; i < clusters_.size(); ++i) {
      const auto& c = clusters_[i];
      y += "  - Input:\n"
           "      Kafka:\n"
           "        Name: " +
           c.name +
           "\n"
           "        Brokers: [\"" +
           env_.kafka_bootstrap +
           "\"]\n"
           "        Topics: [\"" +
           topic_ +
           "\"]\n"
           "        Group: " +
           c.group +
           "\n"
           "        Offset: first\n";
      // Static membership: a restarted stash takes its partitions back at once instead of
      // waiting for the killed member's session to expire (6 s by default).
      if (static_membership_ && !peerStash())
        y += "        Librdkafka:\n          group.instance.id: " + c.group + "-member\n";
      if (i == 0 && !peerStash())
        y += "        Prometheus:\n"
             "          Host: 127.0.0.1\n"
             "          Port: " +
             std::to_string(stash_port_) +
             "\n"
             "          Path: /metrics\n";
      y += "    Filters:\n"
           "      - Action: drop\n"
           "        Conditions:\n"
           "          - Key: k8s_container_name\n"
           "            Value: \"-rpc\"\n"
           "            Type: contains\n"
           "          - Key: level\n"
           "            Value: info\n"
           "            Type: match\n"
           "            Op: and\n"
           "      - Action: remove_field\n"
           "        Fields: [_source, _type, _score, _id, \"@version\", topic, index, beat, docker_container, offset, "
           "prospector, source, stream, \"@metadata\"]\n"
           "      - Action: transfer\n"
           "        Field: message\n"
           "        Target: data\n";
      if (!peerStash())
        y += "    DeadLetter:\n"
             "      File: " +
             c.dead_letter.string() +
             "\n"
             "      InvalidJson: " +
             c.invalid_json + "\n";
      y += "    Output:\n"
           "      ElasticSearch:\n"
           "        Hosts: [" +
           esHostsYaml() +
           "]\n"
           "        Index: \"" +
           c.index_prefix +
           "-{{yyyy-MM-dd}}\"\n"
           "        TimeZone: UTC\n";
      if (!peerStash()) y += "        BackoffMax: 5s\n";
      if (!stash_max_memory_.empty()) y += "        MaxMemory: " + stash_max_memory_ + "\n";
    }
    if (!peerStash()) y += "GracePeriod: 10s\n";
    lt::writeFile(dir_ / "stash.yml", y);
  }

  // ---- daemons
  void startTail() {
    tail_ = lt::ChildProcess({lt::daemonPath("logship-tail").string(), "-c", (dir_ / "filebeat.yml").string(), "-E",
                              "output.kafka.hosts=[\"" + env_.kafka_bootstrap + "\"]"},
                             dir_ / "tail.log");
    rss_.track("logship-tail", tail_.pid());
  }
  // LOGSHIP_E2E_PEER_STASH=<go-stash binary>: the scenarios measure that peer in logship-stash's
  // place, on the same config (go-stash keys only) into the ES 7 compat server; its losses and
  // duplicates are what the census reports (docs/guarantees.md). Never set in CI.
  static const char* peerStash() { return std::getenv("LOGSHIP_E2E_PEER_STASH"); }
  // The services command that stops and starts the stash's Elasticsearch.
  static std::string esService() { return peerStash() ? "compat es7" : "es"; }
  void startStash() {
    const std::string stash = peerStash() ? std::string(peerStash()) : lt::daemonPath("logship-stash").string();
    stash_ = lt::ChildProcess({stash, "-f", (dir_ / "stash.yml").string()}, dir_ / "stash.log");
    rss_.track("logship-stash", stash_.pid());
  }
  void startPipeline() {
    writeTailConfig();
    writeStashConfig();
    startStash();
    startTail();
  }
  // kill -9 and start again at once; returns the killed process' status (137 expected).
  int killAndRestartTail() {
    return killAndRestart(tail_, "tail.log", [this] { startTail(); });
  }
  int killAndRestartStash() {
    return killAndRestart(stash_, "stash.log", [this] { startStash(); });
  }

  // ---- waiting
  // Messages the topic holds now (-1 while the broker does not answer).
  std::int64_t topicMessages() {
    try {
      return lt::countMessages(env_.kafka_bootstrap, topic_);
    } catch (const std::exception&) {
      return -1;
    }
  }
  std::int64_t indexCount(const StashCluster& c) {
    try {
      return lt::esCount(c.pattern());
    } catch (const std::exception&) {
      return -1;
    }
  }
  // Waits until the cluster's indices hold at least `docs` documents AND its group has committed
  // every message of the topic (the stash has nothing left in flight). Returns false on timeout.
  bool waitDrained(const StashCluster& c, std::int64_t docs, std::chrono::seconds timeout) {
    std::int64_t seen = -1, committed = -1, in_topic = -1;
    // Polls in these scenarios tolerate errors (orFalseOnError): other tests may restart the services.
    const bool ok = lt::pollUntil(lt::orFalseOnError([&] {
                                    seen = indexCount(c);
                                    if (seen < docs) return false;
                                    in_topic = topicMessages();
                                    committed = lt::committedTotal(env_.kafka_bootstrap, c.group, topic_, partitions_);
                                    return in_topic > 0 && committed == in_topic;
                                  }),
                                  timeout, 1s);
    if (!ok)
      ADD_FAILURE() << c.name << ": not drained after " << timeout.count() << "s: " << seen << " of " << docs
                    << " documents in " << c.pattern() << ", committed " << committed << " of " << in_topic
                    << " messages in " << topic_;
    return ok;
  }

  // ---- end-of-scenario checks, common to all
  void expectDaemonsHealthyAndBounded() {
    EXPECT_TRUE(tail_.alive()) << "logship-tail exited with " << tail_.exitStatus();
    EXPECT_TRUE(stash_.alive()) << "logship-stash exited with " << stash_.exitStatus();
    int tail_health = 0, stash_health = 0;
    EXPECT_TRUE(lt::pollUntil(
        lt::orFalseOnError([&] { return (tail_health = lt::httpGetStatus(tail_port_, "/healthz")) == 200; }), 60s))
        << "logship-tail /healthz answered " << tail_health;
    if (!peerStash()) {
      EXPECT_TRUE(lt::pollUntil(
          lt::orFalseOnError([&] { return (stash_health = lt::httpGetStatus(stash_port_, "/healthz")) == 200; }), 60s))
          << "logship-stash /healthz answered " << stash_health;
    }
    rss_.sampleNow();
    for (const char* d : {"logship-tail", "logship-stash"}) {
      const auto peak = rss_.peakKiB(d);
      std::cout << "[e2e] " << scenario_ << ": " << d << " peak RSS " << peak / 1024 << " MiB (" << rss_.samples(d)
                << " samples), bound " << kRssBoundKiB / 1024 << " MiB\n";
      ::testing::Test::RecordProperty(std::string(d) + "_peak_rss_kib", std::to_string(peak));
      EXPECT_GT(rss_.samples(d), 0) << d << ": memory never sampled";
      EXPECT_LE(peak, kRssBoundKiB) << d << " peak RSS " << peak << " KiB over the bound";
    }
  }
  // SIGTERM: both daemons promise exit 0 after flushing.
  void expectCleanShutdown() {
    EXPECT_EQ(tail_.terminate(30s), 0) << "logship-tail SIGTERM";
    EXPECT_EQ(stash_.terminate(30s), 0) << "logship-stash SIGTERM";
  }

  // Standard scenario ending: everything drained, exactly the ids [0, lines) indexed once.
  void expectExactlyOnce(int lines, std::chrono::seconds timeout) {
    const auto& c = clusters_.at(0);
    waitDrained(c, lines, timeout);
    const auto census = censusOf(esAllDocs(c.pattern(), R"(["data.content","message"])"), scenario_);
    EXPECT_EQ(census.docs, static_cast<size_t>(lines)) << "document count in " << c.pattern();
    EXPECT_TRUE(exactlyOnce(census, idRange(0, lines)));
    EXPECT_TRUE(census.unidentified.empty()) << census.unidentified.size() << " documents without a line id, e.g. "
                                             << census.unidentified.front().source.serialize().substr(0, 300);
    std::cout << "[e2e] " << scenario_ << ": " << census.docs << " documents, " << census.copies.size()
              << " distinct line ids, " << topicMessages() << " messages in Kafka\n";
  }

  std::string scenario_;
  std::string registry_flush_ = "1s";  // filebeat.registry.flush of the tailer's config
  bool static_membership_ = true;      // the stash's group.instance.id (off: the default, dynamic)
  std::string required_acks_ = "1";    // output.kafka.required_acks of the tailer
  bool use_cluster_ = false;           // set before setUpPipeline: scripts/services cluster
  std::vector<std::string> es_hosts_;  // the stash's Hosts (empty: env_.es_url)
  std::string stash_max_memory_;       // Output.ElasticSearch.MaxMemory (empty: the default)
  lt::ServicesEnv env_;
  lt::TempDir dir_;
  std::string topic_;
  bool topic_created_ = false;
  std::vector<StashCluster> clusters_;
  int tail_port_ = 0;
  int stash_port_ = 0;
  std::unique_ptr<LineGenerator> gen_;
  RssSampler rss_;
  lt::ChildProcess tail_;
  lt::ChildProcess stash_;
};

}  // namespace logship::e2e
