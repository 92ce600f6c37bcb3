// The whole pipeline under faults (issue 5): generator -> logship-tail -> Kafka -> logship-stash ->
// Elasticsearch, with the real services of scripts/services. Every scenario ends with: every line
// in Elasticsearch exactly once (count and set equality of the line ids), nothing left in flight
// (the stash's group committed the whole topic), both daemons alive with /healthz 200, and each
// daemon's peak RSS under kRssBoundKiB. See docs/guarantees.md.
#include <csignal>

#include "e2e/pipeline_harness.h"

namespace logship::e2e {
namespace {

class PipelineFaults : public PipelineTest {
 protected:
  void killScenario(bool tailer, int rate, int min_ms, int max_ms);
  void outageScenario(const std::string& service);
};

// 1./2. While 30,000 lines are written, `kKills` times: wait min..max ms (spacing the kills is the
// scenario, not synchronisation), note the progress made so far, kill -9 the daemon (it must die by
// SIGKILL) and start it again at once.
void PipelineFaults::killScenario(bool tailer, int rate, int min_ms, int max_ms) {
  startPipeline();
  constexpr int kLines = 30000, kKills = 12;
  gen_->start(0, kLines, rate);
  std::mt19937 rng(tailer ? 1 : 2);
  std::vector<std::int64_t> progress;  // tailer: messages in Kafka; stash: documents indexed
  for (int k = 0; k < kKills; ++k) {
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(min_ms, max_ms)(rng)));
    progress.push_back(tailer ? topicMessages() : indexCount(clusters_[0]));
    EXPECT_EQ(tailer ? killAndRestartTail() : killAndRestartStash(), 128 + SIGKILL) << "kill " << k;
  }
  gen_->join();
  // The daemon made progress between kills (otherwise the kills tested nothing).
  EXPECT_GT(progress.back(), progress.front()) << "no progress between the kills";
  expectExactlyOnce(kLines, 180s);
  expectDaemonsHealthyAndBounded();
  expectCleanShutdown();
  std::cout << "[e2e] " << scenario_ << ": " << kKills << " kills, " << topicMessages() << " messages in Kafka for "
            << kLines << " lines (more: lines re-sent after a kill, deduplicated by @metadata._id)\n";
}

// 1. kill -9 of logship-tail 12 times, every 1.5-3 s, restarted at once.
TEST_F(PipelineFaults, KillNineTailerRepeatedly) {
  setUpPipeline("killtail");
  killScenario(true, 1000, 1500, 3000);
}

// 2. kill -9 of logship-stash 12 times, every 2-4 s, restarted at once.
TEST_F(PipelineFaults, KillNineStashRepeatedly) {
  setUpPipeline("killstash");
  killScenario(false, 800, 2000, 4000);
}

// 1b. kill -9 of logship-tail before its registry was ever written, on a file that was short
//     when first seen (one line, under the 256-byte fingerprint): each restart reads the file from
//     offset 0 again and must give every line the id it had, so Elasticsearch answers 409 to the
//     copies. Three rounds, the file growing in each.
TEST_F(PipelineFaults, KillNineBeforeTheFirstRegistryFlushOnAShortFile) {
  setUpPipeline("shortfile");
  registry_flush_ = "1h";  // no flush until SIGTERM: every kill finds no registry
  startPipeline();
  auto& g = *gen_;
  g.writeRange(0, 1);
  ASSERT_LT(fs::file_size(g.file()), 256u) << "the first line must be shorter than the fingerprint";
  int written = 1;
  std::int64_t before = 0;  // messages in Kafka from earlier incarnations
  for (int round = 0; round < 3; ++round) {
    // This incarnation has shipped every line written so far (each one re-sends them all).
    ASSERT_TRUE(lt::pollUntil(lt::orFalseOnError([&] { return topicMessages() >= before + written; }), 60s))
        << "round " << round << ": the tailer did not ship the " << written << " lines";
    rss_.sampleNow();
    EXPECT_EQ(tail_.kill9(), 128 + SIGKILL) << "round " << round;
    before = topicMessages();
    startTail();
    g.writeRange(written, written + 1000);
    written += 1000;
  }
  EXPECT_FALSE(fs::exists(dir_ / "tail-data" / "registry" / "logship-tail" / "registry.json"))
      << "the registry was written: the kills did not happen before its first flush";
  expectExactlyOnce(written, 180s);
  expectDaemonsHealthyAndBounded();
  expectCleanShutdown();
}

