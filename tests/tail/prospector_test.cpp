// Scanning, rotation and restart behaviour of Prospector + Harvester against real files.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "logship/common/time_source.h"
#include "logship/tail/prospector.h"
#include "support/paths.h"
#include "tail/tail_test_util.h"

namespace logship::tail {
namespace {

namespace fs = std::filesystem;
using logship::testing::TempDir;
using testing::RecordingOutput;

void append(const fs::path& p, const std::string& text) { std::ofstream(p, std::ios::app) << text; }

std::string lines(int from, int to) {
  std::string s;
  for (int i = from; i < to; ++i) s += "line " + std::to_string(i) + "\n";
  return s;
}

// One input over `dir`, recording events; the registry lives in `data`. Time is simulated: it
// moves only when a test advances `clock` (its wall clock starts at the real one, as the files'
// modification times are real).
struct Rig {
  Rig(const fs::path& dir, const fs::path& data, InputConfig in = {}) {
    clock.setSystemTime(std::chrono::system_clock::now());
    input = std::move(in);
    if (input.paths.empty()) input.paths = {(dir / "*.log").string()};
    registry = std::make_unique<Registry>(data.string(), clock);
    registry->load();
    output = std::make_unique<RecordingOutput>([this](AckToken t, bool) { acks.ack(t); });
    pipeline = std::make_unique<Pipeline>(input, global, AgentInfo{"h", "id", "eph"}, PipelineMetrics::in(metrics),
                                          OutputCodec{}, clock);
    prospector = std::make_unique<Prospector>(input, Shipper{*pipeline, acks, *output}, registry.get(),
                                              ProspectorOptions{}, metrics, clock);
  }
  // Scans and reads until nothing more arrives.
  void pump() {
    for (int i = 0; i < 5; ++i) {
      const auto now = clock.monotonicTime();
      prospector->scan(now);
      while (prospector->harvest(100000, now) > 0) {
      }
      prospector->tick(now);
    }
  }
  std::vector<std::string> messages() const { return output->messages(); }
  SimulatedTimeSource clock;
  metrics::Registry metrics;
  InputConfig input;
  std::vector<ProcessorConfig> global;
  AckTracker acks;
  std::unique_ptr<Registry> registry;
  std::unique_ptr<RecordingOutput> output;
  std::unique_ptr<Pipeline> pipeline;
  std::unique_ptr<Prospector> prospector;
};

std::vector<std::string> expected(int from, int to) { return testing::lineMessages(from, to); }

TEST(Scanner, RecursiveGlobAndExclude) {
  TempDir dir;
  fs::create_directories(dir / "a" / "b");
  logship::testing::writeFile(dir / "top.log", "x\n");
  logship::testing::writeFile(dir / "a" / "mid.log", "x\n");
  logship::testing::writeFile(dir / "a" / "b" / "deep.log", "x\n");
  logship::testing::writeFile(dir / "a" / "b" / "skip.gz", "x\n");
  Scanner s({(dir / "**" / "*.log").string()}, {"mid"});
  const auto found = s.scan();
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].path, (dir / "a" / "b" / "deep.log").string());
  EXPECT_EQ(found[1].path, (dir / "top.log").string());
  EXPECT_EQ(Scanner::expandRecursive("/x/**", 1), (std::vector<std::string>{"/x/*", "/x/*/*"}));
}

TEST(Prospector, RenameRotationReadsOldFileToEndAndNewFile) {
  TempDir dir, data;
  Rig rig(dir.path(), data.path());
  append(dir / "app.log", lines(0, 10));
  rig.pump();
  append(dir / "app.log", lines(10, 15));  // written just before rotation
  fs::rename(dir / "app.log", dir / "app.log.1");
  append(dir / "app.log", lines(15, 20));
  rig.pump();
  EXPECT_EQ(rig.messages(), expected(0, 20));
}

