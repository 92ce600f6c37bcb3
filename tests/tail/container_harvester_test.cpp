// The container parser inside the harvester: encoded events (message, stream, @timestamp, attrs,
// error.*), offsets acknowledged through the AckTracker, a restart in the middle of a partial
// sequence, multiline and JSON decoding on the unwrapped message.
#include <fcntl.h>
#include <unistd.h>

#include <fstream>

#include <gtest/gtest.h>

#include "logship/common/metrics.h"
#include "logship/tail/harvester.h"
#include "support/paths.h"
#include "tail/tail_test_util.h"

namespace logship::tail {
namespace {

using logship::testing::TempDir;

void append(const std::filesystem::path& p, const std::string& s) {
  std::ofstream f(p, std::ios::app | std::ios::binary);
  f << s;
}

// One file read by a harvester whose events are acknowledged at once.
struct Rig {
  explicit Rig(InputConfig in) : input(std::move(in)) {
    input.paths = {(dir / "*.log").string()};
    pipeline = std::make_unique<Pipeline>(input, std::vector<ProcessorConfig>{}, AgentInfo{"h", "id", "eph"},
                                          PipelineMetrics::in(metrics));
    output = std::make_unique<testing::RecordingOutput>([this](AckToken t, bool) { acks.ack(t); });
  }
  // Opens the file at `offset` (a new harvester: what a restart does) and reads what is there.
  void readFrom(uint64_t offset) {
    const int fd = ::open(path().c_str(), O_RDONLY);
    FileIdentity id;
    ASSERT_EQ(identify(fd, id), Identify::kOk);
    file = acks.open(offset);
    harvester = std::make_unique<Harvester>(Shipper{*pipeline, acks, *output}, fd, path().string(), id, offset, file,
                                            Harvester::Clock::now());
    read();
  }
  void read() {
    while (harvester->read(1000, Harvester::Clock::now()) > 0) {
    }
  }
  std::filesystem::path path() const { return dir / "c.log"; }
  uint64_t committed() const { return acks.committed(file); }
  double counter(const char* name) { return static_cast<double>(metrics.counter(name, "").value()); }

