#pragma once
// Filebeat's `logging.*` (libbeat/logp): level, json, selectors, where logs go (stderr, rotating
// files, syslog) and the periodic metrics summary. docs/tail.md "Logging" has the defaults and the
// one deliberate difference (stderr unless files are asked for).
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/common.h>

#include "logship/common/config.h"

namespace logship::tail {

struct LogFilesConfig {
  std::string path;                                // logging.files.path, default ${path.logs}
  std::string name = "filebeat";                   // file name; rotated ones get .1, .2, ...
  uint64_t rotate_every_bytes = 10 * 1024 * 1024;  // rotateeverybytes
  size_t keep_files = 7;                           // keepfiles: rotated files kept besides the current one
  uint32_t permissions = 0600;                     // applied to every file opened
  bool rotate_on_startup = true;                   // rotateonstartup
};

enum class LogOutput { kStderr, kFiles, kSyslog };

struct LoggingConfig {
  std::string level = "info";
  bool json = false;
  std::vector<std::string> selectors;  // logging.selectors (debug components, as -d)
  bool to_stderr = false;
  bool to_syslog = false;
  std::optional<bool> to_files;  // unset: Filebeat's default, decided by logOutput()
  LogFilesConfig files;
  bool metrics_enabled = true;                      // logging.metrics.enabled
  std::chrono::milliseconds metrics_period{30000};  // logging.metrics.period
};

// Reads `logging` (a missing node gives the defaults). Throws config::ConfigError.
LoggingConfig parseLoggingConfig(const config::Node& logging, const std::string& path_logs);

// Where logs go, as libbeat decides (logp.createLogOutput): -e or to_stderr, then to_syslog, then
// to_files; with none of them the --environment: systemd and container log to stderr, an explicit
// `default` (or a service environment) to files. logship-tail's one difference: with no
// --environment either, stderr (Filebeat would write ${path.logs}/filebeat).
LogOutput logOutput(const LoggingConfig& logging, bool dash_e, const std::string& environment);

// The sink for `output` (null for stderr): a rotating file (spdlog's rotating_file_sink, the
// permissions applied to each file it opens) or syslog. Throws Error when the file cannot be opened.
std::shared_ptr<spdlog::sinks::sink> makeLogSink(const LoggingConfig& logging, LogOutput output);

}  // namespace logship::tail
