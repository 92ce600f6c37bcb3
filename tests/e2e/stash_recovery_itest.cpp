// logship-stash catching up and coming back (issue 15), with the real Kafka, Elasticsearch and
// daemons of scripts/services: a large backlog drained under MaxMemory, and a kill -9 / SIGTERM /
// second member with the default (dynamic) group membership. Each ends with every line in
// Elasticsearch exactly once. Stalls are measured and printed, never asserted (timing belongs in
// bench/); the figures are in docs/guarantees.md.
#include <csignal>

#include "e2e/pipeline_harness.h"

namespace logship::e2e {
namespace {

// The stash's peak RSS bound while it drains the backlog with MaxMemory: 32MiB: the budget plus
// what the process has besides its buffers (code, threads, cpprest, librdkafka's one decompressed
// response beyond its queue), measured at 99-103 MiB.
constexpr std::int64_t kBacklogStashBoundKiB = 128 * 1024;

class StashRecovery : public PipelineTest {
 protected:
  // The longest time the index count did not grow, sampled every 100 ms for `window` from now: the
  // stall an event caused while the generator keeps writing (measured, printed, not asserted).
  double longestStallSeconds(std::chrono::seconds window) {
    const auto end = Clock::now() + window;
    auto last_growth = Clock::now();
    std::int64_t last = indexCount(clusters_[0]);
    double longest = 0;
    lt::pollUntil(
        [&] {
          const auto now = Clock::now();
          const auto n = indexCount(clusters_[0]);
          if (n > last) last = n, last_growth = now;
          longest = std::max(longest, std::chrono::duration<double>(now - last_growth).count());
          return now >= end;
        },
        window + 5s, 100ms);
    return longest;
  }
  // Delivery goes on: the index grows past `docs` + 500 (the generator writes 1000 lines/s).
  void expectDeliveryPast(std::int64_t docs, const char* after) {
    EXPECT_TRUE(lt::pollUntil(lt::orFalseOnError([&] { return indexCount(clusters_[0]) > docs + 500; }), 60s))
        << "no delivery after " << after << ": " << indexCount(clusters_[0]) << " documents, " << docs << " before";
  }
  // The same config with its own metrics port, for a second member of the group.
  fs::path secondStashConfig() {
    std::ifstream in(dir_ / "stash.yml");
    std::string y((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const std::string port = "Port: " + std::to_string(stash_port_);
    y.replace(y.find(port), port.size(), "Port: " + std::to_string(lt::freeLoopbackPort()));
    lt::writeFile(dir_ / "stash2.yml", y);
    return dir_ / "stash2.yml";
  }
};

// 300,000 lines reach Kafka while the stash is down; it is then started and drains them.
TEST_F(StashRecovery, BacklogDrainsWithinMaxMemory) {
  setUpPipeline("backlog");
  stash_max_memory_ = "32MiB";
  writeTailConfig();
  writeStashConfig();
  startTail();
  constexpr int kLines = 300000;
  gen_->writeRange(0, kLines);
  ASSERT_TRUE(lt::pollUntil(lt::orFalseOnError([&] { return topicMessages() >= kLines; }), 180s))
      << "the tailer did not ship the backlog: " << topicMessages() << " of " << kLines;
  startStash();
  expectExactlyOnce(kLines, 300s);
  expectDaemonsHealthyAndBounded();
  const auto peak = rss_.peakKiB("logship-stash");
  std::cout << "[e2e] backlog: logship-stash drained " << kLines << " messages, peak RSS " << peak / 1024
            << " MiB with MaxMemory " << stash_max_memory_ << "\n";
  EXPECT_LE(peak, kBacklogStashBoundKiB) << "peak RSS " << peak << " KiB while draining the backlog";
  expectCleanShutdown();
}

// Default membership (no group.instance.id): kill -9 and an immediate restart, then SIGTERM and a
// restart, then a second stash joining the group. Delivery resumes each time; nothing is lost or
// duplicated.
TEST_F(StashRecovery, DeliveryResumesAfterKillNineSigtermAndAJoin) {
  setUpPipeline("resume");
  static_membership_ = false;
  startPipeline();
  constexpr int kLines = 66000;
  gen_->start(0, kLines, 1000);
  ASSERT_TRUE(lt::pollUntil(lt::orFalseOnError([&] { return indexCount(clusters_[0]) >= 3000; }), 90s));

  std::int64_t before = indexCount(clusters_[0]);
  EXPECT_EQ(killAndRestartStash(), 128 + SIGKILL);
  const double after_kill = longestStallSeconds(20s);
  expectDeliveryPast(before, "kill -9 and a restart");

  before = indexCount(clusters_[0]);
  EXPECT_EQ(stash_.terminate(30s), 0) << "SIGTERM";
  startStash();
  const double after_term = longestStallSeconds(20s);
  expectDeliveryPast(before, "SIGTERM and a restart");

  before = indexCount(clusters_[0]);
  lt::ChildProcess second({lt::daemonPath("logship-stash").string(), "-f", secondStashConfig().string()},
                          dir_ / "stash2.log");
  const double after_join = longestStallSeconds(20s);
  expectDeliveryPast(before, "a second member joined");

  gen_->join();
  expectExactlyOnce(kLines, 180s);
  std::cout << "[e2e] resume: longest stall of the index after kill -9 + restart " << after_kill
            << " s, SIGTERM + restart " << after_term << " s, a second member joining " << after_join << " s\n";
  EXPECT_TRUE(second.alive()) << "the second stash exited with " << second.exitStatus();
  EXPECT_EQ(second.terminate(30s), 0) << "second stash SIGTERM";
  expectDaemonsHealthyAndBounded();
  expectCleanShutdown();
}

}  // namespace
}  // namespace logship::e2e
