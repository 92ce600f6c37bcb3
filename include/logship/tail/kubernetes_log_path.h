#pragma once
// Filebeat's `logs_path` matcher of add_kubernetes_metadata: what the kubelet's log file names say
// about a pod, read from `log.file.path`. The results are views into the path.
//
//   /var/log/containers/<pod>_<namespace>_<container>-<64-hex container id>.log   (resource_type: container)
//   /var/log/pods/<namespace>_<pod>_<pod uid>/<container>/<restart>.log            (resource_type: pod)
//   /var/lib/kubelet/pods/<pod uid>/volumes/...                                     (resource_type: pod)
//   <logs_path><64-hex container id>/...   (any other logs_path, e.g. /var/lib/docker/containers/)
#include <string>
#include <string_view>

namespace logship::tail {

struct KubernetesPathMatch {
  std::string_view pod_name;
  std::string_view namespace_name;
  std::string_view container_name;
  std::string_view container_id;
  std::string_view pod_uid;
};

class LogsPathMatcher {
 public:
  enum class Resource { kContainer, kPod };
  // `logs_path` gets a trailing '/' as Filebeat adds one.
  LogsPathMatcher(std::string logs_path, Resource resource);
  // True when `path` is under logs_path and names a pod or container in that layout; a path under
  // logs_path whose name does not fit the layout (bad name) is no match.
  bool match(std::string_view path, KubernetesPathMatch& out) const;
  const std::string& logsPath() const { return logs_path_; }

 private:
  bool matchContainerFile(std::string_view rest, KubernetesPathMatch& out) const;
  bool matchPodsDirectory(std::string_view rest, KubernetesPathMatch& out) const;
  std::string logs_path_;
  Resource resource_;
};

// Filebeat's known directories.
inline constexpr std::string_view kContainerLogsPath = "/var/log/containers/";
inline constexpr std::string_view kPodLogsPath = "/var/log/pods/";
inline constexpr std::string_view kKubeletPodsPath = "/var/lib/kubelet/pods/";

// A Docker / containerd container id: 64 lowercase hex digits.
bool isContainerId(std::string_view s);

}  // namespace logship::tail
