#include "logship/tail/inputs_reloader.h"

#include <fstream>
#include <iterator>

#include "logship/common/logging.h"
#include "logship/tail/config_inputs.h"

namespace logship::tail {

namespace {

bool readWhole(const std::string& file, std::string& out) {
  std::ifstream in(file, std::ios::binary);
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return static_cast<bool>(in) || in.eof();
}

}  // namespace

InputsReloader::InputsReloader(ConfigInputsSettings settings, GeneralFields general, metrics::Registry& metrics,
                               TimeSource& time)
    : settings_(std::move(settings)),
      general_(std::move(general)),
      time_(time),
      reloads_(&metrics.counter("logship_tail_config_reloads_total",
                                "Changes of the filebeat.config.inputs files applied while running")),
      errors_(&metrics.counter("logship_tail_config_reload_errors_total",
                               "filebeat.config.inputs files that failed to load (their previous inputs kept)")) {}

std::vector<InputSpec> InputsReloader::load() {
  rescan(false);  // the files' warnings were printed with filebeat.yml's at start
  next_ = time_.monotonicTime() + settings_.period;
  return all();
}

std::optional<std::vector<InputSpec>> InputsReloader::poll(Clock::time_point now) {
  if (now < next_) return std::nullopt;
  next_ = now + settings_.period;
  if (!rescan(true)) return std::nullopt;
  reloads_->inc();
  return all();
}

// True when the inputs of some file changed.
bool InputsReloader::rescan(bool log_warnings) {
  auto logger = log::get("config");
  bool changed = false;
  std::map<std::string, FileState> next;
  for (const auto& file : globFiles(settings_.path)) {
    auto old = files_.find(file);
    FileState state = old != files_.end() ? std::move(old->second) : FileState{};
    std::string content;
    if (!readWhole(file, content)) {
      log::warn(*logger, "cannot read input file; its inputs keep running", {{"file", file}});
    } else if (old == files_.end() || content != state.content) {
      state.content = std::move(content);
      try {
        std::vector<std::string> warnings;
        state.inputs = loadInputsFile(file, settings_, general_, warnings);
        for (const auto& w : warnings) {
          if (log_warnings) log::warn(*logger, w, {{"config", file}});
        }
        changed = true;
      } catch (const std::exception& e) {  // ConfigError: file:line:col: key: message
        errors_->inc();
        log::error(*logger, "input file not loaded; the inputs it had keep running until it loads",
                   {{"file", file}, {"error", e.what()}});
      }
    }
    next.emplace(file, std::move(state));
  }
  for (const auto& [file, state] : files_) {
    if (!next.count(file) && !state.inputs.empty()) {
      log::info(*logger, "input file removed: its inputs stop", {{"file", file}});
      changed = true;
    }
  }
  files_ = std::move(next);
  return changed;
}

std::vector<InputSpec> InputsReloader::all() const {
  std::vector<InputSpec> out;
  for (const auto& [file, state] : files_) out.insert(out.end(), state.inputs.begin(), state.inputs.end());
  return out;
}

}  // namespace logship::tail
