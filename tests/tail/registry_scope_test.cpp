// Registry scopes (state_scope.h): two inputs reading one file keep separate states, registries
// written before scopes keep working, and states no input holds are forgotten once their file's
// directory is gone (registry_cleaner.h).
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "logship/tail/registry.h"
#include "logship/tail/registry_cleaner.h"
#include "logship/tail/state_scope.h"
#include "support/paths.h"
#include "tail/input_set_rig.h"

namespace logship::tail {
namespace {

namespace fs = std::filesystem;
using logship::testing::TempDir;
using testing::SetRig;

FileState stateOf(uint64_t inode, uint64_t offset, const std::string& scope, const std::string& path = "/x/a.log") {
  FileState s;
  s.identity = FileIdentity{1, inode, 4, 0x1234};
  s.path = path;
  s.offset = offset;
  s.scope = scope;
  return s;
}

TEST(StateScope, FollowsFilebeatsStateKeys) {
  InputConfig log;
  EXPECT_EQ(stateScope(log), "");
  EXPECT_EQ(filebeatStateScope(log), "");
  InputConfig container;
  container.type = "container";
  container.container.enabled = true;
  EXPECT_EQ(stateScope(container), "");  // stream: all shares the file's state
  container.container.stream = ContainerConfig::Stream::kStderr;
  EXPECT_EQ(stateScope(container), "stream::stderr");
  EXPECT_EQ(filebeatStateScope(container), "stream::stderr");
  InputConfig fs;
  fs.type = "filestream";
  EXPECT_EQ(stateScope(fs), "");
  EXPECT_EQ(filebeatStateScope(fs), "filestream::.global");
  fs.container.enabled = true;
  fs.container.stream = ContainerConfig::Stream::kStdout;
  EXPECT_EQ(stateScope(fs), "stream::stdout");  // without an id the stream keeps them apart
  fs.id = "app";
  EXPECT_EQ(stateScope(fs), "filestream::app");
  EXPECT_EQ(filebeatStateScope(fs), "filestream::app");
}

TEST(Registry, ScopesKeepSeparateStatesOfOneFile) {
  TempDir dir;
  {
    Registry r(dir.path().string());
    r.update(stateOf(7, 10, "stream::stdout"));
    r.update(stateOf(7, 20, "stream::stderr"));
    r.update(stateOf(7, 30, ""));
    r.flush();
  }
  Registry r(dir.path().string());
  ASSERT_TRUE(r.load());
  ASSERT_EQ(r.states().size(), 3u);
  const FileIdentity id{1, 7, 0, 0};
  EXPECT_EQ(r.find("stream::stdout", id)->offset, 10u);
  EXPECT_EQ(r.find("stream::stderr", id)->offset, 20u);
  EXPECT_EQ(r.find("", id)->offset, 30u);
  // A current unscoped state is not another scope's: a new filestream id reads from the start.
  EXPECT_EQ(r.find("filestream::new", id), nullptr);
  EXPECT_EQ(r.states().count("stream::stdout::1-7"), 1u);
  r.remove("stream::stdout", id);
  EXPECT_EQ(r.find("stream::stdout", id), nullptr);
  EXPECT_NE(r.find("", id), nullptr);  // a current state is not removed with another scope's
}

// A version 1 registry (one state per file) after an upgrade: every scope continues from it
// until it has its own; the legacy state survives flushes and goes when the file does.
TEST(Registry, AVersionOneStateServesEveryScopeUntilItHasItsOwn) {
  TempDir dir;
  logship::testing::writeFile(dir / "registry.json",
                              R"({"version":1,"files":[{"key":"1-7","path":"/x/a.log","dev":1,"inode":7,)"
                              R"("offset":40,"fp_len":4,"fp":"0000000000001234","updated_ms":5}]})");
  const FileIdentity id{1, 7, 0, 0};
  {
    Registry r(dir.path().string());
    ASSERT_TRUE(r.load());
    ASSERT_NE(r.find("stream::stdout", id), nullptr);
    EXPECT_TRUE(r.find("stream::stdout", id)->legacy);
    EXPECT_EQ(r.find("filestream::app", id)->offset, 40u);
    r.update(stateOf(7, 55, "stream::stdout"));
    r.flush();
  }
  Registry r(dir.path().string());
  ASSERT_TRUE(r.load());
  EXPECT_EQ(r.find("stream::stdout", id)->offset, 55u);
  EXPECT_EQ(r.find("stream::stderr", id)->offset, 40u);  // still legacy after the flush
  EXPECT_TRUE(r.find("stream::stderr", id)->legacy);
  r.remove("stream::stdout", id);  // the file is gone: its legacy state goes too
  EXPECT_EQ(r.find("stream::stderr", id), nullptr);
  EXPECT_TRUE(r.states().empty());
  // An unscoped input writing the state makes it its own (no longer every scope's).
  r.update(stateOf(8, 1, ""));
  EXPECT_FALSE(r.find("", FileIdentity{1, 8, 0, 0})->legacy);
  EXPECT_EQ(r.find("stream::stdout", FileIdentity{1, 8, 0, 0}), nullptr);
}

TEST(RegistryCleaner, ForgetsUnheldStatesWhoseDirectoryIsGone) {
  TempDir dir;
  fs::create_directories(dir / "c1");
  fs::create_directories(dir / "c2");
  fs::create_directories(dir / "c3");
  Registry r((dir / "data").string());
  r.update(stateOf(1, 5, "", (dir / "c1" / "a.log").string()));    // dir stays: kept
  r.update(stateOf(2, 5, "", (dir / "gone" / "b.log").string()));  // never existed: forgotten
  r.update(stateOf(3, 5, "s", (dir / "c2" / "c.log").string()));   // dir removed, held: kept
  r.update(stateOf(4, 5, "s", (dir / "c3" / "d.log").string()));   // dir removed, clean_removed false
  r.update(stateOf(5, 5, "", (dir / "c2" / "e.log").string()));    // dir removed: forgotten
  fs::remove_all(dir / "c2");
  fs::remove_all(dir / "c3");
  RegistryCleaner cleaner;
  cleaner.held = [](const FileState& s) { return s.identity.inode == 3; };
  cleaner.kept = [](const FileState& s) { return s.identity.inode == 4; };
  EXPECT_EQ(cleaner.forgetOrphans(r), 2u);
  std::vector<uint64_t> left;
  for (const auto& [key, s] : r.states()) left.push_back(s.identity.inode);
  EXPECT_EQ(left, (std::vector<uint64_t>{1, 3, 4}));
  EXPECT_TRUE(r.dirty());
}

void appendDocker(const fs::path& p, const std::string& stream, int from, int to) {
  std::ofstream f(p, std::ios::app);
  for (int i = from; i < to; ++i)
    f << R"({"log":")" << stream << " " << i << R"(\n","stream":")" << stream
      << R"(","time":"2024-05-01T10:00:00.000000001Z"})"
      << "\n";
}