TEST(Prospector, CopyTruncateIsDetectedAndFileReadAgainFromZero) {
  TempDir dir, data;
  Rig rig(dir.path(), data.path());
  append(dir / "app.log", lines(0, 10));
  rig.pump();
  fs::resize_file(dir / "app.log", 0);
  append(dir / "app.log", lines(10, 13));
  rig.pump();
  EXPECT_EQ(rig.messages(), expected(0, 13));
  EXPECT_EQ(rig.metrics.counter("logship_tail_files_truncated_total", "").value(), 1u);
}

TEST(Prospector, CopyTruncateMidFileIsDetectedBeforeEof) {
  // Reading is behind (a backlog, or paused while Kafka is down) when the file is truncated and
  // written again past our offset: the size alone no longer shows it, and EOF is far away.
  TempDir dir, data;
  Rig rig(dir.path(), data.path());
  append(dir / "app.log", lines(0, 1000));
  rig.prospector->scan(rig.clock.monotonicTime());
  ASSERT_EQ(rig.prospector->harvest(10, rig.clock.monotonicTime()), 10u);
  fs::resize_file(dir / "app.log", 0);
  append(dir / "app.log", lines(2000, 2030));  // longer than the 10 lines read so far
  rig.clock.advance(std::chrono::seconds(2));
  rig.prospector->tick(rig.clock.monotonicTime());
  rig.pump();
  auto want = expected(0, 10);
  for (const auto& m : expected(2000, 2030)) want.push_back(m);
  EXPECT_EQ(rig.messages(), want);
  EXPECT_EQ(rig.metrics.counter("logship_tail_files_truncated_total", "").value(), 1u);
}

TEST(Prospector, RestartResumesAfterLastAckedLine) {
  TempDir dir, data;
  append(dir / "app.log", lines(0, 5));
  {
    Rig rig(dir.path(), data.path());
    rig.pump();
    rig.prospector->syncRegistry();
    rig.registry->flush();
  }
  append(dir / "app.log", lines(5, 8));
  Rig again(dir.path(), data.path());
  again.pump();
  EXPECT_EQ(again.messages(), expected(5, 8));
}

TEST(Prospector, UnackedLinesAreReadAgainAfterRestart) {
  TempDir dir, data;
  append(dir / "app.log", lines(0, 6));
  {
    Rig rig(dir.path(), data.path());
    rig.output = std::make_unique<RecordingOutput>([&rig](AckToken t, bool) { rig.acks.ack(t); }, false);
    rig.prospector = std::make_unique<Prospector>(rig.input, Shipper{*rig.pipeline, rig.acks, *rig.output},
                                                  rig.registry.get(), ProspectorOptions{}, rig.metrics, rig.clock);
    rig.pump();
    ASSERT_EQ(rig.output->tokens.size(), 6u);
    // Ack 0,1,2 and 4: the offset may only move past line 2.
    for (int i : {4, 0, 2, 1}) rig.acks.ack(rig.output->tokens[static_cast<size_t>(i)]);
    rig.prospector->syncRegistry();
    rig.registry->flush();
  }
  Rig again(dir.path(), data.path());
  again.pump();
  EXPECT_EQ(again.messages(), expected(3, 6));  // 3 and 5 were never acked; 4 is sent again
}

std::vector<std::string> eventIds(const RecordingOutput& out) {
  std::vector<std::string> ids;
  for (const auto& p : out.payloads) {
    const auto b = p.find("\"_id\":\"") + 7;
    ids.push_back(p.substr(b, p.find('"', b) - b));
  }
  return ids;
}

// kill -9 before the registry's first flush: the restart reads the file from offset 0 again and
// must produce the same ids (create answers 409) even though the file was short when first seen.
TEST(Prospector, ShortFileKeepsItsIdsWhenTheRegistryWasLost) {
  TempDir dir, first_data, second_data;
  append(dir / "app.log", "short line 1234\n");  // 16 bytes, far below the 256-byte fingerprint
  Rig before(dir.path(), first_data.path());
  before.pump();
  const auto first_ids = eventIds(*before.output);
  ASSERT_EQ(first_ids.size(), 1u);
  append(dir / "app.log", lines(0, 40));
  Rig after(dir.path(), second_data.path());  // nothing flushed: an empty registry
  after.pump();
  const auto ids = eventIds(*after.output);
  ASSERT_EQ(ids.size(), 41u);
  EXPECT_EQ(ids.front(), first_ids.front());
}

