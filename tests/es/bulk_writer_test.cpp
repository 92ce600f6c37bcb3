// The bulk writer against scripted transports: retries, per-item retries, dead letter, splitting.
#include <gtest/gtest.h>

#include <deque>
#include <mutex>

#include "logship/es/bulk_writer.h"

namespace logship::es {
namespace {

using namespace std::chrono_literals;

class ScriptedTransport : public BulkTransport {
 public:
  // Each answer is a function of the request body; when the script runs out, everything succeeds.
  std::deque<std::function<HttpResult(const std::string&)>> script;
  std::vector<std::string> bodies;
  std::mutex mutex;
  HttpResult bulk(const std::string& body, bool) override {
    std::lock_guard<std::mutex> lock(mutex);
    bodies.push_back(body);
    if (script.empty()) return {200, R"({"took":1,"errors":false,"items":[]})", "", "stub"};
    auto f = std::move(script.front());
    script.pop_front();
    return f(body);
  }
};

struct Harness {
  ScriptedTransport transport;
  metrics::Registry registry;
  std::mutex mutex;
  std::vector<ItemTag> done;
  std::vector<FailedItem> dead;
  std::unique_ptr<BulkWriter> writer;

  explicit Harness(BulkWriterOptions o = {}) {
    o.backoff_initial = 1ms;
    o.backoff_max = 5ms;
    BulkCallbacks cb;
    cb.on_done = [this](const std::vector<ItemTag>& tags) {
      std::lock_guard<std::mutex> lock(mutex);
      done.insert(done.end(), tags.begin(), tags.end());
    };
    cb.dead_letter = [this](const std::vector<FailedItem>& items) {
      std::lock_guard<std::mutex> lock(mutex);
      dead.insert(dead.end(), items.begin(), items.end());
      return true;
    };
    writer = std::make_unique<BulkWriter>(o, transport, cb, registry);
  }
  void add(int n) {
    for (int i = 0; i < n; ++i) writer->add("idx", "id" + std::to_string(i), "{\"n\":" + std::to_string(i) + "}", {0, 1, i});
  }
  bool drain() { return writer->drain(std::chrono::steady_clock::now() + 5s); }
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
  EXPECT_NE(h.transport.bodies[0].find("{\"create\":{\"_index\":\"idx\",\"_id\":\"id2\"}}\n{\"n\":2}\n"), std::string::npos);
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
      {"create":{"status":400,"error":{"type":"mapper_parsing_exception","reason":"bad n"}}}]})", "", "h"};
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

TEST(BulkWriter, RequestTooLargeIsSplitUntilSingleItemsAreDeadLettered) {
  Harness h;
  h.transport.script.push_back([](const std::string&) { return HttpResult{413, "too large", "", "h"}; });
  h.add(4);
  EXPECT_TRUE(h.drain());
  EXPECT_EQ(h.doneOffsets(), (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_TRUE(h.dead.empty());
  EXPECT_EQ(h.transport.bodies.size(), 3u);  // all 4, then 2 + 2
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
  Harness h;
  for (int i = 0; i < 1000; ++i)
    h.transport.script.push_back([](const std::string&) { return HttpResult{0, "", "down", "h"}; });
  h.add(5);
  h.writer->flush();
  EXPECT_FALSE(h.writer->drain(std::chrono::steady_clock::now() + 50ms));
  EXPECT_TRUE(h.done.empty());
  EXPECT_GT(h.transport.bodies.size(), 1u);  // it kept retrying until the deadline
}

TEST(BulkWriter, OverloadedWhenQueueIsFull) {
  BulkWriterOptions o;
  o.max_in_flight = 1;
  o.max_chunk_bytes = 100;
  Harness h(o);
  std::atomic<bool> release{false};
  for (int i = 0; i < 10; ++i)
    h.transport.script.push_back([&release](const std::string&) {
      while (!release) std::this_thread::sleep_for(1ms);
      return HttpResult{200, R"({"errors":false})", "", "h"};
    });
  h.add(4);  // ~40 bytes each: several batches
  h.writer->flush();
  EXPECT_TRUE(h.writer->overloaded());
  release = true;
  EXPECT_TRUE(h.drain());
  EXPECT_FALSE(h.writer->overloaded());
}

TEST(Backoff, GrowsAndIsCapped) {
  EXPECT_LE(backoffDelay(0, 100ms, 10s).count(), 125);
  EXPECT_GE(backoffDelay(0, 100ms, 10s).count(), 75);
  EXPECT_GE(backoffDelay(3, 100ms, 10s).count(), 600);
  EXPECT_LE(backoffDelay(30, 100ms, 10s).count(), 12500);
}

}  // namespace
}  // namespace logship::es