InputSpec streamInput(const std::string& id, const fs::path& glob, ContainerConfig::Stream stream) {
  auto spec = SetRig::spec(id, glob);
  auto in = std::make_shared<InputConfig>(*spec.config);
  in->type = "container";
  in->container.enabled = true;
  in->container.stream = stream;
  spec.config = in;
  return spec;
}

// The stdout and stderr inputs of one container log (Elastic's split-stream manifests): both read
// the file, each ships its own stream, and each continues at its own offset after a restart.
TEST(InputSet, StdoutAndStderrInputsOnOneFileKeepTheirOwnOffsets) {
  TempDir dir;
  const auto log = dir / "c-json.log";
  appendDocker(log, "stdout", 0, 2);
  appendDocker(log, "stderr", 0, 2);
  const auto out = streamInput("out", dir / "*.log", ContainerConfig::Stream::kStdout);
  const auto err = streamInput("err", dir / "*.log", ContainerConfig::Stream::kStderr);
  {
    SetRig rig(dir / "data", true);
    rig.set->apply({out, err}, rig.clock.monotonicTime());
    rig.pump();
    EXPECT_EQ(rig.set->openFiles(), 2u);
    auto got = rig.messages();
    std::sort(got.begin(), got.end());
    EXPECT_EQ(got, (std::vector<std::string>{"stderr 0", "stderr 1", "stdout 0", "stdout 1"}));
    rig.set->syncRegistry();
    rig.registry->flush();
    const auto size = fs::file_size(log);
    for (const char* scope : {"stream::stdout", "stream::stderr"}) {
      ASSERT_EQ(rig.registry->states().size(), 2u);
      const auto& s = rig.registry->states().begin()->second;
      EXPECT_EQ(rig.registry->find(scope, s.identity)->offset, size) << scope;
    }
  }
  // Only the stdout input runs for a while: the stderr one continues where it stopped.
  appendDocker(log, "stdout", 2, 3);
  appendDocker(log, "stderr", 2, 3);
  {
    SetRig rig(dir / "data", true);
    rig.set->apply({out}, rig.clock.monotonicTime());
    rig.pump();
    EXPECT_EQ(rig.messages(), (std::vector<std::string>{"stdout 2"}));
    rig.set->syncRegistry();
    rig.registry->flush();
  }
  appendDocker(log, "stderr", 3, 4);
  SetRig rig(dir / "data", true);
  rig.set->apply({out, err}, rig.clock.monotonicTime());
  rig.pump();
  EXPECT_EQ(rig.messages(), (std::vector<std::string>{"stderr 2", "stderr 3"}));
}

