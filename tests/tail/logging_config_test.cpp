// Filebeat's logging.*: parsing and defaults, where logs go, rotating files with their
// permissions, selectors, warnings that a level of error does not hide, and the built binary.
#include "logship/tail/logging_config.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include "logship/common/logging.h"
#include "logship/tail/cli.h"
#include "logship/tail/config_warnings.h"
#include "logship/tail/tail_config.h"
#include "run_tail.h"
#include "support/paths.h"
#include "support/poll.h"

namespace logship::tail {
namespace {

using logship::testing::TempDir;
using logship::testing::writeFile;
namespace fs = std::filesystem;

const char* kConsole = "filebeat.inputs:\n- type: log\n  paths: [/nonexistent/*.log]\noutput.console: {}\n";

TailConfig load(const TempDir& dir, const std::string& yaml) {
  writeFile(dir / "filebeat.yml", std::string(kConsole) + yaml);
  return loadTailConfig(LoadArgs{(dir / "filebeat.yml").string(), {}, dir.path().string(), {}});
}

std::string loadError(const std::string& yaml) {
  TempDir dir;
  try {
    load(dir, yaml);
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  return "no error";
}

unsigned mode(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) return 0;
  return st.st_mode & 0777;
}

TEST(TailLoggingConfig, DefaultsAreFilebeats) {
  TempDir dir;
  const LoggingConfig c = load(dir, "").logging;
  EXPECT_EQ(c.level, "info");
  EXPECT_FALSE(c.to_files.has_value());
  EXPECT_EQ(c.files.path, dir.path().string() + "/logs");  // ${path.logs}
  EXPECT_EQ(c.files.name, "filebeat");
  EXPECT_EQ(c.files.rotate_every_bytes, 10u * 1024 * 1024);
  EXPECT_EQ(c.files.keep_files, 7u);
  EXPECT_EQ(c.files.permissions, 0600u);
  EXPECT_TRUE(c.files.rotate_on_startup);
  EXPECT_TRUE(c.metrics_enabled);
  EXPECT_EQ(c.metrics_period, std::chrono::seconds(30));
}

TEST(TailLoggingConfig, ReadsEveryKey) {
  TempDir dir;
  const TailConfig t = load(dir,
                            "path.logs: /var/log/x\n"
                            "logging:\n  level: debug\n  json: true\n  selectors: [kafka, registrar]\n"
                            "  to_files: true\n  to_syslog: false\n  to_stderr: false\n"
                            "  files:\n    name: tail\n    rotateeverybytes: 1MiB\n    keepfiles: 3\n"
                            "    permissions: 0640\n    rotateonstartup: false\n    interval: 24h\n"
                            "  metrics:\n    enabled: false\n    period: 10s\n");
  const LoggingConfig& c = t.logging;
  EXPECT_EQ(c.level, "debug");
  EXPECT_TRUE(c.json);
  EXPECT_EQ(c.selectors, (std::vector<std::string>{"kafka", "registrar"}));
  EXPECT_EQ(c.to_files, true);
  EXPECT_EQ(c.files.path, "/var/log/x");
  EXPECT_EQ(c.files.name, "tail");
  EXPECT_EQ(c.files.rotate_every_bytes, 1024u * 1024);
  EXPECT_EQ(c.files.keep_files, 3u);
  EXPECT_EQ(c.files.permissions, 0640u);
  EXPECT_FALSE(c.files.rotate_on_startup);
  EXPECT_FALSE(c.metrics_enabled);
  EXPECT_EQ(c.metrics_period, std::chrono::seconds(10));
  // interval is accepted without effect and says so.
  bool interval_warned = false;
  for (const auto& w : t.warnings)
    interval_warned |= w.rfind("logging.files.interval: accepted, has no effect", 0) == 0;
  EXPECT_TRUE(interval_warned);
}

TEST(TailLoggingConfig, PermissionsAreOctalAsInYaml11) {
  TempDir dir;
  EXPECT_EQ(load(dir, "logging.files.permissions: 0o644\n").logging.files.permissions, 0644u);
  EXPECT_EQ(load(dir, "logging.files.permissions: 416\n").logging.files.permissions, 0640u);
}

TEST(TailLoggingConfig, BadValuesNameFileLineAndKey) {
  EXPECT_NE(loadError("logging.files.keepfiles: 1\n").find(":5:26: logging.files.keepfiles: expected 2 to 1024"),
            std::string::npos)
      << loadError("logging.files.keepfiles: 1\n");
  EXPECT_NE(loadError("logging.files.permissions: 0999\n").find("logging.files.permissions: expected file permissions"),
            std::string::npos);
  EXPECT_NE(loadError("logging.files.rotateeverybytes: big\n").find("logging.files.rotateeverybytes: expected a size"),
            std::string::npos);
  EXPECT_NE(loadError("logging.metrics.period: 10ms\n").find("logging.metrics.period: must be at least 1s"),
            std::string::npos);
  EXPECT_NE(loadError("logging.to_files: maybe\n").find("logging.to_files: expected true or false"), std::string::npos);
}

TEST(TailLoggingConfig, OutputIsChosenAsLibbeatDoesWithStderrAsTheDefault) {
  LoggingConfig c;
  EXPECT_EQ(logOutput(c, false, ""), LogOutput::kStderr);  // logship's default (Filebeat: files)
  EXPECT_EQ(logOutput(c, false, "container"), LogOutput::kStderr);
  EXPECT_EQ(logOutput(c, false, "systemd"), LogOutput::kStderr);
  EXPECT_EQ(logOutput(c, false, "default"), LogOutput::kFiles);
  EXPECT_EQ(logOutput(c, false, "macos_service"), LogOutput::kFiles);
  c.to_files = true;
  EXPECT_EQ(logOutput(c, false, ""), LogOutput::kFiles);
  EXPECT_EQ(logOutput(c, false, "systemd"), LogOutput::kFiles);  // set in the file: it wins over the environment
  EXPECT_EQ(logOutput(c, true, ""), LogOutput::kStderr);         // -e wins over everything
  c.to_syslog = true;
  EXPECT_EQ(logOutput(c, false, ""), LogOutput::kSyslog);  // syslog before files
  c.to_stderr = true;
  EXPECT_EQ(logOutput(c, false, ""), LogOutput::kStderr);
}

class LogFiles : public ::testing::Test {
 protected:
  void TearDown() override { log::setup({}); }  // back to stderr for the other tests
  void writeLines(int n) {
    auto logger = log::get("tail");
    for (int i = 0; i < n; ++i) log::info(*logger, "a line long enough to fill the file quickly", {{"i", i}});
    logger->flush();
  }
  TempDir dir_;
};

TEST_F(LogFiles, RotateAtRotateEveryBytesKeepingKeepfilesWithThePermissions) {
  LoggingConfig c;
  c.files.path = (dir_ / "logs").string();  // created
  c.files.name = "tail";
  c.files.rotate_every_bytes = 1000;
  c.files.keep_files = 2;
  c.files.permissions = 0640;
  log::setup({"info", false, makeLogSink(c, LogOutput::kFiles)});
  writeLines(100);  // ~8 KB: several rotations
  const fs::path logs = dir_ / "logs";
  EXPECT_TRUE(fs::exists(logs / "tail"));
  EXPECT_TRUE(fs::exists(logs / "tail.1"));
  EXPECT_TRUE(fs::exists(logs / "tail.2"));
  EXPECT_FALSE(fs::exists(logs / "tail.3"));  // keepfiles rotated files, older ones deleted
  for (const char* f : {"tail", "tail.1", "tail.2"}) {
    EXPECT_LE(fs::file_size(logs / f), 1000u) << f;
    EXPECT_EQ(mode(logs / f), 0640u) << f;
  }
  std::ifstream last(logs / "tail");
  std::stringstream text;
  text << last.rdbuf();
  EXPECT_NE(text.str().find("INFO  [tail] a line long enough to fill the file quickly i=99"), std::string::npos)
      << text.str();
}

TEST_F(LogFiles, RotateOnStartupMovesTheLastRunsFileAside) {
  writeFile(dir_ / "filebeat", "the previous run\n");
  LoggingConfig c;
  c.files.path = dir_.path().string();
  log::setup({"info", false, makeLogSink(c, LogOutput::kFiles)});
  writeLines(1);
  EXPECT_EQ(mode(dir_ / "filebeat"), 0600u);
  std::ifstream previous(dir_ / "filebeat.1");
  std::string line;
  std::getline(previous, line);
  EXPECT_EQ(line, "the previous run");
}

TEST_F(LogFiles, AnInfoLineReachesTheFileWithoutAFlushOrAWarning) {
  LoggingConfig c;
  c.files.path = dir_.path().string();
  log::setup({"info", false, makeLogSink(c, LogOutput::kFiles)});
  log::info(*log::get("tail"), "one quiet line");  // no flush: the daemon would keep running
  const auto in_file = [&] {
    std::ifstream f(dir_ / "filebeat");
    std::stringstream text;
    text << f.rdbuf();
    return text.str().find("one quiet line") != std::string::npos;
  };
  EXPECT_TRUE(logship::testing::pollUntil(in_file, std::chrono::seconds(10)));
}

TEST_F(LogFiles, AFileThatCannotBeOpenedIsAnError) {
  writeFile(dir_ / "occupied", "a file where the directory would go\n");
  LoggingConfig c;
  c.files.path = (dir_ / "occupied").string();
  EXPECT_THROW(makeLogSink(c, LogOutput::kFiles), Error);
}

TEST(TailLoggingSelectors, FileSelectorsCountAtDebugAsFilebeats) {
  const CommandLine none;
  const LogLevels only_kafka = logLevels(none, "debug", {"kafka", "registrar"});
  EXPECT_EQ(only_kafka.level, "info");  // the other components stay at info
  EXPECT_EQ(only_kafka.debug_components, (std::vector<std::string>{"kafka", "registry"}));
  EXPECT_EQ(logLevels(none, "debug", {"*"}).level, "debug");
  EXPECT_EQ(logLevels(none, "debug", {}).level, "debug");
  const LogLevels at_info = logLevels(none, "info", {"kafka"});  // selectors need level debug
  EXPECT_EQ(at_info.level, "info");
  EXPECT_TRUE(at_info.debug_components.empty());
  EXPECT_EQ(logLevels(none, "debug", {"nosuch"}).unmatched_selectors, std::vector<std::string>{"nosuch"});
  CommandLine d;
  d.debug_selectors = {"publisher"};  // -d adds to the file's selectors
  EXPECT_EQ(logLevels(d, "debug", {"kafka"}).debug_components, (std::vector<std::string>{"tail", "kafka"}));
}

TEST(TailConfigWarnings, AreLoggedEvenAtLevelError) {
  std::ostringstream out;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out);
  log::setup({"error", false, sink});
  auto logger = log::get("config");
  log::warn(*logger, "an ordinary warning");
  logConfigWarnings({"frobnicate: not supported by logship-tail, ignored"}, "/etc/filebeat.yml", *logger);
  log::warn(*logger, "another ordinary warning");
  logger->flush();
  log::setup({});
  EXPECT_EQ(out.str().find("ordinary"), std::string::npos) << out.str();  // the level still applies to them
  EXPECT_NE(
      out.str().find("WARN  [config] frobnicate: not supported by logship-tail, ignored config=/etc/filebeat.yml"),
      std::string::npos)
      << out.str();
}

using testing::runTailBinary;

TEST(TailLoggingProcess, CheckPrintsConfigWarningsAtLevelError) {
  TempDir dir;
  writeFile(dir / "filebeat.yml", std::string(kConsole) + "logging.level: error\nfrobnicate: 1\n");
  const auto r = runTailBinary("--strict.perms=false -c " + (dir / "filebeat.yml").string() + " --check");
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_NE(r.out.find("frobnicate: not supported by logship-tail, ignored"), std::string::npos) << r.out;
}

TEST(TailLoggingProcess, ToFilesWritesTheLogFileAndDashEKeepsStderr) {
  TempDir dir;
  const auto logs = dir / "logs";
  writeFile(dir / "filebeat.yml", std::string(kConsole) + "logging.to_files: true\nlogging.files.path: " +
                                      logs.string() + "\nfilebeat.registry.flush: 0s\n");
  const std::string args = "--strict.perms=false --path.data " + (dir / "data").string() + " -c " +
                           (dir / "filebeat.yml").string() + " --once";
  const auto r = runTailBinary(args);
  EXPECT_EQ(r.status, 0) << r.out;
  EXPECT_EQ(r.out.find("logship-tail started"), std::string::npos) << r.out;  // not on stderr
  std::ifstream file(logs / "filebeat");
  std::stringstream text;
  text << file.rdbuf();
  EXPECT_NE(text.str().find("logship-tail started"), std::string::npos) << text.str();
  EXPECT_EQ(mode(logs / "filebeat"), 0600u);
  const auto e = runTailBinary("-e " + args);
  EXPECT_NE(e.out.find("logship-tail started"), std::string::npos) << e.out;
}

TEST(TailLoggingProcess, BadLoggingValueExits2WithOneLine) {
  TempDir dir;
  writeFile(dir / "filebeat.yml", std::string(kConsole) + "logging:\n  files:\n    keepfiles: 5000\n");
  const auto r = runTailBinary("--strict.perms=false -c " + (dir / "filebeat.yml").string() + " --check");
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, (dir / "filebeat.yml").string() + ":7:16: logging.files.keepfiles: expected 2 to 1024\n");
}

}  // namespace
}  // namespace logship::tail
