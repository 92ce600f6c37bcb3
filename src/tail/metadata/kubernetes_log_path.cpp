// LogsPathMatcher: see kubernetes_log_path.h.
#include "logship/tail/kubernetes_log_path.h"

#include <utility>

namespace logship::tail {
namespace {

constexpr size_t kIdLength = 64;

bool startsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// Splits `s` at its `_` into exactly three non-empty parts (pod, namespace and container names are
// DNS labels or subdomains: none of them can hold a `_`).
bool splitThree(std::string_view s, std::string_view& a, std::string_view& b, std::string_view& c) {
  const size_t first = s.find('_');
  if (first == std::string_view::npos) return false;
  const size_t second = s.find('_', first + 1);
  if (second == std::string_view::npos || s.find('_', second + 1) != std::string_view::npos) return false;
  a = s.substr(0, first);
  b = s.substr(first + 1, second - first - 1);
  c = s.substr(second + 1);
  return !a.empty() && !b.empty() && !c.empty();
}

}  // namespace

bool isContainerId(std::string_view s) {
  if (s.size() != kIdLength) return false;
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

LogsPathMatcher::LogsPathMatcher(std::string logs_path, Resource resource)
    : logs_path_(std::move(logs_path)), resource_(resource) {
  if (logs_path_.empty() || logs_path_.back() != '/') logs_path_.push_back('/');
}

bool LogsPathMatcher::match(std::string_view path, KubernetesPathMatch& out) const {
  if (!startsWith(path, logs_path_)) return false;
  out = KubernetesPathMatch{};
  const std::string_view rest = path.substr(logs_path_.size());
  if (resource_ == Resource::kPod) {
    if (startsWith(logs_path_, kPodLogsPath)) return matchPodsDirectory(rest, out);
    if (startsWith(logs_path_, kKubeletPodsPath)) {
      out.pod_uid = rest.substr(0, rest.find('/'));
      return !out.pod_uid.empty() && out.pod_uid.size() < rest.size();
    }
    return false;
  }
  if (startsWith(logs_path_, kContainerLogsPath)) return matchContainerFile(rest, out);
  // Any other directory: the container id follows right after it.
  out.container_id = rest.substr(0, kIdLength);
  return isContainerId(out.container_id) && (rest.size() == kIdLength || rest[kIdLength] == '/');
}

// <pod>_<namespace>_<container>-<id>.log
bool LogsPathMatcher::matchContainerFile(std::string_view name, KubernetesPathMatch& out) const {
  constexpr std::string_view kSuffix = ".log";
  if (name.find('/') != std::string_view::npos || name.size() < kIdLength + kSuffix.size() + 1) return false;
  if (name.substr(name.size() - kSuffix.size()) != kSuffix) return false;
  const size_t id_at = name.size() - kSuffix.size() - kIdLength;
  out.container_id = name.substr(id_at, kIdLength);
  if (!isContainerId(out.container_id) || name[id_at - 1] != '-') return false;
  return splitThree(name.substr(0, id_at - 1), out.pod_name, out.namespace_name, out.container_name);
}

// <namespace>_<pod>_<uid>/<container>/<restart>.log (rotated: <restart>.log.<time>[.gz])
bool LogsPathMatcher::matchPodsDirectory(std::string_view rest, KubernetesPathMatch& out) const {
  const size_t dir_end = rest.find('/');
  if (dir_end == std::string_view::npos) return false;
  if (!splitThree(rest.substr(0, dir_end), out.namespace_name, out.pod_name, out.pod_uid)) return false;
  const std::string_view below = rest.substr(dir_end + 1);
  const size_t container_end = below.find('/');
  if (container_end == std::string_view::npos || container_end == 0) return false;
  const std::string_view file = below.substr(container_end + 1);
  if (file.find('/') != std::string_view::npos || file.find(".log") == std::string_view::npos) return false;
  out.container_name = below.substr(0, container_end);
  return true;
}

}  // namespace logship::tail
