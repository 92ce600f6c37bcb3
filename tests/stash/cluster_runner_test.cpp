// The cluster runner through its seams: a scripted message source (rebalance events, pause/resume,
// commits), a scripted bulk transport and a recording dead letter, on simulated time; and once
// with the real kafka::Consumer against librdkafka's mock cluster.
#include <gtest/gtest.h>

#include <librdkafka/rdkafkacpp.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <fstream>
#include <mutex>
#include <optional>
#include <thread>
#include <variant>

#include "kafka/mock_cluster.h"
#include "logship/kafka/consumer.h"
#include "logship/stash/cluster_runner.h"
#include "logship/stash/memory_budget.h"
#include "support/paths.h"

namespace logship::stash {
namespace {

using namespace std::chrono_literals;
using kafka::CommitPoint;
using kafka::TopicPartitionRef;

constexpr auto kPatience = 30s;  // only keeps a broken runner from hanging the run

// Everything the fakes record, shared by the test and the fakes the runner owns.
struct World {
  std::mutex mutex;
  std::condition_variable changed;
  SimulatedTimeSource clock;

  template <class Pred>
  bool await(Pred pred) {
    std::unique_lock<std::mutex> lock(mutex);
    return changed.wait_for(lock, kPatience, pred);
  }
  template <class F>
  void update(F f) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      f();
    }
    changed.notify_all();
  }

  // --- message source
  struct Message {
    std::string topic;
    int32_t partition;
    int64_t offset;
    std::string value;
    int64_t timestamp_ms = 0;  // the Kafka message timestamp (0: none)
    int error = 0;             // a consumer error instead of a message (rd_kafka_resp_err_t)
  };
  struct Assign {
    std::vector<TopicPartitionRef> parts;
  };
  struct Revoke {
    std::vector<TopicPartitionRef> parts;
  };
  std::deque<std::variant<Message, Assign, Revoke>> steps;
  size_t delivered = 0;  // messages handed to the runner
  bool paused = false;
  int pauses = 0, resumes = 0;
  struct Commit {
    std::vector<CommitPoint> points;
    bool sync;
  };
  std::vector<Commit> commits;
  std::vector<std::string> events;  // "commit", "revoked" in order
  bool closed = false;

  // --- bulk transport: requests holding a gated marker wait for release
  std::vector<std::string> bodies;
  std::string gated_marker;  // empty: none
  bool gate_open = true;

  // --- consumer creation: the Error its start() throws, if any, and how often it was called
  std::optional<Error> start_error;
  int starts = 0;

  // --- dead letter
  std::vector<DeadLetterRecord> dead;
  int dead_letter_failures = 0;  // the next writes that fail

  // Committed offset of one partition (the last commit that names it), -1 if none.
  int64_t committed(const std::string& topic, int32_t partition) {
    int64_t out = -1;
    for (const auto& c : commits)
      for (const auto& p : c.points)
        if (p.topic == topic && p.partition == partition) out = p.offset;
    return out;
  }
};

