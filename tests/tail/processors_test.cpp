// Processors: the registry by name, each processor alone (src/tail/processors/<name>.cpp), and the
// chain with its `when` conditions.
#include <gtest/gtest.h>

#include "logship/common/config.h"
#include "logship/tail/condition.h"
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

// An event with these string fields, run through `p`: whether it was dropped.
bool droppedBy(const Processors& p, std::initializer_list<std::pair<const char*, const char*>> fields) {
  Event e;
  for (const auto& [k, v] : fields) e.setString(k, v);
  p.run(e);
  return e.dropped;
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
)",
                    warnings, doc);
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
  EXPECT_TRUE(droppedBy(p, {{"level", "info"}, {"message", "GET /health"}}));
}

// `script` is the one Filebeat processor that is skipped on purpose: its warning says why (no
// JavaScript) and where the replacements are documented, unlike the generic unknown-processor one.
TEST(Processors, ScriptIsSkippedWithItsOwnWarning) {
  std::vector<std::string> warnings;
  std::unique_ptr<config::Document> doc;
  auto list = procs("processors:\n  - script: {lang: javascript, source: 'function process(e) {}'}\n", warnings, doc);
  EXPECT_TRUE(list.empty());
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_NE(warnings[0].find("\"script\" is skipped"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("JavaScript"), std::string::npos) << warnings[0];
  EXPECT_NE(warnings[0].find("docs/tail.md"), std::string::npos) << warnings[0];
  EXPECT_TRUE(doc->unknownKeys().empty());  // its options are not reported as unknown keys
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
)",
                    warnings, doc);
  Processors p(nullptr, &list);
  EXPECT_TRUE(droppedBy(p, {{"level", "x"}, {"message", "top secret"}}));
  EXPECT_TRUE(droppedBy(p, {{"message", "no level"}}));
  EXPECT_FALSE(droppedBy(p, {{"level", "x"}, {"message", "fine"}}));
}

// `when.equals: {fields.app: api}` in a filebeat.yml: go-ucfg splits the dotted key into a nested
// map, which used to be refused ("expected a string").
TEST(Processors, ConditionsOnDottedKeys) {
  config::LoadOptions filebeat;
  filebeat.split_dotted_keys = true;
  auto doc = config::Document::loadString(
      "when.and:\n  - equals: {fields.app: api, fields.env: prod}\n  - regexp: {log.file.path: '\\.log$'}\n", "c.yml",
      filebeat);
  const auto c = Condition::parse(doc->root().child("when"));
  Event e;
  e.setString("fields.app", "api");
  e.setString("fields.env", "prod");
  e.setString("log.file.path", "/var/log/app.log");
  EXPECT_TRUE(c->matches(e));
  e.setString("fields.env", "dev");
  EXPECT_FALSE(c->matches(e));
}

TEST(ProcessorRegistry, FindsEachProcessorByName) {
  for (const char* name : {"add_fields", "drop_fields", "drop_event", "add_host_metadata", "add_kubernetes_metadata",
                           "add_docker_metadata", "add_id", "extract_array", "fingerprint", "rename", "copy_fields",
                           "include_fields", "decode_json_fields", "add_labels", "dissect", "timestamp"}) {
    const ProcessorFactory* f = findProcessor(name);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_EQ(f->name, name);
  }
  EXPECT_EQ(findProcessor("add_cloud_metadata"), nullptr);
  EXPECT_EQ(processorFactories().size(), 24u);
}

// One processor parsed from its YAML node, as parseProcessors hands it over.
class OneProcessor : public ::testing::Test {
 protected:
  std::unique_ptr<const Processor> parse(const std::string& name, const std::string& yaml) {
    doc_ = config::Document::loadString(name + ": " + yaml + "\n", "p.yml", {});
    return findProcessor(name)->parse(doc_->root().child(name));
  }
  // Parses the processor and runs it on a fresh event (whose values may point into the processor).
  Event& run(const std::string& name, const std::string& yaml) {
    processor_ = parse(name, yaml);
    event_.clear();
    processor_->run(event_);
    return event_;
  }
  std::unique_ptr<config::Document> doc_;
  std::unique_ptr<const Processor> processor_;
  Event event_;
};

TEST_F(OneProcessor, AddFieldsSetsFieldsUnderTargetAsRawJson) {
  Event& e = run("add_fields", "{target: fields, fields: {app: api, n: 3}}");
  EXPECT_EQ(e.find("fields.app")->value, "\"api\"");
  EXPECT_EQ(e.find("fields.n")->value, "3");
  EXPECT_EQ(run("add_fields", "{target: \"\", fields: {app: api}}").find("app")->value, "\"api\"");
  // Without target, Filebeat puts them under `fields` (they used to land at the root).
  Event& d = run("add_fields", "{fields: {app: api}}");
  ASSERT_NE(d.find("fields.app"), nullptr);
  EXPECT_EQ(d.find("fields.app")->value, "\"api\"");
  EXPECT_EQ(d.find("app"), nullptr);
  EXPECT_THROW(parse("add_fields", "{target: x}"), config::ConfigError);
}

TEST_F(OneProcessor, DropFieldsKeepsTimestampAndMetadata) {
  auto p = parse("drop_fields", "{fields: [\"@timestamp\", \"@metadata.x\", level, missing]}");
  Event e;
  e.setString("level", "info");
  e.setString("@metadata.x", "1");
  p->run(e);
  EXPECT_FALSE(e.has("level"));
  EXPECT_TRUE(e.has("@metadata.x"));
  EXPECT_FALSE(e.dropped);
  EXPECT_THROW(parse("drop_fields", "{ignore_missing: true}"), config::ConfigError);
}

TEST_F(OneProcessor, DropEventDropsTheEvent) { EXPECT_TRUE(run("drop_event", "{}").dropped); }

TEST_F(OneProcessor, AddHostMetadataSetsHostFieldsAndNamesOptionsWithoutEffect) {
  Event& e = run("add_host_metadata", "{netinfo.enabled: true}");
  EXPECT_EQ(e.find("host.os.type")->value, "\"linux\"");
  EXPECT_EQ(e.find("host.hostname")->value, "\"" + hostName() + "\"");
  EXPECT_TRUE(e.has("host.architecture"));
  EXPECT_TRUE(e.has("host.os.kernel"));
  ASSERT_EQ(doc_->noEffectKeys().size(), 1u);
  EXPECT_NE(doc_->noEffectKeys()[0].find("netinfo"), std::string::npos) << doc_->noEffectKeys()[0];
}

TEST(Processors, FlagProcessorErrorSetsErrorMessageAndKeepsTheEvent) {
  Event e;
  e.setString("message", "x");
  std::string msg = "first";
  flagProcessorError(e, msg);
  msg = "overwritten buffer";  // the event keeps its own copy
  const Entry* err = e.find("error.message");
  ASSERT_NE(err, nullptr);
  EXPECT_EQ(err->value, "first");
  flagProcessorError(e, "second");
  EXPECT_EQ(e.find("error.message")->value, "second");
  EXPECT_FALSE(e.dropped);
}

}  // namespace
}  // namespace logship::tail
