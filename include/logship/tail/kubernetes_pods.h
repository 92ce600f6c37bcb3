#pragma once
// The Kubernetes API side of add_kubernetes_metadata: the pods of this node, kept current by a
// background watcher, looked up by what the log path named (container id, pod uid).
#include <memory>

#include "logship/common/config.h"
#include "logship/tail/kubernetes_log_path.h"

namespace logship::tail {

class Event;

class KubernetesPodWatcher {
 public:
  virtual ~KubernetesPodWatcher() = default;
  // Adds the cached fields of the pod (and container) `m` names; nothing when unknown. Never blocks.
  virtual void apply(const KubernetesPathMatch& m, Event& event) const = 0;
};

// The watcher the processor's options ask for (in_cluster, kube_config, node, labels.dedot, ...),
// or null when no API is configured: then only the path's fields are added.
std::unique_ptr<KubernetesPodWatcher> parseKubernetesPodWatcher(const config::Node& node);

}  // namespace logship::tail
