// InputSources: see input_sources.h.
#include "logship/tail/input_sources.h"

#include "logship/common/logging.h"
#include "logship/tail/autodiscover/docker_autodiscover.h"

namespace logship::tail {
namespace {

// How long the start waits for an engine's first list of containers.
constexpr std::chrono::seconds kFirstListWait{5};

// filebeat.yml's inputs (and, without reload, those of filebeat.config.inputs).
std::vector<InputSpec> fixedInputs(const TailConfig& config) {
  std::vector<InputSpec> fixed;
  for (size_t i = 0; i < config.inputs.size(); ++i) {
    fixed.push_back(InputSpec{"filebeat.inputs[" + std::to_string(i) + "]",
                              std::make_shared<const InputConfig>(config.inputs[i]), config.config_file});
  }
  return fixed;
}

}  // namespace

InputSources::InputSources(const TailConfig& config, bool follow, metrics::Registry& metrics, TimeSource& time)
    : follow_(follow), fixed_(fixedInputs(config)) {
  if (config.config_inputs.reload) {
    reloader_ = std::make_unique<InputsReloader>(config.config_inputs, config.general, metrics, time);
    files_ = reloader_->load();
  }
  const auto caught_up = [](const std::string&, Clock::time_point) { return false; };  // nothing runs yet
  for (const auto& provider : config.autodiscover) {
    providers_.push_back(std::make_unique<autodiscover::DockerAutodiscover>(provider, time));
    providers_.back()->start(kFirstListWait);
    discovered_.push_back(
        providers_.back()->inputs().poll(time.monotonicTime(), caught_up).value_or(std::vector<InputSpec>{}));
  }
}

InputSources::~InputSources() = default;

std::vector<InputSpec> InputSources::all() const {
  std::vector<InputSpec> out = fixed_;
  out.insert(out.end(), files_.begin(), files_.end());
  for (const auto& d : discovered_) out.insert(out.end(), d.begin(), d.end());
  return out;
}

void InputSources::poll(InputSet& inputs, Clock::time_point now) {
  if (!follow_) return;
  bool changed = false;
  if (reloader_) {
    if (auto reloaded = reloader_->poll(now)) files_ = std::move(*reloaded), changed = true;
  }
  const auto caught_up = [&inputs](const std::string& id, Clock::time_point since) {
    return inputs.caughtUp(id, since);
  };
  for (size_t i = 0; i < providers_.size(); ++i) {
    if (auto found = providers_[i]->inputs().poll(now, caught_up)) discovered_[i] = std::move(*found), changed = true;
  }
  if (!changed) return;
  const auto change = inputs.apply(all(), now);
  log::info(*log::get("tail"), "inputs changed",
            {{"started", static_cast<uint64_t>(change.started)},
             {"stopped", static_cast<uint64_t>(change.stopped)},
             {"running", static_cast<uint64_t>(inputs.running())}});
}

}  // namespace logship::tail
