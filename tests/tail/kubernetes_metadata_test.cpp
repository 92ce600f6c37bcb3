// add_kubernetes_metadata: the logs_path matcher on the kubelet's layouts (and bad names), the
// processor's fields from the path, and its config errors.
#include <gtest/gtest.h>

#include <string>

#include "logship/common/config.h"
#include "logship/tail/event.h"
#include "logship/tail/kubernetes_log_path.h"
#include "logship/tail/processors.h"

namespace logship::tail {
namespace {

const std::string kId = "4b1e2c9d0f3a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e";

TEST(LogsPathMatcher, ContainerLogsFileName) {
  LogsPathMatcher m("/var/log/containers", LogsPathMatcher::Resource::kContainer);
  KubernetesPathMatch out;
  const std::string path = "/var/log/containers/api-7d9f8b6c5d-x2x4q_shop_api-" + kId + ".log";
  ASSERT_TRUE(m.match(path, out));
  EXPECT_EQ(out.pod_name, "api-7d9f8b6c5d-x2x4q");
  EXPECT_EQ(out.namespace_name, "shop");
  EXPECT_EQ(out.container_name, "api");
  EXPECT_EQ(out.container_id, kId);
  EXPECT_TRUE(out.pod_uid.empty());
}

TEST(LogsPathMatcher, ContainerLogsBadNames) {
  LogsPathMatcher m("/var/log/containers/", LogsPathMatcher::Resource::kContainer);
  KubernetesPathMatch out;
  EXPECT_FALSE(m.match("/var/log/containers/api_shop_api-" + kId.substr(1) + "x.log", out));  // not hex
  EXPECT_FALSE(m.match("/var/log/containers/api_shop-" + kId + ".log", out));                 // two parts
  EXPECT_FALSE(m.match("/var/log/containers/a_b_c_d-" + kId + ".log", out));                  // four parts
  EXPECT_FALSE(m.match("/var/log/containers/api_shop_api-" + kId + ".txt", out));
  EXPECT_FALSE(m.match("/var/log/containers/api_shop_api" + kId + ".log", out));  // no '-'
  EXPECT_FALSE(m.match("/var/log/other/api_shop_api-" + kId + ".log", out));
  EXPECT_FALSE(m.match("/var/log/containers/short.log", out));
}

TEST(LogsPathMatcher, PodLogsDirectory) {
  LogsPathMatcher m("/var/log/pods/", LogsPathMatcher::Resource::kPod);
  KubernetesPathMatch out;
  ASSERT_TRUE(m.match("/var/log/pods/shop_api-7d9f8b6c5d-x2x4q_0f8e2d6a-1b3c-4d5e-8f90-a1b2c3d4e5f6/api/3.log", out));
  EXPECT_EQ(out.namespace_name, "shop");
  EXPECT_EQ(out.pod_name, "api-7d9f8b6c5d-x2x4q");
  EXPECT_EQ(out.pod_uid, "0f8e2d6a-1b3c-4d5e-8f90-a1b2c3d4e5f6");
  EXPECT_EQ(out.container_name, "api");
  EXPECT_TRUE(out.container_id.empty());
  // The kubelet's rotated files keep matching.
  EXPECT_TRUE(m.match("/var/log/pods/shop_api_uid1/api/0.log.20260101-101010", out));
  EXPECT_FALSE(m.match("/var/log/pods/shop_api/api/0.log", out));       // no uid
  EXPECT_FALSE(m.match("/var/log/pods/shop_api_uid1/0.log", out));      // no container directory
  EXPECT_FALSE(m.match("/var/log/pods/shop_api_uid1/api/notes", out));  // not a log
}

TEST(LogsPathMatcher, KubeletPodsAndDockerDirectory) {
  KubernetesPathMatch out;
  LogsPathMatcher kubelet("/var/lib/kubelet/pods/", LogsPathMatcher::Resource::kPod);
  ASSERT_TRUE(kubelet.match("/var/lib/kubelet/pods/uid-1/volumes/kubernetes.io~empty-dir/logs/app.log", out));
  EXPECT_EQ(out.pod_uid, "uid-1");
  LogsPathMatcher docker("/var/lib/docker/containers", LogsPathMatcher::Resource::kContainer);
  const std::string path = "/var/lib/docker/containers/" + kId + "/" + kId + "-json.log";  // out views it
  ASSERT_TRUE(docker.match(path, out));
  EXPECT_EQ(out.container_id, kId);
  EXPECT_FALSE(docker.match("/var/lib/docker/containers/" + kId.substr(0, 12) + "/x-json.log", out));
}

struct Parsed {
  std::unique_ptr<config::Document> doc;
  std::vector<ProcessorConfig> list;
};

Parsed parse(const std::string& yaml) {
  Parsed p;
  p.doc = config::Document::loadString(yaml, "k.yml", {});
  std::vector<std::string> warnings;
  p.list = parseProcessors(p.doc->root().child("processors"), warnings);
  EXPECT_TRUE(warnings.empty()) << warnings.front();
  return p;
}

TEST(AddKubernetesMetadata, FieldsFromTheLogPath) {
  auto p = parse("processors:\n  - add_kubernetes_metadata: {}\n");
  ASSERT_EQ(p.list.size(), 1u);
  Processors chain(nullptr, &p.list);
  Event e;
  const std::string path = "/var/log/containers/web-0_prod_nginx-" + kId + ".log";
  e.setString("log.file.path", path);
  chain.run(e);
  ASSERT_NE(e.find("kubernetes.pod.name"), nullptr);
  EXPECT_EQ(e.find("kubernetes.pod.name")->value, "web-0");
  EXPECT_EQ(e.find("kubernetes.namespace")->value, "prod");
  EXPECT_EQ(e.find("kubernetes.container.name")->value, "nginx");
  EXPECT_EQ(e.find("container.id")->value, kId);

  Event pods;
  pods.setString("log.file.path", "/var/log/pods/prod_web-0_uid-9/nginx/0.log");
  chain.run(pods);
  EXPECT_EQ(pods.find("kubernetes.pod.uid")->value, "uid-9");
  EXPECT_EQ(pods.find("kubernetes.container.name")->value, "nginx");
  EXPECT_EQ(pods.find("container.id"), nullptr);

  // An event that has kubernetes fields already keeps them (as Filebeat).
  Event kept;
  kept.setString("log.file.path", path);
  kept.setString("kubernetes.pod.name", "other");
  chain.run(kept);
  EXPECT_EQ(kept.find("kubernetes.pod.name")->value, "other");
  EXPECT_EQ(kept.find("container.id"), nullptr);
}

TEST(AddKubernetesMetadata, ConfiguredMatcherOnly) {
  auto p = parse(R"(processors:
  - add_kubernetes_metadata:
      default_matchers:
        enabled: false
      matchers:
        - logs_path: {logs_path: /var/log/pods/, resource_type: pod}
)");  // nested: this loader does not split dotted keys (filebeat.yml's does)
  Processors chain(nullptr, &p.list);
  Event e;
  const std::string path = "/var/log/containers/web-0_prod_nginx-" + kId + ".log";  // the event views it
  e.setString("log.file.path", path);
  chain.run(e);
  EXPECT_FALSE(e.has("kubernetes"));
}

std::string configError(const std::string& yaml) {
  try {
    parse(yaml);
  } catch (const config::ConfigError& e) {
    return e.what();
  }
  return "";
}

TEST(AddKubernetesMetadata, ConfigErrors) {
  EXPECT_EQ(configError(R"(processors:
  - add_kubernetes_metadata:
      matchers:
        - logs_path: {logs_path: /var/log/containers/, resource_type: pod}
)"),
            "k.yml:4:34: processors[0].add_kubernetes_metadata.matchers[0].logs_path.logs_path: with resource_type: "
            "pod, logs_path must be /var/log/pods/ or /var/lib/kubelet/pods/");
  const std::string bad_type = configError(R"(processors:
  - add_kubernetes_metadata:
      matchers:
        - logs_path: {resource_type: node}
)");
  EXPECT_NE(bad_type.find("k.yml:4:38: processors[0].add_kubernetes_metadata.matchers[0].logs_path.resource_type"),
            std::string::npos)
      << bad_type;
  const std::string no_path = configError(R"(processors:
  - add_kubernetes_metadata:
      matchers:
        - logs_path: {resource_type: pod}
)");
  EXPECT_NE(no_path.find("logs_path must be set as well"), std::string::npos) << no_path;
}

}  // namespace
}  // namespace logship::tail
