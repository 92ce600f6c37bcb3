// parseKubernetesPodWatcher: add_kubernetes_metadata's API options (see kubernetes_pods.h) as
// libbeat reads them: kube_config (else $KUBECONFIG), else the in-cluster service account; the node
// from `node` (or its old name `host`), else $NODE_NAME, else this host's name. Without an API the
// processor adds the log path's fields only, as before, with one warning when one was asked for.
#include "logship/common/error.h"
#include "logship/common/logging.h"
#include "logship/tail/kubernetes_pods.h"
#include "logship/tail/processors.h"

namespace logship::tail {
namespace {

// The connection the options name, or nullopt (no API: path fields only).
std::optional<KubeConnection> connectionFor(const config::Node& node) {
  const config::Node kube_config = node.child("kube_config");
  const std::string file = kube_config.str(processEnv("KUBECONFIG").value_or(""));
  if (!file.empty()) {
    try {
      return kubeconfigConnection(file);
    } catch (const Error& e) {
      if (kube_config.exists()) kube_config.fail(e.what());
      log::warn(*log::get("processors"), "add_kubernetes_metadata: $KUBECONFIG is unusable; trying in-cluster",
                {{"file", file}, {"error", e.what()}});
    }
  }
  const config::Node in_cluster = node.child("in_cluster");
  if (!in_cluster.boolean(true)) return std::nullopt;
  std::string why;
  auto c = inClusterConnection(kServiceAccountDir, processEnv, why);
  if (!c && in_cluster.exists()) {
    log::warn(*log::get("processors"),
              "add_kubernetes_metadata: in_cluster is set but this is no pod; "
              "events get only the log path's fields",
              {{"reason", why}});
  }
  return c;
}

std::string nodeName(const config::Node& node) {
  std::string name = node.child("node").str();
  if (name.empty()) name = node.child("host").str();
  if (name.empty()) name = processEnv("NODE_NAME").value_or("");
  return name.empty() ? hostName() : name;
}

std::vector<std::string> names(const config::Node& list) {
  return list.exists() ? list.strings() : std::vector<std::string>{};
}

std::chrono::milliseconds positiveDuration(const config::Node& n, std::chrono::milliseconds def) {
  const auto d = n.duration(def);
  if (d.count() <= 0) n.fail("must be more than 0");
  return d;
}

void parseResourceMetadata(const config::Node& node, KubernetesMetadataOptions& o) {
  o.deployment = node.child("deployment").boolean(true);
  node.child("cronjob").noEffect("a Job's CronJob is not looked up: kubernetes.job.name only");
  for (const char* key : {"namespace", "node"}) {
    node.child(key).noEffect("namespace and node objects are not read: no kubernetes.namespace_labels / node.labels");
  }
}

}  // namespace

std::unique_ptr<KubernetesPodWatcher> parseKubernetesPodWatcher(const config::Node& node) {
  KubernetesMetadataOptions o;
  const bool cluster = node.child("scope").oneOf({"node", "cluster"}, "node") == "cluster";
  o.node = cluster ? "" : nodeName(node);
  o.namespace_name = node.child("namespace").str();
  o.labels_dedot = node.child("labels").child("dedot").boolean(true);
  o.annotations_dedot = node.child("annotations").child("dedot").boolean(true);
  o.include_labels = names(node.child("include_labels"));
  o.exclude_labels = names(node.child("exclude_labels"));
  o.include_annotations = names(node.child("include_annotations"));
  o.cleanup_timeout = positiveDuration(node.child("cleanup_timeout"), std::chrono::seconds(60));
  o.sync_period = positiveDuration(node.child("sync_period"), std::chrono::minutes(10));
  parseResourceMetadata(node.child("add_resource_metadata"), o);
  node.child("kube_client_options").noEffect("one watch connection per processor: no client-side rate limits");
  auto connection = connectionFor(node);
  if (!connection) return nullptr;
  return std::make_unique<KubernetesApiWatcher>(KubernetesApi(std::move(*connection)), std::move(o),
                                                RealTimeSource::instance());
}

}  // namespace logship::tail