  TempDir dir;
  InputConfig input;
  metrics::Registry metrics;
  AckTracker acks;
  std::unique_ptr<Pipeline> pipeline;
  std::unique_ptr<testing::RecordingOutput> output;
  std::unique_ptr<Harvester> harvester;
  AckTracker::FileId file = 0;
};

InputConfig containerInput() {
  InputConfig in;
  in.type = "container";
  in.container.enabled = true;
  return in;
}

std::string field(const std::string& payload, const std::string& key) {
  const auto at = payload.find("\"" + key + "\":");
  if (at == std::string::npos) return "<none>";
  const size_t b = at + key.size() + 3;
  size_t e = b;
  int depth = 0;
  bool in_string = false;
  for (; e < payload.size(); ++e) {
    const char c = payload[e];
    if (in_string) {
      if (c == '\\')
        ++e;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"')
      in_string = true;
    else if (c == '{' || c == '[')
      ++depth;
    else if (c == '}' || c == ']') {
      if (depth == 0) break;
      --depth;
    } else if (c == ',' && depth == 0)
      break;
  }
  return payload.substr(b, e - b);
}

const std::string kFirst = R"({"log":"first\n","stream":"stdout","time":"2024-05-01T10:00:00.123456789Z"})"
                           "\n";
const std::string kPartA = R"({"log":"aaa","stream":"stderr","attrs":{"tag":"web"},"time":"2024-05-01T10:00:01.5Z"})"
                           "\n";
const std::string kPartB = R"({"log":"bbb","stream":"stderr","time":"2024-05-01T10:00:02Z"})"
                           "\n";
const std::string kPartC = R"({"log":"ccc\n","stream":"stderr","time":"2024-05-01T10:00:03Z"})"
                           "\n";

TEST(ContainerHarvester, EventsCarryTheEnvelopesFieldsAndTime) {
  Rig rig(containerInput());
  logship::testing::writeFile(rig.path(), kFirst + kPartA + kPartB + kPartC + "not a container line\n");
  rig.readFrom(0);
  ASSERT_EQ(rig.output->payloads.size(), 3u);
  const std::string& e0 = rig.output->payloads[0];
  EXPECT_EQ(field(e0, "@timestamp"), "\"2024-05-01T10:00:00.123Z\"") << e0;
  EXPECT_EQ(field(e0, "message"), "\"first\"");
  EXPECT_EQ(field(e0, "stream"), "\"stdout\"");
  EXPECT_NE(e0.find(R"("input":{"type":"container"})"), std::string::npos) << e0;
  EXPECT_EQ(field(e0, "offset"), "0");
  const std::string& e1 = rig.output->payloads[1];
  EXPECT_EQ(field(e1, "message"), "\"aaabbbccc\"") << e1;
  EXPECT_EQ(field(e1, "stream"), "\"stderr\"");
  EXPECT_EQ(field(e1, "attrs"), R"({"tag":"web"})");
  EXPECT_EQ(field(e1, "@timestamp"), "\"2024-05-01T10:00:01.500Z\"");
  EXPECT_EQ(field(e1, "offset"), std::to_string(kFirst.size()));
  EXPECT_EQ(field(e1, "flags"), "<none>");  // a joined Docker line is not a multiline event
  const std::string& e2 = rig.output->payloads[2];
  EXPECT_NE(e2.find(R"("message":"not a container line"})"), std::string::npos) << e2;
  EXPECT_EQ(field(e2, "error"), R"({"message":"parsing CRI timestamp","type":"container"})");
  EXPECT_EQ(field(e2, "stream"), "<none>");
  EXPECT_EQ(rig.counter("logship_tail_container_parse_errors_total"), 1);
  EXPECT_EQ(rig.committed(), kFirst.size() + kPartA.size() + kPartB.size() + kPartC.size() + 21);
}

TEST(ContainerHarvester, KafkaTimestampIsTheContainersTime) {
  InputConfig in = containerInput();
  in.paths = {"/x"};
  metrics::Registry m;
  Pipeline pipeline(in, {}, AgentInfo{"h", "id", "eph"}, PipelineMetrics::in(m));
  ContainerMeta meta{"stdout", "", "2024-05-01T10:00:00.123Z", 1714557600123, {}};
  Message msg;
  msg.text = "x";
  msg.container = &meta;
  const auto out = pipeline.process(msg, HarvesterContext{"/x", 1});
  ASSERT_NE(out.event, nullptr);
  EXPECT_EQ(out.event->timestamp_ms, 1714557600123);
}

TEST(ContainerHarvester, RestartInsideAPartialSequenceReadsTheWholeSequenceAgainWithTheSameId) {
  // The writer (and logship) stopped after the second part of a three-part line.
  Rig rig(containerInput());
  logship::testing::writeFile(rig.path(), kFirst + kPartA + kPartB);
  rig.readFrom(0);
  ASSERT_EQ(rig.output->payloads.size(), 1u);
  EXPECT_EQ(rig.committed(), kFirst.size());                           // never inside the sequence
  const std::string first_id = field(rig.output->payloads[0], "_id");  // "<file hash>-0"
  const uint64_t resume = rig.committed();
  append(rig.path(), kPartC);
  rig.harvester.reset();
  rig.output->payloads.clear();
  rig.readFrom(resume);
  ASSERT_EQ(rig.output->payloads.size(), 1u);
  const std::string& again = rig.output->payloads[0];
  EXPECT_EQ(field(again, "message"), "\"aaabbbccc\"");
  // The id an uninterrupted read gives the sequence: the file's hash and the first part's offset.
  EXPECT_EQ(field(again, "_id"), first_id.substr(0, first_id.size() - 2) + std::to_string(kFirst.size()) + "\"");
  EXPECT_EQ(rig.committed(), kFirst.size() + kPartA.size() + kPartB.size() + kPartC.size());
}

TEST(ContainerHarvester, OtherStreamLinesAreAcknowledgedNotShipped) {
  InputConfig in = containerInput();
  in.container.stream = ContainerConfig::Stream::kStdout;
  Rig rig(in);
  logship::testing::writeFile(rig.path(), kFirst + kPartA + kPartB + kPartC);
  rig.readFrom(0);
  ASSERT_EQ(rig.output->payloads.size(), 1u);
  EXPECT_EQ(field(rig.output->payloads[0], "message"), "\"first\"");
  EXPECT_EQ(rig.committed(), kFirst.size() + kPartA.size() + kPartB.size() + kPartC.size());
}

TEST(ContainerHarvester, MultilineAndLineFiltersSeeTheUnwrappedMessage) {
  InputConfig in = containerInput();
  in.multiline.enabled = true;
  in.multiline.pattern = "^\\s";  // continuation lines start with a space
  in.multiline.negate = false;
  in.exclude_lines = {"^DEBUG"};
  Rig rig(in);
  auto cri = [](const std::string& text) { return "2024-05-01T10:00:00Z stdout F " + text + "\n"; };
  logship::testing::writeFile(rig.path(),
                              cri("Exception") + cri("  at a()") + cri("  at b()") + cri("DEBUG x") + cri("next"));
  rig.readFrom(0);
  rig.harvester->flushMultiline(Harvester::Clock::now(), true);
  ASSERT_EQ(rig.output->payloads.size(), 2u);
  EXPECT_EQ(field(rig.output->payloads[0], "message"), "\"Exception\\n  at a()\\n  at b()\"");
  EXPECT_EQ(field(rig.output->payloads[0], "stream"), "\"stdout\"");
  EXPECT_EQ(field(rig.output->payloads[0], "flags"), "[\"multiline\"]");
  EXPECT_EQ(field(rig.output->payloads[1], "message"), "\"next\"");
}

TEST(ContainerHarvester, OtherStreamLineWhileMultilinePendsIsAcknowledgedAfterIt) {
  InputConfig in = containerInput();
  in.container.stream = ContainerConfig::Stream::kStdout;
  in.multiline.enabled = true;
  in.multiline.pattern = "^\\s";
  Rig rig(in);
  const std::string a = "2024-05-01T10:00:00Z stdout F Exception\n";
  const std::string b = "2024-05-01T10:00:00Z stderr F noise\n";
  const std::string c = "2024-05-01T10:00:00Z stdout F   at a()\n";
  logship::testing::writeFile(rig.path(), a + b + c);
  rig.readFrom(0);
  EXPECT_EQ(rig.committed(), 0u);  // the stderr line waits behind the pending multiline event
  rig.harvester->flushMultiline(Harvester::Clock::now(), true);
  ASSERT_EQ(rig.output->payloads.size(), 1u);
  EXPECT_EQ(field(rig.output->payloads[0], "message"), "\"Exception\\n  at a()\"");
  EXPECT_EQ(rig.committed(), a.size() + b.size() + c.size());
}

TEST(ContainerHarvester, GoZeroJsonInsideADockerEnvelopeDecodesAfterTheContainerParser) {
  InputConfig in = containerInput();
  in.json.enabled = true;  // parsers: [container, ndjson: {target: ""}]
  in.json.keys_under_root = true;
  in.json.target = "";
  in.json.overwrite_keys = true;
  Rig rig(in);
  logship::testing::writeFile(
      rig.path(),
      R"({"log":"{\"@timestamp\":\"2022-09-08T21:51:10.346+08:00\",\"level\":\"info\",\"content\":\"req-1 ok\"}\n","stream":"stdout","time":"2024-05-01T10:00:00.5Z"})"
      "\n");
  rig.readFrom(0);
  ASSERT_EQ(rig.output->payloads.size(), 1u);
  const std::string& e = rig.output->payloads[0];
  EXPECT_EQ(field(e, "level"), "\"info\"") << e;
  EXPECT_EQ(field(e, "content"), "\"req-1 ok\"");
  EXPECT_EQ(field(e, "stream"), "\"stdout\"");
  EXPECT_EQ(field(e, "@timestamp"), "\"2022-09-08T13:51:10.346Z\"");  // the decoded one wins (overwrite_keys)
  EXPECT_EQ(field(e, "message"), "<none>");
}

// The same through filebeat.yml: filestream `parsers: [container, ndjson]`, in that order.
TEST(ContainerHarvester, FilestreamParsersContainerThenNdjsonFromFilebeatYml) {
  TempDir cfg;
  logship::testing::writeFile(cfg / "filebeat.yml",
                              "filebeat.inputs:\n- type: filestream\n  id: k8s\n  paths: [/x/*.log]\n  parsers:\n"
                              "    - container: {stream: stdout}\n    - ndjson: {target: '', overwrite_keys: true}\n"
                              "output.console: {}\n");
  const TailConfig config = loadTailConfig(LoadArgs{(cfg / "filebeat.yml").string(), {}, cfg.path().string(), {}});
  ASSERT_EQ(config.inputs.size(), 1u);
  Rig rig(config.inputs[0]);
  logship::testing::writeFile(
      rig.path(),
      R"({"log":"{\"@timestamp\":\"2022-09-08T21:51:10.346+08:00\",\"level\":\"error\",\"content\":\"boom \\\"x\\\"\"}\n","stream":"stdout","time":"2024-05-01T10:00:00.5Z"})"
      "\n"
      R"({"log":"{\"level\":\"info\"}\n","stream":"stderr","time":"2024-05-01T10:00:00.6Z"})"
      "\n");
  rig.readFrom(0);
  ASSERT_EQ(rig.output->payloads.size(), 1u);  // the stderr line is filtered by the container parser
  const std::string& e = rig.output->payloads[0];
  EXPECT_EQ(field(e, "@timestamp"), "\"2022-09-08T13:51:10.346Z\"") << e;
  EXPECT_EQ(field(e, "level"), "\"error\"");
  EXPECT_EQ(field(e, "content"), R"("boom \"x\"")");
  EXPECT_EQ(field(e, "stream"), "\"stdout\"");
  EXPECT_NE(e.find(R"("input":{"type":"filestream"})"), std::string::npos) << e;
  EXPECT_EQ(rig.committed(), std::filesystem::file_size(rig.path()));
}

