// add_tags as libbeat's processors/actions/add_tags (mapstr.AddTagsWithKey): create, append
// without de-duplication, custom target, a non-array field left as it is.
#include <gtest/gtest.h>

#include "logship/common/config.h"
#include "logship/tail/event.h"
#include "logship/tail/processor.h"

namespace logship::tail {
namespace {

struct AddTagsRun {
  explicit AddTagsRun(const std::string& yaml) {
    doc = config::Document::loadString("add_tags: " + yaml + "\n", "p.yml", {});
    processor = findProcessor("add_tags")->parse(doc->root().child("add_tags"));
  }
  std::string on(Event& event) const {
    processor->run(event);
    const Entry* e = event.find(target);
    return e ? std::string(e->value) : "(absent)";
  }
  std::unique_ptr<config::Document> doc;
  std::unique_ptr<const Processor> processor;
  std::string target = "tags";
};

TEST(AddTagsProcessor, CreatesThenAppendsWithoutDeduplicating) {
  const AddTagsRun add("{tags: [web, \"a\\\"b\"]}");
  Event e;
  EXPECT_EQ(add.on(e), R"(["web","a\"b"])");
  EXPECT_EQ(add.on(e), R"(["web","a\"b","web","a\"b"])");  // libbeat: "It does not deduplicate"
  Event with_input_tags;
  with_input_tags.setRaw("tags", R"(["json"])");
  EXPECT_EQ(add.on(with_input_tags), R"(["json","web","a\"b"])");
  Event empty;
  empty.setRaw("tags", "[ ]");
  EXPECT_EQ(add.on(empty), R"(["web","a\"b"])");
  EXPECT_EQ(*add.processor->addedFields(), std::vector<std::string>{"tags"});
}

TEST(AddTagsProcessor, TargetAndANonArrayFieldLeftAsItIs) {
  AddTagsRun add("{tags: [x], target: service.tags}");
  add.target = "service.tags";
  Event e;
  EXPECT_EQ(add.on(e), R"(["x"])");
  EXPECT_EQ(e.find("tags"), nullptr);
  Event scalar;
  scalar.setString("service.tags", "not a list");
  EXPECT_EQ(add.on(scalar), "not a list");  // AddTagsWithKey errs; add_tags ignores the error
  EXPECT_FALSE(scalar.has("error.message"));
  AddTagsRun empty_target("{tags: [y], target: \"\"}");
  Event root;
  EXPECT_EQ(empty_target.on(root), R"(["y"])");  // libbeat: an empty target is `tags`
}

TEST(AddTagsProcessor, TagsAreRequired) { EXPECT_THROW(AddTagsRun("{target: t}"), config::ConfigError); }

}  // namespace
}  // namespace logship::tail
