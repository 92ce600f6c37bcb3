// Test helpers: the daemons as child processes (spawn, kill -9, SIGTERM, liveness), their memory
// from /proc/<pid>/status, a free loopback port and a minimal HTTP GET for /healthz.
// For tests only: simple and synchronous. Shared by the tail, stash and e2e integration tests.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace logship::testing {

// A child process whose stdout and stderr are appended to a log file. The destructor kills it
// with SIGKILL and reaps it. Only the thread that owns the object may call its methods.
class ChildProcess {
 public:
  ChildProcess() = default;
  // Spawns argv[0] (a path) with the arguments, the current environment plus `extra_env`
  // ("KEY", "value"), stdin from /dev/null, in the working directory `cwd` (empty: this
  // process's). `log` is opened before the change of directory; a relative argv[0] is resolved
  // in `cwd`. Throws std::runtime_error when spawning fails (also when `cwd` cannot be entered).
  ChildProcess(const std::vector<std::string>& argv, const std::filesystem::path& log,
               const std::vector<std::pair<std::string, std::string>>& extra_env = {},
               const std::filesystem::path& cwd = {});
  ~ChildProcess();
  ChildProcess(ChildProcess&& other) noexcept;
  ChildProcess& operator=(ChildProcess&& other) noexcept;
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  // True while the process has not exited (reaps it when it has; see exitStatus()).
  bool alive();
  // How it ended, once it did: the exit code, or 128 + signal number. -1 while running.
  int exitStatus() const { return status_; }
  // SIGKILL and reap; returns exitStatus() (137 when the kill did it).
  int kill9();
  // SIGTERM, then waits up to `timeout`; when it did not exit, SIGKILL and returns -1.
  int terminate(std::chrono::milliseconds timeout);

 private:
  void reapNoHang();
  pid_t pid_ = -1;
  int status_ = -1;
};

struct MemoryStatus {
  std::int64_t rss_kib = 0;  // VmRSS: resident now
  std::int64_t hwm_kib = 0;  // VmHWM: peak resident since the process started
};
// VmRSS and VmHWM of a live process, or nullopt when /proc/<pid>/status cannot be read.
std::optional<MemoryStatus> readMemoryStatus(pid_t pid);

// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read it, close).
int freeLoopbackPort();

// GET http://127.0.0.1:<port><path> (HTTP/1.0, connection closed by the server). Returns the
// status code, or 0 when nothing answered within `timeout`. Only ever connects to 127.0.0.1.
int httpGetStatus(int port, const std::string& path, std::chrono::milliseconds timeout = std::chrono::seconds(2),
                  std::string* body = nullptr);

// The last `max_bytes` of a text file ("" when it cannot be read): for failure messages.
std::string tailOfFile(const std::filesystem::path& path, std::size_t max_bytes = 4000);

}  // namespace logship::testing
