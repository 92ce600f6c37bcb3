#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "logship/common/time_source.h"
#include "logship/tail/ack_tracker.h"
#include "logship/tail/file_identity.h"
#include "logship/tail/registry.h"
#include "support/paths.h"

namespace logship::tail {
namespace {

using logship::testing::TempDir;

TEST(AckTracker, OffsetAdvancesOnlyOverContiguousAcks) {
  AckTracker acks;
  const auto f = acks.open(100);
  const auto t1 = acks.track(f, 110);
  const auto t2 = acks.track(f, 120);
  const auto t3 = acks.track(f, 130);
  EXPECT_EQ(acks.inflight(), 3u);
  acks.ack(t3);  // out of order: nothing before it is acked
  EXPECT_EQ(acks.committed(f), 100u);
  acks.ack(t1);
  EXPECT_EQ(acks.committed(f), 110u);
  acks.ack(t2);  // fills the gap: jumps over the already acked t3
  EXPECT_EQ(acks.committed(f), 130u);
  EXPECT_EQ(acks.inflight(), 0u);
  EXPECT_EQ(acks.pending(f), 0u);
}

TEST(AckTracker, FilesAreIndependentAndSkipsCount) {
  AckTracker acks;
  const auto a = acks.open(0);
  const auto b = acks.open(0);
  const auto ta = acks.track(a, 10);
  acks.skip(a, 20);  // filtered line after a pending one: waits for it
  acks.skip(b, 5);   // nothing pending: immediate
  EXPECT_EQ(acks.committed(a), 0u);
  EXPECT_EQ(acks.committed(b), 5u);
  acks.ack(ta);
  EXPECT_EQ(acks.committed(a), 20u);
  EXPECT_THROW(acks.ack(ta), std::logic_error);  // double ack is a bug
}

TEST(AckTracker, ClosedSlotsAreReused) {
  AckTracker acks;
  const auto a = acks.open(0);
  acks.close(a);
  const auto b = acks.open(42);
  EXPECT_EQ(a, b);
  EXPECT_EQ(acks.committed(b), 42u);
}

TEST(Registry, RoundTripsAtomically) {
  TempDir dir;
  FileState s;
  s.identity = FileIdentity{1, 2, 3, 0xabcdef};
  s.path = "/var/log/a.log";
  s.offset = 12345;
  {
    Registry r((dir / "reg").string());
    r.load();
    r.update(s);
    EXPECT_TRUE(r.dirty());
    r.flush();
    EXPECT_EQ(r.writes(), 1u);
    EXPECT_FALSE(std::filesystem::exists(dir / "reg" / "registry.json.tmp"));
  }
  Registry r2((dir / "reg").string());
  ASSERT_TRUE(r2.load());
  const FileState* got = r2.find("", FileIdentity{1, 2, 0, 0});
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->offset, 12345u);
  EXPECT_EQ(got->path, "/var/log/a.log");
  EXPECT_EQ(got->identity.fp_hash, 0xabcdefu);
  EXPECT_EQ(got->identity.fp_len, 3u);
}

// The file format is what a restarted (or older) logship-tail reads: byte for byte stable.
TEST(Registry, FileFormatIsStableAndReadBack) {
  TempDir dir;
  FileState s;
  s.identity = FileIdentity{2049, 131, 27, 0x00c0ffee1234abcd};
  s.path = "/var/log/\"quoted\"\\ü.log";
  s.offset = 18446744073709551615u;
  s.updated_ms = -5;
  {
    Registry r(dir.path().string());
    r.update(s);
    r.flush();
  }
  EXPECT_EQ(logship::testing::readFile(dir / "registry.json"),
            "{\"version\":2,\"files\":[{\"key\":\"2049-131\",\"path\":\"/var/log/\\\"quoted\\\"\\\\ü.log\","
            "\"dev\":2049,\"inode\":131,\"offset\":18446744073709551615,\"fp_len\":27,"
            "\"fp\":\"00c0ffee1234abcd\",\"updated_ms\":-5}]}\n");
  Registry r(dir.path().string());
  ASSERT_TRUE(r.load());
  const FileState* got = r.find("", s.identity);
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->path, s.path);
  EXPECT_EQ(got->offset, s.offset);
  EXPECT_EQ(got->identity.fp_len, 27u);
  EXPECT_EQ(got->identity.fp_hash, 0x00c0ffee1234abcdu);
  EXPECT_EQ(got->updated_ms, -5);
}

TEST(Registry, WrongTypesAreCorruptOrIgnored) {
  TempDir dir;
  // dev, inode and offset must be non-negative integers: anything else makes the file corrupt.
  for (const char* bad :
       {R"({"files":[{"dev":1,"inode":2,"offset":-1}]})", R"({"files":[{"dev":1,"inode":2,"offset":1.5}]})",
        R"({"files":[{"dev":1,"inode":"2","offset":1}]})", R"({"files":[{"dev":1,"offset":1}]})", R"({"files":{}})",
        R"([])", R"({"files":[1]})", R"({"files":[]} x)"}) {
    logship::testing::writeFile(dir / "registry.json", bad);
    Registry r(dir.path().string());
    EXPECT_FALSE(r.load()) << bad;
    std::filesystem::remove(dir / "registry.json.corrupt");
  }
  // Optional fields of the wrong type (or an fp_len beyond 32 bits) are ignored.
  logship::testing::writeFile(
      dir / "registry.json",
      R"({"files":[{"dev":1,"inode":2,"offset":3,"fp_len":4294967296,"fp":7,"path":1,"updated_ms":"x"}]})");
  Registry r(dir.path().string());
  ASSERT_TRUE(r.load());
  const FileState* got = r.find("", FileIdentity{1, 2, 0, 0});
  ASSERT_NE(got, nullptr);
  EXPECT_EQ(got->offset, 3u);
  EXPECT_EQ(got->identity.fp_len, 0u);
  EXPECT_EQ(got->identity.fp_hash, 0u);
  EXPECT_EQ(got->path, "");
  EXPECT_EQ(got->updated_ms, 0);
}