// 3./4. A service stopped for 20 s mid-run (same port and data), then started again, while
// 24,000 lines are written over 40 s: before, during and after the outage.
void PipelineFaults::outageScenario(const std::string& service) {
  startPipeline();
  constexpr int kLines = 24000;
  gen_->start(0, kLines, 600);
  ASSERT_TRUE(lt::pollUntil(lt::orFalseOnError([&] { return indexCount(clusters_[0]) > 0; }), 60s))
      << "nothing indexed before the outage";
  lt::runServicesCommand(service + " stop");
  const int written_at_stop = gen_->written();
  std::this_thread::sleep_for(20s);  // the outage is the scenario
  const int written_at_start = gen_->written();
  lt::runServicesCommand(service + " start");
  gen_->join();
  EXPECT_GT(written_at_start, written_at_stop + 5000) << "lines must be written while " << service << " is down";
  EXPECT_TRUE(tail_.alive() && stash_.alive()) << "a daemon died during the " << service << " outage";
  expectExactlyOnce(kLines, 240s);
  expectDaemonsHealthyAndBounded();
  expectCleanShutdown();
}

// The broker outages run the stash with its default, dynamic membership: with static membership
// the session that times out during the outage can end, at the rejoin, in librdkafka's fatal
// FENCED_INSTANCE_ID by the stash's own group.instance.id (seen once in CI in
// KafkaDownWithManyFilesAndLargeLines; docs/guarantees.md "Static membership and a coordinator
// move"). The kill -9 scenarios keep static membership: no broker goes away there.
TEST_F(PipelineFaults, KafkaBrokerDownTwentySeconds) {
  static_membership_ = false;
  setUpPipeline("kafkadown");
  outageScenario("kafka");
}

// A Prometheus gauge or counter of the tail's /metrics (-1 when it cannot be read).
double tailMetric(int port, const std::string& series) {
  std::string body;
  if (lt::httpGetStatus(port, "/metrics", std::chrono::seconds(2), &body) != 200) return -1;
  const auto at = body.find("\n" + series + " ");
  return at == std::string::npos ? -1 : std::stod(body.substr(at + series.size() + 2));
}

// 3b. The tail's memory bound (docs/tail.md "Memory bound"): the broker stops, 120 files each get 20
// lines of 90 KB (216 MB in all, above the RSS bound itself; the 2,400 events fit queue.mem.events, so
// only queue.mem.bytes stops the reading); reading must pause at the byte bound, the peak RSS stay
// under kRssBoundKiB, and once the broker is back the whole backlog drains, exactly once.
TEST_F(PipelineFaults, KafkaDownWithManyFilesAndLargeLines) {
  static_membership_ = false;  // see KafkaBrokerDownTwentySeconds
  setUpPipeline("bigkafka");
  startPipeline();
  auto& g = *gen_;
  g.writeRange(0, 100);
  ASSERT_TRUE(waitDrained(clusters_[0], 100, 120s)) << "nothing indexed before the outage";
  lt::runServicesCommand("kafka stop");
  constexpr int kFiles = 120, kPerFile = 20, kFirst = 100;
  // Random text compresses about as little as anything will: a filler of one repeated byte
  // compresses ~1000x and would test librdkafka's decompression instead (see the closing note).
  std::string noise(1 << 20, ' ');
  std::mt19937 rng(42);
  const std::string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  for (auto& ch : noise) ch = alphabet[std::uniform_int_distribution<size_t>(0, alphabet.size() - 1)(rng)];
  constexpr size_t kPad = 90 * 1000;
  for (int f = 0; f < kFiles; ++f) {
    std::string chunk;
    for (int i = 0; i < kPerFile; ++i) {
      const int n = kFirst + f * kPerFile + i;
      // The bulk is in `pad`, so that reading the ids back (data.content) stays small.
      chunk += R"({"@timestamp":"2022-09-08T21:51:10.346+08:00","level":"info","content":")" + g.id(n) +
               R"(","pad":")" + noise.substr((static_cast<size_t>(n) * 7919) % (noise.size() - kPad), kPad) + "\"}\n";
    }
    lt::writeFile(dir_ / "logs" / ("big-" + std::to_string(f) + ".log"), chunk);
  }
  // Reading pauses on bytes, not on events: the queue reaches 64 MiB with fewer than 3,000 events.
  double queued = 0;
  ASSERT_TRUE(lt::pollUntil(lt::orFalseOnError([&] {
                              rss_.sampleNow();
                              return (queued = tailMetric(tail_port_, "logship_tail_kafka_queue_bytes")) >= 64 << 20;
                            }),
                            120s))
      << "the Kafka output never held 64 MiB (last " << queued << " bytes)";
  const double inflight = tailMetric(tail_port_, "logship_tail_events_inflight");
  EXPECT_LT(inflight, kFiles * kPerFile) << "reading did not pause at queue.mem.bytes";
  for (int i = 0; i < 10; ++i) {  // it stays paused: sampled over a second (the pause is the scenario)
    std::this_thread::sleep_for(100ms);
    rss_.sampleNow();
  }
  EXPECT_LE(tailMetric(tail_port_, "logship_tail_kafka_queue_bytes"), (64 << 20) + 200000.0);
  lt::runServicesCommand("kafka start");
  expectExactlyOnce(kFirst + kFiles * kPerFile, 300s);
  expectDaemonsHealthyAndBounded();
  expectCleanShutdown();
  std::cout << "[e2e] " << scenario_ << ": reading paused with " << inflight << " events in flight\n";
}

