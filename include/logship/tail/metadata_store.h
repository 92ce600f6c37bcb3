#pragma once
// Fields that metadata processors (add_docker_metadata, add_kubernetes_metadata) add to events,
// by lookup key (a container id, a pod uid, ...). A background watcher writes them; the harvesting
// thread reads them in Processor::run. A lookup is one hash probe on a string_view (no allocation)
// under a lock that writers hold only to swap a pointer, never across I/O, so run() cannot stall on
// the network. Entries of removed containers or pods stay until `cleanup_timeout` has passed since
// their last lookup (libbeat's watcher does the same: late lines of a dead container still match).
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "logship/common/time_source.h"

namespace logship::tail {

class Event;

// (dotted key, raw JSON value) pairs, built once per container or pod.
using MetadataFields = std::vector<std::pair<std::string, std::string>>;

class MetadataStore {
 public:
  MetadataStore(const TimeSource& clock, std::chrono::milliseconds cleanup_timeout)
      : clock_(clock), cleanup_timeout_(cleanup_timeout) {}

  // Adds or replaces the fields under `key` (a re-added key is live again).
  void put(std::string_view key, std::shared_ptr<const MetadataFields> fields);
  // The container or pod is gone: its entry goes cleanup_timeout after its last lookup.
  void markRemoved(std::string_view key);
  // Removes everything (a re-list replaces the whole set): keys not in `keep` are marked removed.
  void retainOnly(const std::vector<std::string>& keep);
  // Drops removed entries not looked up for cleanup_timeout; returns how many went.
  size_t cleanup();
  // The fields under `key`, or null. The pointer keeps them alive while the caller copies them.
  std::shared_ptr<const MetadataFields> find(std::string_view key) const;
  bool contains(std::string_view key) const { return find(key) != nullptr; }
  size_t size() const;

  // Copies `fields` into the event's arena (the store may replace them once run() returns).
  static void apply(const MetadataFields& fields, Event& event);

 private:
  struct Slot {
    std::string key;  // the map's key views into this
    std::shared_ptr<const MetadataFields> fields;
    bool removed = false;
    TimeSource::MonotonicTime last_access{};
  };
  const TimeSource& clock_;
  std::chrono::milliseconds cleanup_timeout_;
  mutable std::mutex mu_;
  std::unordered_map<std::string_view, std::unique_ptr<Slot>> slots_;
};

// Filebeat's DeDot: '.' in a label or annotation key becomes '_' (so `app.kubernetes.io/name` stays
// one key under `kubernetes.labels` instead of becoming nested objects).
std::string dedot(std::string_view key);

}  // namespace logship::tail
