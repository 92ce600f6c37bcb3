#pragma once
// filebeat.config.inputs with reload.enabled: every reload.period the glob is matched again and
// the files read; what changed is parsed again. The result is the inputs of every file, for
// InputSet::apply (which starts and stops by id, the hash of each input's config: a file
// rewritten with the same content changes nothing). A file that does not parse is logged (one
// line naming file:line:col: key) and its previous inputs keep running until it parses again;
// a file that is gone takes its inputs with it.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "logship/common/metrics.h"
#include "logship/common/time_source.h"
#include "logship/tail/input_set.h"
#include "logship/tail/tail_config.h"

namespace logship::tail {

class InputsReloader {
 public:
  using Clock = std::chrono::steady_clock;

  InputsReloader(ConfigInputsSettings settings, GeneralFields general, metrics::Registry& metrics, TimeSource& time);

  // Reads every file now (a bad one is logged and contributes nothing); the next poll is due one
  // period later.
  std::vector<InputSpec> load();
  // When a period has passed since the last read: reads the files again and returns the inputs
  // of all files if any file was added, changed or removed; nullopt otherwise.
  std::optional<std::vector<InputSpec>> poll(Clock::time_point now);

 private:
  struct FileState {
    std::string content;
    std::vector<InputSpec> inputs;  // of the last content that parsed
  };
  bool rescan(bool log_warnings);
  std::vector<InputSpec> all() const;

  ConfigInputsSettings settings_;
  GeneralFields general_;
  TimeSource& time_;
  metrics::Counter* reloads_;
  metrics::Counter* errors_;
  std::map<std::string, FileState> files_;  // by path, in glob order
  Clock::time_point next_{};
};

}  // namespace logship::tail
