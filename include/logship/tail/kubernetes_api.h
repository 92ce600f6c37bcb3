#pragma once
// A Kubernetes API client for add_kubernetes_metadata (http_stream.h over TLS, bearer token or
// client certificate): list the pods of a node, watch them from a resourceVersion, and look up
// a ReplicaSet's owner. Blocking calls for the watcher's own thread.
#include <atomic>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "logship/common/error.h"
#include "logship/tail/kubernetes_config.h"

namespace logship::tail {

struct KubeContainer {
  std::string name;
  std::string image;    // spec.containers[].image
  std::string id;       // status containerID without the runtime prefix; empty until it runs
  std::string runtime;  // "containerd", "docker", "cri-o"
};

struct KubeOwner {
  std::string kind;  // ReplicaSet, StatefulSet, DaemonSet, Job, ...
  std::string name;
  bool controller = false;
};

struct KubePod {
  std::string name, namespace_name, uid, ip, node_name, resource_version;
  std::map<std::string, std::string> labels, annotations;
  std::vector<KubeOwner> owners;
  std::vector<KubeContainer> containers;  // regular, init and ephemeral
};

struct KubePodList {
  std::vector<KubePod> pods;
  std::string resource_version;
};

struct KubeWatchEvent {
  std::string type;  // ADDED, MODIFIED, DELETED, BOOKMARK, ERROR
  KubePod pod;       // for BOOKMARK only resource_version is set
  int error_code = 0;
};

// The watch's resourceVersion is too old (410 Gone): list again.
class KubeGone : public Error {
 public:
  KubeGone() : Error(ErrorCode::kIo, "the Kubernetes API answered 410 Gone to the watch") {}
};

class KubernetesApi {
 public:
  explicit KubernetesApi(KubeConnection connection) : connection_(std::move(connection)) {}

  // GET /api/v1[/namespaces/<ns>]/pods[?fieldSelector=spec.nodeName=<node>]; empty node or
  // namespace: all. Throws Error.
  KubePodList listPods(const std::string& node, const std::string& ns, const std::atomic<bool>& stop) const;
  // The same with watch=1 from `resource_version`, calling `on_event` per event until the server
  // ends the stream after `timeout_seconds` (returns) or `stop`. Throws KubeGone on 410 (status or
  // ERROR event), Error else.
  void watchPods(const std::string& node, const std::string& ns, const std::string& resource_version,
                 long timeout_seconds, const std::function<void(const KubeWatchEvent&)>& on_event,
                 const std::atomic<bool>& stop, const std::function<void()>& on_idle) const;
  // The controlling Deployment of ReplicaSet ns/name (GET apps/v1), empty when it has none;
  // nullopt when the API cannot say (unreachable, 404, forbidden).
  std::optional<std::string> replicaSetDeployment(const std::string& ns, const std::string& name,
                                                  const std::atomic<bool>& stop) const;
  const KubeConnection& connection() const { return connection_; }

  // The JSON parsers, for tests.
  static KubePodList parsePodList(std::string_view json);
  static bool parseWatchEvent(std::string_view json, KubeWatchEvent& out);
  static std::string parseControllerOf(std::string_view json, std::string_view kind);

 private:
  std::string podsTarget(const std::string& node, const std::string& ns) const;
  int get(const std::string& target, const std::function<bool(std::string_view)>& sink, const std::atomic<bool>& stop,
          const std::function<void()>& on_idle = {}) const;
  KubeConnection connection_;
};

}  // namespace logship::tail
