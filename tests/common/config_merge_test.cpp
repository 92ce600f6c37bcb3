// Several config files merged as Filebeat merges repeated -c (go-ucfg's default merge).
#include <gtest/gtest.h>

#include "logship/common/config.h"
#include "support/paths.h"

namespace logship::config {
namespace {

using logship::testing::TempDir;

class ConfigMerge : public ::testing::Test {
 protected:
  std::string write(const std::string& name, const std::string& yaml) {
    const auto file = (dir_ / name).string();
    logship::testing::writeFile(file, yaml);
    return file;
  }
  std::unique_ptr<Document> load(const std::vector<std::string>& files, std::vector<std::string> overrides = {}) {
    LoadOptions options;
    options.split_dotted_keys = true;
    options.overrides = std::move(overrides);
    return Document::loadFiles(files, options);
  }
  // The ConfigError's message of reading `read` from the merged files.
  template <typename Read>
  std::string failure(const std::vector<std::string>& files, Read read) {
    auto doc = load(files);
    try {
      read(doc->root());
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "no error";
  }
  TempDir dir_;
};

TEST_F(ConfigMerge, LaterFilesOverrideScalarsAndMapsMergeKeyByKey) {
  const auto base = write("base.yml", "output.kafka:\n  hosts: [\"a:9092\"]\n  topic: base\nname: one\n");
  const auto local = write("local.yml", "output.kafka.topic: local\nlogging.level: debug\n");
  auto doc = load({base, local});
  const Node kafka = doc->root()["output"]["kafka"];
  EXPECT_EQ(kafka["topic"].str(), "local");
  EXPECT_EQ(kafka["hosts"].strings(), std::vector<std::string>{"a:9092"});
  EXPECT_EQ(doc->root()["name"].str(), "one");
  EXPECT_EQ(doc->root()["logging"]["level"].str(), "debug");
}

TEST_F(ConfigMerge, ListsMergeItemByItemAndTheLongerRestIsKept) {
  const auto a = write("a.yml",
                       "filebeat.inputs:\n- type: log\n  paths: [/a/*.log]\n  tags: [x, y, z]\n"
                       "- type: log\n  paths: [/b/*.log]\n");
  const auto b = write("b.yml", "filebeat.inputs:\n- tags: [w]\n- paths: [/c/*.log]\n- paths: [/d/*.log]\n");
  auto doc = load({a, b});
  const auto inputs = doc->root()["filebeat"]["inputs"].items();
  ASSERT_EQ(inputs.size(), 3u);
  EXPECT_EQ(inputs[0]["paths"].strings(), std::vector<std::string>{"/a/*.log"});
  // go-ucfg merges the lists of one item too: index 0 replaced, 1 and 2 kept.
  EXPECT_EQ(inputs[0]["tags"].strings(), (std::vector<std::string>{"w", "y", "z"}));
  EXPECT_EQ(inputs[1]["paths"].strings(), std::vector<std::string>{"/c/*.log"});
  EXPECT_EQ(inputs[1]["type"].str(), "log");
  EXPECT_EQ(inputs[2]["paths"].strings(), std::vector<std::string>{"/d/*.log"});
}

TEST_F(ConfigMerge, AnEmptyValueInALaterFileChangesNothing) {
  const auto a = write("a.yml", "name: one\n");
  const auto b = write("b.yml", "name:\n");
  EXPECT_EQ(load({a, b})->root()["name"].str(), "one");
}

TEST_F(ConfigMerge, OverridesApplyToTheMergedResult) {
  const auto a = write("a.yml", "name: one\n");
  const auto b = write("b.yml", "name: two\n");
  EXPECT_EQ(load({a, b}, {"name=three"})->root()["name"].str(), "three");
}

TEST_F(ConfigMerge, ErrorsNameTheFileAndLineEachKeyCameFrom) {
  const auto a = write("a.yml", "queue.mem.events: many\nhttp:\n  port: 5066\n");
  const auto b = write("b.yml", "# local\nhttp.port: lots\n");
  EXPECT_EQ(failure({a, b}, [](const Node& r) { r["http"]["port"].integer(0); }),
            b + ":2:12: http.port: expected an integer, got \"lots\"");
  EXPECT_EQ(failure({a, b}, [](const Node& r) { r["queue"]["mem"]["events"].integer(0); }),
            a + ":1:19: queue.mem.events: expected an integer, got \"many\"");
}

TEST_F(ConfigMerge, ErrorsInsideAMergedListItemNameTheFileThatSetTheKey) {
  const auto a = write("a.yml", "filebeat.inputs:\n- type: log\n  paths: [/a]\n");
  const auto b = write("b.yml", "filebeat.inputs:\n- max_bytes: huge\n");
  const auto item = [](const Node& r) { return r["filebeat"]["inputs"].items().at(0); };
  EXPECT_EQ(failure({a, b}, [&](const Node& r) { item(r)["max_bytes"].bytes(0); }),
            b + ":2:14: filebeat.inputs[0].max_bytes: expected a size such as 1048576 or 10MiB, got \"huge\"");
  EXPECT_EQ(failure({a, b}, [&](const Node& r) { item(r)["type"].oneOf({"filestream"}, "filestream"); }),
            a + ":2:9: filebeat.inputs[0].type: expected one of filestream, got \"log\"");
}

TEST_F(ConfigMerge, ASyntaxErrorNamesItsFile) {
  const auto a = write("a.yml", "name: one\n");
  const auto b = write("b.yml", "name: [unclosed\n");
  try {
    load({a, b});
    FAIL() << "loaded";
  } catch (const ConfigError& e) {
    EXPECT_EQ(e.file(), b);
  }
}

}  // namespace
}  // namespace logship::config
