// filebeat.config.inputs / .modules / autodiscover in filebeat.yml, and the refusal of a config
// where no input can ever run: loadTailConfig, and the built binary's --check (exit 2, one line).
#include <algorithm>
#include <filesystem>

#include <gtest/gtest.h>

#include "logship/tail/config_inputs.h"
#include "logship/tail/tail_config.h"
#include "run_tail.h"
#include "support/paths.h"
#include "tail/tail_test_util.h"

namespace logship::tail {
namespace {

namespace fs = std::filesystem;
using logship::testing::TempDir;
using logship::testing::writeFile;

const std::string kOutput = "output.console: {}\n";

TailConfig loadIn(const TempDir& dir, const std::string& yaml) { return testing::loadConfigIn(dir, yaml); }

// The one line a start would fail with (loading, or nothing to read); "" when it would start.
std::string errorOf(const TempDir& dir, const std::string& yaml) {
  try {
    requireAnInput(loadIn(dir, yaml));
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(ConfigInputs, WithoutReloadTheFilesInputsLoadOnceRelativeToPathConfig) {
  TempDir dir;
  fs::create_directories(dir / "inputs.d");
  writeFile(dir / "inputs.d" / "a.yml", "- type: log\n  paths: [/logs/a.log]\n  fields: {app: a}\n");
  writeFile(dir / "inputs.d" / "b.yml",
            "- type: filestream\n  id: b\n  paths: [/logs/b.log]\n- paths: [/off]\n  enabled: false\n");
  const TailConfig c =
      loadIn(dir,
             "filebeat.inputs:\n- paths: [/logs/main.log]\nfilebeat.config.inputs:\n  path: inputs.d/*.yml\n"
             "tags: [t]\n" +
                 kOutput);
  ASSERT_EQ(c.inputs.size(), 3u);
  EXPECT_EQ(c.inputs[1].paths, std::vector<std::string>{"/logs/a.log"});
  EXPECT_EQ(c.inputs[1].tags, std::vector<std::string>{"t"});  // general tags apply to them too
  EXPECT_EQ(c.inputs[2].type, "filestream");
  EXPECT_EQ(c.config_inputs.path, (dir / "inputs.d" / "*.yml").string());
  EXPECT_FALSE(c.config_inputs.reload);
  EXPECT_EQ(c.config_inputs.period, std::chrono::seconds(10));
  EXPECT_NO_THROW(requireAnInput(c));
}

TEST(ConfigInputs, WithReloadTheFilesAreCheckedButLeftToTheReloader) {
  TempDir dir;
  fs::create_directories(dir / "conf.d");
  writeFile(dir / "conf.d" / "a.yml", "- paths: [/logs/a.log]\n");
  const TailConfig c = loadIn(dir,
                              "filebeat.config.inputs:\n  path: ${path.config}/conf.d/*.yml\n  reload.enabled: true\n"
                              "  reload.period: 1s\n" +
                                  kOutput);
  EXPECT_TRUE(c.inputs.empty());
  EXPECT_TRUE(c.config_inputs.reload);
  EXPECT_EQ(c.config_inputs.period, std::chrono::seconds(1));
  EXPECT_EQ(c.config_inputs.builtins.at("path.config"), dir.path().string());
  EXPECT_NO_THROW(requireAnInput(c));  // files may appear later
}

TEST(ConfigInputs, ABadFileAtStartNamesFileLineAndKey) {
  TempDir dir;
  fs::create_directories(dir / "inputs.d");
  writeFile(dir / "inputs.d" / "a.yml", "- type: log\n  paths: [/x]\n  multiline.pattern: '['\n");
  for (const std::string reload : {"false", "true"}) {
    const std::string e =
        errorOf(dir, "filebeat.config.inputs:\n  path: inputs.d/*.yml\n  reload.enabled: " + reload + "\n" + kOutput);
    EXPECT_EQ(e.rfind((dir / "inputs.d" / "a.yml").string() + ":3:", 0), 0u) << e;
    EXPECT_NE(e.find("[0].multiline.pattern"), std::string::npos) << e;
  }
  writeFile(dir / "inputs.d" / "a.yml", "type: log\n");  // a map, not a list of inputs
  const std::string map = errorOf(dir, "filebeat.config.inputs.path: inputs.d/*.yml\n" + kOutput);
  EXPECT_NE(map.find("a.yml:1:7: type: expected a list of inputs"), std::string::npos) << map;
}

TEST(ConfigInputs, NothingToReadIsRefused) {
  TempDir dir;
  EXPECT_NE(errorOf(dir, kOutput).find("no enabled input, no filebeat.config.inputs path"), std::string::npos);
  const std::string disabled = errorOf(dir, "filebeat.inputs:\n- paths: [/x]\n  enabled: false\n" + kOutput);
  EXPECT_EQ(disabled.rfind((dir / "filebeat.yml").string() + ":2:11: filebeat.inputs: no enabled input", 0), 0u)
      << disabled;
  // filebeat.config.inputs without reload whose files hold no enabled input: nothing ever runs.
  const std::string empty = errorOf(dir, "filebeat.config.inputs:\n  path: none.d/*.yml\n" + kOutput);
  EXPECT_NE(empty.find(":2:9: filebeat.config.inputs.path: no file matched"), std::string::npos) << empty;
  EXPECT_EQ(errorOf(dir, "filebeat.config.inputs:\n  path: none.d/*.yml\n  reload.enabled: true\n" + kOutput), "");
  EXPECT_EQ(errorOf(dir, "filebeat.inputs:\n- paths: [/x]\n" + kOutput), "");
}

TEST(ConfigInputs, AutodiscoverProvidersOtherThanDockerAreRefusedNamingTheProvider) {
  TempDir dir;
  const std::string inputs = "filebeat.inputs:\n- paths: [/x]\n";
  const std::string kubernetes =
      errorOf(dir, inputs + "filebeat.autodiscover:\n  providers:\n    - type: kubernetes\n      node: n\n" + kOutput);
  EXPECT_NE(kubernetes.find(":5:13: filebeat.autodiscover.providers[0].type: the kubernetes"), std::string::npos)
      << kubernetes;
  // The docker provider runs: it alone is something to read.
  const TailConfig docker =
      loadIn(dir, "filebeat.autodiscover.providers:\n  - type: docker\n    hints.enabled: true\n" + kOutput);
  ASSERT_EQ(docker.autodiscover.size(), 1u);
  EXPECT_EQ(errorOf(dir, "filebeat.autodiscover.providers:\n  - type: docker\n    hints.enabled: true\n" + kOutput),
            "");
  const std::string useless = errorOf(dir, "filebeat.autodiscover.providers:\n  - type: docker\n" + kOutput);
  EXPECT_NE(useless.find("filebeat.yml:2:"), std::string::npos) << useless;
  EXPECT_NE(useless.find(": filebeat.autodiscover.providers[0]: no templates and hints.enabled is false"),
            std::string::npos)
      << useless;
  EXPECT_NE(errorOf(dir, inputs + "filebeat.autodiscover.providers: [{type: nomad}]\n" + kOutput)
                .find("autodiscover provider \"nomad\" is not supported"),
            std::string::npos);
  // No provider: nothing is discovered, and --check says so.
  const TailConfig none = loadIn(dir, inputs + "filebeat.autodiscover: {providers: []}\n" + kOutput);
  EXPECT_TRUE(std::any_of(none.warnings.begin(), none.warnings.end(), [](const std::string& w) {
    return w.rfind("filebeat.autodiscover: accepted, has no effect", 0) == 0;
  }));
}

TEST(ConfigInputs, Filebeat6ConfigProspectorsAreReadAsInputFiles) {
  TempDir dir;
  fs::create_directories(dir / "prospectors.d");
  writeFile(dir / "prospectors.d" / "a.yml", "- input_type: log\n  paths: [/logs/a.log]\n");
  const TailConfig c = loadIn(dir, "filebeat.config.prospectors:\n  path: prospectors.d/*.yml\n" + kOutput);
  ASSERT_EQ(c.inputs.size(), 1u);
  EXPECT_EQ(c.inputs[0].paths, std::vector<std::string>{"/logs/a.log"});
  EXPECT_TRUE(std::any_of(c.warnings.begin(), c.warnings.end(), [](const std::string& w) {
    return w.rfind("filebeat.config.prospectors: deprecated", 0) == 0;
  }));
}

TEST(ConfigInputs, ModulesHaveNoEffectAndAnEnabledModuleFileIsRefused) {
  TempDir dir;
  const std::string yaml =
      "filebeat.inputs:\n- paths: [/x]\nfilebeat.config.modules:\n  path: ${path.config}/modules.d/*.yml\n"
      "  reload.enabled: false\n" +
      kOutput;
  const TailConfig c = loadIn(dir, yaml);
  bool named = false;
  for (const auto& w : c.warnings) named = named || w.rfind("filebeat.config.modules: accepted, has no effect", 0) == 0;
  EXPECT_TRUE(named);
  fs::create_directories(dir / "modules.d");
  writeFile(dir / "modules.d" / "nginx.yml.disabled", "- module: nginx\n");
  writeFile(dir / "modules.d" / "system.yml", "- module: system\n  enabled: false\n");
  EXPECT_NO_THROW(loadIn(dir, yaml));
  writeFile(dir / "modules.d" / "nginx.yml", "- module: nginx\n  access:\n    enabled: true\n");
  const std::string refused = errorOf(dir, yaml);
  EXPECT_NE(refused.find("nginx.yml:1:11: [0].module: module \"nginx\" is enabled"), std::string::npos) << refused;
}

TEST(ConfigInputsProcess, CheckExits2WithOneLineWhenNothingCanRun) {
  TempDir dir;
  writeFile(dir / "filebeat.yml", "filebeat.inputs: []\n" + kOutput);
  const auto r = testing::runTailBinary("-strict.perms=false -c " + (dir / "filebeat.yml").string() + " --check");
  EXPECT_EQ(r.status, 2) << r.out;
  EXPECT_EQ(r.out.find("Config OK"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("filebeat.inputs: no enabled input"), std::string::npos) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
}

}  // namespace
}  // namespace logship::tail
