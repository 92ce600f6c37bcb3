// add_kubernetes_metadata's API side without a server: kubeconfig files (current context,
// relative and inline credentials, errors), the in-cluster service account, the recorded API
// objects' parsing, and the fields made of them (dedot, include/exclude, owners).
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "fake_kube_api.h"
#include "logship/common/error.h"
#include "logship/tail/kubernetes_api.h"
#include "logship/tail/kubernetes_config.h"
#include "logship/tail/kubernetes_pods.h"
#include "support/paths.h"

namespace logship::tail {
namespace {

using logship::testing::TempDir;
using logship::testing::writeFile;
using testing::kubeData;

// base64 of "CA PEM\n" and "CERT PEM\n".
const std::string kCaData = "Q0EgUEVNCg==";
const std::string kCertData = "Q0VSVCBQRU0K";

TEST(Kubeconfig, CurrentContextClusterAndUser) {
  TempDir dir;
  writeFile(dir / "client.key", "KEY PEM\n");
  writeFile(dir / "config", R"(apiVersion: v1
kind: Config
current-context: prod
clusters:
- name: dev
  cluster: {server: "http://127.0.0.1:8001"}
- name: prod-cluster
  cluster:
    server: https://10.96.0.1:6443
    certificate-authority-data: )" +
                                kCaData + R"(
contexts:
- name: dev
  context: {cluster: dev, user: dev}
- name: prod
  context: {cluster: prod-cluster, user: agent, namespace: shop}
users:
- name: dev
  user: {token: nope}
- name: agent
  user:
    client-certificate-data: )" +
                                kCertData + R"(
    client-key: client.key
    tokenFile: token
)");
  const KubeConnection c = kubeconfigConnection((dir / "config").string());
  EXPECT_EQ(c.host, "10.96.0.1");
  EXPECT_EQ(c.port, 6443);
  EXPECT_TRUE(c.tls);
  EXPECT_FALSE(c.insecure_skip_verify);
  EXPECT_EQ(c.ca_pem, "CA PEM\n");
  EXPECT_EQ(c.client_cert_pem, "CERT PEM\n");
  EXPECT_EQ(c.client_key_pem, "KEY PEM\n");  // relative to the kubeconfig's directory
  EXPECT_EQ(c.namespace_name, "shop");
  EXPECT_EQ(c.token_file, (dir / "token").string());
  EXPECT_EQ(c.authorization(), "");  // no token file yet
  writeFile(dir / "token", "t1\n");
  EXPECT_EQ(c.authorization(), "Bearer t1");
  writeFile(dir / "token", "t2\n");  // rotated: the next request sends the new one
  EXPECT_EQ(c.authorization(), "Bearer t2");
}

std::string kubeconfigError(const std::string& text) {
  TempDir dir;
  writeFile(dir / "config", text);
  try {
    kubeconfigConnection((dir / "config").string());
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(Kubeconfig, Errors) {
  EXPECT_NE(kubeconfigError("clusters: []\n").find("no current-context"), std::string::npos);
  EXPECT_NE(kubeconfigError("current-context: x\ncontexts: []\n").find("no context named \"x\""), std::string::npos);
  const std::string base = "current-context: c\ncontexts:\n- {name: c, context: {cluster: k, user: u}}\n";
  EXPECT_NE(kubeconfigError(base + "clusters:\n- {name: k, cluster: {server: 'tcp://x'}}\n").find("not an http(s) URL"),
            std::string::npos);
  EXPECT_NE(kubeconfigError(base +
                            "clusters:\n- {name: k, cluster: {server: 'https://x'}}\n"
                            "users:\n- {name: u, user: {client-certificate-data: " +
                            kCertData + "}}\n")
                .find("without the other"),
            std::string::npos);
  EXPECT_NE(kubeconfigError(base + "clusters:\n- {name: k, cluster: {server: 'https://x', "
                                   "certificate-authority-data: '***'}}\n")
                .find("not base64"),
            std::string::npos);
  EXPECT_NE(kubeconfigError("a: [").find("not YAML"), std::string::npos);
}

TEST(Kubeconfig, ServerUrls) {
  KubeConnection c;
  ASSERT_TRUE(parseServerUrl("https://api.example:8443/prefix", c));
  EXPECT_EQ(c.host, "api.example");
  EXPECT_EQ(c.port, 8443);
  ASSERT_TRUE(parseServerUrl("https://[fd00::1]", c));
  EXPECT_EQ(c.host, "fd00::1");
  EXPECT_EQ(c.port, 443);
  ASSERT_TRUE(parseServerUrl("http://127.0.0.1", c));
  EXPECT_FALSE(c.tls);
  EXPECT_EQ(c.port, 80);
  EXPECT_FALSE(parseServerUrl("https://h:99999", c));
  EXPECT_FALSE(parseServerUrl("h:443", c));
}

TEST(InCluster, ServiceAccountFilesAndEnvironment) {
  TempDir dir;
  std::map<std::string, std::string> env{{"KUBERNETES_SERVICE_HOST", "10.96.0.1"}, {"KUBERNETES_SERVICE_PORT", "443"}};
  const EnvLookup lookup = [&](const char* name) -> std::optional<std::string> {
    auto it = env.find(name);
    if (it == env.end()) return std::nullopt;
    return it->second;
  };
  std::string why;
  EXPECT_FALSE(inClusterConnection(dir.path().string(), lookup, why));
  EXPECT_NE(why.find("no service account token at " + (dir / "token").string()), std::string::npos) << why;
  writeFile(dir / "token", "sa-token\n");
  writeFile(dir / "namespace", "logging");
  auto c = inClusterConnection(dir.path().string(), lookup, why);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "10.96.0.1");
  EXPECT_EQ(c->port, 443);
  EXPECT_EQ(c->ca_file, (dir / "ca.crt").string());
  EXPECT_EQ(c->namespace_name, "logging");
  EXPECT_EQ(c->authorization(), "Bearer sa-token");
  env["KUBERNETES_SERVICE_HOST"] = "fd00::10";
  c = inClusterConnection(dir.path().string(), lookup, why);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->host, "fd00::10");
  env.erase("KUBERNETES_SERVICE_PORT");
  EXPECT_FALSE(inClusterConnection(dir.path().string(), lookup, why));
  EXPECT_NE(why.find("not running in a pod"), std::string::npos);
}

