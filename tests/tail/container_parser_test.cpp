// The container parser: Docker json-file and CRI lines decoded, partial lines joined, the stream
// filter, malformed lines shipped and flagged, offsets of joined events.
#include <deque>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "logship/tail/container_parser.h"

namespace logship::tail {
namespace {

struct Shipped {
  std::string text;
  uint64_t offset, end_offset;
  bool truncated;
  std::string stream, attrs, timestamp, error;
  int64_t ms;
};

// Feeds raw lines (each followed by "\n" in the imagined file) and records what comes out.
struct Feeder {
  explicit Feeder(ContainerConfig c = {}, uint64_t max_bytes = 1 << 20) : parser((c.enabled = true, c), max_bytes) {}
  void feed(const std::string& raw) {
    lines.push_back(raw);
    const std::string& kept = lines.back();  // the view must outlive feed()
    Line l{kept, offset, offset + kept.size() + 1, false};
    offset = l.end_offset;
    parser.feed(
        l,
        [this](const Message& m) {
          const ContainerMeta& c = *m.container;
          out.push_back(Shipped{std::string(m.text), m.offset, m.end_offset, m.truncated, std::string(c.stream),
                                std::string(c.attrs), std::string(c.timestamp), std::string(c.error), c.timestamp_ms});
        },
        [this](uint64_t end) { skipped.push_back(end); });
  }
  ContainerParser parser;
  std::deque<std::string> lines;  // stable storage for the views
  uint64_t offset = 0;
  std::vector<Shipped> out;
  std::vector<uint64_t> skipped;
};

const char* kTime = "2024-05-01T10:00:00.123456789Z";

std::string docker(const std::string& log_json, const std::string& stream = "stdout", const std::string& extra = "") {
  return R"({"log":")" + log_json + R"(","stream":")" + stream + "\"" + extra + R"(,"time":")" + kTime + "\"}";
}

TEST(ContainerParser, DockerLineBecomesMessageStreamAndMillisecondTimestamp) {
  Feeder f;
  f.feed(docker(R"(hello world\n)"));
  ASSERT_EQ(f.out.size(), 1u);
  EXPECT_EQ(f.out[0].text, "hello world");
  EXPECT_EQ(f.out[0].stream, "stdout");
  EXPECT_EQ(f.out[0].timestamp, "2024-05-01T10:00:00.123Z");
  EXPECT_EQ(f.out[0].ms, 1714557600123);
  EXPECT_TRUE(f.out[0].error.empty());
  EXPECT_TRUE(f.out[0].attrs.empty());
  EXPECT_EQ(f.out[0].offset, 0u);
  EXPECT_EQ(f.out[0].end_offset, f.lines[0].size() + 1);
}

TEST(ContainerParser, DockerEscapesCrlfAndUnicodeAreDecoded) {
  Feeder f;
  f.feed(docker(R"(tab\there \"q\" back\\slash \u00e9\u4e2d \ud83d\ude00 \/x\r\n)"));
  f.feed(docker("caf\xc3\xa9 raw utf-8\\n"));
  f.feed(docker(R"(lone \ud800 surrogate\n)"));
  ASSERT_EQ(f.out.size(), 3u);
  EXPECT_EQ(f.out[0].text, "tab\there \"q\" back\\slash \xc3\xa9\xe4\xb8\xad \xf0\x9f\x98\x80 /x");  // \r\n stripped
  EXPECT_EQ(f.out[1].text, "caf\xc3\xa9 raw utf-8");
  EXPECT_EQ(f.out[2].text, "lone \xef\xbf\xbd surrogate");
}