TEST(Prospector, FileWithoutACompleteFirstLineWaitsUntilItHasOne) {
  TempDir dir, data;
  append(dir / "app.log", "partial");
  Rig rig(dir.path(), data.path());
  rig.pump();
  EXPECT_TRUE(rig.messages().empty());
  EXPECT_EQ(rig.metrics.counter("logship_tail_files_opened_total", "").value(), 0u);
  append(dir / "app.log", " now whole\n");
  rig.pump();
  EXPECT_EQ(rig.messages(), std::vector<std::string>{"partial now whole"});
}

// A file that was empty, or had no whole first line, when scanned is opened at the next tick once
// it has one: not only at the next scan (scan_frequency, 10 s by default), which would add up to
// 10 s of latency to every line of a file created empty (a service starting, a rotation).
TEST(Prospector, FileEmptyWhenScannedIsOpenedAtTheNextTickOnceItHasALine) {
  TempDir dir, data;
  append(dir / "empty.log", "");
  append(dir / "partial.log", "no newline yet");
  Rig rig(dir.path(), data.path());
  const auto now = rig.clock.monotonicTime();
  rig.prospector->scan(now);
  rig.prospector->tick(now);
  EXPECT_EQ(rig.prospector->openFiles(), 0u);
  append(dir / "empty.log", "first\n");
  append(dir / "partial.log", " - now whole\n");
  rig.prospector->tick(now);  // no scan in between
  EXPECT_EQ(rig.prospector->openFiles(), 2u);
  while (rig.prospector->harvest(100000, now) > 0) {
  }
  auto got = rig.messages();
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{"first", "no newline yet - now whole"}));
  // A stopped input opens nothing, waiting or not.
  append(dir / "later.log", "");
  rig.prospector->scan(now);
  rig.prospector->stop(now);
  append(dir / "later.log", "x\n");
  rig.prospector->tick(now);
  EXPECT_EQ(rig.prospector->openFiles(), 0u);
}

// queue.mem.bytes: harvesters stop at the line that fills the output's byte bound, not at the end
// of their slice of lines, and go on once acks free room.
TEST(Prospector, ReadingPausesWhileTheOutputIsFullOfBytes) {
  TempDir dir, data;
  append(dir / "big.log", lines(0, 50));
  Rig rig(dir.path(), data.path());
  rig.output = std::make_unique<RecordingOutput>([&rig](AckToken t, bool) { rig.acks.ack(t); }, false);
  rig.prospector = std::make_unique<Prospector>(rig.input, Shipper{*rig.pipeline, rig.acks, *rig.output},
                                                rig.registry.get(), ProspectorOptions{}, rig.metrics, rig.clock);
  rig.output->max_bytes = 1;  // full after one event
  const auto now = rig.clock.monotonicTime();
  rig.prospector->scan(now);
  EXPECT_EQ(rig.prospector->harvest(1000, now), 1u);
  EXPECT_EQ(rig.prospector->harvest(1000, now), 0u);
  rig.output->ackAll();
  EXPECT_EQ(rig.prospector->harvest(1000, now), 1u);
  rig.output->max_bytes = 0;
  EXPECT_EQ(rig.prospector->harvest(1000, now), 48u);
  EXPECT_EQ(rig.output->messages(), expected(0, 50));
}

TEST(Prospector, InodeReuseDetectedByFingerprint) {
  TempDir dir, data;
  append(dir / "app.log", lines(0, 5));
  {
    Rig rig(dir.path(), data.path());
    rig.pump();
    rig.prospector->syncRegistry();
    rig.registry->flush();
  }
  // Same inode, different content that is longer than the old offset.
  {
    std::ofstream f(dir / "app.log", std::ios::in | std::ios::out);
    f << "LINE X\n" << lines(100, 110);
  }
  Rig again(dir.path(), data.path());
  again.pump();
  ASSERT_FALSE(again.messages().empty());
  EXPECT_EQ(again.messages().front(), "LINE X");
}

