// KubernetesApiWatcher: see kubernetes_pods.h. One thread: list the pods, watch from the list's
// resourceVersion until the API server ends the watch after sync_period, then list again (a full
// resync: pods deleted while disconnected go too). 410 Gone lists again at once; any other failure
// is a warning and a back-off, while the store keeps answering with what it has.
#include <algorithm>

#include "logship/common/backoff.h"
#include "logship/tail/event.h"
#include "logship/tail/kubernetes_pods.h"

namespace logship::tail {

KubernetesApiWatcher::KubernetesApiWatcher(KubernetesApi api, KubernetesMetadataOptions options, TimeSource& clock)
    : api_(std::move(api)),
      options_(std::move(options)),
      clock_(clock),
      store_(clock, options_.cleanup_timeout),
      thread_(clock),
      health_(clock,
              "add_kubernetes_metadata: the Kubernetes API is unreachable; events get only the log path's fields",
              "add_kubernetes_metadata: the Kubernetes API answers again", "server", api_.connection().server) {}

KubernetesApiWatcher::~KubernetesApiWatcher() { stop(); }

void KubernetesApiWatcher::apply(const KubernetesPathMatch& m, Event& event) const {
  start();
  std::shared_ptr<const MetadataFields> fields;
  if (!m.container_id.empty()) fields = store_.find(m.container_id);
  if (fields == nullptr && !m.pod_uid.empty() && !m.container_name.empty()) {
    thread_local std::string key;  // no allocation per event once it has grown
    key.assign(m.pod_uid).append("/").append(m.container_name);
    fields = store_.find(key);
  }
  if (fields == nullptr && !m.pod_uid.empty()) fields = store_.find(m.pod_uid);
  if (fields != nullptr) MetadataStore::apply(*fields, event);
}

void KubernetesApiWatcher::start(std::chrono::milliseconds first_list_wait) const {
  auto* self = const_cast<KubernetesApiWatcher*>(this);
  self->thread_.start([self] { self->loop(); }, first_list_wait);
}

void KubernetesApiWatcher::stop() { thread_.stop(); }

std::string KubernetesApiWatcher::deploymentOf(const KubePod& pod) {
  if (!options_.deployment) return {};
  for (const auto& owner : pod.owners) {
    if (!owner.controller || owner.kind != "ReplicaSet") continue;
    const std::string key = pod.namespace_name + "/" + owner.name;
    auto it = deployments_.find(key);
    if (it != deployments_.end()) return it->second;
    const auto deployment = api_.replicaSetDeployment(pod.namespace_name, owner.name, thread_.stopping());
    if (!deployment) return {};  // not cached: asked again with the pod's next change
    return deployments_.emplace(key, *deployment).first->second;
  }
  return {};
}

void KubernetesApiWatcher::put(const KubePod& pod) {
  if (pod.uid.empty()) return;
  const MetadataFields base = kubernetesPodFields(pod, options_, deploymentOf(pod));
  std::vector<std::string> keys{pod.uid};
  store_.put(pod.uid, std::make_shared<const MetadataFields>(base));
  for (const auto& c : pod.containers) {
    MetadataFields with_container = base;
    appendContainerFields(c, with_container);
    auto fields = std::make_shared<const MetadataFields>(std::move(with_container));
    keys.push_back(pod.uid + "/" + c.name);
    store_.put(keys.back(), fields);
    if (c.id.empty()) continue;
    keys.push_back(c.id);
    store_.put(c.id, fields);
  }
  // Keys the pod had before (a restarted container's old id) go after cleanup_timeout.
  for (const auto& old : pod_keys_[pod.uid]) {
    if (std::find(keys.begin(), keys.end(), old) == keys.end()) store_.markRemoved(old);
  }
  pod_keys_[pod.uid] = std::move(keys);
}

void KubernetesApiWatcher::handle(const KubeWatchEvent& event) {
  if (event.type == "ADDED" || event.type == "MODIFIED") {
    put(event.pod);
  } else if (event.type == "DELETED") {
    auto it = pod_keys_.find(event.pod.uid);
    if (it != pod_keys_.end()) {
      for (const auto& key : it->second) store_.markRemoved(key);
      pod_keys_.erase(it);
    }
  }
  ++events_;
}

void KubernetesApiWatcher::runSession() {
  KubePodList list = api_.listPods(options_.node, options_.namespace_name, thread_.stopping());
  deployments_.clear();  // a resync asks owners again (a ReplicaSet may have changed hands)
  pod_keys_.clear();
  std::vector<std::string> keep;
  for (const auto& pod : list.pods) {
    put(pod);
    const auto& keys = pod_keys_[pod.uid];
    keep.insert(keep.end(), keys.begin(), keys.end());
  }
  store_.retainOnly(keep);
  ++lists_;
  thread_.firstAttemptDone();
  health_.answered();
  std::string version = list.resource_version;
  const long timeout_seconds = std::max<long>(1, static_cast<long>(options_.sync_period.count() / 1000));
  api_.watchPods(
      options_.node, options_.namespace_name, version, timeout_seconds,
      [&](const KubeWatchEvent& e) {
        handle(e);
        if (!e.pod.resource_version.empty()) version = e.pod.resource_version;
      },
      thread_.stopping(), [this] { store_.cleanup(); });
}

void KubernetesApiWatcher::loop() {
  BackoffSchedule backoff(std::chrono::seconds(1), std::chrono::seconds(30));
  while (!thread_.stopping().load()) {
    std::chrono::milliseconds wait{0};
    const auto began = clock_.monotonicTime();
    try {
      runSession();  // ends when the server closes the watch: list again at once, unless it
      // closes it right away each time (then it is a failure to space out)
      if (clock_.monotonicTime() - began < std::chrono::seconds(1)) wait = backoff.next();
    } catch (const KubeGone&) {
      backoff.reset();
    } catch (const Error& e) {
      health_.failed(e.what());
      wait = backoff.next();
    }
    thread_.firstAttemptDone();
    store_.cleanup();
    if (thread_.waitFor(wait)) break;
  }
}

}  // namespace logship::tail
