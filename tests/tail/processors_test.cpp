// Processors: the registry by name, each processor alone (src/tail/processors/<name>.cpp), and the
// chain with its `when` conditions.
#include <gtest/gtest.h>

#include "logship/common/config.h"
#include "logship/tail/event.h"
#include "logship/tail/processor.h"
#include "logship/tail/processors.h"

namespace logship::tail {
namespace {

std::vector<ProcessorConfig> procs(const std::string& yaml, std::vector<std::string>& warnings,
                                   std::unique_ptr<config::Document>& doc) {
  doc = config::Document::loadString(yaml, "p.yml", {});
  return parseProcessors(doc->root().child("processors"), warnings);
}

TEST(Processors, AddDropFieldsDropEventAndConditions) {
  std::vector<std::string> warnings;
  std::unique_ptr<config::Document> doc;
  auto list = procs(R"(
processors:
  - add_fields: {target: project, fields: {name: demo, id: 7}}
  - drop_fields: {fields: [agent, "@timestamp"]}
  - drop_event:
      when:
        and:
          - equals: {level: info}
          - regexp: {message: "^GET "}
  - add_cloud_metadata: ~
)", warnings, doc);
  ASSERT_EQ(list.size(), 3u);
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("add_cloud_metadata"), std::string::npos);
  Processors p(nullptr, &list);
  Event e;
  e.setString("agent.name", "x");
  e.setString("level", "info");
  e.setString("message", "POST /a");
  p.run(e);
  EXPECT_FALSE(e.dropped);
  EXPECT_EQ(e.find("project.name")->value, "\"demo\"");
  EXPECT_EQ(e.find("project.id")->value, "7");
  EXPECT_FALSE(e.has("agent"));
  Event g;
  g.setString("level", "info");
  g.setString("message", "GET /health");
  p.run(g);
  EXPECT_TRUE(g.dropped);
}

TEST(Processors, ConditionOperators) {
  std::vector<std::string> warnings;
  std::unique_ptr<config::Document> doc;
  auto list = procs(R"(
processors:
  - drop_event:
      when:
        or:
          - contains: {message: secret}
          - not: {has_fields: [level]}
)", warnings, doc);
  Processors p(nullptr, &list);
  Event a;
  a.setString("level", "x");
  a.setString("message", "top secret");
  p.run(a);
  EXPECT_TRUE(a.dropped);
  Event b;
  b.setString("message", "no level");
  p.run(b);
  EXPECT_TRUE(b.dropped);
  Event c;
  c.setString("level", "x");
  c.setString("message", "fine");
  p.run(c);
  EXPECT_FALSE(c.dropped);
}

TEST(ProcessorRegistry, FindsEachProcessorByName) {
  for (const char* name : {"add_fields", "drop_fields", "drop_event", "add_host_metadata"}) {
    const ProcessorFactory* f = findProcessor(name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_EQ(f->name, name);
  }
  EXPECT_EQ(findProcessor("add_cloud_metadata"), nullptr);
  EXPECT_EQ(processorFactories().size(), 4u);
}

// One processor parsed from its YAML node, as parseProcessors hands it over.
std::unique_ptr<const Processor> parseOne(const std::string& name, const std::string& yaml,
                                          std::unique_ptr<config::Document>& doc) {
  doc = config::Document::loadString(name + ": " + yaml + "\n", "p.yml", {});
  return findProcessor(name)->parse(doc->root().child(name));
}

TEST(AddFieldsProcessor, SetsFieldsUnderTargetAsRawJson) {
  std::unique_ptr<config::Document> doc;
  auto p = parseOne("add_fields", "{target: fields, fields: {app: api, n: 3}}", doc);
  Event e;
  p->run(e);
  EXPECT_EQ(e.find("fields.app")->value, "\"api\"");
  EXPECT_EQ(e.find("fields.n")->value, "3");
  auto rooted = parseOne("add_fields", "{target: \"\", fields: {app: api}}", doc);
  Event r;
  rooted->run(r);
  EXPECT_EQ(r.find("app")->value, "\"api\"");
  EXPECT_THROW(parseOne("add_fields", "{target: x}", doc), config::ConfigError);
}

TEST(DropFieldsProcessor, KeepsTimestampAndMetadata) {
  std::unique_ptr<config::Document> doc;
  auto p = parseOne("drop_fields", "{fields: [\"@timestamp\", \"@metadata.x\", level, missing]}", doc);
  Event e;
  e.setString("level", "info");
  e.setString("@metadata.x", "1");
  p->run(e);
  EXPECT_FALSE(e.has("level"));
  EXPECT_TRUE(e.has("@metadata.x"));
  EXPECT_FALSE(e.dropped);
  EXPECT_THROW(parseOne("drop_fields", "{ignore_missing: true}", doc), config::ConfigError);
}

TEST(DropEventProcessor, DropsTheEvent) {
  std::unique_ptr<config::Document> doc;
  auto p = parseOne("drop_event", "{}", doc);
  Event e;
  p->run(e);
  EXPECT_TRUE(e.dropped);
}

TEST(AddHostMetadataProcessor, SetsHostFieldsAndNamesOptionsWithoutEffect) {
  std::unique_ptr<config::Document> doc;
  auto p = parseOne("add_host_metadata", "{netinfo.enabled: true}", doc);
  Event e;
  p->run(e);
  EXPECT_EQ(e.find("host.os.type")->value, "\"linux\"");
  EXPECT_EQ(e.find("host.hostname")->value, "\"" + hostName() + "\"");
  EXPECT_TRUE(e.has("host.architecture"));
  EXPECT_TRUE(e.has("host.os.kernel"));
  ASSERT_EQ(doc->noEffectKeys().size(), 1u);
  EXPECT_NE(doc->noEffectKeys()[0].find("netinfo"), std::string::npos) << doc->noEffectKeys()[0];
}

}  // namespace
}  // namespace logship::tail
