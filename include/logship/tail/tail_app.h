#pragma once
// Wires the tailer: config -> prospectors/harvesters -> pipeline -> output, the registry and
// ack tracking, the admin endpoint, and the main loop (one thread; librdkafka has its own).
#include <memory>

#include "logship/common/lifecycle.h"
#include "logship/common/time_source.h"
#include "logship/tail/tail_config.h"

namespace logship::tail {

struct AppOptions {
  bool dry_run = false;  // console to stdout, from offset 0, no registry, exit at EOF
  bool once = false;     // exit when every file is at EOF and everything is acknowledged
};

// Checks what the config parser cannot (regular expressions compile, output can be built).
// Throws config::ConfigError / Error.
void validate(const TailConfig& config);

// Returns the process exit code (0 on a clean stop). `time` is the clock of every stage (scan
// intervals, timeouts, registry flushes, health, @timestamp).
int runTail(const TailConfig& config, const AppOptions& options, ShutdownSignal& shutdown,
            TimeSource& time = RealTimeSource::instance());

}  // namespace logship::tail
