// ContainerInputs and DockerAutodiscover: see docker_autodiscover.h.
#include "logship/tail/autodiscover/docker_autodiscover.h"

#include <set>

#include "logship/common/error.h"
#include "logship/common/logging.h"

namespace logship::tail::autodiscover {

void ContainerInputs::push(ContainerEvent event) {
  std::lock_guard<std::mutex> lock(mu_);
  queue_.push_back(std::move(event));
}

std::optional<std::vector<InputSpec>> ContainerInputs::poll(Clock::time_point now, const CaughtUp& caught_up) {
  std::vector<ContainerEvent> events;
  {
    std::lock_guard<std::mutex> lock(mu_);
    events.swap(queue_);
  }
  bool changed = false;
  for (const auto& e : events) changed |= apply(e, now);
  for (auto it = containers_.begin(); it != containers_.end();) {
    const Known& k = it->second;
    bool done = k.stopped && now - *k.stopped >= provider_->cleanup_timeout;
    for (size_t i = 0; done && i < k.specs.size(); ++i) done = caught_up(k.specs[i].id, *k.stopped);
    if (!done) {
      ++it;
      continue;
    }
    changed |= !k.specs.empty();
    it = containers_.erase(it);
  }
  if (!changed) return std::nullopt;
  return inputs();
}

std::vector<InputSpec> ContainerInputs::inputs() const {
  std::vector<InputSpec> out;
  for (const auto& [id, k] : containers_) out.insert(out.end(), k.specs.begin(), k.specs.end());
  return out;
}

bool ContainerInputs::apply(const ContainerEvent& event, Clock::time_point now) {
  switch (event.kind) {
    case ContainerEvent::Kind::kStarted:
      return start(event.container);
    case ContainerEvent::Kind::kStopped:
      return stop(event.id, now);
    case ContainerEvent::Kind::kListed: {
      bool changed = false;
      std::set<std::string> running;
      for (const auto& c : event.running) {
        running.insert(c.id);
        changed |= start(c);
      }
      for (const auto& [id, k] : containers_) {
        if (!running.count(id)) changed |= stop(id, now);
      }
      return changed;
    }
  }
  return false;
}

bool ContainerInputs::start(const DockerContainer& c) {
  auto found = containers_.find(c.id);
  if (found != containers_.end()) {
    found->second.stopped.reset();  // restarted within cleanup_timeout: its inputs keep running
    return false;
  }
  std::vector<std::string> errors;
  Known k{inputsForContainer(*provider_, c, errors), std::nullopt};
  for (const auto& e : errors) log::warn(*log::get("autodiscover"), e, {{"container", c.id}});
  const bool changed = !k.specs.empty();
  log::debug(*log::get("autodiscover"), "container started",
             {{"container", c.id}, {"name", c.name}, {"inputs", static_cast<uint64_t>(k.specs.size())}});
  containers_.emplace(c.id, std::move(k));
  return changed;
}

bool ContainerInputs::stop(const std::string& id, Clock::time_point now) {
  auto found = containers_.find(id);
  if (found != containers_.end() && !found->second.stopped) found->second.stopped = now;
  return false;  // its inputs stop in poll(), once due and caught up
}

DockerAutodiscover::DockerAutodiscover(std::shared_ptr<const DockerProviderConfig> provider, TimeSource& clock)
    : provider_(provider),
      engine_(provider->socket_path),
      clock_(clock),
      inputs_(provider),
      thread_(clock),
      health_(clock, "docker autodiscover: the Docker engine is unreachable; no container input starts or stops",
              "docker autodiscover: the Docker engine answers again", "socket", provider->socket_path) {}

void DockerAutodiscover::start(std::chrono::milliseconds first_wait) {
  thread_.start([this] { loop(); }, first_wait);
}

void DockerAutodiscover::handle(const DockerEvent& event) {
  if (event.action == "die" || event.action == "destroy") {
    inputs_.push(ContainerEvent{ContainerEvent::Kind::kStopped, {}, event.id, {}});
  } else if (event.action == "start") {
    ContainerEvent e{ContainerEvent::Kind::kStarted, {}, {}, {}};
    if (engine_.inspect(event.id, e.container, thread_.stopping())) inputs_.push(std::move(e));
  }
}

// One connection: the running containers, then the events from the time the list was asked for
// (a container started while listing is not missed; a start seen twice changes nothing).
void DockerAutodiscover::session() {
  const int64_t since = clock_.unixMillis() / 1000;
  inputs_.push(ContainerEvent{ContainerEvent::Kind::kListed, {}, {}, engine_.listContainers(thread_.stopping())});
  thread_.firstAttemptDone();
  health_.answered();
  engine_.followEvents(
      since, [this](const DockerEvent& e) { handle(e); }, thread_.stopping(), [] {});
}

void DockerAutodiscover::loop() {
  thread_.runSessions([this] { session(); }, [this](const std::string& e) { health_.failed(e); });
}

}  // namespace logship::tail::autodiscover
