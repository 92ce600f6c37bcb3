// add_labels: the cases of libbeat's processors/actions/add_labels_test.go and the add_labels
// docs (facts, not code): nested maps and lists flattened into dotted names, values as strings,
// merging with labels already there, two processors, `when`.
#include "tail/processor_fixture.h"
#include "tail/processor_pipeline.h"

namespace logship::tail {
namespace {

using AddLabelsTest = ProcessorTest;

TEST_F(AddLabelsTest, LabelsGoUnderLabelsAsStrings) {
  run("add_labels", "{labels: {label: test}}");
  EXPECT_EQ(live(), (Strings{"labels.label=\"test\""}));
}

TEST_F(AddLabelsTest, NestedMapsAndListsFlattenAndEveryValueIsAString) {
  // The docs' example: number, a dotted key, a nested map, a list with a map inside.
  run("add_labels",
      "{labels: {number: 1, with.dots: test, nested: {with.dots: nested}, array: [do, re, {with.field: mi}], "
      "flag: true}}");
  EXPECT_EQ(live(), (Strings{"labels.number=\"1\"", "labels.with.dots=\"test\"", "labels.nested.with.dots=\"nested\"",
                             "labels.array.0=\"do\"", "labels.array.1=\"re\"", "labels.array.2.with.field=\"mi\"",
                             "labels.flag=\"true\""}));
}

TEST_F(AddLabelsTest, MergesWithExistingLabelsAndReplacesSameNames) {
  event_.setRaw("labels.existing", "\"a\"");
  event_.setRaw("labels.label", "\"old\"");
  run("add_labels", "{labels: {label: test}}");
  EXPECT_EQ(live(), (Strings{"labels.existing=\"a\"", "labels.label=\"test\""}));
  // "merge labels": a second processor adds its own and replaces a shared name.
  run("add_labels", "{labels: {l1: a, lc: a}}");
  run("add_labels", "{labels: {l2: b, lc: b}}");
  EXPECT_EQ(event_.find("labels.l1")->value, "\"a\"");
  EXPECT_EQ(event_.find("labels.l2")->value, "\"b\"");
  EXPECT_EQ(event_.find("labels.lc")->value, "\"b\"");
}

TEST_F(AddLabelsTest, NeedsAMapOfLabels) {
  EXPECT_THROW(parse("add_labels", "{}"), config::ConfigError);
  EXPECT_THROW(parse("add_labels", "{labels: [a, b]}"), config::ConfigError);
  EXPECT_THROW(parse("add_labels", "{labels: x}"), config::ConfigError);
}

TEST(AddLabelsPipeline, EncodedUnderLabelsOnlyWhenTheConditionMatches) {
  ProcessorPipeline pipeline("- add_labels: {labels: {team: web, n: 3}, when: {contains: {message: GET}}}\n");
  const std::string shipped = pipeline.payload("GET /");
  EXPECT_NE(shipped.find(R"("labels":{"n":"3","team":"web"})"), std::string::npos) << shipped;
  const std::string other = pipeline.payload("POST /");
  EXPECT_EQ(other.find("labels"), std::string::npos) << other;
}

}  // namespace
}  // namespace logship::tail
