// Where logship-tail's own logs go (logging.to_* and --environment) and the sinks for them.
#include <sys/stat.h>
#include <syslog.h>

#include <cstdio>

#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/sinks/syslog_sink.h>

#include "logship/common/error.h"
#include "logship/tail/logging_config.h"

namespace logship::tail {

LogOutput logOutput(const LoggingConfig& c, bool dash_e, const std::string& environment) {
  if (dash_e || c.to_stderr) return LogOutput::kStderr;
  if (c.to_syslog) return LogOutput::kSyslog;
  if (c.to_files.value_or(false)) return LogOutput::kFiles;
  if (environment.empty() || environment == "systemd" || environment == "container") return LogOutput::kStderr;
  return LogOutput::kFiles;
}

std::shared_ptr<spdlog::sinks::sink> makeLogSink(const LoggingConfig& c, LogOutput output) {
  if (output == LogOutput::kStderr) return nullptr;
  if (output == LogOutput::kSyslog) {
    return std::make_shared<spdlog::sinks::syslog_sink_mt>("logship-tail", LOG_PID, LOG_DAEMON, false);
  }
  spdlog::file_event_handlers handlers;
  const mode_t mode = c.files.permissions;
  handlers.after_open = [mode](const spdlog::filename_t&, std::FILE* file) { ::fchmod(::fileno(file), mode); };
  const std::string file = c.files.path + "/" + c.files.name;
  try {
    return std::make_shared<spdlog::sinks::rotating_file_sink_mt>(file, c.files.rotate_every_bytes, c.files.keep_files,
                                                                  c.files.rotate_on_startup, handlers);
  } catch (const spdlog::spdlog_ex& e) {
    throw Error(ErrorCode::kConfigInvalid, "logging.files: cannot open " + file + ": " + e.what());
  }
}

}  // namespace logship::tail