TEST(Prospector, RemovedFileIsClosedAfterItsData) {
  TempDir dir, data;
  Rig rig(dir.path(), data.path());
  append(dir / "app.log", lines(0, 3));
  rig.pump();
  EXPECT_EQ(rig.prospector->openFiles(), 1u);
  fs::remove(dir / "app.log");
  rig.pump();
  EXPECT_EQ(rig.prospector->openFiles(), 0u);
  EXPECT_EQ(rig.messages(), expected(0, 3));
}

// Files closed (inactive) before they were rotated or deleted: Filebeat's clean_removed judges
// every state of the input after each scan, so the registry does not keep one state per rotation.
TEST(Prospector, CleanRemovedForgetsClosedFilesThatAreGoneAndFollowsRenames) {
  for (const bool clean : {true, false}) {
    TempDir dir, data;
    InputConfig in;
    in.paths = {(dir / "app.log*").string()};
    in.clean_removed = clean;
    Rig rig(dir.path(), data.path(), in);
    append(dir / "app.log", lines(0, 2));
    append(dir / "other.log", lines(2, 4));  // not this input's: never judged
    rig.pump();
    rig.clock.advance(std::chrono::minutes(6));  // past close_inactive
    rig.pump();
    ASSERT_EQ(rig.prospector->openFiles(), 0u);
    ASSERT_EQ(rig.registry->states().size(), 1u);
    // Rotated while closed: the state follows the file to app.log.1; the new app.log is read.
    fs::rename(dir / "app.log", dir / "app.log.1");
    append(dir / "app.log", lines(4, 5));
    rig.pump();
    std::vector<std::string> paths;
    for (const auto& [key, state] : rig.registry->states()) paths.push_back(fs::path(state.path).filename());
    std::sort(paths.begin(), paths.end());
    EXPECT_EQ(paths, (std::vector<std::string>{"app.log", "app.log.1"})) << "clean_removed=" << clean;
    // app.log.1 deleted while closed: forgotten at the next scan (kept without clean_removed).
    rig.clock.advance(std::chrono::minutes(6));
    rig.pump();
    fs::remove(dir / "app.log.1");
    rig.pump();
    EXPECT_EQ(rig.registry->states().size(), clean ? 1u : 2u) << "clean_removed=" << clean;
    // Nothing was read twice.
    auto got = rig.messages();
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, (std::vector<std::string>{"line 0", "line 1", "line 4"})) << "clean_removed=" << clean;
  }
}

// close_eof: the harvester closes at every end of file and a later scan continues where the
// acknowledged lines end; close_timeout: closed after its lifetime even while lines keep coming.
TEST(Prospector, CloseEofAndCloseTimeoutCloseAndResumeWithoutDuplicates) {
  for (const bool eof : {true, false}) {
    TempDir dir, data;
    InputConfig in;
    if (eof)
      in.close_eof = true;
    else
      in.close_timeout = std::chrono::seconds(30);
    Rig rig(dir.path(), data.path(), in);
    append(dir / "app.log", lines(0, 3));
    rig.pump();
    EXPECT_EQ(rig.prospector->openFiles(), eof ? 0u : 1u) << "close_eof=" << eof;
    rig.clock.advance(std::chrono::seconds(31));
    append(dir / "app.log", lines(3, 5));
    rig.pump();  // close_timeout: closed at the first tick past 30 s, opened again by the next scan
    append(dir / "app.log", lines(5, 6));
    rig.pump();
    EXPECT_EQ(rig.messages(), expected(0, 6)) << "close_eof=" << eof;
    EXPECT_GE(rig.metrics.counter("logship_tail_files_opened_total", "").value(), 2u) << "close_eof=" << eof;
  }
}

