#pragma once
// The logship-stash process: command line, config, logging, the admin endpoint, one ClusterRunner
// per `Clusters[]` entry, and SIGTERM handling (stop consuming, flush within GracePeriod, commit,
// exit 0). `--dry-run` runs the first cluster's pipeline over stdin lines instead.
#include <iosfwd>
#include <string>
#include <vector>

#include "logship/stash/config.h"

namespace logship::stash {

struct CommandLine {
  std::string config_file = "etc/config.yaml";  // go-stash's default
  bool check = false;
  bool dry_run = false;
  bool version = false;
  bool help = false;
  HostOverrides overrides;
};

// Throws std::invalid_argument with a one-line message on bad usage.
CommandLine parseCommandLine(const std::vector<std::string>& args);
std::string usage();

// Reads lines from `in`; for each prints nothing (dropped / dead-lettered; the latter with a note
// on `err`) or one line `{"index":...,"id":<string|null>,"doc":...}` on `out`.
void runDryRun(const ClusterConfig& cluster, std::istream& in, std::ostream& out, std::ostream& err);

// The whole program; returns the exit status.
int stashMain(const std::vector<std::string>& args);

}  // namespace logship::stash