TEST(ContainerHarvester, LegacyLogInputUnwrapsDockerLinesWithJsonMessageKeyLog) {
  InputConfig in;  // type: log, json.message_key: log, json.keys_under_root: true
  in.json.enabled = true;
  in.json.keys_under_root = true;
  in.json.target = "";
  in.json.message_key = "log";
  in.json.strip_message_newline = true;  // as parseInputConfig sets it for the log input
  in.exclude_lines = {"^skip"};
  Rig rig(in);
  logship::testing::writeFile(rig.path(), R"({"log":"skip me\n","stream":"stdout","time":"2024-05-01T10:00:00Z"})"
                                          "\n"
                                          R"({"log":"kept \"q\"\n","stream":"stderr","time":"2024-05-01T10:00:00Z"})"
                                          "\n");
  rig.readFrom(0);
  ASSERT_EQ(rig.output->payloads.size(), 1u);  // exclude_lines ran on the `log` text
  const std::string& e = rig.output->payloads[0];
  EXPECT_EQ(field(e, "log"), R"("kept \"q\"")") << e;  // StripNewline, as Filebeat's log input
  EXPECT_EQ(field(e, "stream"), "\"stderr\"");
}

InputConfig inputFromYml(const std::string& input_yaml) {
  TempDir cfg;
  logship::testing::writeFile(cfg / "filebeat.yml", "filebeat.inputs:\n" + input_yaml + "output.console: {}\n");
  const TailConfig config = loadTailConfig(LoadArgs{(cfg / "filebeat.yml").string(), {}, cfg.path().string(), {}});
  EXPECT_TRUE(config.warnings.empty());
  return config.inputs.at(0);
}

