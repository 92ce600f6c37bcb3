// Hints parsing: each co.elastic.logs label kind, as libbeat's hints builder reads them.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "logship/tail/autodiscover/hints.h"

namespace logship::tail::autodiscover {
namespace {

YAML::Node overlay(const std::map<std::string, std::string>& labels) {
  return YAML::Load(hintsOverlayYaml(parseLogsHints(labels, true)));
}

TEST(AutodiscoverHints, NoHintLabelsGiveAnEmptyOverlay) {
  const auto h = parseLogsHints({{"maintainer", "x"}, {"co.elastic.metrics/module", "redis"}}, true);
  EXPECT_TRUE(h.enabled);
  EXPECT_TRUE(h.warnings.empty());
  EXPECT_EQ(hintsOverlayYaml(h), "{}");
}

TEST(AutodiscoverHints, EnabledFalseDisablesAndTrueEnablesOverADisabledDefault) {
  EXPECT_FALSE(parseLogsHints({{"co.elastic.logs/enabled", "false"}}, true).enabled);
  EXPECT_TRUE(parseLogsHints({{"co.elastic.logs/enabled", "true"}}, false).enabled);
  EXPECT_FALSE(parseLogsHints({}, false).enabled);
  const auto bad = parseLogsHints({{"co.elastic.logs/enabled", "maybe"}}, true);
  EXPECT_TRUE(bad.enabled);
  ASSERT_EQ(bad.warnings.size(), 1u);
  EXPECT_NE(bad.warnings[0].find("enabled"), std::string::npos);
}

TEST(AutodiscoverHints, MultilineOptionsNestUnderMultiline) {
  const auto y = overlay({{"co.elastic.logs/multiline.pattern", "^\\["},
                          {"co.elastic.logs/multiline.negate", "true"},
                          {"co.elastic.logs/multiline.match", "after"}});
  EXPECT_EQ(y["multiline"]["pattern"].as<std::string>(), "^\\[");
  EXPECT_TRUE(y["multiline"]["negate"].as<bool>());
  EXPECT_EQ(y["multiline"]["match"].as<std::string>(), "after");
}

TEST(AutodiscoverHints, JsonOptionsNestUnderJson) {
  const auto y = overlay({{"co.elastic.logs/json.keys_under_root", "true"},
                          {"co.elastic.logs/json.add_error_key", " true "},
                          {"co.elastic.logs/json.message_key", "msg"}});
  EXPECT_TRUE(y["json"]["keys_under_root"].as<bool>());
  EXPECT_TRUE(y["json"]["add_error_key"].as<bool>());  // values are trimmed
  EXPECT_EQ(y["json"]["message_key"].as<std::string>(), "msg");
}

TEST(AutodiscoverHints, IncludeAndExcludeLinesAreCommaSeparatedTrimmedLists) {
  const auto y = overlay({{"co.elastic.logs/include_lines", "^ERR, ^WARN"}, {"co.elastic.logs/exclude_lines", "^DBG"}});
  ASSERT_EQ(y["include_lines"].size(), 2u);
  EXPECT_EQ(y["include_lines"][0].as<std::string>(), "^ERR");
  EXPECT_EQ(y["include_lines"][1].as<std::string>(), "^WARN");
  ASSERT_EQ(y["exclude_lines"].size(), 1u);
  EXPECT_EQ(y["exclude_lines"][0].as<std::string>(), "^DBG");
}

TEST(AutodiscoverHints, NumberedProcessorsComeInStringOrderThenNamedOnes) {
  const auto y = overlay({{"co.elastic.logs/processors.2.add_fields.fields.b", "2"},
                          {"co.elastic.logs/processors.1.dissect.tokenizer", "%{key1} %{key2}"},
                          {"co.elastic.logs/processors.10.drop_fields.fields", "x"},
                          {"co.elastic.logs/processors.rename.ignore_missing", "true"}});
  const auto p = y["processors"];
  ASSERT_EQ(p.size(), 4u);
  EXPECT_EQ(p[0]["dissect"]["tokenizer"].as<std::string>(), "%{key1} %{key2}");
  EXPECT_TRUE(p[1]["drop_fields"]) << "\"10\" sorts before \"2\" as in libbeat";
  EXPECT_EQ(p[2]["add_fields"]["fields"]["b"].as<int>(), 2);
  EXPECT_TRUE(p[3]["rename"]["ignore_missing"].as<bool>());
}

TEST(AutodiscoverHints, AProcessorGivenAsAJsonStringIsThatObject) {
  const auto y = overlay({{"co.elastic.logs/processors.drop_event", R"({"when":{"equals":{"log.level":"info"}}})"}});
  ASSERT_EQ(y["processors"].size(), 1u);
  EXPECT_EQ(y["processors"][0]["drop_event"]["when"]["equals"]["log.level"].as<std::string>(), "info");
}

TEST(AutodiscoverHints, AProcessorNumberWithoutAMapIsSkipped) {
  const auto y = overlay({{"co.elastic.logs/processors.1", "oops"}, {"co.elastic.logs/processors.2.drop_event", "{}"}});
  ASSERT_EQ(y["processors"].size(), 1u);
  EXPECT_TRUE(y["processors"][0]["drop_event"].IsMap());
}

TEST(AutodiscoverHints, ModuleAndOtherHintsAreWarnedAboutAndHaveNoEffect) {
  const auto h =
      parseLogsHints({{"co.elastic.logs/module", "nginx"}, {"co.elastic.logs/fileset.stdout", "access"}}, true);
  ASSERT_EQ(h.warnings.size(), 2u);
  EXPECT_NE(h.warnings[0].find("co.elastic.logs/fileset"), std::string::npos);
  EXPECT_NE(h.warnings[1].find("co.elastic.logs/module"), std::string::npos);
  EXPECT_EQ(hintsOverlayYaml(h), "{}");
}

TEST(AutodiscoverHints, QuotesAndColonsStayText) {
  const auto y = overlay({{"co.elastic.logs/multiline.pattern", "^\"ts\": [0-9]"}});
  EXPECT_EQ(y["multiline"]["pattern"].as<std::string>(), "^\"ts\": [0-9]");
}

}  // namespace
}  // namespace logship::tail::autodiscover