class ScriptedSource : public kafka::MessageSource {
 public:
  ScriptedSource(World& w, kafka::ConsumerHooks hooks) : w_(w), hooks_(std::move(hooks)) {}
  void start() override {
    w_.update([&] { ++w_.starts; });
    if (w_.start_error) throw *w_.start_error;
  }
  bool poll(int timeout_ms, kafka::PolledMessage& out) override {
    std::unique_lock<std::mutex> lock(w_.mutex);
    // Nothing to deliver: time passes as it would while librdkafka waits (the real wait is short).
    auto ready = [&] {
      return !w_.steps.empty() && !(w_.paused && std::holds_alternative<World::Message>(w_.steps.front()));
    };
    if (!w_.changed.wait_for(lock, 1ms, ready)) {
      lock.unlock();
      w_.clock.advance(std::chrono::milliseconds(timeout_ms));
      w_.changed.notify_all();  // the runner's loop went round: let awaiting tests look again
      return false;
    }
    auto step = std::move(w_.steps.front());
    w_.steps.pop_front();
    if (auto* m = std::get_if<World::Message>(&step)) {
      current_ = std::move(*m);
      ++w_.delivered;
      lock.unlock();
      w_.changed.notify_all();
      out.error = current_.error;
      out.error_text = current_.error ? "scripted error" : "";
      out.topic = current_.topic;
      out.partition = current_.partition;
      out.offset = current_.offset;
      out.value = current_.value;
      out.timestamp_ms = current_.timestamp_ms;
      return true;
    }
    lock.unlock();
    // Rebalance callbacks run inside poll, on the polling thread, as librdkafka's do.
    if (auto* a = std::get_if<World::Assign>(&step)) hooks_.assigned(a->parts);
    if (auto* r = std::get_if<World::Revoke>(&step)) {
      hooks_.revoked(r->parts);
      w_.update([&] { w_.events.push_back("revoked"); });
    }
    return false;
  }
  void pause() override {
    w_.update([&] { w_.paused = true, ++w_.pauses; });
  }
  void resume() override {
    w_.update([&] { w_.paused = false, ++w_.resumes; });
  }
  bool paused() const override {
    std::lock_guard<std::mutex> lock(w_.mutex);
    return w_.paused;
  }
  void commit(const std::vector<CommitPoint>& points, bool sync) override {
    if (points.empty()) return;
    w_.update([&] {
      w_.commits.push_back({points, sync});
      w_.events.push_back("commit");
    });
  }
  void lag(const std::function<void(const std::string&, int32_t, int64_t)>&) override {}
  void maybeRefreshTopics(std::chrono::steady_clock::time_point) override {}
  bool probe(std::chrono::milliseconds) override { return true; }
  // librdkafka's close() serves the rebalance callbacks still queued (a revoke, or an assignment
  // that arrived while the owner was shutting down, then its revoke).
  void close() override {
    for (;;) {
      std::variant<World::Message, World::Assign, World::Revoke> step;
      {
        std::lock_guard<std::mutex> lock(w_.mutex);
        if (w_.steps.empty()) break;
        step = std::move(w_.steps.front());
        w_.steps.pop_front();
      }
      if (auto* a = std::get_if<World::Assign>(&step)) hooks_.assigned(a->parts);
      if (auto* r = std::get_if<World::Revoke>(&step)) hooks_.revoked(r->parts);
    }
    w_.update([&] { w_.closed = true; });
  }

 private:
  World& w_;
  kafka::ConsumerHooks hooks_;
  World::Message current_;
};

// One created item per action line.
es::HttpResult createdAnswer(const std::string& body) {
  std::string items;
  for (size_t at = body.find("{\"create\""); at != std::string::npos; at = body.find("{\"create\"", at + 1))
    items += std::string(items.empty() ? "" : ",") + R"({"create":{"status":201}})";
  return {200, R"({"took":1,"errors":false,"items":[)" + items + "]}", "", "h"};
}

class ScriptedTransport : public es::BulkTransport {
 public:
  explicit ScriptedTransport(World& w) : w_(w) {}
  es::HttpResult bulk(const std::string& body, bool) override {
    std::unique_lock<std::mutex> lock(w_.mutex);
    w_.bodies.push_back(body);
    w_.changed.notify_all();
    if (!w_.gated_marker.empty() && body.find(w_.gated_marker) != std::string::npos)
      w_.changed.wait(lock, [&] { return w_.gate_open; });
    return createdAnswer(body);
  }

 private:
  World& w_;
};

class RecordingDeadLetter : public DeadLetter {
 public:
  explicit RecordingDeadLetter(World& w) : w_(w) {}
  bool write(const std::vector<DeadLetterRecord>& records) override {
    bool ok = true;
    w_.update([&] {
      if (w_.dead_letter_failures > 0) {
        --w_.dead_letter_failures;
        ok = false;
        return;
      }
      w_.dead.insert(w_.dead.end(), records.begin(), records.end());
    });
    return ok;
  }
  std::string describe() const override { return "recording"; }

 private:
  World& w_;
};

// The reference go-stash cluster: drops info lines of -rpc containers.
ClusterConfig referenceCluster() {
  const auto file = logship::testing::sharedDir() / "reference-configs" / "go-stash.yml";
  auto c = loadStashConfig(file.string()).config.clusters.at(0);
  c.name = "test";
  c.es.time_zone = "UTC";
  return c;
}

ClusterSeams seamsFor(World& w) {
  ClusterSeams s;
  s.time = &w.clock;
  s.transport = std::make_shared<ScriptedTransport>(w);
  s.es_version = [](es::HttpResult&) { return es::parseVersion(R"({"version":{"number":"8.5.0"}})"); };
  s.source = [&w](kafka::ConsumerHooks hooks) -> std::unique_ptr<kafka::MessageSource> {
    return std::make_unique<ScriptedSource>(w, std::move(hooks));
  };
  s.dead_letter = [&w] { return std::make_unique<RecordingDeadLetter>(w); };
  return s;
}

