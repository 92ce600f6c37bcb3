// add_kubernetes_metadata: pod, namespace and container of the kubelet's log file names
// (`logs_path` matcher, kubernetes_log_path.h), plus what the Kubernetes API says about that pod
// (labels, annotations, node, owner) when an API is configured (kubernetes_pods.h): a background
// watcher keeps a MetadataStore of the node's pods, run() only looks it up.
#include <array>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "logship/tail/event.h"
#include "logship/tail/kubernetes_log_path.h"
#include "logship/tail/kubernetes_pods.h"
#include "logship/tail/processor.h"

namespace logship::tail::processors {
namespace {

class AddKubernetesMetadata final : public Processor {
 public:
  AddKubernetesMetadata(std::vector<LogsPathMatcher> matchers, std::unique_ptr<KubernetesPodWatcher> watcher)
      : matchers_(std::move(matchers)), watcher_(std::move(watcher)) {}

  void run(Event& event) const override {
    // As Filebeat: an event that already has kubernetes metadata keeps it.
    if (event.has("kubernetes")) return;
    const Entry* path = event.find("log.file.path");
    if (path == nullptr || path->kind != Entry::Kind::kString) return;
    KubernetesPathMatch m;
    for (const auto& matcher : matchers_) {
      if (!matcher.match(path->value, m)) continue;
      setFromPath(m, event);
      if (watcher_ != nullptr) watcher_->apply(m, event);
      return;
    }
  }

 private:
  // Views into log.file.path, which lives as long as the event.
  static void setFromPath(const KubernetesPathMatch& m, Event& event) {
    const std::array<std::pair<std::string_view, std::string_view>, 5> fields{{
        {"kubernetes.pod.name", m.pod_name},
        {"kubernetes.namespace", m.namespace_name},
        {"kubernetes.container.name", m.container_name},
        {"kubernetes.pod.uid", m.pod_uid},
        {"container.id", m.container_id},
    }};
    for (const auto& [key, value] : fields) {
      if (!value.empty()) event.setString(key, value);
    }
  }

  std::vector<LogsPathMatcher> matchers_;
  std::unique_ptr<KubernetesPodWatcher> watcher_;
};

// Filebeat's Validate(): with resource_type set, logs_path must be one of the kubelet's directories.
LogsPathMatcher parseLogsPathMatcher(const config::Node& node) {
  const config::Node type = node.child("resource_type");
  const std::string resource = type.oneOf({"container", "pod"}, "container");
  const config::Node path_node = node.child("logs_path");
  if (type.exists() && !path_node.exists()) node.fail("when resource_type is set, logs_path must be set as well");
  // Filebeat's own default for the matcher: the container id right after Docker's directory.
  std::string path = path_node.str("/var/lib/docker/containers/");
  if (!path.empty() && path.back() != '/') path.push_back('/');
  if (type.exists() && resource == "pod" && path != kPodLogsPath && path != kKubeletPodsPath) {
    path_node.fail("with resource_type: pod, logs_path must be /var/log/pods/ or /var/lib/kubelet/pods/");
  }
  if (type.exists() && resource == "container" && path != kContainerLogsPath) {
    path_node.fail("with resource_type: container, logs_path must be /var/log/containers/");
  }
  return LogsPathMatcher(path,
                         resource == "pod" ? LogsPathMatcher::Resource::kPod : LogsPathMatcher::Resource::kContainer);
}

// The layouts the kubelet and Docker write, tried in turn when no matcher is configured.
std::vector<LogsPathMatcher> defaultMatchers() {
  return {LogsPathMatcher(std::string(kContainerLogsPath), LogsPathMatcher::Resource::kContainer),
          LogsPathMatcher(std::string(kPodLogsPath), LogsPathMatcher::Resource::kPod),
          LogsPathMatcher(std::string(kKubeletPodsPath), LogsPathMatcher::Resource::kPod),
          LogsPathMatcher("/var/lib/docker/containers/", LogsPathMatcher::Resource::kContainer)};
}

std::vector<LogsPathMatcher> parseMatchers(const config::Node& node) {
  std::vector<LogsPathMatcher> out;
  for (const auto& item : node.child("matchers").items()) {
    if (!item.isMap()) item.fail("each matcher is a map: {logs_path: {...}}");
    for (const auto& [name, settings] : item.entries()) {
      if (name == "logs_path") {
        out.push_back(parseLogsPathMatcher(settings));
      } else {
        settings.noEffect("logship matches on log.file.path only (the logs_path matcher)");
      }
    }
  }
  if (node.child("default_matchers").child("enabled").boolean(true)) {
    for (auto& m : defaultMatchers()) out.push_back(std::move(m));
  }
  return out;
}

}  // namespace

std::unique_ptr<const Processor> parseAddKubernetesMetadata(const config::Node& node) {
  node.child("indexers").noEffect("pods are indexed by container id and pod uid (Filebeat's default indexers)");
  node.child("default_indexers").noEffect("pods are indexed by container id and pod uid");
  for (const char* key : {"use_kubeadm", "wait_for_metadata", "wait_for_metadata_timeout",
                          "wait_for_metadata_retry_period", "append_fields"}) {
    node.child(key).noEffect("not implemented by logship's add_kubernetes_metadata");
  }
  auto matchers = parseMatchers(node);
  return std::make_unique<AddKubernetesMetadata>(std::move(matchers), parseKubernetesPodWatcher(node));
}

}  // namespace logship::tail::processors
