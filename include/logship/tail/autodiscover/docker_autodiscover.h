#pragma once
// The docker autodiscover provider at run time. A watcher thread lists the engine's containers and
// follows its event stream (docker_engine.h), queueing what it sees; the tailer's loop thread
// polls the queue and hands the inputs that should run to InputSet::apply. A container that dies
// keeps its inputs for cleanup_timeout (a restart in that time keeps them running, as libbeat's
// provider does) and then until they have read its files to the end: its last lines are shipped
// before the input stops, and the input's offsets stay in the registry.
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "logship/common/time_source.h"
#include "logship/tail/autodiscover/docker_provider.h"
#include "logship/tail/watcher_health.h"
#include "logship/tail/watcher_thread.h"

namespace logship::tail::autodiscover {

struct ContainerEvent {
  enum class Kind { kStarted, kStopped, kListed };
  Kind kind = Kind::kStarted;
  DockerContainer container;             // kStarted
  std::string id;                        // kStopped
  std::vector<DockerContainer> running;  // kListed: every running container (a first or new list)
};

// The inputs of one provider, from container events: push() from any thread, poll() on the loop.
class ContainerInputs {
 public:
  using Clock = std::chrono::steady_clock;
  // True when the input `id` has read its files to their end at a scan after `since` (or does
  // not run): InputSet::caughtUp.
  using CaughtUp = std::function<bool(const std::string& id, Clock::time_point since)>;

  explicit ContainerInputs(std::shared_ptr<const DockerProviderConfig> provider) : provider_(std::move(provider)) {}

  void push(ContainerEvent event);
  // Applies the queued events, then ends the containers whose stop is due and whose inputs caught
  // up. The provider's inputs when they changed; nullopt otherwise.
  std::optional<std::vector<InputSpec>> poll(Clock::time_point now, const CaughtUp& caught_up);
  std::vector<InputSpec> inputs() const;
  size_t containers() const { return containers_.size(); }

 private:
  struct Known {
    std::vector<InputSpec> specs;
    std::optional<Clock::time_point> stopped;  // when the container died; its inputs still run
  };
  bool apply(const ContainerEvent& event, Clock::time_point now);
  bool start(const DockerContainer& c);
  bool stop(const std::string& id, Clock::time_point now);

  std::shared_ptr<const DockerProviderConfig> provider_;
  std::map<std::string, Known> containers_;  // loop thread only
  std::mutex mu_;
  std::vector<ContainerEvent> queue_;  // guarded by mu_
};

// The watcher thread of one provider, feeding its ContainerInputs.
class DockerAutodiscover {
 public:
  DockerAutodiscover(std::shared_ptr<const DockerProviderConfig> provider, TimeSource& clock);
  ~DockerAutodiscover() { stop(); }
  // Starts the thread and waits up to `first_wait` for the first list of containers.
  void start(std::chrono::milliseconds first_wait);
  void stop() { thread_.stop(); }
  ContainerInputs& inputs() { return inputs_; }

 private:
  void loop();
  void session();
  void handle(const DockerEvent& event);

  std::shared_ptr<const DockerProviderConfig> provider_;
  DockerEngine engine_;
  TimeSource& clock_;
  ContainerInputs inputs_;
  WatcherThread thread_;
  WatcherHealth health_;
};

}  // namespace logship::tail::autodiscover