const std::string kTopic = "logs";
std::string doc(int n) { return R"({"k8s_container_name":"user-api","level":"info","n":)" + std::to_string(n) + "}"; }
const std::string kDropped = R"({"k8s_container_name":"user-rpc","level":"info"})";

struct Running {
  World& world;
  metrics::Registry registry;
  std::unique_ptr<ClusterRunner> runner;
  Running(World& w, const ClusterConfig& c) : world(w) {
    runner = std::make_unique<ClusterRunner>(c, registry, 30s, seamsFor(w));
    runner->start();
  }
  ~Running() { stop(); }
  void stop() {
    world.update([&] { world.gate_open = true; });  // a failed test must not leave a sender stuck
    if (runner) runner->stop(std::chrono::steady_clock::now() + 5s);
    runner.reset();
  }
  uint64_t counter(const std::string& name, metrics::Labels extra = {}) {
    metrics::Labels l{{"cluster", "test"}};
    l.insert(l.end(), extra.begin(), extra.end());
    return registry.counter(name, "", l).value();
  }
  int64_t gauge(const std::string& name) { return registry.gauge(name, "", {{"cluster", "test"}}).value(); }
};

void push(World& w, std::vector<std::variant<World::Message, World::Assign, World::Revoke>> steps) {
  w.update([&] {
    for (auto& s : steps) w.steps.push_back(std::move(s));
  });
}

// librdkafka refusing to create the consumer is a config problem: the daemon is told to exit (2)
// instead of running on without consuming; a transport problem at start is not fatal.
TEST(ClusterRunner, AConsumerRefusedForItsConfigIsFatal) {
  for (const auto code : {ErrorCode::kConfigInvalid, ErrorCode::kKafkaTransport}) {
    World w;
    w.start_error = Error(code, "cannot create kafka consumer", "ssl.ca.location failed: No such file");
    std::string fatal;
    ClusterSeams seams = seamsFor(w);
    seams.fatal = [&](const std::string& why) { w.update([&] { fatal = why; }); };
    metrics::Registry registry;
    ClusterRunner runner(referenceCluster(), registry, 30s, std::move(seams));
    runner.start();
    ASSERT_TRUE(w.await([&] { return w.starts > 0; }));
    if (code == ErrorCode::kConfigInvalid) {
      ASSERT_TRUE(w.await([&] { return !fatal.empty(); }));
      EXPECT_NE(fatal.find("ssl.ca.location failed"), std::string::npos) << fatal;
    }
    runner.stop(std::chrono::steady_clock::now() + 5s);  // joins: start()'s catch has run
    if (code != ErrorCode::kConfigInvalid) {
      EXPECT_TRUE(fatal.empty()) << fatal;
    }
  }
}

TEST(ClusterRunner, CommitsOnlyTheContiguousPrefixOfDoneMessages) {
  World w;
  w.gated_marker = "\"n\":2";
  w.gate_open = false;
  auto c = referenceCluster();
  c.es.max_chunk_bytes = 1;  // one request per document, so offset 2 alone waits
  Running r(w, c);
  push(w, {World::Assign{{{kTopic, 0}}}, World::Message{kTopic, 0, 0, doc(0)},
           World::Message{kTopic, 0, 1, kDropped},                                        // done at once (filter)
           World::Message{kTopic, 0, 2, doc(2)},                                          // held by the transport
           World::Message{kTopic, 0, 3, "not json"},                                      // dead-lettered: done
           World::Message{kTopic, 0, 4, doc(4)}, World::Message{kTopic, 0, 5, doc(5)}});  // flushes 4 (chunk of one)
  // 0 done, 1 dropped, 3 dead-lettered, 4 indexed: only 0 and 1 form a prefix.
  ASSERT_TRUE(w.await([&] { return w.dead.size() == 1 && w.committed(kTopic, 0) == 2; }));
  // 4 and (after FlushInterval) 5 are acknowledged too; several commit intervals pass.
  ASSERT_TRUE(w.await([&] { return w.bodies.size() >= 4 && r.counter("logship_stash_indexed_total") == 3; }));
  const auto later = w.clock.monotonicTime() + 3s;
  ASSERT_TRUE(w.await([&] { return w.clock.monotonicTime() > later; }));
  EXPECT_EQ(w.committed(kTopic, 0), 2);  // nothing beyond 2 while 2 is out
  w.update([&] { w.gate_open = true; });
  ASSERT_TRUE(w.await([&] { return w.committed(kTopic, 0) == 6; }));
  EXPECT_EQ(r.counter("logship_stash_consumed_total"), 6u);
  EXPECT_EQ(r.counter("logship_stash_dropped_total", {{"filter", "Filters[0]"}}), 1u);
  EXPECT_EQ(r.counter("logship_stash_indexed_total"), 4u);
  EXPECT_EQ(r.counter("logship_stash_dead_lettered_total", {{"reason", "invalid_json"}}), 1u);
  EXPECT_EQ(r.counter("logship_stash_dead_lettered_total", {{"reason", "rejected"}}), 0u);
  r.stop();
  EXPECT_TRUE(w.closed);
}

