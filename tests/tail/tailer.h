#pragma once
// Integration tests: logship-tail as a child process (tests/support/process.h) with the broker given by -E.
#include <chrono>
#include <filesystem>
#include <string>

#include "support/paths.h"
#include "support/process.h"

namespace logship::tail::testing {

class Tailer {
 public:
  Tailer(const std::filesystem::path& config, const std::filesystem::path& log, const std::string& hosts)
      : child_({logship::testing::daemonPath("logship-tail").string(), "-c", config.string(), "-E",
                "output.kafka.hosts=[\"" + hosts + "\"]"},
               log) {}
  int kill9() { return child_.kill9(); }
  // SIGTERM; the exit status, or -1 when it did not stop within the grace period and was killed.
  int terminate() { return child_.terminate(std::chrono::seconds(60)); }

 private:
  logship::testing::ChildProcess child_;
};

}  // namespace logship::tail::testing