TEST(Registry, BatchesWritesByInterval) {
  TempDir dir;
  SimulatedTimeSource clock;
  Registry r(dir.path().string(), clock);
  FileState s;
  s.identity = FileIdentity{1, 2, 0, 0};
  s.offset = 1;
  r.update(s);
  const auto now = clock.monotonicTime();
  EXPECT_FALSE(r.flushIfDue(now, std::chrono::hours(1)));
  EXPECT_FALSE(r.flushIfDue(now + std::chrono::minutes(59), std::chrono::hours(1)));  // counted from construction
  EXPECT_TRUE(r.flushIfDue(now + std::chrono::hours(2), std::chrono::hours(1)));
  EXPECT_FALSE(r.flushIfDue(now + std::chrono::hours(4), std::chrono::hours(1)));  // not dirty
  // The next interval counts from the write, on the registry's clock.
  clock.advance(std::chrono::hours(4));
  const auto written = clock.monotonicTime();
  s.offset = 2;
  r.update(s);
  r.flush();
  EXPECT_EQ(r.lastWrite(), written);
  s.offset = 3;
  r.update(s);
  EXPECT_FALSE(r.flushIfDue(written + std::chrono::minutes(59), std::chrono::hours(1)));
  EXPECT_TRUE(r.flushIfDue(written + std::chrono::hours(1), std::chrono::hours(1)));
}

TEST(Registry, CorruptFileIsMovedAside) {
  TempDir dir;
  logship::testing::writeFile(dir / "registry.json", "{not json");
  Registry r(dir.path().string());
  EXPECT_FALSE(r.load());
  EXPECT_TRUE(r.states().empty());
  EXPECT_TRUE(std::filesystem::exists(dir / "registry.json.corrupt"));
}

TEST(FileIdentity, FingerprintDetectsRewrittenFile) {
  TempDir dir;
  const auto path = dir / "f.log";
  logship::testing::writeFile(path, "first content line\n");
  int fd = ::open(path.c_str(), O_RDONLY);
  FileIdentity id;
  ASSERT_EQ(identify(fd, id), Identify::kOk);
  EXPECT_EQ(id.fp_len, 19u);
  EXPECT_TRUE(fingerprintMatches(fd, id));
  ::close(fd);
  logship::testing::writeFile(path, "other content line\nmore\n");  // same inode, new bytes
  fd = ::open(path.c_str(), O_RDONLY);
  EXPECT_FALSE(fingerprintMatches(fd, id));
  FileIdentity again;
  ASSERT_EQ(identify(fd, again), Identify::kOk);
  EXPECT_TRUE(again.sameInode(id));
  EXPECT_NE(again.hash(), id.hash());  // new _id prefix after the rewrite
  ::close(fd);
}

FileIdentity identifyPath(const std::filesystem::path& path, Identify expect = Identify::kOk) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  FileIdentity id;
  EXPECT_EQ(identify(fd, id), expect) << path;
  ::close(fd);
  return id;
}

// A file that starts short keeps its identity (and so its events' ids) as it grows: the
// fingerprint covers the first line only, which appending cannot change.
TEST(FileIdentity, ShortFileKeepsItsIdentityAsItGrows) {
  TempDir dir;
  const auto path = dir / "short.log";
  logship::testing::writeFile(path, "short line 1234\n");  // 16 bytes
  const FileIdentity first = identifyPath(path);
  EXPECT_EQ(first.fp_len, 16u);
  std::ofstream(path, std::ios::app) << std::string(1000, 'x') << "\n";
  const FileIdentity grown = identifyPath(path);
  EXPECT_EQ(grown.fp_len, first.fp_len);
  EXPECT_EQ(grown.hash(), first.hash());
}

TEST(FileIdentity, FirstLineLongerThanTheFingerprintIsCappedAndStable) {
  TempDir dir;
  const auto path = dir / "long.log";
  logship::testing::writeFile(path, std::string(300, 'a'));  // no newline yet, but 256 bytes known
  const FileIdentity first = identifyPath(path);
  EXPECT_EQ(first.fp_len, kFingerprintBytes);
  std::ofstream(path, std::ios::app) << "\nnext\n";
  EXPECT_EQ(identifyPath(path).hash(), first.hash());
}

TEST(FileIdentity, NoNewlineInAShortFileIsNotIdentifiedYet) {
  TempDir dir;
  const auto path = dir / "partial.log";
  logship::testing::writeFile(path, "no newline yet");
  identifyPath(path, Identify::kTooShort);
  std::ofstream(path, std::ios::app) << "\n";
  EXPECT_EQ(identifyPath(path).fp_len, 15u);
}

}  // namespace
}  // namespace logship::tail
