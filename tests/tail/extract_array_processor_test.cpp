// extract_array: elements of a raw JSON array field copied to their own fields, with libbeat's
// options and error messages (libbeat/processors/extract_array).
#include "tail/processor_fixture.h"

namespace logship::tail {
namespace {

class ExtractArrayTest : public ProcessorTest {
 protected:
  // Runs extract_array configured by `yaml` on the event built so far.
  void run(const std::string& yaml) { ProcessorTest::run("extract_array", yaml); }
  std::string value(std::string_view key) const {
    const Entry* e = event_.find(key);
    return e ? std::string(e->value) : "<missing>";
  }
  std::string error() const { return value("error.message"); }
};

// The example of Filebeat's extract_array docs page.
TEST_F(ExtractArrayTest, DocsExampleFillsFieldsFromIndexes) {
  event_.setRaw("my_array", R"(["10.1.1.1", "10.2.2.2" ,"tcp", {"a": [1, "]"]}])");
  run("{field: my_array, mappings: {source.ip: 0, destination.ip: 1, network.transport: 2, nested: 3}}");
  EXPECT_EQ(value("source.ip"), "\"10.1.1.1\"");
  EXPECT_EQ(value("destination.ip"), "\"10.2.2.2\"");
  EXPECT_EQ(value("network.transport"), "\"tcp\"");
  EXPECT_EQ(value("nested"), R"({"a": [1, "]"]})");
  EXPECT_EQ(event_.find("source.ip")->kind, Entry::Kind::kRaw);
  EXPECT_FALSE(event_.has("error.message"));
  EXPECT_EQ(*processor_->addedFields(),
            (std::vector<std::string>{"source.ip", "destination.ip", "network.transport", "nested"}));
}

TEST_F(ExtractArrayTest, MissingFieldIsAnErrorUnlessIgnored) {
  run("{field: nope, mappings: {a: 0}}");
  EXPECT_EQ(error(), "could not fetch value for field nope: key not found");
  event_.clear();
  run("{field: nope, mappings: {a: 0}, ignore_missing: true}");
  EXPECT_FALSE(event_.has("error.message"));
}

TEST_F(ExtractArrayTest, NotAnArrayFailsOnlyWithFailOnError) {
  event_.setString("f", "[1]");  // a string that looks like an array is still a string
  run("{field: f, mappings: {a: 0}}");
  EXPECT_EQ(error(), "unsupported type for field f: got: string needed: array");
  EXPECT_FALSE(event_.has("a"));
  event_.clear();
  event_.setString("f", "x");
  run("{field: f, mappings: {a: 0}, fail_on_error: false}");
  EXPECT_FALSE(event_.has("error.message"));
}

// With fail_on_error, a failing mapping leaves the event as it was (libbeat returns its copy).
TEST_F(ExtractArrayTest, OutOfRangeIndexRollsBackOrIsSkipped) {
  event_.setRaw("f", "[1, 2]");
  run("{field: f, mappings: {a: 0, b: 5}}");
  EXPECT_EQ(error(), "index 5 exceeds length of 2 when processing mapping for field b");
  EXPECT_FALSE(event_.has("a"));
  event_.clear();
  event_.setRaw("f", "[1, 2]");
  run("{field: f, mappings: {a: 0, b: 5}, fail_on_error: false}");
  EXPECT_EQ(value("a"), "1");
  EXPECT_FALSE(event_.has("b"));
  EXPECT_FALSE(event_.has("error.message"));
}

TEST_F(ExtractArrayTest, ExistingTargetNeedsOverwriteKeys) {
  event_.setRaw("f", "[1, 2]");
  event_.setString("b", "old");
  run("{field: f, mappings: {a: 0, b: 1}}");
  EXPECT_EQ(error(), "target field b already has a value. Set the overwrite_keys flag or drop/rename the field first");
  EXPECT_FALSE(event_.has("a"));
  EXPECT_EQ(value("b"), "old");
  event_.remove("error.message");
  run("{field: f, mappings: {a: 0, b: 1}, fail_on_error: false}");
  EXPECT_EQ(value("a"), "1");
  EXPECT_EQ(value("b"), "old");
  run("{field: f, mappings: {b: 1}, overwrite_keys: true}");
  EXPECT_EQ(value("b"), "2");
  EXPECT_FALSE(event_.has("error.message"));
}

TEST_F(ExtractArrayTest, OmitEmptyLeavesOutEmptyCells) {
  event_.setRaw("f", R"(["", [], {}, null, 0, "x"])");
  run("{field: f, mappings: {a: 0, b: 1, c: 2, d: 3, e: 4, g: 5}, omit_empty: true}");
  for (const char* k : {"a", "b", "c", "d"}) EXPECT_FALSE(event_.has(k)) << k;
  EXPECT_EQ(value("e"), "0");
  EXPECT_EQ(value("g"), "\"x\"");
  event_.clear();
  event_.setRaw("f", R"(["", null])");
  run("{field: f, mappings: {a: 0, d: 1}}");
  EXPECT_EQ(value("a"), "\"\"");
  EXPECT_EQ(value("d"), "null");
}

// go-ucfg splits dotted keys of filebeat.yml into nested maps; the mappings flatten back.
TEST_F(ExtractArrayTest, NestedMappingsFlattenToDottedTargets) {
  event_.setRaw("f", "[7]");
  run("{field: f, mappings: {source: {port: 0}}}");
  EXPECT_EQ(value("source.port"), "7");
}

TEST(ExtractArrayParse, BadConfigFailsNamingTheKey) {
  const auto fails = [](const std::string& yaml) {
    auto doc = config::Document::loadString("extract_array:\n" + yaml, "p.yml", {});
    try {
      findProcessor("extract_array")->parse(doc->root().child("extract_array"));
    } catch (const config::ConfigError& e) {
      return e.path() + "@" + std::to_string(e.line());
    }
    return std::string("accepted");
  };
  EXPECT_EQ(fails("  field: f\n  mappings: {a: -1}\n"), "extract_array.mappings.a@3");
  EXPECT_EQ(fails("  field: f\n  mappings: {a: x}\n"), "extract_array.mappings.a@3");
  EXPECT_EQ(fails("  field: f\n  mappings: {}\n").substr(0, 13), "extract_array");
  EXPECT_EQ(fails("  mappings: {a: 0}\n").substr(0, 13), "extract_array");
}

}  // namespace
}  // namespace logship::tail
