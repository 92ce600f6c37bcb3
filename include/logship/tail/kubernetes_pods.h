#pragma once
// The Kubernetes API side of add_kubernetes_metadata: the pods of this node, kept current by a
// background watcher (list, then watch from the list's resourceVersion; 410 Gone or sync_period:
// list again), stored in a MetadataStore under each container id, "<pod uid>/<container name>"
// and the pod uid, looked up by what the log path named. apply() never waits for the API.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "logship/common/config.h"
#include "logship/common/time_source.h"
#include "logship/tail/kubernetes_api.h"
#include "logship/tail/kubernetes_log_path.h"
#include "logship/tail/metadata_store.h"
#include "logship/tail/watcher_health.h"
#include "logship/tail/watcher_thread.h"

namespace logship::tail {

class Event;

class KubernetesPodWatcher {
 public:
  virtual ~KubernetesPodWatcher() = default;
  // Adds the cached fields of the pod (and container) `m` names; nothing when unknown. Never blocks.
  virtual void apply(const KubernetesPathMatch& m, Event& event) const = 0;
};

// The watcher the processor's options ask for (in_cluster, kube_config, node, labels.dedot, ...),
// or null when no API is configured or found: then only the path's fields are added.
std::unique_ptr<KubernetesPodWatcher> parseKubernetesPodWatcher(const config::Node& node);

struct KubernetesMetadataOptions {
  std::string node;            // empty with cluster scope: every node's pods
  std::string namespace_name;  // empty: all namespaces
  bool labels_dedot = true;
  bool annotations_dedot = true;
  std::vector<std::string> include_labels;  // empty: all
  std::vector<std::string> exclude_labels;
  std::vector<std::string> include_annotations;  // empty: none (as libbeat)
  bool deployment = true;                        // add_resource_metadata.deployment: ReplicaSet -> Deployment
  std::chrono::milliseconds cleanup_timeout{60000};
  std::chrono::milliseconds sync_period{600000};
};

// libbeat's fields for a pod: kubernetes.pod.{name,uid,ip}, .namespace, .node.name, .labels.*,
// .annotations.*, and the controller's name (.replicaset/.deployment/.statefulset/.daemonset/.job).
MetadataFields kubernetesPodFields(const KubePod& pod, const KubernetesMetadataOptions& options,
                                   const std::string& deployment);
// kubernetes.container.{name,image}, container.{id,runtime,image.name}.
void appendContainerFields(const KubeContainer& c, MetadataFields& fields);

class KubernetesApiWatcher final : public KubernetesPodWatcher {
 public:
  KubernetesApiWatcher(KubernetesApi api, KubernetesMetadataOptions options, TimeSource& clock);
  ~KubernetesApiWatcher() override;
  void apply(const KubernetesPathMatch& m, Event& event) const override;

  // Starts the thread once and waits, that first time only, for the first list (at most
  // `first_list_wait`), so the first lines of a run find the pods already running.
  void start(std::chrono::milliseconds first_list_wait = std::chrono::seconds(2)) const;
  void stop();
  // For tests to await: lists completed, watch events handled.
  int lists() const { return lists_.load(); }
  int events() const { return events_.load(); }
  const MetadataStore& store() const { return store_; }

 private:
  void loop();
  void runSession();
  void handle(const KubeWatchEvent& event);
  void put(const KubePod& pod);
  std::string deploymentOf(const KubePod& pod);

  KubernetesApi api_;
  KubernetesMetadataOptions options_;
  TimeSource& clock_;
  MetadataStore store_;
  std::map<std::string, std::vector<std::string>> pod_keys_;  // uid -> its store keys (watcher thread)
  std::map<std::string, std::string> deployments_;            // "ns/replicaset" -> deployment (cached)
  std::atomic<int> lists_{0};
  std::atomic<int> events_{0};
  WatcherThread thread_;
  WatcherHealth health_;
};

}  // namespace logship::tail