// An input autodiscover stopped leaves its states; `docker rm` deletes the container's directory,
// and the next check forgets them (the registry does not grow with every container ever run).
TEST(InputSet, StatesOfAStoppedInputGoWhenTheirDirectoryIsRemoved) {
  TempDir dir;
  fs::create_directories(dir / "c1");
  appendDocker(dir / "c1" / "c1-json.log", "stdout", 0, 3);
  SetRig rig(dir / "data", true);
  rig.set->apply({SetRig::spec("c1", dir / "c1" / "*.log")}, rig.clock.monotonicTime());
  rig.pump();
  rig.set->apply({}, rig.clock.monotonicTime());
  rig.pump();
  EXPECT_EQ(rig.set->draining(), 0u);
  ASSERT_EQ(rig.registry->states().size(), 1u);  // stopped, file still there: its state stays
  fs::remove_all(dir / "c1");
  rig.pump();
  EXPECT_TRUE(rig.registry->states().empty());
}

// A running input with clean_removed: false keeps the states of its files even when their
// directory is gone (an unmounted share), held or not.
TEST(InputSet, CleanRemovedFalseKeepsStatesWhoseDirectoryIsGone) {
  TempDir dir;
  fs::create_directories(dir / "share");
  appendDocker(dir / "share" / "a.log", "stdout", 0, 2);
  SetRig rig(dir / "data", true);
  auto spec = SetRig::spec("share", dir / "share" / "*.log");
  auto in = std::make_shared<InputConfig>(*spec.config);
  in->clean_removed = false;
  in->close_removed = false;
  in->close_inactive = std::chrono::seconds(1);  // closed at the next pump: the state is not held
  spec.config = in;
  rig.set->apply({spec}, rig.clock.monotonicTime());
  rig.pump();
  ASSERT_EQ(rig.set->openFiles(), 0u);
  ASSERT_EQ(rig.registry->states().size(), 1u);
  fs::remove_all(dir / "share");
  rig.pump();
  EXPECT_EQ(rig.registry->states().size(), 1u);
}

}  // namespace
}  // namespace logship::tail
