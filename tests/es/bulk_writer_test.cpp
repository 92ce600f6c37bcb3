// The bulk writer against scripted transports: retries, per-item retries, dead letter, splitting.
#include <gtest/gtest.h>
#include <spdlog/sinks/base_sink.h>

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>

#include "logship/common/backoff.h"
#include "logship/common/logging.h"
#include "logship/common/time_source.h"
#include "logship/es/bulk_writer.h"

namespace logship::es {
namespace {

using namespace std::chrono_literals;

class ScriptedTransport : public BulkTransport {
 public:
  // Each answer is a function of the request body; when the script runs out, `otherwise` answers
  // (unset: everything succeeds).
  std::deque<std::function<HttpResult(const std::string&)>> script;
  std::function<HttpResult(const std::string&)> otherwise;
  std::vector<std::string> bodies;
  std::mutex mutex;
  HttpResult bulk(const std::string& body, bool) override {
    std::lock_guard<std::mutex> lock(mutex);
    bodies.push_back(body);
    if (script.empty()) {
      if (otherwise) return otherwise(body);
      return {200, R"({"took":1,"errors":false,"items":[]})", "", "stub"};
    }
    auto f = std::move(script.front());
    script.pop_front();
    return f(body);
  }
};

// Keeps what the "es" logger writes (at debug and above) while it lives; declare it before the
// Harness so that the writer's threads are gone when it detaches.
class EsLogLines : public spdlog::sinks::base_sink<std::mutex> {
 public:
  static std::shared_ptr<EsLogLines> attach() {
    auto sink = std::make_shared<EsLogLines>();
    sink->logger_ = log::get("es");
    sink->saved_level_ = sink->logger_->level();
    sink->logger_->sinks().push_back(sink);
    sink->logger_->set_level(spdlog::level::debug);
    return sink;
  }
  void detach() {
    auto& sinks = logger_->sinks();
    sinks.erase(
        std::remove_if(sinks.begin(), sinks.end(), [this](const spdlog::sink_ptr& s) { return s.get() == this; }),
        sinks.end());
    logger_->set_level(saved_level_);
  }
  // Lines whose message starts with `msg`, without time and component.
  std::vector<std::string> matching(std::string_view msg) {
    std::lock_guard<std::mutex> lock(mutex_);
    std::vector<std::string> out;
    for (const auto& l : lines_)
      if (l.compare(0, msg.size(), msg) == 0) out.push_back(l);
    return out;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    lines_.emplace_back(msg.payload.data(), msg.payload.size());
  }
  void flush_() override {}

 private:
  std::shared_ptr<spdlog::logger> logger_;
  spdlog::level::level_enum saved_level_ = spdlog::level::info;
  std::vector<std::string> lines_;
};

// The integer value of ` key=<n>` in a text log line (-1 when missing).
int64_t fieldValue(const std::string& line, const std::string& key) {
  const auto at = line.find(" " + key + "=");
  return at == std::string::npos ? -1 : std::stoll(line.substr(at + key.size() + 2));
}

// Back-off waits run on simulated time unless a test needs real time: they return at once and
// SimulatedTimeSource::waits() holds the schedule as it was waited.
struct Harness {
  SimulatedTimeSource clock;
  ScriptedTransport transport;
  metrics::Registry registry;
  std::mutex mutex;
  std::condition_variable changed;
  std::vector<ItemTag> done;
  std::vector<FailedItem> dead;
  std::unique_ptr<BulkWriter> writer;