// logship_stash_event_index_latency_seconds: from the message timestamp (the event's read time)
// to Elasticsearch's answer, on the injected clock; messages without a timestamp are not counted.
TEST(ClusterRunner, IndexLatencyCountsFromTheMessageTimestamp) {
  World w;
  auto c = referenceCluster();
  Running r(w, c);
  const int64_t read_ms = w.clock.unixMillis() - 1500;
  push(w, {World::Assign{{{kTopic, 0}}}, World::Message{kTopic, 0, 0, doc(0), read_ms},
           World::Message{kTopic, 0, 1, doc(1), read_ms}, World::Message{kTopic, 0, 2, doc(2)}});
  ASSERT_TRUE(w.await([&] { return r.counter("logship_stash_indexed_total") == 3; }));
  const double elapsed = static_cast<double>(w.clock.unixMillis() - read_ms) / 1000.0;
  auto& h = r.registry.histogram("logship_stash_event_index_latency_seconds", "", metrics::latencySecondsBuckets(),
                                 {{"cluster", "test"}});
  EXPECT_EQ(h.count(), 2u);
  EXPECT_GE(h.sum(), 2 * 1.5);
  EXPECT_LE(h.sum(), 2 * elapsed + 1e-3);
  r.stop();
}

TEST(ClusterRunner, InvalidJsonGoesToTheDeadLetterRetriedWhileItIsUnavailable) {
  World w;
  w.dead_letter_failures = 2;
  Running r(w, referenceCluster());
  push(w, {World::Assign{{{kTopic, 3}}}, World::Message{kTopic, 3, 7, "not json"}});
  ASSERT_TRUE(w.await([&] { return w.committed(kTopic, 3) == 8; }));
  ASSERT_EQ(w.dead.size(), 1u);
  const auto& d = w.dead[0];
  EXPECT_EQ(d.reason, "invalid_json");
  EXPECT_EQ(d.cluster, "test");
  EXPECT_EQ(d.topic, kTopic);
  EXPECT_EQ(d.partition, 3);
  EXPECT_EQ(d.offset, 7);
  EXPECT_EQ(d.raw, "not json");
  EXPECT_EQ(d.error_type, "invalid_json");
  EXPECT_TRUE(w.bodies.empty());
  // Two failed writes: two back-offs of the runner's schedule (200 ms, then 400 ms, +-25 %).
  const auto waits = w.clock.waits();
  ASSERT_EQ(waits.size(), 2u);
  EXPECT_GE(waits[0], 150ms);
  EXPECT_LE(waits[0], 250ms);
  EXPECT_GE(waits[1], 300ms);
  EXPECT_LE(waits[1], 500ms);
  EXPECT_EQ(r.counter("logship_stash_invalid_json_total"), 1u);
  EXPECT_EQ(r.counter("logship_stash_dead_lettered_total", {{"reason", "invalid_json"}}), 1u);
}

TEST(ClusterRunner, InvalidJsonIsWrappedAndIndexedWhenConfigured) {
  World w;
  auto c = referenceCluster();
  c.dead_letter.invalid_json = "wrap";
  Running r(w, c);
  push(w, {World::Assign{{{kTopic, 0}}}, World::Message{kTopic, 0, 0, "not json"}});
  ASSERT_TRUE(w.await([&] { return w.committed(kTopic, 0) == 1; }));
  EXPECT_TRUE(w.dead.empty());
  ASSERT_EQ(w.bodies.size(), 1u);
  EXPECT_NE(w.bodies[0].find(R"("message":"not json")"), std::string::npos) << w.bodies[0];
  EXPECT_NE(w.bodies[0].find(R"("tags":["_jsonparsefailure"])"), std::string::npos) << w.bodies[0];
  EXPECT_NE(w.bodies[0].find(R"("_id":"logs-0-0")"), std::string::npos) << w.bodies[0];
  EXPECT_EQ(r.counter("logship_stash_invalid_json_total"), 1u);
  EXPECT_EQ(r.counter("logship_stash_indexed_total"), 1u);
}

