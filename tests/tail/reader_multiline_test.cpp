#include <cerrno>

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "logship/common/time_source.h"
#include "logship/tail/line_reader.h"
#include "logship/tail/multiline.h"
#include "support/paths.h"

namespace logship::tail {
namespace {

using logship::testing::TempDir;

std::vector<Line> readAll(const std::string& content, uint64_t max_bytes, uint64_t start = 0,
                          std::vector<std::string>* texts = nullptr) {
  TempDir dir;
  logship::testing::writeFile(dir / "f", content);
  const int fd = ::open((dir / "f").c_str(), O_RDONLY);
  LineReader reader(fd, start, max_bytes);
  std::vector<Line> out;
  Line l;
  while (reader.next(l) == LineReader::Status::kLine) {
    out.push_back(l);
    if (texts) texts->emplace_back(l.text);
  }
  ::close(fd);
  return out;
}

TEST(LineReader, SplitsLinesWithOffsetsAndWaitsForNewline) {
  std::vector<std::string> t;
  auto lines = readAll("a\r\nbb\n\nccc", 100, 0, &t);
  ASSERT_EQ(lines.size(), 3u);  // "ccc" has no newline yet
  EXPECT_EQ(t[0], "a");
  EXPECT_EQ(t[1], "bb");
  EXPECT_EQ(t[2], "");
  EXPECT_EQ(lines[1].offset, 3u);
  EXPECT_EQ(lines[1].end_offset, 6u);
  EXPECT_EQ(lines[2].end_offset, 7u);
}

// libbeat's StripNewline (auto line terminator): one "\n" or "\r\n"; a "\r" without its "\n" stays.
TEST(LineReader, StripLineEndingTakesOffOneNewlineWithItsCarriageReturn) {
  EXPECT_EQ(stripLineEnding("a\n"), "a");
  EXPECT_EQ(stripLineEnding("a\r\n"), "a");
  EXPECT_EQ(stripLineEnding("a\n\n"), "a\n");
  EXPECT_EQ(stripLineEnding("a\r"), "a\r");
  EXPECT_EQ(stripLineEnding("\r\n"), "");
  EXPECT_EQ(stripLineEnding(""), "");
}

TEST(LineReader, ReadErrorKeepsItsErrno) {
  TempDir dir;
  const int fd = ::open(dir.path().c_str(), O_RDONLY | O_DIRECTORY);  // read(2) on a directory: EISDIR
  ASSERT_GE(fd, 0);
  LineReader reader(fd, 0, 1024);
  Line l;
  EXPECT_EQ(reader.next(l), LineReader::Status::kError);
  EXPECT_EQ(reader.lastErrno(), EISDIR);
  ::close(fd);
}

TEST(LineReader, ResumesFromOffset) {
  std::vector<std::string> t;
  readAll("one\ntwo\nthree\n", 100, 4, &t);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0], "two");
}

TEST(LineReader, TruncatesLongLinesAndSkipsTheRest) {
  std::string big(1000000, 'x');
  std::vector<std::string> t;
  auto lines = readAll("short\n" + big + "\nafter\n", 1000, 0, &t);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(t[1].size(), 1000u);
  EXPECT_TRUE(lines[1].truncated);
  EXPECT_FALSE(lines[2].truncated);
  EXPECT_EQ(t[2], "after");
  EXPECT_EQ(lines[2].offset, 6u + big.size() + 1);
}

// The buffer is 16 KiB for a file with short lines; it grows for a backlog and for a long line and
// is back to 16 KiB once the reader is at EOF, so many open files cost 16 KiB each.
TEST(LineReader, BufferGrowsForBacklogsAndLongLinesAndShrinksAtEof) {
  TempDir dir;
  const std::string big(3000000, 'y');
  std::string backlog;
  for (int i = 0; i < 20000; ++i) backlog += "line " + std::to_string(i) + "\n";
  logship::testing::writeFile(dir / "f", "short\n" + big + "\n" + backlog);
  const int fd = ::open((dir / "f").c_str(), O_RDONLY);
  LineReader reader(fd, 0, 10u << 20);
  Line l;
  ASSERT_EQ(reader.next(l), LineReader::Status::kLine);
  EXPECT_EQ(reader.bufferBytes(), 32u * 1024);  // the first read filled 16 KiB: a backlog, doubled
  ASSERT_EQ(reader.next(l), LineReader::Status::kLine);
  EXPECT_EQ(l.text.size(), big.size());
  EXPECT_GE(reader.bufferBytes(), big.size());
  size_t n = 0;
  while (reader.next(l) == LineReader::Status::kLine) ++n;
  EXPECT_EQ(n, 20000u);
  EXPECT_EQ(reader.bufferBytes(), 16u * 1024);
  ::close(fd);
}

