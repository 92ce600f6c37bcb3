#pragma once
// Runs the built logship-tail binary with `args` (a shell command line), stdout and stderr merged.
#include <sys/wait.h>

#include <cstdio>
#include <string>

#include "support/paths.h"

namespace logship::tail::testing {

struct CmdResult {
  int status;  // exit status, -1 when killed by a signal
  std::string out;
};

inline CmdResult runTailBinary(const std::string& args) {
  const std::string cmd = logship::testing::daemonPath("logship-tail").string() + " " + args + " 2>&1";
  CmdResult r{0, {}};
  FILE* p = ::popen(cmd.c_str(), "r");
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof(buf), p)) > 0) r.out.append(buf, n);
  const int st = ::pclose(p);
  r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return r;
}

}  // namespace logship::tail::testing