TEST(ClusterRunner, PausesWhileTheBulkQueueIsFullAndResumesByItself) {
  World w;
  w.gated_marker = "create";
  w.gate_open = false;
  auto c = referenceCluster();
  c.es.max_in_flight = 1;  // paused at 2 requests out or queued
  c.es.max_chunk_bytes = 1;
  Running r(w, c);
  std::vector<std::variant<World::Message, World::Assign, World::Revoke>> steps{World::Assign{{{kTopic, 0}}}};
  for (int i = 0; i < 20; ++i) steps.push_back(World::Message{kTopic, 0, i, doc(i)});
  push(w, steps);
  ASSERT_TRUE(w.await([&] { return w.paused && r.gauge("logship_stash_consumer_paused") == 1; }));
  EXPECT_LT(w.delivered, 20u);  // nothing is delivered while paused
  const size_t delivered_when_paused = w.delivered;
  const auto later = w.clock.monotonicTime() + 3s;  // paused, polls go on: nothing is delivered
  ASSERT_TRUE(w.await([&] { return w.clock.monotonicTime() > later; }));
  EXPECT_EQ(w.delivered, delivered_when_paused);
  EXPECT_TRUE(w.commits.empty());
  w.update([&] { w.gate_open = true; });
  ASSERT_TRUE(w.await(
      [&] { return w.committed(kTopic, 0) == 20 && !w.paused && r.gauge("logship_stash_consumer_paused") == 0; }));
  EXPECT_GE(w.resumes, 1);
  EXPECT_EQ(w.pauses, w.resumes);
  EXPECT_EQ(r.counter("logship_stash_indexed_total"), 20u);
}

// MaxMemory reaches the writer: with 8 MiB the bodies are cut at a sixth of its third (MaxChunkBytes
// stays 15 MiB), so 1.5 MB of documents take several requests, none above that size.
TEST(ClusterRunner, BulkBodiesAreSizedByMaxMemory) {
  World w;
  auto c = referenceCluster();
  c.es.max_memory = 8 * 1024 * 1024;
  const size_t chunk = sizeMemory(c.es).chunk_bytes;
  ASSERT_LT(chunk, 500000u);
  Running r(w, c);
  const std::string pad(400, 'x');
  std::vector<std::variant<World::Message, World::Assign, World::Revoke>> steps{World::Assign{{{kTopic, 0}}}};
  for (int i = 0; i < 3000; ++i)
    steps.push_back(World::Message{
        kTopic, 0, i, R"({"k8s_container_name":"user-api","pad":")" + pad + R"(","n":)" + std::to_string(i) + "}"});
  push(w, steps);
  ASSERT_TRUE(w.await([&] { return w.committed(kTopic, 0) == 3000; }));
  EXPECT_GE(w.bodies.size(), 3u);
  for (const auto& b : w.bodies) EXPECT_LE(b.size(), chunk);
}

// On revoke the open bulk is sent, the revoked partition's in-flight work finishes, done offsets
// are committed synchronously before the partition goes; the partition that stays is untouched.
TEST(ClusterRunner, RevokeFlushesFinishesAndCommitsBeforeThePartitionsGo) {
  World w;
  auto c = referenceCluster();
  c.kafka.commit_interval = 1h;  // only the revoke commits
  Running r(w, c);
  push(w,
       {World::Assign{{{kTopic, 0}, {kTopic, 1}}}, World::Message{kTopic, 0, 10, doc(10)},
        World::Message{kTopic, 1, 20, doc(20)}, World::Message{kTopic, 0, 11, doc(11)}, World::Revoke{{{kTopic, 0}}}});
  ASSERT_TRUE(w.await([&] { return !w.events.empty() && w.events.back() == "revoked"; }));
  ASSERT_EQ(w.events, (std::vector<std::string>{"commit", "revoked"}));
  ASSERT_EQ(w.commits.size(), 1u);
  EXPECT_TRUE(w.commits[0].sync);
  EXPECT_EQ(w.committed(kTopic, 0), 12);
  EXPECT_EQ(w.committed(kTopic, 1), 21);  // done too, committed with the rest
  // The revoked partition is forgotten: re-assigned, it is tracked afresh from what comes.
  push(w, {World::Assign{{{kTopic, 0}}}, World::Message{kTopic, 0, 12, doc(12)}});
  ASSERT_TRUE(w.await([&] { return w.delivered == 4; }));
  r.stop();
  EXPECT_EQ(w.committed(kTopic, 0), 13);  // the shutdown commit
}

