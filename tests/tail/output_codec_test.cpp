// The output codec (codec.json pretty/escape_html, codec.format) as Filebeat's libbeat codecs
// write an event: exact bytes for what the event carries.
#include "logship/tail/output_codec.h"

#include <gtest/gtest.h>

#include "logship/common/config.h"
#include "logship/tail/pipeline.h"
#include "support/paths.h"
#include "tail/run_tail.h"

namespace logship::tail {
namespace {

OutputCodec parse(const std::string& yaml, OutputCodec defaults = {}) {
  const auto doc = config::Document::loadString(yaml, "f.yml", {});
  return parseOutputCodec(doc->root().child("codec"), defaults);
}

Message message(std::string_view text) {
  Message m;
  m.text = text;
  m.end_offset = text.size() + 1;
  return m;
}

// What a Pipeline with `codec` makes of the line `text`.
PipelineOutcome encode(const OutputCodec& codec, std::string_view text, metrics::Registry& registry) {
  static InputConfig input;
  input.paths = {"/x/*.log"};
  static std::unique_ptr<Pipeline> pipeline;
  pipeline = std::make_unique<Pipeline>(input, std::vector<ProcessorConfig>{}, AgentInfo{"h", "id", "eph"},
                                        PipelineMetrics::in(registry), codec);
  return pipeline->process(message(text), HarvesterContext{"/x/a.log", 7});
}

TEST(OutputCodec, DefaultsAreFilebeat8sJsonCodec) {
  const OutputCodec c = parse("other: 1\n");
  EXPECT_FALSE(c.pretty);
  EXPECT_FALSE(c.escape_html);  // libbeat 8 outputs/codec/json: EscapeHTML false by default
  EXPECT_FALSE(c.format);
  const OutputCodec j = parse("codec:\n  json: {pretty: true, escape_html: true}\n");
  EXPECT_TRUE(j.pretty);
  EXPECT_TRUE(j.escape_html);
  OutputCodec console_pretty;
  console_pretty.pretty = true;  // output.console.pretty is the default codec.json.pretty
  EXPECT_TRUE(parse("codec:\n  json: {}\n", console_pretty).pretty);
  EXPECT_FALSE(parse("codec:\n  json: {pretty: false}\n", console_pretty).pretty);
  const OutputCodec f = parse("codec:\n  format: {string: '%{[@timestamp]} %{[message]}'}\n");
  ASSERT_TRUE(f.format);
  EXPECT_EQ(f.format->source(), "%{[@timestamp]} %{[message]}");
}

TEST(OutputCodec, EscapeHtmlWritesGosHtmlSafeEscapes) {
  // Go's encoding/json (and go-structform with SetEscapeHTML(true)) for {"m":"<a href=\"x\">&</a>"}.
  std::string json = R"({"m":"<a href=\"x\">&</a>","k<>":1})";
  std::string scratch;
  escapeHtml(json, scratch);
  EXPECT_EQ(json, R"({"m":"\u003ca href=\"x\"\u003e\u0026\u003c/a\u003e","k\u003c\u003e":1})");
  std::string plain = R"({"m":"no html"})";
  escapeHtml(plain, scratch);
  EXPECT_EQ(plain, R"({"m":"no html"})");
}

TEST(OutputCodec, EscapeHtmlAppliesToTheEncodedEventOnlyWhenSet) {
  metrics::Registry r1, r2;
  const std::string plain(encode(OutputCodec{}, "a<b>&c", r1).payload);
  EXPECT_NE(plain.find(R"("message":"a<b>&c")"), std::string::npos) << plain;
  OutputCodec escaping;
  escaping.escape_html = true;
  const std::string escaped(encode(escaping, "a<b>&c", r2).payload);
  EXPECT_NE(escaped.find(R"("message":"a\u003cb\u003e\u0026c")"), std::string::npos) << escaped;
  EXPECT_EQ(escaped.find_first_of("<>&"), std::string::npos) << escaped;
}

TEST(OutputCodec, FormatWritesTheTextAndDropsAnEventMissingAField) {
  metrics::Registry registry;
  OutputCodec codec = parse("codec:\n  format: {string: '%{[log.offset]} %{[message]} [%{[fields.x]:none}]'}\n");
  const PipelineOutcome out = encode(codec, "hello <world>", registry);
  ASSERT_EQ(out.kind, PipelineOutcome::Kind::kPublish);
  EXPECT_EQ(out.payload, "0 hello <world> [none]");  // no JSON, no escaping, no newline

  const OutputCodec stamped = parse("codec:\n  format: {string: '%{[@timestamp]}|%{[message]}'}\n");
  const PipelineOutcome ts = encode(stamped, "m", registry);
  ASSERT_EQ(ts.kind, PipelineOutcome::Kind::kPublish);
  ASSERT_NE(ts.event, nullptr);
  EXPECT_EQ(ts.payload, ts.event->timestamp_ + "|m");  // @timestamp as 2006-01-02T15:04:05.000Z

  metrics::Registry missing_registry;
  const OutputCodec missing = parse("codec:\n  format: {string: '%{[fields.absent]} %{[message]}'}\n");
  const PipelineOutcome dropped = encode(missing, "m", missing_registry);
  EXPECT_EQ(dropped.kind, PipelineOutcome::Kind::kDropped);  // libbeat: encode error -> event dropped
  EXPECT_EQ(PipelineMetrics::in(missing_registry).dropped->value(), 1u);
}

// output.console through the binary: each event is one line, the codec's text.
TEST(OutputCodecConsole, FormatAndEscapeHtmlThroughTheBinary) {
  logship::testing::TempDir dir;
  logship::testing::writeFile(dir / "app.log", "one <1>\ntwo & 2\n");
  const std::string head = "filebeat.inputs:\n  - type: log\n    paths: [\"" + (dir / "*.log").string() + "\"]\n";
  logship::testing::writeFile(dir / "format.yml",
                              head + "output.console.codec.format.string: '%{[log.offset]}=%{[message]}'\n");
  const auto format =
      testing::runTailBinary("-c " + (dir / "format.yml").string() + " --once --path.data " + (dir / "data1").string());
  EXPECT_EQ(format.status, 0) << format.out;
  EXPECT_NE(format.out.find("0=one <1>\n8=two & 2\n"), std::string::npos) << format.out;
  EXPECT_EQ(format.out.find("@metadata"), std::string::npos) << format.out;

  logship::testing::writeFile(dir / "json.yml", head + "output.console.codec.json.escape_html: true\n");
  const auto json =
      testing::runTailBinary("-c " + (dir / "json.yml").string() + " --once --path.data " + (dir / "data2").string());
  EXPECT_EQ(json.status, 0) << json.out;
  EXPECT_NE(json.out.find(R"("message":"one \u003c1\u003e")"), std::string::npos) << json.out;
  EXPECT_NE(json.out.find(R"("message":"two \u0026 2")"), std::string::npos) << json.out;
}

}  // namespace
}  // namespace logship::tail
