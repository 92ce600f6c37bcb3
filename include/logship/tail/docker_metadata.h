#pragma once
// add_docker_metadata's parts: which container an event comes from (DockerMatcher, on the
// harvesting thread) and the engine's containers kept in a MetadataStore (DockerMetadataWatcher,
// its own thread: list, then the event stream, reconnecting with back-off).
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "logship/common/time_source.h"
#include "logship/tail/docker_engine.h"
#include "logship/tail/metadata_store.h"
#include "logship/tail/watcher_health.h"
#include "logship/tail/watcher_thread.h"

namespace logship::tail {

class Event;

struct DockerMetadataOptions {
  std::string socket_path = "/var/run/docker.sock";
  bool match_source = true;
  int match_source_index = 4;  // /var/lib/docker/containers/<id>/<id>-json.log: the 5th element
  std::vector<std::string> match_fields;
  bool match_short_id = false;
  bool labels_dedot = true;
  std::chrono::milliseconds cleanup_timeout{60000};
};

// The fields Filebeat adds for a container: container.id, .name, .image.name, .labels.*.
MetadataFields dockerFields(const DockerContainer& c, bool labels_dedot);

class DockerMatcher {
 public:
  DockerMatcher(const DockerMetadataOptions& options, const MetadataStore& store) : options_(options), store_(store) {}
  // Sets container.id from the path (as Filebeat's extract_field does, found or not), then the
  // container's fields when the store has it.
  void run(Event& event) const;

 private:
  std::string_view containerId(Event& event) const;
  const DockerMetadataOptions& options_;
  const MetadataStore& store_;
};

class DockerMetadataWatcher {
 public:
  DockerMetadataWatcher(DockerEngine engine, MetadataStore& store, const DockerMetadataOptions& options,
                        TimeSource& clock);
  ~DockerMetadataWatcher();
  // Starts the thread (once; later calls do nothing) and waits, that first time only, until the
  // first list is in the store or failed, at most `first_list_wait`: the first lines of a run
  // then find the containers that were already running (libbeat's watcher lists in Start()).
  void start(std::chrono::milliseconds first_list_wait = std::chrono::seconds(2));
  void stop();

  // One session, on the caller's thread: list (the store then holds exactly the running
  // containers), then follow events until stop or a failure (thrown).
  void runSession();
  void handle(const DockerEvent& event);
  // Sessions completed a list (tests await this).
  int lists() const { return lists_.load(); }

 private:
  void loop();
  void put(const DockerContainer& c);

  DockerEngine engine_;
  MetadataStore& store_;
  const DockerMetadataOptions& options_;
  TimeSource& clock_;
  std::atomic<int> lists_{0};
  WatcherThread thread_;
  WatcherHealth health_;
};

}  // namespace logship::tail