TEST(ContainerParser, DockerAttrsAreKeptAsJson) {
  Feeder f;
  f.feed(docker(R"(x\n)", "stderr", R"(,"attrs":{"tag":"web","com.example/x":"a\"b"})"));
  f.feed(docker(R"(y\n)", "stdout", R"(,"attrs":{})"));
  ASSERT_EQ(f.out.size(), 2u);
  EXPECT_EQ(f.out[0].attrs, R"({"tag":"web","com.example/x":"a\"b"})");
  EXPECT_EQ(f.out[0].stream, "stderr");
  EXPECT_TRUE(f.out[1].attrs.empty());  // an empty map adds nothing, as in Filebeat
}

TEST(ContainerParser, DockerPartialLinesJoinWithOffsetsOfTheWholeSequence) {
  Feeder f;
  f.feed(docker(R"(first\n)"));
  f.feed(docker("aaaa"));  // Docker's 16 KiB split: no trailing newline
  f.feed(docker("bbbb"));
  EXPECT_EQ(f.out.size(), 1u);  // nothing until the part with the newline
  EXPECT_TRUE(f.parser.pending());
  f.feed(docker(R"(cc\n)"));
  ASSERT_EQ(f.out.size(), 2u);
  EXPECT_FALSE(f.parser.pending());
  EXPECT_EQ(f.out[1].text, "aaaabbbbcc");
  EXPECT_EQ(f.out[1].offset, f.out[0].end_offset);  // the first part's line
  EXPECT_EQ(f.out[1].end_offset, f.offset);         // the end of the last part's line
}

TEST(ContainerParser, CombinePartialOffShipsEachPart) {
  ContainerConfig c;
  c.combine_partial = false;
  Feeder f(c);
  f.feed(docker("aaaa"));
  f.feed(docker(R"(bb\n)"));
  ASSERT_EQ(f.out.size(), 2u);
  EXPECT_EQ(f.out[0].text, "aaaa");
  EXPECT_EQ(f.out[1].text, "bb");
}

TEST(ContainerParser, CriFullAndPartialLines) {
  Feeder f;
  f.feed("2024-05-01T10:00:01.5Z stderr F plain text with  spaces");
  f.feed("2024-05-01T10:00:02.000000001Z stdout P part one, ");
  f.feed("2024-05-01T10:00:03Z stdout P part two, ");
  f.feed("2024-05-01T10:00:04Z stdout F end");
  f.feed("2024-05-01T10:00:05Z stdout F ");
  ASSERT_EQ(f.out.size(), 3u);
  EXPECT_EQ(f.out[0].text, "plain text with  spaces");
  EXPECT_EQ(f.out[0].stream, "stderr");
  EXPECT_EQ(f.out[0].timestamp, "2024-05-01T10:00:01.500Z");
  EXPECT_EQ(f.out[1].text, "part one, part two, end");
  EXPECT_EQ(f.out[1].timestamp, "2024-05-01T10:00:02.000Z");  // the first part's time
  EXPECT_EQ(f.out[1].offset, f.out[0].end_offset);
  EXPECT_EQ(f.out[1].end_offset, f.out[2].offset);
  EXPECT_EQ(f.out[2].text, "");  // an empty line is an event, as in Filebeat
}

TEST(ContainerParser, CriWithoutFlagsKeepsTheFlagsInTheText) {
  ContainerConfig c;
  c.cri_flags = false;
  c.format = ContainerConfig::Format::kCri;
  Feeder f(c);
  f.feed("2024-05-01T10:00:01Z stdout F text");
  ASSERT_EQ(f.out.size(), 1u);
  EXPECT_EQ(f.out[0].text, "F text");
}

TEST(ContainerParser, TimestampsWithOffsetsAreConvertedToUtc) {
  Feeder f;
  f.feed("2024-05-01T12:00:00.987654+02:00 stdout F x");
  ASSERT_EQ(f.out.size(), 1u);
  EXPECT_EQ(f.out[0].timestamp, "2024-05-01T10:00:00.987Z");
  EXPECT_EQ(f.out[0].ms, 1714557600987);
}

