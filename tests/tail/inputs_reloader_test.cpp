// filebeat.config.inputs with reload: the InputsReloader (files added, changed, removed, rewritten
// with the same content, broken) on simulated time.
#include <filesystem>

#include <gtest/gtest.h>

#include "logship/common/time_source.h"
#include "logship/tail/inputs_reloader.h"
#include "support/paths.h"

namespace logship::tail {
namespace {

namespace fs = std::filesystem;
using logship::testing::TempDir;
using logship::testing::writeFile;
using std::chrono::seconds;

struct ReloaderRig {
  explicit ReloaderRig(const fs::path& dir) {
    fs::create_directories(dir / "inputs.d");
    settings.path = (dir / "inputs.d" / "*.yml").string();
    settings.reload = true;
    settings.period = seconds(10);
    general.tags = {"general"};
    reloader = std::make_unique<InputsReloader>(settings, general, metrics, clock);
  }
  // Advances one period and polls.
  std::optional<std::vector<InputSpec>> nextPeriod() {
    clock.advance(settings.period);
    return reloader->poll(clock.monotonicTime());
  }
  uint64_t errors() { return metrics.counter("logship_tail_config_reload_errors_total", "").value(); }
  SimulatedTimeSource clock;
  metrics::Registry metrics;
  ConfigInputsSettings settings;
  GeneralFields general;
  std::unique_ptr<InputsReloader> reloader;
};

std::string input(const std::string& path) { return "- type: log\n  paths: [" + path + "]\n"; }

TEST(InputsReloader, AddChangeSameContentRemoveOnItsPeriod) {
  TempDir dir;
  ReloaderRig rig(dir.path());
  EXPECT_TRUE(rig.reloader->load().empty());
  writeFile(dir / "inputs.d" / "a.yml", input("/logs/a.log"));
  // Not due yet: nothing is read before the period has passed.
  rig.clock.advance(seconds(9));
  EXPECT_FALSE(rig.reloader->poll(rig.clock.monotonicTime()));
  rig.clock.advance(seconds(1));
  auto added = rig.reloader->poll(rig.clock.monotonicTime());
  ASSERT_TRUE(added);
  ASSERT_EQ(added->size(), 1u);
  EXPECT_EQ(added->front().config->paths, std::vector<std::string>{"/logs/a.log"});
  EXPECT_EQ(added->front().config->tags, std::vector<std::string>{"general"});  // general fields apply
  EXPECT_EQ(added->front().origin, (dir / "inputs.d" / "a.yml").string());
  const std::string id = added->front().id;

  writeFile(dir / "inputs.d" / "a.yml", input("/logs/a.log"));  // rewritten, same content
  EXPECT_FALSE(rig.nextPeriod());

  writeFile(dir / "inputs.d" / "a.yml", "# a comment\n" + input("/logs/a.log"));  // same config
  auto same = rig.nextPeriod();
  ASSERT_TRUE(same);
  EXPECT_EQ(same->front().id, id);  // the hash of the config, not of the text

  writeFile(dir / "inputs.d" / "a.yml", input("/logs/a.log") + "  tail_files: true\n");
  auto changed = rig.nextPeriod();
  ASSERT_TRUE(changed);
  ASSERT_EQ(changed->size(), 1u);
  EXPECT_NE(changed->front().id, id);
  EXPECT_TRUE(changed->front().config->tail_files);

  fs::remove(dir / "inputs.d" / "a.yml");
  auto removed = rig.nextPeriod();
  ASSERT_TRUE(removed);
  EXPECT_TRUE(removed->empty());
  EXPECT_EQ(rig.errors(), 0u);
}

TEST(InputsReloader, ABrokenFileKeepsItsInputsAndIsCountedOnce) {
  TempDir dir;
  ReloaderRig rig(dir.path());
  writeFile(dir / "inputs.d" / "a.yml", input("/logs/a.log"));
  writeFile(dir / "inputs.d" / "b.yml", input("/logs/b.log"));
  ASSERT_EQ(rig.reloader->load().size(), 2u);
  writeFile(dir / "inputs.d" / "a.yml", "- type: log\n  paths: [/logs/a.log]\n  exclude_lines: ['(']\n");
  writeFile(dir / "inputs.d" / "b.yml", input("/logs/b2.log"));
  auto next = rig.nextPeriod();
  ASSERT_TRUE(next);  // b changed
  ASSERT_EQ(next->size(), 2u);
  EXPECT_EQ((*next)[0].config->paths, std::vector<std::string>{"/logs/a.log"});  // a's previous input
  EXPECT_EQ((*next)[1].config->paths, std::vector<std::string>{"/logs/b2.log"});
  EXPECT_EQ(rig.errors(), 1u);
  EXPECT_FALSE(rig.nextPeriod());  // still broken, unchanged: not parsed (nor logged) again
  EXPECT_EQ(rig.errors(), 1u);
  writeFile(dir / "inputs.d" / "a.yml", "not: [a list\n");  // YAML syntax error
  EXPECT_FALSE(rig.nextPeriod());
  EXPECT_EQ(rig.errors(), 2u);
  writeFile(dir / "inputs.d" / "a.yml", input("/logs/a3.log"));  // fixed
  auto fixed = rig.nextPeriod();
  ASSERT_TRUE(fixed);
  EXPECT_EQ((*fixed)[0].config->paths, std::vector<std::string>{"/logs/a3.log"});
}

TEST(InputsReloader, ABrokenNewFileStartsNothingAndDisabledInputsDoNotRun) {
  TempDir dir;
  ReloaderRig rig(dir.path());
  writeFile(dir / "inputs.d" / "bad.yml", "- type: log\n");  // no paths
  writeFile(dir / "inputs.d" / "off.yml", input("/logs/x.log") + "  enabled: false\n");
  writeFile(dir / "inputs.d" / "ignored.yaml", input("/logs/y.log"));  // not matched by *.yml
  EXPECT_TRUE(rig.reloader->load().empty());
  EXPECT_EQ(rig.errors(), 1u);
}

}  // namespace
}  // namespace logship::tail
