// The pipeline encodes the per-input constant members (agent, ecs, host, input, fields, tags)
// once; an event whose processors or decoded keys touch one of those objects must still come out
// as one merged object, never as a duplicated key.
#include <gtest/gtest.h>
#include <simdjson.h>

#include "logship/common/config.h"
#include "logship/tail/pipeline.h"
#include "logship/tail/processors.h"

namespace logship::tail {
namespace {

int countKey(const std::string& json, const std::string& key) {
  int n = 0;
  for (size_t pos = 0; (pos = json.find("\"" + key + "\":", pos)) != std::string::npos; ++pos) ++n;
  return n;
}

TEST(PipelineStaticGroups, ProcessorTouchingAStaticObjectMergesIntoIt) {
  InputConfig input;
  input.paths = {"/x/*.log"};
  input.fields = {{"fields.app", "\"api\""}};
  const auto yaml = config::Document::loadString(R"(
processors:
  - add_fields: {target: host, fields: {role: edge}}
  - drop_fields: {fields: [agent.ephemeral_id]}
)",
                                                 "p.yml", {});
  std::vector<std::string> warnings;
  const std::vector<ProcessorConfig> global = parseProcessors(yaml->root().child("processors"), warnings);
  ASSERT_EQ(global.size(), 2u);  // the pipeline keeps a reference
  metrics::Registry registry;
  Pipeline pipeline(input, global, AgentInfo{"h1", "id", "eph"}, PipelineMetrics::in(registry));
  HarvesterContext ctx{"/x/app.log", 7};
  Message m;
  m.text = "hello";
  m.end_offset = 6;
  const PipelineOutcome out = pipeline.process(m, ctx);
  ASSERT_EQ(out.kind, PipelineOutcome::Kind::kPublish);
  const std::string json(out.payload);
  EXPECT_EQ(countKey(json, "host"), 1) << json;
  EXPECT_EQ(countKey(json, "agent"), 1) << json;
  simdjson::dom::parser parser;
  simdjson::dom::element doc;
  ASSERT_FALSE(parser.parse(json).get(doc)) << json;
  EXPECT_EQ(std::string_view(doc["host"]["name"]), "h1");
  EXPECT_EQ(std::string_view(doc["host"]["role"]), "edge");
  EXPECT_TRUE(doc["agent"]["ephemeral_id"].error()) << json;  // dropped
  EXPECT_EQ(std::string_view(doc["agent"]["id"]), "id");
  EXPECT_EQ(std::string_view(doc["fields"]["app"]), "api");  // untouched group, from the cache
  EXPECT_EQ(std::string_view(doc["message"]), "hello");
}

}  // namespace
}  // namespace logship::tail
