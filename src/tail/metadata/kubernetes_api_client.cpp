// KubernetesApi: see kubernetes_api.h. JSON shapes: core/v1 Pod and PodList, meta/v1 WatchEvent
// and Status, apps/v1 ReplicaSet (only its metadata.ownerReferences).
#include <simdjson.h>

#include "logship/tail/http_stream.h"
#include "logship/tail/kubernetes_api.h"

namespace logship::tail {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

std::string stringAt(const object& o, std::string_view key) {
  std::string_view s;
  if (o[key].get_string().get(s) != simdjson::SUCCESS) return {};
  return std::string(s);
}

// `{}`, for absent members (a default-constructed dom::object points nowhere).
object emptyObject() {
  thread_local simdjson::dom::parser parser;
  thread_local object empty;
  thread_local bool parsed = parser.parse(std::string_view("{}")).get_object().get(empty) == simdjson::SUCCESS;
  return parsed ? empty : object{};
}

object objectAt(const object& o, std::string_view key) {
  object out;
  if (o[key].get_object().get(out) != simdjson::SUCCESS) return emptyObject();
  return out;
}

void readStringMap(const object& parent, std::string_view key, std::map<std::string, std::string>& out) {
  object o;
  if (parent[key].get_object().get(o) != simdjson::SUCCESS) return;
  for (auto [k, v] : o) {
    std::string_view s;
    if (v.get_string().get(s) == simdjson::SUCCESS) out.emplace(std::string(k), std::string(s));
  }
}

std::vector<KubeOwner> readOwners(const object& meta) {
  std::vector<KubeOwner> out;
  array list;
  if (meta["ownerReferences"].get_array().get(list) != simdjson::SUCCESS) return out;
  for (element item : list) {
    object o;
    if (item.get_object().get(o) != simdjson::SUCCESS) continue;
    bool controller = false;
    if (o["controller"].get_bool().get(controller) != simdjson::SUCCESS) controller = false;
    out.push_back(KubeOwner{stringAt(o, "kind"), stringAt(o, "name"), controller});
  }
  return out;
}

// "containerd://<id>" -> runtime "containerd", id "<id>".
void splitContainerId(const std::string& raw, KubeContainer& c) {
  const size_t sep = raw.find("://");
  if (sep == std::string::npos) {
    c.id = raw;
    return;
  }
  c.runtime = raw.substr(0, sep);
  c.id = raw.substr(sep + 3);
}

void readContainers(const object& spec, const object& status, KubePod& pod) {
  for (const auto& [spec_key, status_key] :
       {std::pair{"containers", "containerStatuses"}, std::pair{"initContainers", "initContainerStatuses"},
        std::pair{"ephemeralContainers", "ephemeralContainerStatuses"}}) {
    array specs;
    if (spec[spec_key].get_array().get(specs) != simdjson::SUCCESS) continue;
    for (element s : specs) {
      object o;
      if (s.get_object().get(o) != simdjson::SUCCESS) continue;
      pod.containers.push_back(KubeContainer{stringAt(o, "name"), stringAt(o, "image"), "", ""});
    }
    array statuses;
    if (status[status_key].get_array().get(statuses) != simdjson::SUCCESS) continue;
    for (element s : statuses) {
      object o;
      if (s.get_object().get(o) != simdjson::SUCCESS) continue;
      const std::string name = stringAt(o, "name");
      for (auto& c : pod.containers) {
        if (c.name == name) splitContainerId(stringAt(o, "containerID"), c);
      }
    }
  }
}

KubePod readPod(const object& o) {
  KubePod pod;
  const object meta = objectAt(o, "metadata");
  pod.name = stringAt(meta, "name");
  pod.namespace_name = stringAt(meta, "namespace");
  pod.uid = stringAt(meta, "uid");
  pod.resource_version = stringAt(meta, "resourceVersion");
  readStringMap(meta, "labels", pod.labels);
  readStringMap(meta, "annotations", pod.annotations);
  pod.owners = readOwners(meta);
  const object spec = objectAt(o, "spec");
  const object status = objectAt(o, "status");
  pod.node_name = stringAt(spec, "nodeName");
  pod.ip = stringAt(status, "podIP");
  readContainers(spec, status, pod);
  return pod;
}

object parseObject(simdjson::dom::parser& parser, std::string_view json, const char* what) {
  object o;
  if (parser.parse(json.data(), json.size()).get_object().get(o) != simdjson::SUCCESS) {
    throw Error(ErrorCode::kDecode, std::string("the Kubernetes API sent invalid JSON for ") + what,
                std::string(json.substr(0, 120)));
  }
  return o;
}

}  // namespace