TEST(ContainerParser, StreamFilterConsumesTheOtherStream) {
  ContainerConfig c;
  c.stream = ContainerConfig::Stream::kStderr;
  Feeder f(c);
  f.feed(docker(R"(out\n)", "stdout"));
  f.feed(docker(R"(err\n)", "stderr"));
  f.feed("2024-05-01T10:00:01Z stdout P a");
  f.feed("2024-05-01T10:00:01Z stdout F b");
  ASSERT_EQ(f.out.size(), 1u);
  EXPECT_EQ(f.out[0].text, "err");
  ASSERT_EQ(f.skipped.size(), 2u);
  EXPECT_EQ(f.skipped[0], f.out[0].offset);  // the stdout line before it
  EXPECT_EQ(f.skipped[1], f.offset);         // the whole joined stdout sequence
}

TEST(ContainerParser, MalformedLinesAreShippedAsTheyAreWithTheReason) {
  Feeder f;
  f.feed("plain text, not a container line");
  f.feed(R"({"log":"broken)");
  f.feed(R"({"log":"x\n","stream":"stdout","time":"yesterday"})");
  f.feed(R"({"log":5,"stream":"stdout","time":"2024-05-01T10:00:00Z"})");
  f.feed(R"({"log":"x\n","stream":"stdout","attrs":{"a":1},"time":"2024-05-01T10:00:00Z"})");
  f.feed("2024-13-01T10:00:00Z stdout F bad month");
  ASSERT_EQ(f.out.size(), 6u);
  EXPECT_EQ(f.out[0].text, "plain text, not a container line");
  EXPECT_EQ(f.out[0].error, "parsing CRI timestamp");
  EXPECT_EQ(f.out[1].text, R"({"log":"broken)");
  EXPECT_EQ(f.out[2].error, "parsing docker timestamp");
  EXPECT_EQ(f.out[3].error, "decoding docker JSON: log, stream and time must be strings");
  EXPECT_EQ(f.out[4].error, "decoding docker JSON: attrs must map strings to strings");
  EXPECT_EQ(f.out[5].error, "parsing CRI timestamp");
  for (const auto& s : f.out) {
    EXPECT_FALSE(s.error.empty()) << s.text;
    EXPECT_TRUE(s.stream.empty());
  }
}

TEST(ContainerParser, BrokenLineInsideAPartialSequenceShipsBoth) {
  Feeder f;
  f.feed(docker("part"));
  f.feed("garbage");
  ASSERT_EQ(f.out.size(), 2u);
  EXPECT_EQ(f.out[0].text, "part");
  EXPECT_TRUE(f.out[0].error.empty());
  EXPECT_EQ(f.out[1].text, "garbage");
  EXPECT_FALSE(f.out[1].error.empty());
  EXPECT_EQ(f.out[1].offset, f.out[0].end_offset);
}

TEST(ContainerParser, MaxBytesAppliesToTheJoinedMessage) {
  Feeder f({}, 10);
  f.feed(docker("aaaaaa"));
  f.feed(docker("bbbbbb"));
  f.feed(docker(R"(cc\n)"));
  f.feed(docker(R"(0123456789abc\n)"));
  ASSERT_EQ(f.out.size(), 2u);
  EXPECT_EQ(f.out[0].text, "aaaaaabbbb");
  EXPECT_TRUE(f.out[0].truncated);
  EXPECT_EQ(f.out[0].end_offset, f.out[1].offset);  // the cut parts are consumed all the same
  EXPECT_EQ(f.out[1].text, "0123456789");
  EXPECT_TRUE(f.out[1].truncated);
}

TEST(ContainerParser, FormatDockerRefusesCriLines) {
  ContainerConfig c;
  c.format = ContainerConfig::Format::kDocker;
  Feeder f(c);
  f.feed("2024-05-01T10:00:01Z stdout F text");
  ASSERT_EQ(f.out.size(), 1u);
  EXPECT_EQ(f.out[0].error, "decoding docker JSON: not a JSON object");
}

}  // namespace
}  // namespace logship::tail
