// kubernetesPodFields and appendContainerFields: see kubernetes_pods.h. Names as libbeat's
// metadata generators (elastic-agent-autodiscover kubernetes/metadata: pod.go, resource.go).
#include <algorithm>

#include "logship/common/json.h"
#include "logship/tail/kubernetes_pods.h"

namespace logship::tail {
namespace {

std::string quoted(std::string_view s) {
  std::string out;
  json::appendString(out, s);
  return out;
}

bool listed(const std::vector<std::string>& list, const std::string& key) {
  return std::find(list.begin(), list.end(), key) != list.end();
}

void add(MetadataFields& f, std::string key, std::string_view value) {
  if (!value.empty()) f.emplace_back(std::move(key), quoted(value));
}

// The controller owner's name under libbeat's key for its kind.
void addOwner(const KubePod& pod, const std::string& deployment, MetadataFields& f) {
  for (const auto& owner : pod.owners) {
    if (!owner.controller) continue;
    if (owner.kind == "ReplicaSet") {
      add(f, "kubernetes.replicaset.name", owner.name);
      add(f, "kubernetes.deployment.name", deployment);
    } else if (owner.kind == "Deployment") {
      add(f, "kubernetes.deployment.name", owner.name);
    } else if (owner.kind == "StatefulSet") {
      add(f, "kubernetes.statefulset.name", owner.name);
    } else if (owner.kind == "DaemonSet") {
      add(f, "kubernetes.daemonset.name", owner.name);
    } else if (owner.kind == "Job") {
      add(f, "kubernetes.job.name", owner.name);
    }
  }
}

}  // namespace

MetadataFields kubernetesPodFields(const KubePod& pod, const KubernetesMetadataOptions& options,
                                   const std::string& deployment) {
  MetadataFields f;
  add(f, "kubernetes.pod.name", pod.name);
  add(f, "kubernetes.pod.uid", pod.uid);
  add(f, "kubernetes.pod.ip", pod.ip);
  add(f, "kubernetes.namespace", pod.namespace_name);
  add(f, "kubernetes.node.name", pod.node_name);
  for (const auto& [key, value] : pod.labels) {
    if (!options.include_labels.empty() && !listed(options.include_labels, key)) continue;
    if (listed(options.exclude_labels, key)) continue;
    f.emplace_back("kubernetes.labels." + (options.labels_dedot ? dedot(key) : key), quoted(value));
  }
  for (const auto& [key, value] : pod.annotations) {
    if (!listed(options.include_annotations, key)) continue;
    f.emplace_back("kubernetes.annotations." + (options.annotations_dedot ? dedot(key) : key), quoted(value));
  }
  addOwner(pod, deployment, f);
  return f;
}

void appendContainerFields(const KubeContainer& c, MetadataFields& f) {
  add(f, "kubernetes.container.name", c.name);
  add(f, "kubernetes.container.image", c.image);
  add(f, "container.id", c.id);
  add(f, "container.runtime", c.runtime);
  add(f, "container.image.name", c.image);
}

}  // namespace logship::tail