// Filebeat's log input decodes each line before multiline: a Java stack trace written by Docker
// one line per JSON envelope is joined from the `log` texts, without their line endings.
TEST(JsonBeforeMultiline, LegacyDockerLinesJoinTheirLogTexts) {
  Rig rig(
      inputFromYml("- type: log\n  paths: [/x/*.log]\n  json.message_key: log\n"
                   "  multiline: {pattern: '^\\s', match: after}\n"));
  const std::string first = R"({"log":"Exception: boom\n","stream":"stderr","time":"2024-05-01T10:00:00Z"})";
  const std::string second = R"x({"log":"\tat a.B.c(B.java:1)\n","stream":"stderr","time":"2024-05-01T10:00:01Z"})x";
  logship::testing::writeFile(
      rig.path(),
      first + "\n" + second + "\n" + R"({"log":"next\n","stream":"stdout","time":"2024-05-01T10:00:02Z"})" + "\n");
  rig.readFrom(0);
  rig.harvester->flushMultiline(Harvester::Clock::now(), true);
  ASSERT_EQ(rig.output->payloads.size(), 2u);
  const std::string& joined = rig.output->payloads[0];
  EXPECT_NE(joined.find(R"x("json":{"log":"Exception: boom\n\tat a.B.c(B.java:1)",)x"), std::string::npos) << joined;
  EXPECT_EQ(field(joined, "time"), R"("2024-05-01T10:00:01Z")");  // the last line's fields
  EXPECT_NE(joined.find(R"("flags":["multiline"])"), std::string::npos) << joined;
  EXPECT_NE(joined.find(R"("offset":0)"), std::string::npos) << joined;
  EXPECT_NE(rig.output->payloads[1].find(R"("log":"next")"), std::string::npos) << rig.output->payloads[1];
  EXPECT_NE(rig.output->payloads[1].find(R"("offset":)" + std::to_string(first.size() + second.size() + 2)),
            std::string::npos);
  EXPECT_EQ(rig.committed(), std::filesystem::file_size(rig.path()));
}

