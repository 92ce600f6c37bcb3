// --check's warnings for topic/key format strings that refer to fields nothing sets, and the
// configs that work and must stay silent.
#include "logship/tail/topic_fields.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "logship/tail/processor.h"
#include "support/paths.h"

namespace logship::tail {
namespace {

using logship::testing::TempDir;

TailConfig load(const std::string& inputs_and_more, const std::string& kafka) {
  TempDir dir;
  logship::testing::writeFile(dir / "filebeat.yml", inputs_and_more + "output.kafka:\n  hosts: [\"a:9092\"]\n" + kafka);
  return loadTailConfig(LoadArgs{(dir / "filebeat.yml").string(), {}, dir.path().string(), {}});
}

const std::string kInput = "filebeat.inputs:\n- type: log\n  paths: [/a/*.log]\n";
const std::string kTopic = "  topic: '%{[fields.log_topic]}'\n";

TEST(TopicFields, ATopicFieldNoInputSetsIsNamedWithItsFormatString) {
  const TailConfig c = load(kInput + "  fields: {app: api}\n", kTopic);
  EXPECT_EQ(topicFieldWarnings(c),
            std::vector<std::string>{"output.kafka.topic: %{[fields.log_topic]} refers to fields.log_topic, which no "
                                     "input sets: every event would be dropped (\"cannot resolve topic\")"});
  // and it is one of the warnings --check prints
  EXPECT_NE(std::find(c.warnings.begin(), c.warnings.end(), topicFieldWarnings(c)[0]), c.warnings.end());
}

TEST(TopicFields, RulesAndKeysAreCheckedToo) {
  const TailConfig c = load(kInput + "  fields: {log_topic: a}\n",
                            kTopic +
                                "  topics:\n  - topic: 'x-%{[fields.team]}'\n    when.equals: {fields.app: a}\n"
                                "  key: '%{[fields.request_id]}'\n");
  const auto w = topicFieldWarnings(c);
  ASSERT_EQ(w.size(), 2u);
  EXPECT_EQ(w[0],
            "output.kafka.topics[0].topic: x-%{[fields.team]} refers to fields.team, which no input sets: the rule "
            "never routes an event (the next rule, then topic, is used)");
  EXPECT_EQ(w[1],
            "output.kafka.key: %{[fields.request_id]} refers to fields.request_id, which no input sets: every event "
            "would be sent without a key (a random partition)");
}

TEST(TopicFields, AJsonTargetProvidesOnlyWhatIsUnderIt) {
  const TailConfig c = load(kInput + "  json.keys_under_root: false\n", "  topic: '%{[json.level]}-%{[fields.x]}'\n");
  const auto w = topicFieldWarnings(c);
  ASSERT_EQ(w.size(), 1u);
  EXPECT_NE(w[0].find("refers to fields.x,"), std::string::npos) << w[0];
}

TEST(TopicFields, ConfigsThatWorkAreSilent) {
  const std::vector<std::pair<std::string, std::string>> working = {
      // one input sets it: events of the others fail, but the config is not wrong as a whole
      {kInput + "  fields: {log_topic: a}\n- type: log\n  paths: [/b/*.log]\n", kTopic},
      {kInput + "  fields: {log_topic: a}\n  fields_under_root: true\n", "  topic: '%{[log_topic]}'\n"},
      {kInput + "fields: {log_topic: a}\n", kTopic},  // general fields
      {kInput + "  document_type: syslog\n", "  topic: '%{[type]}'\n"},
      {kInput + "  tags: [x]\n", "  topic: '%{[tags]}'\n"},
      {kInput + "  json.keys_under_root: true\n", kTopic},  // decoded keys may be anything
      {"filebeat.inputs:\n- type: filestream\n  paths: [/a]\n  parsers:\n  - ndjson: {target: ''}\n", kTopic},
      {kInput + "processors:\n- add_fields: {target: '', fields: {fields.log_topic: a}}\n", kTopic},
      {kInput + "  processors:\n  - add_fields: {fields: {log_topic: a}}\n", kTopic},
      {kInput + "processors:\n- add_host_metadata: {}\n", "  topic: '%{[host.os.type]}'\n"},
      {kInput, "  topic: '%{[fields.log_topic]:fallback}'\n"},  // a default always resolves
      {kInput, "  topic: 'logs-%{[agent.name]}-%{[input.type]}'\n"},
      {kInput, "  topic: plain\n"},
  };
  for (const auto& [inputs, kafka] : working) {
    const auto w = topicFieldWarnings(load(inputs, kafka));
    EXPECT_TRUE(w.empty()) << inputs << kafka << w[0];
  }
}

TEST(TopicFields, InputsFromOtherFilesOrAutodiscoverAreNotJudged) {
  for (const char* elsewhere : {"filebeat.config.inputs: {path: 'inputs.d/*.yml'}\n", "filebeat.autodiscover: {}\n"}) {
    const TailConfig c = load(kInput + std::string(elsewhere), kTopic);
    EXPECT_EQ(std::count_if(c.warnings.begin(), c.warnings.end(),
                            [](const std::string& w) { return w.find("which no input sets") != std::string::npos; }),
              0)
        << elsewhere;
  }
}

// A processor that cannot tell which fields it adds (the default) may add any.
class Opaque final : public Processor {
 public:
  void run(Event&) const override {}
};

TEST(TopicFields, AProcessorOfUnknownFieldsSilencesTheCheck) {
  TailConfig c = load(kInput, kTopic);
  ASSERT_EQ(topicFieldWarnings(c).size(), 1u);
  c.inputs[0].processors.push_back(ProcessorConfig{nullptr, std::make_shared<Opaque>()});
  EXPECT_TRUE(topicFieldWarnings(c).empty());
}

}  // namespace
}  // namespace logship::tail
