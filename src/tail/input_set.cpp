#include "logship/tail/input_set.h"

#include <algorithm>
#include <set>

#include "logship/common/logging.h"
#include "logship/tail/registry_cleaner.h"

namespace logship::tail {

using std::chrono::milliseconds;

// The pipeline outlives the prospector: its harvesters ship through it (members are destroyed in
// reverse order).
struct InputSet::Entry {
  InputSpec spec;
  std::unique_ptr<Pipeline> pipeline;
  std::unique_ptr<Prospector> prospector;
  Clock::time_point next_scan{};
  Clock::time_point last_scan{};
};

InputSet::InputSet(InputSetContext context)
    : context_(context), pipeline_metrics_(PipelineMetrics::in(context.metrics)) {}

InputSet::~InputSet() = default;

namespace {

std::string pathsOf(const InputConfig& in) {
  std::string out;
  for (const auto& p : in.paths) out += (out.empty() ? "" : ",") + p;
  return out;
}

}  // namespace

InputSet::Change InputSet::apply(const std::vector<InputSpec>& specs, Clock::time_point now) {
  Change change;
  std::set<std::string> wanted;
  for (const auto& s : specs) wanted.insert(s.id);
  for (size_t i = running_.size(); i-- > 0;) {
    if (wanted.count(running_[i]->spec.id)) continue;
    auto entry = std::move(running_[i]);
    running_.erase(running_.begin() + static_cast<std::ptrdiff_t>(i));
    log::info(*log::get("tail"), "input stopped: its files drain, then their offsets stay in the registry",
              {{"input", entry->spec.id}, {"origin", entry->spec.origin}, {"paths", pathsOf(*entry->spec.config)}});
    entry->prospector->stop(now);
    stopping_.push_back(std::move(entry));
    ++change.stopped;
  }
  std::set<std::string> seen;
  for (const auto& s : specs) {
    if (!seen.insert(s.id).second) continue;  // the same config twice runs once, as in Filebeat
    const bool runs = std::any_of(running_.begin(), running_.end(), [&](const auto& e) { return e->spec.id == s.id; });
    if (runs) continue;
    start(s, now);
    ++change.started;
  }
  return change;
}

void InputSet::start(const InputSpec& spec, Clock::time_point now) {
  auto entry = std::make_unique<Entry>();
  entry->spec = spec;
  const InputConfig& in = *entry->spec.config;
  entry->pipeline = std::make_unique<Pipeline>(in, context_.global_processors, context_.agent, pipeline_metrics_,
                                               context_.codec, context_.time);
  if (context_.max_event_bytes > 0) entry->pipeline->setMaxEventBytes(context_.max_event_bytes);
  entry->prospector =
      std::make_unique<Prospector>(in, Shipper{*entry->pipeline, context_.acks, context_.output}, context_.registry,
                                   context_.options, context_.metrics, context_.time);
  const Entry* self = entry.get();
  entry->prospector->setHeldElsewhere(
      [this, self](uint64_t dev, uint64_t inode) { return heldByOther(self, dev, inode); });
  entry->next_scan = now;
  log::info(*log::get("tail"), "input started", {{"input", spec.id}, {"origin", spec.origin}, {"paths", pathsOf(in)}});
  running_.push_back(std::move(entry));
}

bool InputSet::heldByOther(const Entry* self, uint64_t dev, uint64_t inode) const {
  return held(self->prospector->scope(), dev, inode, self);
}

bool InputSet::held(const std::string& scope, uint64_t dev, uint64_t inode, const Entry* except) const {
  for (const auto* list : {&running_, &stopping_}) {
    for (const auto& e : *list) {
      if (e.get() != except && e->prospector->scope() == scope && e->prospector->holds(dev, inode)) return true;
    }
  }
  return false;
}

void InputSet::forgetOrphanStates(Clock::time_point now) {
  if (!context_.registry || now - last_orphan_check_ < kOrphanCheckEvery) return;
  last_orphan_check_ = now;
  RegistryCleaner cleaner;
  cleaner.held = [this](const FileState& s) { return held(s.scope, s.identity.dev, s.identity.inode, nullptr); };
  cleaner.kept = [this](const FileState& s) {
    for (const auto& e : running_) {
      if (!e->spec.config->clean_removed && e->prospector->scope() == s.scope && e->prospector->matches(s.path))
        return true;
    }
    return false;
  };
  cleaner.forgetOrphans(*context_.registry);
}

void InputSet::scan(Clock::time_point now) {
  for (auto& e : running_) {
    if (now < e->next_scan) continue;
    e->prospector->scan(now);
    e->last_scan = now;
    e->next_scan = now + std::max(e->spec.config->scan_frequency, milliseconds(100));
  }
}

size_t InputSet::harvest(size_t budget, Clock::time_point now) {
  size_t read = 0;
  for (auto& e : running_) {
    if (read < budget) read += e->prospector->harvest(budget - read, now);
  }
  return read;
}

void InputSet::tick(Clock::time_point now) {
  for (auto& e : running_) e->prospector->tick(now);
  for (size_t i = stopping_.size(); i-- > 0;) {
    stopping_[i]->prospector->syncRegistry();
    if (!stopping_[i]->prospector->drained()) continue;
    log::info(*log::get("tail"), "stopped input drained: every event it read is acknowledged",
              {{"input", stopping_[i]->spec.id}, {"origin", stopping_[i]->spec.origin}});
    stopping_.erase(stopping_.begin() + static_cast<std::ptrdiff_t>(i));
  }
  forgetOrphanStates(now);
}

void InputSet::syncRegistry() {
  for (auto& e : running_) e->prospector->syncRegistry();
  for (auto& e : stopping_) e->prospector->syncRegistry();
}

size_t InputSet::openFiles() const {
  size_t open = 0;
  for (const auto& e : running_) open += e->prospector->openFiles();
  return open;
}

bool InputSet::atEof() const {
  if (!stopping_.empty()) return false;
  for (const auto& e : running_) {
    if (!e->prospector->atEof() || e->prospector->openFiles() != 0) return false;
  }
  return true;
}

bool InputSet::caughtUp(const std::string& id, Clock::time_point since) const {
  for (const auto& e : running_) {
    if (e->spec.id == id) return e->last_scan >= since && e->prospector->atEof();
  }
  return true;
}

std::vector<std::string> InputSet::runningIds() const {
  std::vector<std::string> ids;
  for (const auto& e : running_) ids.push_back(e->spec.id);
  return ids;
}

}  // namespace logship::tail
