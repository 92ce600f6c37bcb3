#pragma once
// A Docker Engine API client over the engine's unix socket (http_stream.h): list the running
// containers, inspect one, follow container events. Blocking calls, for a watcher's own thread;
// shared by add_docker_metadata and the docker autodiscover provider.
#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace logship::config {
class Node;
}

namespace logship::tail {

struct DockerContainer {
  std::string id;     // 64 hex digits
  std::string name;   // without the leading '/'
  std::string image;  // as the container was created: "busybox:latest", "sha256:..."
  std::map<std::string, std::string> labels;
};

struct DockerEvent {
  std::string action;  // start, die, destroy, rename, ...
  std::string id;
  int64_t time_nanos = 0;
};

class DockerEngine {
 public:
  // `host`: "unix:///var/run/docker.sock" (the only scheme implemented; callers check).
  explicit DockerEngine(std::string socket_path) : socket_path_(std::move(socket_path)) {}

  // GET /containers/json. Throws Error (kIo unreachable or refused, kDecode bad JSON).
  std::vector<DockerContainer> listContainers(const std::atomic<bool>& stop) const;
  // GET /containers/<id>/json; false when the engine does not know the container (404).
  bool inspect(std::string_view id, DockerContainer& out, const std::atomic<bool>& stop) const;
  // GET /events filtered to container start/die/destroy/rename (since `since_unix` seconds when
  // > 0), calling `on_event` for each until `stop` or the engine closes the stream; `on_idle`
  // runs when no event came for a poll interval. Throws Error on failures.
  void followEvents(int64_t since_unix, const std::function<void(const DockerEvent&)>& on_event,
                    const std::atomic<bool>& stop, const std::function<void()>& on_idle) const;

  // The JSON parsers, for tests.
  static std::vector<DockerContainer> parseList(std::string_view json);
  static bool parseInspect(std::string_view json, DockerContainer& out);
  static bool parseEvent(std::string_view json, DockerEvent& out);

 private:
  std::string socket_path_;
};

// `host: unix:///path` (add_docker_metadata, the docker autodiscover provider) -> the socket's
// path; the default /var/run/docker.sock. Throws ConfigError for any other scheme.
std::string dockerSocketPath(const config::Node& host);

}  // namespace logship::tail
