#pragma once
// Where the running inputs come from: filebeat.yml's own (for the whole run), the files of
// filebeat.config.inputs (InputsReloader, with reload) and each docker autodiscover provider
// (autodiscover/docker_autodiscover.h). The loop thread polls them; when any changed, their union
// goes to InputSet::apply, which starts and stops inputs by id.
#include <chrono>
#include <memory>
#include <vector>

#include "logship/common/metrics.h"
#include "logship/common/time_source.h"
#include "logship/tail/input_set.h"
#include "logship/tail/inputs_reloader.h"
#include "logship/tail/tail_config.h"

namespace logship::tail {

namespace autodiscover {
class DockerAutodiscover;
}

class InputSources {
 public:
  using Clock = std::chrono::steady_clock;

  // `follow`: keep reloading files and following containers (not --once or --dry-run, which run
  // the inputs found at start). Providers start their watcher here and wait (bounded) for the
  // engine's first list, so the containers already running are among the initial inputs.
  InputSources(const TailConfig& config, bool follow, metrics::Registry& metrics, TimeSource& time);
  ~InputSources();

  std::vector<InputSpec> all() const;
  // When a source changed: applies the union to `inputs` and logs what changed.
  void poll(InputSet& inputs, Clock::time_point now);
  bool reloads() const { return follow_ && reloader_ != nullptr; }
  size_t providers() const { return providers_.size(); }

 private:
  bool follow_;
  std::vector<InputSpec> fixed_;
  std::unique_ptr<InputsReloader> reloader_;
  std::vector<InputSpec> files_;
  std::vector<std::unique_ptr<autodiscover::DockerAutodiscover>> providers_;
  std::vector<std::vector<InputSpec>> discovered_;  // by provider
};

}  // namespace logship::tail