// clean_inactive: the state of a file unchanged that long is forgotten, and ignore_older (which
// it requires) keeps the old file unread: nothing is read twice.
TEST(Prospector, CleanInactiveForgetsStatesOfFilesUnchangedThatLong) {
  TempDir dir, data;
  InputConfig in;
  in.ignore_older = std::chrono::hours(1);
  in.clean_inactive = std::chrono::hours(2);
  Rig rig(dir.path(), data.path(), in);
  append(dir / "old.log", lines(0, 2));
  rig.pump();
  rig.clock.advance(std::chrono::minutes(6));  // closed as inactive
  rig.pump();
  ASSERT_EQ(rig.registry->states().size(), 1u);
  rig.clock.advance(std::chrono::minutes(90));
  rig.pump();
  EXPECT_EQ(rig.registry->states().size(), 1u);  // 96 minutes unchanged: kept
  rig.clock.advance(std::chrono::minutes(30));
  rig.pump();
  EXPECT_TRUE(rig.registry->states().empty());  // over 2 hours: forgotten
  EXPECT_EQ(rig.messages(), expected(0, 2));    // and not read again (older than ignore_older)
}

TEST(Prospector, CleanRemovedForgetsDeletedFilesOnceShipped) {
  for (const bool clean : {true, false}) {
    TempDir dir, data;
    InputConfig in;
    in.clean_removed = clean;
    Rig rig(dir.path(), data.path(), in);
    append(dir / "keep.log", lines(0, 2));
    append(dir / "gone.log", lines(2, 4));
    rig.pump();
    ASSERT_EQ(rig.registry->states().size(), 2u);
    fs::remove(dir / "gone.log");
    rig.pump();
    EXPECT_EQ(rig.registry->states().size(), clean ? 1u : 2u) << "clean_removed=" << clean;
    bool keep_present = false;
    for (const auto& [key, state] : rig.registry->states()) keep_present |= state.path == (dir / "keep.log").string();
    EXPECT_TRUE(keep_present);
  }
}

TEST(Prospector, HarvesterLimitAndIgnoreOlderAndTailFiles) {
  TempDir dir, data;
  append(dir / "a.log", lines(0, 2));
  append(dir / "b.log", lines(0, 2));
  InputConfig in;
  in.harvester_limit = 1;
  Rig rig(dir.path(), data.path(), in);
  rig.prospector->scan(rig.clock.monotonicTime());
  EXPECT_EQ(rig.prospector->openFiles(), 1u);

  TempDir dir2, data2;
  append(dir2 / "old.log", lines(0, 2));
  fs::last_write_time(dir2 / "old.log", fs::file_time_type::clock::now() - std::chrono::hours(48));
  append(dir2 / "tail.log", lines(0, 2));
  InputConfig in2;
  in2.ignore_older = std::chrono::hours(24);
  in2.tail_files = true;
  Rig rig2(dir2.path(), data2.path(), in2);
  rig2.pump();
  EXPECT_TRUE(rig2.messages().empty());  // old.log ignored, tail.log starts at its end
  append(dir2 / "tail.log", lines(2, 3));
  rig2.pump();
  EXPECT_EQ(rig2.messages(), expected(2, 3));
}

TEST(Prospector, CloseInactiveClosesAFileWithoutNewLinesAndReopensItWhenItGrows) {
  TempDir dir, data;
  InputConfig in;
  in.close_inactive = std::chrono::minutes(5);
  Rig rig(dir.path(), data.path(), in);
  append(dir / "app.log", lines(0, 3));
  rig.pump();
  rig.clock.advance(std::chrono::minutes(4));
  append(dir / "app.log", lines(3, 4));  // activity: the 5 minutes start again
  rig.pump();
  rig.clock.advance(std::chrono::minutes(4) + std::chrono::seconds(59));
  rig.prospector->tick(rig.clock.monotonicTime());
  EXPECT_EQ(rig.prospector->openFiles(), 1u);
  rig.clock.advance(std::chrono::seconds(1));
  rig.prospector->tick(rig.clock.monotonicTime());
  EXPECT_EQ(rig.prospector->openFiles(), 0u);
  EXPECT_EQ(rig.metrics.counter("logship_tail_files_closed_total", "").value(), 1u);
  append(dir / "app.log", lines(4, 6));
  rig.pump();
  EXPECT_EQ(rig.prospector->openFiles(), 1u);
  EXPECT_EQ(rig.messages(), expected(0, 6));
}

}  // namespace
}  // namespace logship::tail