TEST_F(PipelineFaults, ElasticsearchDownTwentySeconds) {
  setUpPipeline("esdown");
  outageScenario(esService());
}

// 5. Rename rotation every 3000 lines, and one copytruncate once the tailer has shipped everything
//    written so far (lines written between the copy and the truncate that the tailer has not read
//    yet are lost by copytruncate's design: docs/tail.md).
TEST_F(PipelineFaults, RenameRotationAndOneCopyTruncate) {
  setUpPipeline("rotation");
  startPipeline();
  constexpr int kBeforeTruncate = 20000, kLines = 32000, kRotateEvery = 3000;
  gen_->start(0, kBeforeTruncate, 2000, kRotateEvery);
  gen_->join();
  ASSERT_TRUE(lt::pollUntil(lt::orFalseOnError([&] { return topicMessages() >= kBeforeTruncate; }), 90s))
      << "the tailer did not ship the first " << kBeforeTruncate << " lines: " << topicMessages();
  gen_->copyTruncate();
  gen_->start(kBeforeTruncate, kLines, 2000, kRotateEvery);
  gen_->join();
  EXPECT_EQ(gen_->rotations(), (kLines - 1) / kRotateEvery);
  expectExactlyOnce(kLines, 180s);
  expectDaemonsHealthyAndBounded();
  expectCleanShutdown();
}

