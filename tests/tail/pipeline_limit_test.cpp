// A line longer than Kafka's max_message_bytes (but within max_bytes) is shipped cut to fit and
// flagged, never rejected by the broker and lost.
#include <gtest/gtest.h>
#include <simdjson.h>

#include "logship/tail/pipeline.h"

namespace logship::tail {
namespace {

TEST(PipelineLimit, OversizedMessageIsCutToFitAndFlagged) {
  InputConfig input;
  input.paths = {"/x/*.log"};
  metrics::Registry registry;
  Pipeline pipeline(input, {}, AgentInfo{"h", "id", "eph"}, PipelineMetrics::in(registry));
  pipeline.setMaxEventBytes(1'000'000);
  // Quotes double when escaped: the first cut is not enough, the loop must re-check.
  std::string line(2'000'000, 'a');
  for (size_t i = 0; i < line.size(); i += 3) line[i] = '"';
  line += "\xe6\x97\xa5";  // a multi-byte character near a cut must not be split
  HarvesterContext ctx{"/x/app.log", 7};
  std::vector<std::string> payloads;
  Message m;
  m.text = line;
  m.end_offset = line.size() + 1;
  PipelineOutcome out = pipeline.process(m, ctx);
  ASSERT_EQ(out.kind, PipelineOutcome::Kind::kPublish);
  payloads.emplace_back(out.payload);
  Message small;
  small.text = "short line";
  small.offset = m.end_offset;
  small.end_offset = m.end_offset + 11;
  out = pipeline.process(small, ctx);
  ASSERT_EQ(out.kind, PipelineOutcome::Kind::kPublish);
  payloads.emplace_back(out.payload);

  ASSERT_EQ(payloads.size(), 2u);
  const std::string& big = payloads[0];
  EXPECT_LE(big.size(), 1'000'000u);
  EXPECT_GT(big.size(), 900'000u);  // cut to fit, not emptied
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_FALSE(parser.parse(big).get(doc));
  EXPECT_EQ(std::string_view(doc["log"]["flags"].at(0)), "truncated");
  EXPECT_EQ(payloads[1].find("truncated"), std::string::npos);
  EXPECT_NE(payloads[1].find("\"message\":\"short line\""), std::string::npos);
}

}  // namespace
}  // namespace logship::tail