TEST(KubernetesApiParse, RecordedPodListAndWatchEvents) {
  const KubePodList list = KubernetesApi::parsePodList(kubeData("pod_list.json"));
  EXPECT_EQ(list.resource_version, "48213");
  ASSERT_EQ(list.pods.size(), 2u);
  const KubePod& api = list.pods[0];
  EXPECT_EQ(api.uid, "0f8e2d6a-1b3c-4d5e-8f90-a1b2c3d4e5f6");
  EXPECT_EQ(api.node_name, "node-1");
  EXPECT_EQ(api.ip, "10.244.1.17");
  ASSERT_EQ(api.containers.size(), 2u);
  EXPECT_EQ(api.containers[0].runtime, "containerd");
  EXPECT_EQ(api.containers[0].id, "4b1e2c9d0f3a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e");
  EXPECT_EQ(api.containers[0].image, "registry.local/shop/api:1.4.2");
  const KubePod& db = list.pods[1];
  ASSERT_EQ(db.containers.size(), 2u);  // the init container too
  EXPECT_EQ(db.containers[1].name, "init-perms");
  EXPECT_EQ(db.containers[1].runtime, "docker");

  std::vector<std::string> types;
  std::istringstream lines(kubeData("watch_events.jsonl"));
  for (std::string line; std::getline(lines, line);) {
    KubeWatchEvent e;
    ASSERT_TRUE(KubernetesApi::parseWatchEvent(line, e));
    types.push_back(e.type + ":" + e.pod.resource_version);
  }
  EXPECT_EQ(types, (std::vector<std::string>{"ADDED:48230", "MODIFIED:48231", "BOOKMARK:48240", "DELETED:48244"}));
  KubeWatchEvent gone;
  ASSERT_TRUE(KubernetesApi::parseWatchEvent(kubeData("watch_gone.json"), gone));
  EXPECT_EQ(gone.type, "ERROR");
  EXPECT_EQ(gone.error_code, 410);
  EXPECT_EQ(KubernetesApi::parseControllerOf(kubeData("replicaset_api.json"), "Deployment"), "api");
  EXPECT_THROW(KubernetesApi::parsePodList("{"), Error);
}

std::map<std::string, std::string> asMap(const MetadataFields& f) { return {f.begin(), f.end()}; }

TEST(KubernetesFields, DedotIncludeExcludeAndOwners) {
  const KubePodList list = KubernetesApi::parsePodList(kubeData("pod_list.json"));
  KubernetesMetadataOptions o;
  o.exclude_labels = {"pod-template-hash"};
  o.include_annotations = {"prometheus.io/scrape"};
  auto f = asMap(kubernetesPodFields(list.pods[0], o, "api"));
  EXPECT_EQ(f["kubernetes.labels.app_kubernetes_io/name"], "\"api\"");
  EXPECT_EQ(f["kubernetes.labels.tier"], "\"backend\"");
  EXPECT_EQ(f.count("kubernetes.labels.pod-template-hash"), 0u);
  EXPECT_EQ(f["kubernetes.annotations.prometheus_io/scrape"], "\"true\"");
  EXPECT_EQ(f.count("kubernetes.annotations.kubectl_kubernetes_io/restartedAt"), 0u);
  EXPECT_EQ(f["kubernetes.replicaset.name"], "\"api-7d9f8b6c5d\"");
  EXPECT_EQ(f["kubernetes.deployment.name"], "\"api\"");
  EXPECT_EQ(f["kubernetes.pod.ip"], "\"10.244.1.17\"");
  EXPECT_EQ(f["kubernetes.node.name"], "\"node-1\"");
  EXPECT_EQ(f["kubernetes.namespace"], "\"shop\"");

  o = KubernetesMetadataOptions{};
  o.labels_dedot = false;
  o.include_labels = {"app.kubernetes.io/name"};
  f = asMap(kubernetesPodFields(list.pods[0], o, ""));
  EXPECT_EQ(f["kubernetes.labels.app.kubernetes.io/name"], "\"api\"");
  EXPECT_EQ(f.count("kubernetes.labels.tier"), 0u);
  EXPECT_EQ(f.count("kubernetes.deployment.name"), 0u);                   // the ReplicaSet's owner unknown
  EXPECT_EQ(f.count("kubernetes.annotations.prometheus_io/scrape"), 0u);  // none unless included

  f = asMap(kubernetesPodFields(list.pods[1], KubernetesMetadataOptions{}, ""));
  EXPECT_EQ(f["kubernetes.statefulset.name"], "\"db\"");
  MetadataFields with;
  appendContainerFields(list.pods[1].containers[0], with);
  f = asMap(with);
  EXPECT_EQ(f["kubernetes.container.name"], "\"postgres\"");
  EXPECT_EQ(f["kubernetes.container.image"], "\"postgres:16.1\"");
  EXPECT_EQ(f["container.image.name"], "\"postgres:16.1\"");
  EXPECT_EQ(f["container.runtime"], "\"docker\"");
  EXPECT_EQ(f["container.id"], "\"fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210\"");
}

}  // namespace
}  // namespace logship::tail