// 6. Bad input on every path. Two stash clusters read the topic side by side: cluster 0 wraps
//    Kafka values that are not JSON objects (DeadLetter.InvalidJson: wrap), cluster 1 sends them to
//    its dead letter (the default). Both send the mapping conflict to their dead letter file.
TEST_F(PipelineFaults, BadInputEndsWhereTheDocsSay) {
  setUpPipeline("badinput", 2);
  clusters_[1].invalid_json = "dead_letter";
  startPipeline();
  auto& g = *gen_;

  // Lines 0..1999: ordinary.
  g.writeRange(0, 2000);
  // 2000: invalid UTF-8 inside a JSON line -> each invalid byte becomes U+FFFD, still JSON.
  g.appendRaw(R"({"@timestamp":"2022-09-08T21:51:10.346+08:00","level":"error","content":")" + g.id(2000) +
              " bad \xff\xfe utf8 \xc3\x28 end\"}\n");
  const std::string utf8_expected = g.id(2000) + " bad \xEF\xBF\xBD\xEF\xBF\xBD utf8 \xEF\xBF\xBD( end";
  // 2001: a 5 MB line -> cut at max_bytes, log.flags ["truncated"], not JSON any more.
  const std::string big_prefix =
      R"({"@timestamp":"2022-09-08T21:51:10.346+08:00","level":"error","content":")" + g.id(2001) + " ";
  g.appendRaw(big_prefix + std::string(5 * 1024 * 1024, 'x') + "\"}\n");
  // 2002: binary garbage after the id: control bytes and bytes that are never valid UTF-8.
  std::string garbage, garbage_expected;
  {
    std::mt19937 rng(6);
    std::vector<unsigned char> alphabet;
    for (int b = 0; b < 0x20; ++b)
      if (b != '\n' && b != '\r') alphabet.push_back(static_cast<unsigned char>(b));
    for (int b = 0x80; b <= 0xC1; ++b) alphabet.push_back(static_cast<unsigned char>(b));
    for (int b = 0xF5; b <= 0xFF; ++b) alphabet.push_back(static_cast<unsigned char>(b));
    for (int i = 0; i < 4096; ++i) {
      const unsigned char b = alphabet[std::uniform_int_distribution<size_t>(0, alphabet.size() - 1)(rng)];
      garbage += static_cast<char>(b);
      garbage_expected += b < 0x80 ? std::string(1, static_cast<char>(b)) : std::string("\xEF\xBF\xBD");
    }
  }
  g.appendRaw(g.id(2002) + " " + garbage + "\n");
  // An empty line: shipped as an event with message "" (see the report: docs/tail.md is silent).
  g.appendRaw("\n");
  // 2003: `ctx` is an object here; line 3000 makes it a string in the same index (mapping conflict).
  g.appendRaw(R"({"@timestamp":"2022-09-08T21:51:10.346+08:00","level":"info","content":")" + g.id(2003) +
              R"( ctx object","ctx":{"user":"alice","tenant":7}})"
              "\n");
  g.writeRange(2004, 3000);
  // The object mapping must exist before the conflicting document arrives: wait for both clusters.
  for (const auto& c : clusters_) ASSERT_TRUE(waitDrained(c, 3001, 120s));
  g.appendRaw(R"({"@timestamp":"2022-09-08T21:51:10.346+08:00","level":"info","content":")" + g.id(3000) +
              R"( ctx string","ctx":"just a string"})"
              "\n");
  g.writeRange(3001, 4000);
  // Kafka values that are not JSON objects, produced straight to the topic.
  const std::vector<std::string> not_json = {g.id(4000) + " plain text, not JSON", "[\"" + g.id(4001) + "\",1]",
                                             R"({"content":")" + g.id(4002) + " cut short",
                                             "\"" + g.id(4003) + " a JSON string\""};
  lt::produceMessages(env_.kafka_bootstrap, topic_, not_json);

  // Cluster 0: lines 0..3999 but 3000, the empty line, the 4 wrapped values.
  // Cluster 1: lines 0..3999 but 3000, the empty line.
  ASSERT_TRUE(waitDrained(clusters_[0], 3999 + 1 + 4, 120s));
  ASSERT_TRUE(waitDrained(clusters_[1], 3999 + 1, 120s));
  for (size_t ci = 0; ci < clusters_.size(); ++ci) {
    SCOPED_TRACE("cluster " + clusters_[ci].name + " (InvalidJson: " + clusters_[ci].invalid_json + ")");
    const auto& c = clusters_[ci];
    const auto census = censusOf(esAllDocs(c.pattern()), scenario_);
    std::set<int> expected = idRange(0, 4000, {3000});
    if (ci == 0) expected.merge(idRange(4000, 4004));
    EXPECT_EQ(census.docs, expected.size() + 1) << "documents in " << c.pattern();
    EXPECT_TRUE(exactlyOnce(census, expected));

    // The empty line: one document, message "".
    ASSERT_EQ(census.unidentified.size(), 1u);
    EXPECT_EQ(stringAt(census.unidentified[0].source, "message").value_or("<none>"), "")
        << census.unidentified[0].source.serialize().substr(0, 300);

    // Invalid UTF-8: replaced, and the line was still JSON, so it went through transfer.
    ASSERT_TRUE(census.by_id.count(2000));
    EXPECT_EQ(stringAt(census.by_id.at(2000).source, "data.content").value_or("<none>"), utf8_expected);

    // The 5 MB line: cut to max_bytes, flagged, kept as `message` (a cut JSON line is not JSON).
    ASSERT_TRUE(census.by_id.count(2001));
    const auto& big = census.by_id.at(2001).source;
    const std::string big_msg = stringAt(big, "message").value_or("");
    EXPECT_EQ(big_msg.size(), kTailMaxBytes);
    EXPECT_EQ(big_msg.rfind(big_prefix, 0), 0u) << big_msg.substr(0, 200);
    const auto flags = fieldAt(big, "log.flags");
    ASSERT_TRUE(flags.has_value()) << big.serialize().substr(0, 300);
    EXPECT_EQ(flags->serialize(), R"(["truncated"])");
    EXPECT_FALSE(fieldAt(big, "data").has_value());

    // Binary garbage: control bytes kept, invalid bytes replaced.
    ASSERT_TRUE(census.by_id.count(2002));
    EXPECT_EQ(stringAt(census.by_id.at(2002).source, "message").value_or("<none>"),
              g.id(2002) + " " + garbage_expected);

    // The object side of the conflict is indexed with its object.
    ASSERT_TRUE(census.by_id.count(2003));
    EXPECT_EQ(fieldAt(census.by_id.at(2003).source, "data.ctx").value_or(web::json::value()).serialize(),
              R"({"tenant":7,"user":"alice"})");

    // Wrapped values (cluster 0): {"message": "<raw>", "tags": ["_jsonparsefailure"]}.
    if (ci == 0) {
      for (int i = 0; i < 4; ++i) {
        ASSERT_TRUE(census.by_id.count(4000 + i));
        const auto& src = census.by_id.at(4000 + i).source;
        EXPECT_EQ(stringAt(src, "message").value_or("<none>"), not_json[static_cast<size_t>(i)]);
        EXPECT_EQ(fieldAt(src, "tags").value_or(web::json::value()).serialize(), R"(["_jsonparsefailure"])");
      }
    }

    // The dead letter: the conflicting document (rejected, with the error) and, for cluster 1,
    // the values that are not JSON (invalid_json, with the raw value).
    std::map<int, web::json::value> dead;
    std::istringstream in(lt::readFile(c.dead_letter));
    for (std::string line; std::getline(in, line);) {
      if (line.empty()) continue;
      auto rec = lt::parseJson(line);
      const std::string text = rec.has_field("doc")   ? rec.at("doc").serialize()
                               : rec.has_field("raw") ? rec.at("raw").as_string()
                                                      : "";
      const int id = lineIdIn(text, scenario_);
      EXPECT_GE(id, 0) << line.substr(0, 300);
      EXPECT_FALSE(dead.count(id)) << "dead-lettered twice: " << id;
      dead[id] = rec;
    }
    std::set<int> dead_ids;
    for (const auto& [id, rec] : dead) dead_ids.insert(id);
    const std::set<int> dead_expected = ci == 0 ? std::set<int>{3000} : std::set<int>{3000, 4000, 4001, 4002, 4003};
    EXPECT_EQ(dead_ids, dead_expected);
    if (dead.count(3000)) {
      const auto& rec = dead.at(3000);
      EXPECT_EQ(stringAt(rec, "reason").value_or(""), "rejected") << rec.serialize();
      EXPECT_EQ(fieldAt(rec, "error.status").value_or(web::json::value()).serialize(), "400") << rec.serialize();
      EXPECT_NE(stringAt(rec, "error.reason").value_or("").find("ctx"), std::string::npos) << rec.serialize();
      EXPECT_EQ(stringAt(rec, "doc.data.ctx").value_or("<none>"), "just a string") << rec.serialize();
    }
    if (ci == 1) {
      for (int i = 0; i < 4; ++i) {
        if (!dead.count(4000 + i)) continue;
        const auto& rec = dead.at(4000 + i);
        EXPECT_EQ(stringAt(rec, "reason").value_or(""), "invalid_json") << rec.serialize();
        EXPECT_EQ(stringAt(rec, "raw").value_or("<none>"), not_json[static_cast<size_t>(i)]) << rec.serialize();
        EXPECT_EQ(stringAt(rec, "topic").value_or(""), topic_);
      }
    }
  }
  expectDaemonsHealthyAndBounded();
  expectCleanShutdown();
}

}  // namespace
}  // namespace logship::e2e
