// Taking over from Filebeat: its registry formats, as Filebeat writes them, and a first start that
// continues each file at Filebeat's offset.
#include "logship/tail/filebeat_registry.h"

#include <algorithm>
#include <filesystem>
#include <fstream>

#include <sys/stat.h>

#include <gtest/gtest.h>

#include "logship/common/lifecycle.h"
#include "logship/tail/tail_app.h"
#include "support/paths.h"
#include "tail/filebeat_registry_writers.h"

namespace logship::tail {
namespace {

namespace fs = std::filesystem;
using logship::testing::TempDir;
using logship::testing::writeFile;
using namespace testing::filebeat_registry;

const FilebeatFileState* byInode(const FilebeatRegistryData& d, uint64_t inode) {
  for (const auto& s : d.states)
    if (s.inode == inode) return &s;
  return nullptr;
}

TEST(FilebeatRegistry, MemlogCheckpointThenLogOpsAndAHalfWrittenLastLine) {
  TempDir dir;
  writeFile(dir / "meta.json", "{\"version\":\"1\"}");
  writeFile(dir / "2.json", "[\n" + entry(logKey(10, 2049), logValue("/old", 1, 10, 2049)) + "\n]");  // superseded
  writeFile(dir / "5.json", "[\n" + entry(logKey(10, 2049), logValue("/var/log/a.log", 100, 10, 2049)) + ",\n" +
                                entry(logKey(11, 2049), logValue("/var/log/b.log", 50, 11, 2049)) + ",\n" +
                                entry(logKey(12, 2049), logValue("/var/log/c.log", 7, 12, 2049)) + "\n]");
  writeFile(
      dir / "log.json",
      op("set", 4, logKey(10, 2049), logValue("/var/log/a.log", 1, 10, 2049)) +  // older than checkpoint 5
          op("set", 6, logKey(10, 2049), logValue("/var/log/a.log", 120, 10, 2049)) +
          op("remove", 7, logKey(11, 2049)) +
          op("set", 8, "filestream::my-input::native::13-2050",
             "{\"ttl\":-1,\"updated\":[507500968,1701686520],\"cursor\":{\"offset\":914},"
             "\"meta\":{\"source\":\"/var/log/d.log\",\"identifier_name\":\"native\"}}") +
          op("set", 9, "filestream::fp::fingerprint::688797f8b82fa9513d36f6ad50aaa486f3cf46c1bc67952f7b1e094b7823a99f",
             "{\"ttl\":-1,\"cursor\":{\"offset\":33},\"meta\":{\"source\":\"/tmp/f.log\",\"identifier_name\":"
             "\"fingerprint\"}}") +
          op("set", 10, "filestream::p::path::/tmp/g.log",
             "{\"ttl\":-1,\"cursor\":null,\"meta\":{\"source\":\"/tmp/g.log\",\"identifier_name\":\"path\"}}") +
          op("set", 11, "filestream::new::native::14-2050",
             "{\"ttl\":-1,\"cursor\":null,\"meta\":{\"source\":\"/var/log/e.log\",\"identifier_name\":\"native\"}}") +
          "{\"op\":\"set\",\"id\":12}\n{\"k\":\"filebeat::logs::native::12-2049\",\"v\":{\"offs");  // crash
  const auto d = readFilebeatMemlog(dir.path().string());
  ASSERT_EQ(d.error, "");
  EXPECT_EQ(d.format, FilebeatRegistryData::Format::kMemlog);
  ASSERT_EQ(d.states.size(), 5u);
  ASSERT_TRUE(byInode(d, 10));
  EXPECT_EQ(byInode(d, 10)->offset, 120u);  // log op after the checkpoint wins; op 4 ignored
  EXPECT_EQ(byInode(d, 10)->dev, 2049u);
  EXPECT_EQ(byInode(d, 10)->source, "/var/log/a.log");
  EXPECT_EQ(byInode(d, 11), nullptr);     // removed
  EXPECT_EQ(byInode(d, 12)->offset, 7u);  // the half-written op 11 is ignored
  ASSERT_TRUE(byInode(d, 13));
  EXPECT_EQ(byInode(d, 13)->offset, 914u);
  EXPECT_EQ(byInode(d, 13)->dev, 2050u);
  EXPECT_EQ(byInode(d, 13)->source, "/var/log/d.log");
  EXPECT_EQ(byInode(d, 14)->offset, 0u);  // cursor null: nothing read yet
  const auto fp = std::find_if(d.states.begin(), d.states.end(), [](const auto& s) { return !s.fingerprint.empty(); });
  ASSERT_NE(fp, d.states.end());
  EXPECT_EQ(fp->fingerprint, "688797f8b82fa9513d36f6ad50aaa486f3cf46c1bc67952f7b1e094b7823a99f");
  EXPECT_EQ(fp->offset, 33u);
  ASSERT_EQ(d.unmatchable.size(), 1u);  // the path identity
  EXPECT_EQ(d.unmatchable[0].first, "filestream::p::path::/tmp/g.log");
}

TEST(FilebeatRegistry, MemlogLogOnlyStopsAtAnOpOutOfSequence) {
  TempDir dir;
  writeFile(dir / "meta.json", "{\"version\":\"1\"}");
  writeFile(dir / "log.json", op("set", 1, logKey(1, 1), logValue("/a", 5, 1, 1)) +
                                  op("set", 2, logKey(2, 1), logValue("/b", 6, 2, 1)) +
                                  op("set", 4, logKey(3, 1), logValue("/c", 7, 3, 1)));  // 3 is missing
  const auto d = readFilebeatMemlog(dir.path().string());
  ASSERT_EQ(d.error, "");
  ASSERT_EQ(d.states.size(), 2u);
  EXPECT_EQ(byInode(d, 2)->offset, 6u);
  EXPECT_EQ(byInode(d, 3), nullptr);
}

TEST(FilebeatRegistry, CorruptCheckpointIsAnErrorNotAnAbort) {
  TempDir dir;
  writeFile(dir / "meta.json", "{\"version\":\"1\"}");
  writeFile(dir / "3.json", "[{\"_key\":\"filebeat::logs::native::1-1\",\"offs");
  EXPECT_NE(readFilebeatMemlog(dir.path().string()).error, "");
  TempDir data;
  TailConfig c;
  c.path_data = data.path().string();
  fs::create_directories(data / "registry/filebeat");
  writeFile(data / "registry/filebeat/meta.json", "{\"version\":\"7\"}");
  EXPECT_NE(readFilebeatRegistry(c).error, "");
}

// Filebeat 6: `${path.data}/registry` is the file (encoding/json of []file.State).
std::string legacyArray() {
  return "[{\"source\":\"/var/log/a.log\",\"offset\":42,\"timestamp\":\"2019-06-01T10:00:00.5+02:00\",\"ttl\":-1,"
         "\"type\":\"log\",\"meta\":null,\"FileStateOS\":{\"inode\":77,\"device\":2051}},"
         "{\"source\":\"/var/log/b.log\",\"offset\":9,\"timestamp\":\"2019-06-01T10:00:00+02:00\",\"ttl\":-1,"
         "\"type\":\"log\",\"meta\":null,\"FileStateOS\":{\"inode\":78,\"device\":2051}}]\n";
}

TEST(FilebeatRegistry, LegacyRegistryFileIsFoundAndMovedOutOfTheWay) {
  TempDir data;
  TailConfig c;
  c.path_data = data.path().string();
  writeFile(data / "registry", legacyArray());
  auto d = readFilebeatRegistry(c);
  EXPECT_EQ(d.format, FilebeatRegistryData::Format::kJsonArray);
  ASSERT_EQ(d.states.size(), 2u);
  EXPECT_EQ(byInode(d, 77)->offset, 42u);
  EXPECT_EQ(byInode(d, 77)->dev, 2051u);
  EXPECT_EQ(byInode(d, 78)->source, "/var/log/b.log");
  // Moved to the layout of Filebeat 7.0-7.8 (version 0), where logship's directory can live too.
  moveLegacyFilebeatRegistryFile(c);
  EXPECT_TRUE(fs::is_regular_file(data / "registry/filebeat/data.json"));
  d = readFilebeatRegistry(c);
  EXPECT_EQ(d.format, FilebeatRegistryData::Format::kJsonArray);
  EXPECT_EQ(d.states.size(), 2u);
}

TEST(FilebeatRegistry, RegistryFileAndPathKeysAreHonoured) {
  TempDir data, elsewhere;
  writeFile(elsewhere / "fb-registry", legacyArray());
  TailConfig c;
  c.path_data = data.path().string();
  c.filebeat_registry_file = (elsewhere / "fb-registry").string();
  EXPECT_EQ(readFilebeatRegistry(c).states.size(), 2u);
  c.filebeat_registry_file.clear();
  c.filebeat_registry_path = "state";  // relative to path.data
  fs::create_directories(data / "state/filebeat");
  writeFile(data / "state/filebeat/meta.json", "{\"version\":\"1\"}");
  writeFile(data / "state/filebeat/log.json", op("set", 1, logKey(5, 6), logValue("/x", 3, 5, 6)));
  const auto d = readFilebeatRegistry(c);
  EXPECT_EQ(d.format, FilebeatRegistryData::Format::kMemlog);
  ASSERT_EQ(d.states.size(), 1u);
  EXPECT_EQ(d.states[0].offset, 3u);
}

std::string lines(const std::string& name, int from, int to) {
  std::string s;
  for (int i = from; i < to; ++i) s += name + " " + std::to_string(i) + "\n";
  return s;
}

// runTail --once with output.console; returns the messages printed.
std::vector<std::string> runOnce(const fs::path& cfg_dir, const std::string& yaml) {
  writeFile(cfg_dir / "filebeat.yml", yaml);
  const TailConfig config = loadTailConfig(LoadArgs{(cfg_dir / "filebeat.yml").string(), {}, cfg_dir.string(), {}});
  ShutdownSignal shutdown;
  AppOptions options;
  options.once = true;
  ::testing::internal::CaptureStdout();
  const int rc = runTail(config, options, shutdown, RealTimeSource::instance());
  const std::string out = ::testing::internal::GetCapturedStdout();
  EXPECT_EQ(rc, 0);
  std::vector<std::string> messages;
  for (size_t pos = out.find("\"message\":\""); pos != std::string::npos; pos = out.find("\"message\":\"", pos)) {
    pos += 11;
    messages.push_back(out.substr(pos, out.find('"', pos) - pos));
  }
  std::sort(messages.begin(), messages.end());
  return messages;
}

TEST(FilebeatRegistry, FirstStartContinuesAtFilebeatsOffsetsAndASecondStartIgnoresThem) {
  TempDir dir, data, cfg;
  fs::create_directories(dir / "tail");
  writeFile(dir / "a.log", lines("a", 0, 5));       // Filebeat shipped a 0..2
  writeFile(dir / "b.log", lines("b", 0, 2));       // unknown to Filebeat
  writeFile(dir / "c.log", lines("c", 0, 2));       // truncated since Filebeat's offset
  writeFile(dir / "tail/d.log", lines("d", 0, 4));  // tail_files input: Filebeat's offset wins
  writeFile(dir / "tail/e.log", lines("e", 0, 2));  // tail_files input, unknown: from the end
  const auto statOf = [](const fs::path& p) {
    struct stat st {};
    ::stat(p.c_str(), &st);
    return st;
  };
  const auto value = [&](const fs::path& p, uint64_t offset) {
    const auto st = statOf(p);
    return std::make_pair(logKey(st.st_ino, st.st_dev), logValue(p.string(), offset, st.st_ino, st.st_dev));
  };
  const auto a = value(dir / "a.log", lines("a", 0, 3).size());
  const auto c = value(dir / "c.log", 1000);
  const auto d = value(dir / "tail/d.log", lines("d", 0, 1).size());
  writeFile(dir / "f.log", lines("f", 0, 300));  // filestream with the fingerprint identity (>= 1024 bytes)
  // `head -c 1024 f.log | sha256sum`, as Filebeat's default fingerprint (offset 0, length 1024).
  const std::string f_key =
      "filestream::fs::fingerprint::29faabe58f4a8d0c1dfd49c69d95b629b76ff1785003892f8020527704680f0d";
  const std::string f_value = "{\"ttl\":-1,\"updated\":[507500968,1701686520],\"cursor\":{\"offset\":" +
                              std::to_string(lines("f", 0, 298).size()) + "},\"meta\":{\"source\":\"" +
                              (dir / "f.log").string() + "\",\"identifier_name\":\"fingerprint\"}}";
  fs::create_directories(data / "registry/filebeat");
  writeFile(data / "registry/filebeat/meta.json", "{\"version\":\"1\"}");
  writeFile(data / "registry/filebeat/log.json",
            op("set", 1, a.first, a.second) + op("set", 2, c.first, c.second) + op("set", 3, d.first, d.second) +
                op("set", 4, "filebeat::logs::native::999999-1", logValue("/gone.log", 5, 999999, 1)) +
                op("set", 5, f_key, f_value) + "{\"op\":");
  const std::string yaml = "filebeat.inputs:\n- type: log\n  paths: ['" + (dir / "*.log").string() +
                           "']\n- type: log\n  tail_files: true\n  paths: ['" + (dir / "tail/*.log").string() +
                           "']\npath.data: " + data.path().string() + "\noutput.console.pretty: false\n";
  EXPECT_EQ(runOnce(cfg.path(), yaml), (std::vector<std::string>{"a 3", "a 4", "b 0", "b 1", "c 0", "c 1", "d 1", "d 2",
                                                                 "d 3", "f 298", "f 299"}));
  EXPECT_TRUE(fs::exists(data / "registry/logship-tail/registry.json"));

  // Second start: logship's registry is the state now; Filebeat's (still a 3 lines behind) is not read.
  std::ofstream(dir / "a.log", std::ios::app) << "a 5\n";
  EXPECT_EQ(runOnce(cfg.path(), yaml), (std::vector<std::string>{"a 5"}));
}

// The container input's stdout and stderr states of one file (meta.stream, keys prefixed by
// the meta's hash) and filestream states under two ids: each logship input continues at its own.
TEST(FilebeatRegistry, EachInputContinuesAtTheStateOfItsOwnScope) {
  TempDir dir, data, cfg;
  std::string docker;
  std::vector<uint64_t> ends;
  for (int i = 0; i < 3; ++i) {
    for (const char* stream : {"stdout", "stderr"}) {
      docker += std::string(R"({"log":")") + stream + " " + std::to_string(i) + R"(\n","stream":")" + stream +
                R"(","time":"2024-05-01T10:00:00Z"})" + "\n";
      ends.push_back(docker.size());
    }
  }
  writeFile(dir / "c-json.log", docker);
  writeFile(dir / "app.log", lines("app", 0, 4));
  struct stat c {
  }, app{};
  ::stat((dir / "c-json.log").c_str(), &c);
  ::stat((dir / "app.log").c_str(), &app);
  const auto withStream = [&](const char* stream, uint64_t offset) {
    return "{\"meta\":{\"stream\":\"" + std::string(stream) + "\"}," +
           logValue((dir / "c-json.log").string(), offset, c.st_ino, c.st_dev).substr(1);
  };
  const std::string os = std::to_string(c.st_ino) + "-" + std::to_string(c.st_dev);
  const std::string app_os = std::to_string(app.st_ino) + "-" + std::to_string(app.st_dev);
  const auto cursor = [&](uint64_t offset) {
    return "{\"ttl\":-1,\"cursor\":{\"offset\":" + std::to_string(offset) + "},\"meta\":{\"source\":\"" +
           (dir / "app.log").string() + "\",\"identifier_name\":\"native\"}}";
  };
  fs::create_directories(data / "registry/filebeat");
  writeFile(data / "registry/filebeat/meta.json", "{\"version\":\"1\"}");
  writeFile(data / "registry/filebeat/log.json",
            op("set", 1, "filebeat::logs::5c2a11d5b9b2f2d1-native::" + os, withStream("stdout", ends[2])) +
                op("set", 2, "filebeat::logs::9e0f7a33c41d07b8-native::" + os, withStream("stderr", ends[1])) +
                op("set", 3, "filestream::app::native::" + app_os, cursor(lines("app", 0, 3).size())) +
                op("set", 4, "filestream::other::native::" + app_os, cursor(0)));
  const std::string yaml =
      "filebeat.inputs:\n"
      "- {type: container, stream: stdout, paths: ['" +
      (dir / "*-json.log").string() +
      "']}\n"
      "- {type: container, stream: stderr, paths: ['" +
      (dir / "*-json.log").string() +
      "']}\n"
      "- {type: filestream, id: app, paths: ['" +
      (dir / "app.log").string() +
      "']}\n"
      "path.data: " +
      data.path().string() + "\noutput.console.pretty: false\n";
  // stdout was shipped through "stdout 1", stderr through "stderr 0"; app.log through "app 2".
  EXPECT_EQ(runOnce(cfg.path(), yaml), (std::vector<std::string>{"app 3", "stderr 1", "stderr 2", "stdout 2"}));
}

}  // namespace
}  // namespace logship::tail