// filestream `parsers: [container, ndjson, multiline]`: a go-zero JSON line inside the Docker
// envelope is decoded, then continuation lines are joined on the ndjson message_key text.
TEST(JsonBeforeMultiline, FilestreamNdjsonThenMultilineJoinsDecodedMessages) {
  Rig rig(
      inputFromYml("- type: filestream\n  id: k8s\n  paths: [/x/*.log]\n  parsers:\n    - container: ~\n"
                   "    - ndjson: {target: '', message_key: content}\n"
                   "    - multiline: {pattern: '^\\s', match: after}\n"));
  logship::testing::writeFile(
      rig.path(),
      R"({"log":"{\"level\":\"error\",\"content\":\"panic: x\"}\n","stream":"stdout","time":"2024-05-01T10:00:00Z"})"
      "\n"
      R"({"log":"{\"level\":\"error\",\"content\":\"  goroutine 1\"}\n","stream":"stdout","time":"2024-05-01T10:00:00Z"})"
      "\n"
      R"({"log":"{\"level\":\"info\",\"content\":\"ok\"}\n","stream":"stdout","time":"2024-05-01T10:00:01Z"})"
      "\n");
  rig.readFrom(0);
  rig.harvester->flushMultiline(Harvester::Clock::now(), true);
  ASSERT_EQ(rig.output->payloads.size(), 2u);
  const std::string& joined = rig.output->payloads[0];
  EXPECT_EQ(field(joined, "content"), R"("panic: x\n  goroutine 1")") << joined;
  EXPECT_EQ(field(joined, "level"), R"("error")");
  EXPECT_EQ(field(joined, "stream"), R"("stdout")");
  EXPECT_EQ(field(rig.output->payloads[1], "content"), R"("ok")");
}

// A line that is not JSON is matched and joined as its raw text, and shipped as text.
TEST(JsonBeforeMultiline, LinesThatAreNotJsonJoinAsText) {
  Rig rig(
      inputFromYml("- type: log\n  paths: [/x/*.log]\n  json.message_key: msg\n"
                   "  multiline: {pattern: '^\\s', match: after}\n"));
  logship::testing::writeFile(rig.path(), "plain start\n  plain more\n{\"msg\":\"json\"}\n");
  rig.readFrom(0);
  rig.harvester->flushMultiline(Harvester::Clock::now(), true);
  ASSERT_EQ(rig.output->payloads.size(), 2u);
  EXPECT_EQ(field(rig.output->payloads[0], "message"), R"("plain start\n  plain more")") << rig.output->payloads[0];
  EXPECT_EQ(field(rig.output->payloads[1], "json"), R"({"msg":"json"})") << rig.output->payloads[1];
}

}  // namespace
}  // namespace logship::tail