  // Back-off 1-5 ms unless the test chose its own.
  explicit Harness(BulkWriterOptions o = {}, TimeSource* time = nullptr) {
    if (o.backoff_initial == BulkWriterOptions{}.backoff_initial) {
      o.backoff_initial = 1ms;
      o.backoff_max = 5ms;
    }
    BulkCallbacks cb;
    cb.on_done = [this](const std::vector<ItemTag>& tags) {
      std::lock_guard<std::mutex> lock(mutex);
      done.insert(done.end(), tags.begin(), tags.end());
      changed.notify_all();
    };
    cb.dead_letter = [this](const std::vector<FailedItem>& items) {
      std::lock_guard<std::mutex> lock(mutex);
      dead.insert(dead.end(), items.begin(), items.end());
      changed.notify_all();
      return true;
    };
    writer = std::make_unique<BulkWriter>(o, transport, cb, registry, time ? *time : clock);
  }
  void add(int n) {
    for (int i = 0; i < n; ++i)
      writer->add("idx", "id" + std::to_string(i), "{\"n\":" + std::to_string(i) + "}", {0, 1, i});
  }
  bool drain() { return writer->drain(std::chrono::steady_clock::now() + 5s); }
  // Waits until `n` items are acknowledged; the limit only keeps a broken writer from hanging the run.
  bool awaitDone(size_t n) {
    std::unique_lock<std::mutex> lock(mutex);
    return changed.wait_for(lock, 60s, [&] { return done.size() >= n; });
  }
  std::vector<int64_t> doneOffsets() {
    std::vector<int64_t> out;
    for (auto& t : done) out.push_back(t.offset);
    std::sort(out.begin(), out.end());
    return out;
  }
};

TEST(BulkWriter, AcknowledgesEverythingOnSuccess) {
  Harness h;
  h.add(3);
  EXPECT_TRUE(h.drain());
  EXPECT_EQ(h.doneOffsets(), (std::vector<int64_t>{0, 1, 2}));
  ASSERT_EQ(h.transport.bodies.size(), 1u);
  EXPECT_NE(h.transport.bodies[0].find("{\"create\":{\"_index\":\"idx\",\"_id\":\"id2\"}}\n{\"n\":2}\n"),
            std::string::npos);
}

TEST(BulkWriter, RetriesConnectionErrors429And5xxThenSucceeds) {
  Harness h;
  h.transport.script.push_back([](const std::string&) { return HttpResult{0, "", "connection refused", "h"}; });
  h.transport.script.push_back([](const std::string&) { return HttpResult{429, "too many", "", "h"}; });
  h.transport.script.push_back([](const std::string&) { return HttpResult{503, "unavailable", "", "h"}; });
  h.add(2);
  EXPECT_TRUE(h.drain());
  EXPECT_EQ(h.transport.bodies.size(), 4u);
  EXPECT_EQ(h.doneOffsets(), (std::vector<int64_t>{0, 1}));
  EXPECT_TRUE(h.dead.empty());
}

TEST(BulkWriter, RetriesOnlyFailedItemsAndDeadLettersPermanentOnes) {
  Harness h;
  h.transport.script.push_back([](const std::string&) {
    return HttpResult{200, R"({"errors":true,"items":[
      {"create":{"status":201}},
      {"create":{"status":409,"error":{"type":"version_conflict_engine_exception"}}},
      {"create":{"status":429,"error":{"type":"es_rejected_execution_exception"}}},
      {"create":{"status":400,"error":{"type":"mapper_parsing_exception","reason":"bad n"}}}]})",
                      "", "h"};
  });
  h.add(4);
  EXPECT_TRUE(h.drain());
  ASSERT_EQ(h.transport.bodies.size(), 2u);
  // The second request holds only item 2.
  EXPECT_EQ(h.transport.bodies[1], "{\"create\":{\"_index\":\"idx\",\"_id\":\"id2\"}}\n{\"n\":2}\n");
  EXPECT_EQ(h.doneOffsets(), (std::vector<int64_t>{0, 1, 2, 3}));
  ASSERT_EQ(h.dead.size(), 1u);
  EXPECT_EQ(h.dead[0].tag.offset, 3);
  EXPECT_EQ(h.dead[0].status, 400);
  EXPECT_EQ(h.dead[0].error_type, "mapper_parsing_exception");
  EXPECT_EQ(h.dead[0].doc, "{\"n\":3}");
  EXPECT_EQ(h.registry.counter("logship_stash_duplicates_total", "", {{"cluster", "default"}}).value(), 1u);
  EXPECT_EQ(h.registry.counter("logship_stash_indexed_total", "", {{"cluster", "default"}}).value(), 2u);
}