KubePodList KubernetesApi::parsePodList(std::string_view json) {
  simdjson::dom::parser parser;
  const object o = parseObject(parser, json, "a pod list");
  KubePodList out;
  out.resource_version = stringAt(objectAt(o, "metadata"), "resourceVersion");
  array items;
  if (o["items"].get_array().get(items) == simdjson::SUCCESS) {
    for (element item : items) {
      object p;
      if (item.get_object().get(p) == simdjson::SUCCESS) out.pods.push_back(readPod(p));
    }
  }
  return out;
}

bool KubernetesApi::parseWatchEvent(std::string_view json, KubeWatchEvent& out) {
  simdjson::dom::parser parser;
  const object o = parseObject(parser, json, "a watch event");
  out = KubeWatchEvent{};
  out.type = stringAt(o, "type");
  const object obj = objectAt(o, "object");
  if (out.type == "ERROR") {
    int64_t code = 0;
    if (obj["code"].get_int64().get(code) != simdjson::SUCCESS) code = 0;
    out.error_code = static_cast<int>(code);
  } else {
    out.pod = readPod(obj);
  }
  return !out.type.empty();
}

std::string KubernetesApi::parseControllerOf(std::string_view json, std::string_view kind) {
  simdjson::dom::parser parser;
  for (const auto& owner : readOwners(objectAt(parseObject(parser, json, "an owner"), "metadata"))) {
    if (owner.controller && owner.kind == kind) return owner.name;
  }
  return {};
}

int KubernetesApi::get(const std::string& target, const std::function<bool(std::string_view)>& sink,
                       const std::atomic<bool>& stop, const std::function<void()>& on_idle) const {
  const KubeConnection& c = connection_;
  auto transport =
      c.tls ? connectTls(c.host, c.port,
                         TlsOptions{c.ca_file, c.ca_pem, c.client_cert_pem, c.client_key_pem, c.insecure_skip_verify})
            : connectTcp(c.host, c.port, false, "");
  const std::string name = c.host.find(':') == std::string::npos ? c.host : "[" + c.host + "]";  // IPv6
  const std::string host = c.port == 443 || c.port == 80 ? name : name + ":" + std::to_string(c.port);
  return httpGet(*transport, HttpRequest{target, host, c.authorization()}, sink, stop, on_idle);
}

std::string KubernetesApi::podsTarget(const std::string& node, const std::string& ns) const {
  std::string target = ns.empty() ? "/api/v1/pods" : "/api/v1/namespaces/" + urlEncode(ns) + "/pods";
  target += "?limit=0";
  if (!node.empty()) target += "&fieldSelector=" + urlEncode("spec.nodeName=" + node);
  return target;
}

KubePodList KubernetesApi::listPods(const std::string& node, const std::string& ns,
                                    const std::atomic<bool>& stop) const {
  std::string body;
  const std::string target = podsTarget(node, ns);
  const int status = get(
      target,
      [&](std::string_view d) {
        body.append(d);
        return true;
      },
      stop);
  if (status != 200) {
    throw Error(ErrorCode::kIo, "GET " + target + " answered " + std::to_string(status), body.substr(0, 200));
  }
  return parsePodList(body);
}

void KubernetesApi::watchPods(const std::string& node, const std::string& ns, const std::string& resource_version,
                              long timeout_seconds, const std::function<void(const KubeWatchEvent&)>& on_event,
                              const std::atomic<bool>& stop, const std::function<void()>& on_idle) const {
  const std::string target = podsTarget(node, ns) +
                             "&watch=1&allowWatchBookmarks=true&resourceVersion=" + urlEncode(resource_version) +
                             "&timeoutSeconds=" + std::to_string(timeout_seconds);
  bool gone = false;
  LineSplitter lines([&](std::string_view line) {
    KubeWatchEvent event;
    if (line.empty() || !parseWatchEvent(line, event)) return !stop.load();
    if (event.type == "ERROR") {
      gone = event.error_code == 410;
      if (!gone) throw Error(ErrorCode::kIo, "the pod watch ended with an error", std::string(line.substr(0, 200)));
      return false;
    }
    on_event(event);
    return !stop.load();
  });
  const int status = get(
      target, [&](std::string_view d) { return lines.feed(d); }, stop, on_idle);
  if (status == 410 || gone) throw KubeGone();
  if (status != 200 && !stop.load())
    throw Error(ErrorCode::kIo, "GET " + target + " answered " + std::to_string(status));
}

std::optional<std::string> KubernetesApi::replicaSetDeployment(const std::string& ns, const std::string& name,
                                                               const std::atomic<bool>& stop) const {
  std::string body;
  try {
    const int status = get(
        "/apis/apps/v1/namespaces/" + urlEncode(ns) + "/replicasets/" + urlEncode(name),
        [&](std::string_view d) {
          body.append(d);
          return true;
        },
        stop);
    if (status != 200) return std::nullopt;
    return parseControllerOf(body, "Deployment");
  } catch (const Error&) {
    return std::nullopt;
  }
}

}  // namespace logship::tail
