// The container parser's keep_escaped: a Docker `log` no later stage reads as text is shipped as
// the JSON string it is (checked, not decoded), and decoded as before whenever it must be.
#include <deque>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <simdjson.h>

#include "logship/tail/container_parser.h"
#include "logship/tail/pipeline.h"

namespace logship::tail {
namespace {

struct Out {
  std::string text;
  bool json_string;
  uint64_t offset, end_offset;
  bool truncated;
};

struct Feeder {
  explicit Feeder(uint64_t max_bytes = 1 << 20) : parser(config(), max_bytes, /*keep_escaped=*/true) {}
  static ContainerConfig config() {
    ContainerConfig c;
    c.enabled = true;
    return c;
  }
  void feed(const std::string& raw) {
    lines.push_back(raw);
    const std::string& kept = lines.back();
    Line l{kept, offset, offset + kept.size() + 1, false};
    offset = l.end_offset;
    parser.feed(
        l,
        [this](const Message& m) {
          out.push_back({std::string(m.text), m.json_string, m.offset, m.end_offset, m.truncated});
        },
        [](uint64_t) {});
  }
  ContainerParser parser;
  std::deque<std::string> lines;
  uint64_t offset = 0;
  std::vector<Out> out;
};

std::string docker(const std::string& log_json) {
  return R"({"log":")" + log_json + R"(","stream":"stdout","time":"2024-05-01T10:00:00.123456789Z"})";
}

TEST(ContainerEscaped, AWholeLineIsShippedAsTheJsonStringWithoutItsNewline) {
  Feeder f;
  f.feed(docker(R"(say \"hi\" \u003cb\u003e \\n\r\n)"));
  ASSERT_EQ(f.out.size(), 1u);
  EXPECT_TRUE(f.out[0].json_string);
  EXPECT_EQ(f.out[0].text, R"("say \"hi\" \u003cb\u003e \\n")");  // `\\n` is a backslash and an n: kept
  EXPECT_FALSE(f.out[0].truncated);
}

TEST(ContainerEscaped, LinesThatMustBeDecodedAreDecoded) {
  Feeder f(16);
  f.feed(docker(R"(part one, )"));  // partial: joined with the next, decoded
  f.feed(docker(R"(part \"two\"\n)"));
  f.feed(docker(R"(\"\"\"\"\"\"\"\"\"\n)"));     // 18 escaped bytes > max_bytes, 9 decoded: not cut
  f.feed(docker(R"(newline spelt out\u000a)"));  // not partial, as the decoded text says
  f.feed(docker(R"(lone \ud800\n)"));            // a surrogate: decodeString's U+FFFD
  f.feed(docker("bad utf8 \xff\\n"));            // checked invalid: decoded, the encoder cleans it
  ASSERT_EQ(f.out.size(), 5u);
  EXPECT_EQ(f.out[0].text, "part one, part \"");  // joined, then cut at max_bytes
  EXPECT_TRUE(f.out[0].truncated);
  EXPECT_EQ(f.out[1].text, "\"\"\"\"\"\"\"\"\"");
  EXPECT_FALSE(f.out[1].truncated);
  EXPECT_EQ(f.out[2].text, "newline spelt ou");
  EXPECT_EQ(f.out[3].text, "lone \xef\xbf\xbd");
  EXPECT_EQ(f.out[4].text, "bad utf8 \xff");
  for (const auto& o : f.out) EXPECT_FALSE(o.json_string) << o.text;
  EXPECT_EQ(f.out[0].offset, 0u);  // the joined event starts at its first part
}

std::string payloadOf(Pipeline& p, const Message& m) {
  const PipelineOutcome out = p.process(m, HarvesterContext{"/var/lib/docker/containers/c/c-json.log", 7});
  EXPECT_EQ(out.kind, PipelineOutcome::Kind::kPublish);
  return std::string(out.payload);
}

// The kept string is the event's message as raw JSON: the same document as the decoded text.
TEST(ContainerEscaped, TheEventHoldsTheSameMessageAsWhenDecoded) {
  InputConfig input;
  input.paths = {"/x/*.log"};
  input.container.enabled = true;
  metrics::Registry registry;
  Pipeline pipeline(input, {}, AgentInfo{"h", "id", "eph"}, PipelineMetrics::in(registry));
  Message escaped;
  escaped.text = R"("say \"hi\" \u003cb\u003e")";
  escaped.json_string = true;
  escaped.end_offset = 10;
  Message decoded = escaped;
  decoded.text = "say \"hi\" <b>";
  decoded.json_string = false;
  simdjson::dom::parser parser;
  std::string_view a, b;
  const std::string pa = payloadOf(pipeline, escaped);
  ASSERT_FALSE(parser.parse(pa)["message"].get(a)) << pa;
  const std::string ma(a);
  const std::string pb = payloadOf(pipeline, decoded);
  ASSERT_FALSE(parser.parse(pb)["message"].get(b)) << pb;
  EXPECT_EQ(ma, std::string(b));
  EXPECT_EQ(ma, "say \"hi\" <b>");
}

// Over max_event_bytes the kept string is decoded and cut like any message, never dropped.
TEST(ContainerEscaped, AnOversizedKeptMessageIsCutToFit) {
  InputConfig input;
  input.paths = {"/x/*.log"};
  metrics::Registry registry;
  Pipeline pipeline(input, {}, AgentInfo{"h", "id", "eph"}, PipelineMetrics::in(registry));
  pipeline.setMaxEventBytes(10'000);
  std::string literal = "\"";
  for (int i = 0; i < 5'000; ++i) literal += R"(a\")";
  literal += "\"";
  Message m;
  m.text = literal;
  m.json_string = true;
  m.end_offset = literal.size();
  const std::string payload = payloadOf(pipeline, m);
  EXPECT_LE(payload.size(), 10'000u);
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_FALSE(parser.parse(payload).get(doc)) << payload.substr(0, 200);
  std::string_view message;
  ASSERT_FALSE(doc["message"].get(message));
  EXPECT_GT(message.size(), 4'000u);
  EXPECT_EQ(message.substr(0, 4), "a\"a\"");
  EXPECT_EQ(std::string_view(doc["log"]["flags"].at(0)), "truncated");
}

}  // namespace
}  // namespace logship::tail