TEST(BulkWriter, RequestTooLargeIsSplitInHalvesThatAreIndexed) {
  Harness h;
  h.transport.script.push_back([](const std::string&) { return HttpResult{413, "too large", "", "h"}; });
  h.add(4);
  EXPECT_TRUE(h.drain());
  EXPECT_EQ(h.doneOffsets(), (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_TRUE(h.dead.empty());
  EXPECT_EQ(h.transport.bodies.size(), 3u);  // all 4, then 2 + 2
}

// A bulk answer as Elasticsearch writes it: one created item per action line of `body`.
HttpResult createdAnswer(const std::string& body) {
  std::string items;
  for (size_t at = body.find("{\"create\""); at != std::string::npos; at = body.find("{\"create\"", at + 1))
    items += std::string(items.empty() ? "" : ",") + R"({"create":{"_index":"idx","result":"created","status":201}})";
  return {200, R"({"took":3,"errors":false,"items":[)" + items + "]}", "", "h"};
}

// 64 items of which item `poison` makes the server refuse any request holding it with `status`.
// The refusal must be halved down to that one item, promptly (no back-off), in at most
// 2*log2(64)+1 requests, with every other item acknowledged exactly once.
void poisonItemIsIsolatedByHalving(int status, int poison) {
  auto logs = EsLogLines::attach();
  {
    Harness h;
    h.transport.otherwise = [status](const std::string& body) {
      if (body.find("\"poison\"") != std::string::npos) return HttpResult{status, R"({"error":"refused"})", "", "h"};
      return createdAnswer(body);
    };
    for (int i = 0; i < 64; ++i)
      h.writer->add("idx", "id" + std::to_string(i), i == poison ? R"({"poison":true})" : R"({"n":1})", {0, 1, i});
    h.writer->flush();
    ASSERT_TRUE(h.awaitDone(64));
    EXPECT_TRUE(h.drain());

    std::vector<int64_t> all(64);
    for (int i = 0; i < 64; ++i) all[i] = i;
    EXPECT_EQ(h.doneOffsets(), all);  // each exactly once: the dead-lettered one is acknowledged too
    ASSERT_EQ(h.dead.size(), 1u);
    EXPECT_EQ(h.dead[0].tag.offset, poison);
    EXPECT_EQ(h.dead[0].id, "id" + std::to_string(poison));
    EXPECT_EQ(h.dead[0].status, status);
    EXPECT_EQ(h.dead[0].error_type, "request_rejected");
    EXPECT_EQ(h.dead[0].error_reason, R"({"error":"refused"})");
    // 1 for all 64, then per level (32, 16, 8, 4, 2, 1) the refused half and its good sibling.
    EXPECT_EQ(h.transport.bodies.size(), 13u);
    EXPECT_EQ(h.registry.counter("logship_stash_retried_requests_total", "", {{"cluster", "default"}}).value(), 0u);
    EXPECT_EQ(h.registry.counter("logship_stash_indexed_total", "", {{"cluster", "default"}}).value(), 63u);
    EXPECT_EQ(
        h.registry.counter("logship_stash_dead_lettered_total", "", {{"cluster", "default"}, {"reason", "rejected"}})
            .value(),
        1u);
    EXPECT_TRUE(h.clock.waits().empty());  // no back-off anywhere
  }
  logs->detach();
  const auto halvings = logs->matching("bulk request refused, halving it");
  ASSERT_EQ(halvings.size(), 6u);
  EXPECT_EQ(fieldValue(halvings[0], "items"), 64);
  EXPECT_EQ(fieldValue(halvings[0], "status"), status);
  const auto dead = logs->matching("bulk request refused for a single item, dead-lettering it");
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_NE(dead[0].find(" id=id" + std::to_string(poison) + " "), std::string::npos) << dead[0];
  EXPECT_EQ(fieldValue(dead[0], "offset"), poison);
  EXPECT_EQ(fieldValue(dead[0], "status"), status);
}

TEST(BulkWriter, RequestRefusedWith400IsHalvedUntilOnlyThePoisonItemIsDeadLettered) {
  poisonItemIsIsolatedByHalving(400, 37);
}

TEST(BulkWriter, RequestRefusedWith413IsHalvedUntilOnlyThePoisonItemIsDeadLettered) {
  poisonItemIsIsolatedByHalving(413, 0);
  poisonItemIsIsolatedByHalving(413, 63);
}

// A refusal sent before the client finished writing the body (Elasticsearch's 413 does this) often
// reaches the client as a broken connection: status 0, a retry with back-off. Each half is a new
// request, so its retries start from the first delay again instead of continuing the schedule of
// the request it came from (which grew the delay to ~30 s, a minute and more before the dead letter).
TEST(BulkWriter, HalvesRetryTransportErrorsFromTheFirstBackoffDelay) {
  BulkWriterOptions o;
  o.backoff_initial = 8ms;  // the second delay would be twice as long
  o.backoff_max = 1h;
  o.random = [] { return 0.5; };  // jitter factor 1
  std::set<std::string> seen;
  Harness h(o);
  h.transport.otherwise = [&seen](const std::string& body) {
    if (seen.insert(body).second) return HttpResult{0, "", "Failed to write request body", "h"};
    if (body.find("\"poison\"") != std::string::npos) return HttpResult{413, "too large", "", "h"};
    return createdAnswer(body);
  };
  for (int i = 0; i < 64; ++i)
    h.writer->add("idx", "id" + std::to_string(i), i == 0 ? R"({"poison":true})" : R"({"n":1})", {0, 1, i});
  h.writer->flush();
  ASSERT_TRUE(h.awaitDone(64));
  EXPECT_TRUE(h.drain());
  EXPECT_EQ(h.doneOffsets().size(), 64u);
  ASSERT_EQ(h.dead.size(), 1u);
  EXPECT_EQ(h.dead[0].tag.offset, 0);
  EXPECT_EQ(h.transport.bodies.size(), 26u);  // the 13 requests of the halving, each sent twice
  EXPECT_EQ(h.registry.counter("logship_stash_retried_requests_total", "", {{"cluster", "default"}}).value(), 13u);
  // Every retry waited the first delay of a fresh schedule.
  const auto first = BackoffSchedule(o.backoff_initial, o.backoff_max, 0.25, o.random).next();
  EXPECT_EQ(first, 8ms);
  EXPECT_EQ(h.clock.waits(), std::vector<TimeSource::Duration>(13, first));
}

// Without halvings the schedule of one request grows: initial * 2^n up to the cap.
TEST(BulkWriter, RetriesOfOneRequestFollowTheBackoffSchedule) {
  BulkWriterOptions o;
  o.backoff_initial = 100ms;
  o.backoff_max = 1s;
  double r = 0.0;  // jitter factor 0.75, then 1.25, alternating
  o.random = [&r] { return r = (r == 0.0 ? 0.999999 : 0.0); };
  Harness h(o);
  for (int i = 0; i < 6; ++i)
    h.transport.script.push_back([](const std::string&) { return HttpResult{503, "busy", "", "h"}; });
  h.add(1);
  EXPECT_TRUE(h.drain());
  EXPECT_EQ(h.doneOffsets(), (std::vector<int64_t>{0}));
  double expect_r = 0.0;
  BackoffSchedule expected(o.backoff_initial, o.backoff_max, 0.25,
                           [&expect_r] { return expect_r = (expect_r == 0.0 ? 0.999999 : 0.0); });
  std::vector<TimeSource::Duration> want;
  for (int i = 0; i < 6; ++i) want.push_back(expected.next());
  EXPECT_EQ(h.clock.waits(), want);
  EXPECT_EQ(want.front(), 124ms);  // 100 ms * 1.25 (just under)
  EXPECT_EQ(want.back(), 750ms);   // capped at 1 s, * 0.75
}

TEST(BulkWriter, ChunksAtMaxChunkBytes) {
  BulkWriterOptions o;
  o.max_chunk_bytes = 200;
  Harness h(o);
  h.add(10);
  EXPECT_TRUE(h.drain());
  EXPECT_GT(h.transport.bodies.size(), 3u);
  for (const auto& b : h.transport.bodies) EXPECT_LE(b.size(), 200u);
  EXPECT_EQ(h.doneOffsets().size(), 10u);
}

TEST(BulkWriter, NothingAcknowledgedWhenAbandonedAtShutdown) {
  Harness h({}, &RealTimeSource::instance());  // the deadline is real time: so are the back-offs
  for (int i = 0; i < 1000; ++i)
    h.transport.script.push_back([](const std::string&) { return HttpResult{0, "", "down", "h"}; });
  h.add(5);
  h.writer->flush();
  EXPECT_FALSE(h.writer->drain(std::chrono::steady_clock::now() + 50ms));
  EXPECT_TRUE(h.done.empty());
  EXPECT_GT(h.transport.bodies.size(), 1u);  // it kept retrying until the deadline
}

// Scripts `n` successful answers that are held until open() is called.
class GatedAnswers {
 public:
  GatedAnswers(ScriptedTransport& transport, int n) {
    for (int i = 0; i < n; ++i)
      transport.script.push_back([this](const std::string&) {
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait(lock, [&] { return open_; });
        return HttpResult{200, R"({"errors":false})", "", "h"};
      });
  }
  void open() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      open_ = true;
    }
    cv_.notify_all();
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool open_ = false;
};

TEST(BulkWriter, OverloadedWhenQueueIsFull) {
  BulkWriterOptions o;
  o.max_in_flight = 1;
  o.max_chunk_bytes = 100;
  Harness h(o);
  GatedAnswers gate(h.transport, 10);
  h.add(4);  // ~40 bytes each: several batches
  h.writer->flush();
  EXPECT_TRUE(h.writer->overloaded());
  gate.open();
  EXPECT_TRUE(h.drain());
  EXPECT_FALSE(h.writer->overloaded());
}

// MaxMemory's bound on the bodies: two small requests out are far from 2 x MaxInFlight, but their
// bytes reach max_pending_bytes, so consumption must wait.
TEST(BulkWriter, OverloadedWhenPendingBytesReachTheBound) {
  BulkWriterOptions o;
  o.max_in_flight = 4;
  o.max_chunk_bytes = 100;
  o.max_pending_bytes = 120;
  Harness h(o);
  GatedAnswers gate(h.transport, 10);
  h.add(1);
  h.writer->flush();
  EXPECT_FALSE(h.writer->overloaded());  // one body of ~48 bytes
  h.add(2);
  h.writer->flush();
  EXPECT_TRUE(h.writer->overloaded());  // ~144 bytes out in 3 requests, of the 8 the count allows
  EXPECT_TRUE(h.writer->waitUntilNotOverloaded(10ms));
  gate.open();
  EXPECT_TRUE(h.awaitDone(3));
  EXPECT_FALSE(h.writer->waitUntilNotOverloaded(10s));
  EXPECT_TRUE(h.drain());
}

TEST(Backoff, GrowsAndIsCapped) {
  BackoffSchedule b(100ms, 10s);
  const auto first = b.next();
  EXPECT_LE(first.count(), 125);
  EXPECT_GE(first.count(), 75);
  for (int i = 1; i < 3; ++i) b.next();
  EXPECT_GE(b.next().count(), 600);  // attempt 3
  for (int i = 4; i < 30; ++i) b.next();
  EXPECT_LE(b.next().count(), 12500);  // attempt 30
}

}  // namespace
}  // namespace logship::es