Line mk(std::string_view text, uint64_t off) { return Line{text, off, off + text.size() + 1, false}; }

std::vector<std::string> runMultiline(MultilineConfig c, const std::vector<std::string>& input) {
  c.enabled = true;
  Multiline m(c, 1 << 20);
  std::vector<std::string> out;
  auto emit = [&](const Message& msg) { out.emplace_back(msg.text); };
  uint64_t off = 0;
  for (const auto& l : input) {
    m.feed(mk(l, off), Multiline::Clock::now(), emit);
    off += l.size() + 1;
  }
  m.flush(emit);
  return out;
}

TEST(Multiline, NegateAfterJoinsStackTraces) {
  MultilineConfig c;
  c.pattern = "^\\{";  // go-zero JSON lines start a new event
  c.negate = true;
  auto out = runMultiline(c, {"{a}", "  at x", "  at y", "{b}", "{c}", "tail"});
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0], "{a}\n  at x\n  at y");
  EXPECT_EQ(out[1], "{b}");
  EXPECT_EQ(out[2], "{c}\ntail");
}

TEST(Multiline, MatchAfterWithoutNegate) {
  MultilineConfig c;
  c.pattern = "^\\s";
  auto out = runMultiline(c, {"start", " cont", "next"});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], "start\n cont");
}

TEST(Multiline, MatchBeforeJoinsWithNextLine) {
  MultilineConfig c;
  c.pattern = "\\\\$";  // line continued by a trailing backslash
  c.match_after = false;
  auto out = runMultiline(c, {"a \\", "b \\", "c", "d"});
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0], "a \\\nb \\\nc");
  EXPECT_EQ(out[1], "d");
}

TEST(Multiline, MaxLinesCapsAndFlagsTruncated) {
  MultilineConfig c;
  c.pattern = "^\\s";
  c.max_lines = 2;
  c.enabled = true;
  Multiline m(c, 1 << 20);
  std::vector<Message> out;
  std::vector<std::string> texts;
  auto emit = [&](const Message& msg) {
    out.push_back(msg);
    texts.emplace_back(msg.text);
  };
  uint64_t off = 0;
  for (std::string l : {"head", " 1", " 2", " 3", "next"}) {
    m.feed(mk(l, off), Multiline::Clock::now(), emit);
    off += l.size() + 1;
  }
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(texts[0], "head\n 1");
  EXPECT_TRUE(out[0].truncated);
  EXPECT_EQ(out[0].end_offset, 5u + 3 + 3 + 3);  // consumed lines still advance the offset
}

TEST(Multiline, TimeoutFlushesPendingEvent) {
  MultilineConfig c;
  c.pattern = "^\\s";
  c.timeout = std::chrono::milliseconds(5000);
  c.enabled = true;
  Multiline m(c, 1 << 20);
  int emitted = 0;
  auto emit = [&](const Message&) { ++emitted; };
  SimulatedTimeSource clock;
  m.feed(mk("head", 0), clock.monotonicTime(), emit);
  clock.advance(std::chrono::seconds(1));
  m.flushIfStale(clock.monotonicTime(), emit);
  EXPECT_EQ(emitted, 0);
  clock.advance(std::chrono::milliseconds(3999));
  m.flushIfStale(clock.monotonicTime(), emit);
  EXPECT_EQ(emitted, 0);  // 4.999 s
  clock.advance(std::chrono::seconds(1));
  m.flushIfStale(clock.monotonicTime(), emit);
  EXPECT_EQ(emitted, 1);
  EXPECT_FALSE(m.pending());
}

}  // namespace
}  // namespace logship::tail