// A message of a partition that is not assigned here (librdkafka can hand out one fetched before
// the revoke) is left to the partition's owner: not indexed, and above all not committed. Tracking
// it made the slot active again, and every later commit sent its offset: the next owner of the
// partition started there and skipped what lay between (the scale-out loss, docs/guarantees.md).
TEST(ClusterRunner, MessageOfAPartitionNotAssignedIsNeitherIndexedNorCommitted) {
  World w;
  auto c = referenceCluster();
  Running r(w, c);
  push(w,
       {World::Assign{{{kTopic, 0}}}, World::Message{kTopic, 0, 0, doc(0)}, World::Revoke{{{kTopic, 0}}},
        World::Message{kTopic, 0, 700, doc(700)}, World::Assign{{{kTopic, 1}}}, World::Message{kTopic, 1, 0, doc(1)}});
  ASSERT_TRUE(w.await([&] { return w.delivered == 3 && w.committed(kTopic, 1) == 1; }));
  r.stop();
  EXPECT_EQ(w.committed(kTopic, 0), 1);  // the revoke's commit, never 701
  for (const auto& b : w.bodies) EXPECT_EQ(b.find("\"n\":700"), std::string::npos) << b;
  EXPECT_EQ(r.counter("logship_stash_unassigned_messages_total"), 1u);
  EXPECT_EQ(r.counter("logship_stash_consumed_total"), 2u);
}

// SIGTERM while a revoke waits for the revoked partition's in-flight work (the scale-out scenario:
// a member stopped during a rebalance), then an assignment served by close(): the revoke commits
// only the done prefix, the partition assigned while closing gets no commit at all.
TEST(ClusterRunner, StopDuringARevokeCommitsOnlyTheDonePrefix) {
  World w;
  w.gated_marker = "\"n\":1";
  w.gate_open = false;
  auto c = referenceCluster();
  c.es.max_chunk_bytes = 1;      // one request per document: offset 1 alone is held
  c.kafka.commit_interval = 1h;  // only the revoke and the shutdown commit
  Running r(w, c);
  push(w, {World::Assign{{{kTopic, 0}}}, World::Message{kTopic, 0, 0, doc(0)}, World::Message{kTopic, 0, 1, doc(1)},
           World::Message{kTopic, 0, 2, doc(2)}, World::Revoke{{{kTopic, 0}}}});
  ASSERT_TRUE(w.await([&] { return w.delivered == 3 && w.steps.empty(); }));  // the revoke is waiting
  push(w, {World::Assign{{{kTopic, 1}}}, World::Revoke{{{kTopic, 1}}}});      // served by close()
  // The held request is answered once the revoke has given up on it (its answer is then stale).
  std::thread release([&] {
    w.await([&] { return std::find(w.events.begin(), w.events.end(), "revoked") != w.events.end(); });
    w.update([&] { w.gate_open = true; });
  });
  r.runner->stop(std::chrono::steady_clock::now() + 300ms);
  release.join();
  EXPECT_TRUE(w.closed);
  EXPECT_EQ(w.committed(kTopic, 0), 1);   // 0 done; 1 was in flight, 2 after it
  EXPECT_EQ(w.committed(kTopic, 1), -1);  // assigned while closing: nothing read, nothing committed
  for (const auto& commit : w.commits) EXPECT_TRUE(commit.sync);
}

TEST(ClusterRunner, WaitsForElasticsearchOnItsBackoffSchedule) {
  World w;
  int asked = 0;
  auto seams = seamsFor(w);
  seams.es_version = [&asked](es::HttpResult&) -> std::optional<es::EsVersion> {
    if (++asked < 4) return std::nullopt;
    return es::parseVersion(R"({"version":{"number":"8.5.0"}})");
  };
  auto c = referenceCluster();
  c.es.backoff_initial = 100ms;
  metrics::Registry registry;
  ClusterRunner runner(c, registry, 30s, std::move(seams));
  runner.start();
  push(w, {World::Assign{{{kTopic, 0}}}, World::Message{kTopic, 0, 0, doc(0)}});
  ASSERT_TRUE(w.await([&] { return w.delivered == 1; }));
  const auto waits = w.clock.waits();
  ASSERT_EQ(waits.size(), 3u);  // 100, 200, 400 ms, +-25 %
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_GE(waits[i], std::chrono::milliseconds(75 << i));
    EXPECT_LE(waits[i], std::chrono::milliseconds(125 << i));
  }
  runner.stop(std::chrono::steady_clock::now() + 5s);
}

