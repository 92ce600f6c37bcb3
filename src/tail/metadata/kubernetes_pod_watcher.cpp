// parseKubernetesPodWatcher: see kubernetes_pods.h.
#include "logship/tail/kubernetes_pods.h"

namespace logship::tail {

std::unique_ptr<KubernetesPodWatcher> parseKubernetesPodWatcher(const config::Node& node) {
  for (const char* key : {"in_cluster", "kube_config", "node", "host", "labels", "annotations", "include_labels",
                          "exclude_labels", "include_annotations", "cleanup_timeout"}) {
    node.child(key).noEffect("the Kubernetes API is not read yet: fields come from the log path only");
  }
  return nullptr;
}

}  // namespace logship::tail