// /healthz thresholds on the runner's clock: unhealthy once Elasticsearch has been unusable for
// UnhealthyAfter (with the code and message of `refusal`), healthy again when it answers.
void expectUnhealthyAfterRefusals(const es::HttpResult& refusal, ErrorCode code, const std::string& message) {
  World w;
  int calls = 0;
  bool up = false;
  auto seams = seamsFor(w);
  // Seven refusals, then the call waits until the test brings Elasticsearch up.
  seams.es_version = [&](es::HttpResult& failed) -> std::optional<es::EsVersion> {
    std::unique_lock<std::mutex> lock(w.mutex);
    ++calls;
    w.changed.notify_all();
    failed = refusal;
    if (calls <= 7) return std::nullopt;
    w.changed.wait(lock, [&] { return up; });
    return es::parseVersion(R"({"version":{"number":"8.5.0"}})");
  };
  metrics::Registry registry;
  auto c = referenceCluster();
  c.es.backoff_initial = 1s;
  ClusterRunner runner(c, registry, 30s, std::move(seams));
  auto checks = runner.healthChecks();
  ASSERT_EQ(checks.size(), 2u);
  EXPECT_EQ(checks[0].name, "test.elasticsearch");
  EXPECT_EQ(checks[1].name, "test.kafka");
  runner.start();
  // Seven back-offs of 1, 2, 4, 8, 10, 10, 10 s (+-25 %): more than UnhealthyAfter (30 s).
  ASSERT_TRUE(w.await([&] { return calls == 8; }));
  EXPECT_EQ(w.clock.waits().size(), 7u);
  const auto unhealthy = checks[0].check();
  EXPECT_EQ(unhealthy.code, code);
  EXPECT_NE(unhealthy.message.find(message), std::string::npos) << unhealthy.message;
  EXPECT_EQ(checks[1].check().code, ErrorCode::kOk);
  w.update([&] { up = true; });
  push(w, {World::Assign{{{kTopic, 0}}}, World::Message{kTopic, 0, 0, doc(0)}});
  ASSERT_TRUE(w.await([&] { return w.delivered == 1; }));
  EXPECT_EQ(checks[0].check().code, ErrorCode::kOk);
  runner.stop(std::chrono::steady_clock::now() + 5s);
}

TEST(ClusterRunner, HealthFailsAfterUnhealthyAfterOnTheInjectedClock) {
  expectUnhealthyAfterRefusals({0, "", "Connection refused", "http://es:9200"}, ErrorCode::kEsTransport,
                               "http://es:9200 unreachable: Connection refused");
}

// Refused credentials at start: nothing is consumed, /healthz says 4004 and names host and reason.
TEST(ClusterRunner, RefusedCredentialsMakeElasticsearchUnhealthyWithTheirCode) {
  expectUnhealthyAfterRefusals(
      {401, R"({"error":{"reason":"unable to authenticate user [u]"}})", "", "https://es:9200"}, ErrorCode::kEsAuth,
      "https://es:9200 refused the credentials (HTTP 401): unable to authenticate user [u]");
}

// A fatal consumer error (librdkafka: the consumer is unusable, e.g. fenced by its own static
// group.instance.id after a coordinator move) turns the kafka health check unhealthy for good.
TEST(ClusterRunner, FatalConsumerErrorMakesKafkaUnhealthy) {
  World w;
  metrics::Registry registry;
  ClusterRunner runner(referenceCluster(), registry, 30s, seamsFor(w));
  auto checks = runner.healthChecks();
  runner.start();
  push(w, {World::Assign{{{kTopic, 0}}}, World::Message{kTopic, 0, 0, doc(0)}});
  ASSERT_TRUE(w.await([&] { return w.delivered == 1; }));
  EXPECT_EQ(checks[1].check().code, ErrorCode::kOk);
  World::Message fatal{kTopic, 0, 0, ""};
  fatal.error = RD_KAFKA_RESP_ERR__FATAL;
  push(w, {fatal});
  ASSERT_TRUE(w.await([&] { return w.delivered == 2; }));
  ASSERT_TRUE(w.await([&] { return checks[1].check().code == ErrorCode::kKafkaFatal; }));
  push(w, {World::Message{kTopic, 0, 1, doc(1)}});
  ASSERT_TRUE(w.await([&] { return w.delivered == 3; }));
  EXPECT_EQ(checks[1].check().code, ErrorCode::kKafkaFatal) << "a later message must not clear it";
  runner.stop(std::chrono::steady_clock::now() + 5s);
}

// The real consumer against librdkafka's mock cluster: the runner consumes, dead-letters the
// invalid value, and commits the offsets to the group coordinator.
TEST(ClusterRunnerWithMockCluster, ConsumesAndCommitsThroughTheRealConsumer) {
  kafka::testing::MockKafka mock(1);
  mock.createTopic(kTopic, 1, 1);
  {
    std::string err;
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    conf->set("bootstrap.servers", mock.bootstraps(), err);
    std::unique_ptr<RdKafka::Producer> p(RdKafka::Producer::create(conf.get(), err));
    ASSERT_TRUE(p) << err;
    const std::vector<std::string> values{doc(0), kDropped, "not json", doc(3)};
    for (const auto& v : values)
      ASSERT_EQ(p->produce(kTopic, 0, RdKafka::Producer::RK_MSG_COPY, const_cast<char*>(v.data()), v.size(), nullptr, 0,
                           0, nullptr),
                RdKafka::ERR_NO_ERROR);
    ASSERT_EQ(p->flush(10000), RdKafka::ERR_NO_ERROR);
  }
  World w;
  auto c = referenceCluster();
  c.kafka.brokers = {mock.bootstraps()};
  c.kafka.topics = {kTopic};
  c.kafka.group = "mock-group";
  c.kafka.offset = "first";
  c.kafka.librdkafka["session.timeout.ms"] = "6000";
  auto seams = seamsFor(w);
  seams.time = &RealTimeSource::instance();  // librdkafka runs on real time
  const auto props = consumerProperties(c);
  seams.source = [props](kafka::ConsumerHooks hooks) -> std::unique_ptr<kafka::MessageSource> {
    kafka::ConsumerOptions o;
    o.props = props;
    o.topics = {kTopic};
    return std::make_unique<kafka::Consumer>(o, std::move(hooks));
  };
  metrics::Registry registry;
  ClusterRunner runner(c, registry, 30s, std::move(seams));
  runner.start();
  ASSERT_TRUE(w.await([&] { return w.dead.size() == 1 && w.bodies.size() == 1; }));
  runner.stop(std::chrono::steady_clock::now() + 10s);
  EXPECT_EQ(w.dead[0].offset, 2);
  EXPECT_NE(w.bodies[0].find(R"("_id":"logs-0-3")"), std::string::npos) << w.bodies[0];

  // What the group committed, asked as the next owner would.
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", mock.bootstraps(), err);
  conf->set("group.id", "mock-group", err);
  std::unique_ptr<RdKafka::KafkaConsumer> probe(RdKafka::KafkaConsumer::create(conf.get(), err));
  ASSERT_TRUE(probe) << err;
  std::vector<RdKafka::TopicPartition*> parts{RdKafka::TopicPartition::create(kTopic, 0)};
  ASSERT_EQ(probe->committed(parts, 10000), RdKafka::ERR_NO_ERROR);
  EXPECT_EQ(parts[0]->offset(), 4);
  RdKafka::TopicPartition::destroy(parts);
  probe->close();
}

// The dead letter's @timestamp comes from its TimeSource.
TEST(DeadLetter, RecordsAreStampedWithTheInjectedClock) {
  SimulatedTimeSource clock;  // 2022-09-08T13:51:10Z
  clock.advance(1234ms);
  logship::testing::TempDir dir;
  const auto path = dir / "dead.ndjson";
  FileDeadLetter dl(path.string(), clock);
  DeadLetterRecord r;
  r.reason = "invalid_json";
  r.raw = "x";
  ASSERT_TRUE(dl.write({r}));
  std::ifstream in(path);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_EQ(line.rfind(R"({"@timestamp":"2022-09-08T13:51:11.234Z","reason":"invalid_json")", 0), 0u) << line;
}

}  // namespace
}  // namespace logship::stash
