// KubernetesApiWatcher against the stand-in API server (fake_kube_api.h, TLS with a CA made at
// test time): list then watch with the recorded ADDED/MODIFIED/BOOKMARK/DELETED events, 410 Gone
// (as an ERROR event and as a status) forcing a relist, the ReplicaSet -> Deployment lookup, an
// unreachable API, and the processor adding the API's fields to events by their log path.
#include <gtest/gtest.h>

#include <atomic>
#include <sstream>
#include <string>

#include "fake_kube_api.h"
#include "logship/common/config.h"
#include "logship/common/error.h"
#include "logship/tail/event.h"
#include "logship/tail/kubernetes_pods.h"
#include "logship/tail/processors.h"
#include "support/paths.h"
#include "support/poll.h"

namespace logship::tail {
namespace {

namespace kube = testing;  // the stand-in API of fake_kube_api.h
using logship::testing::pollUntil;
using logship::testing::TempDir;
constexpr auto kWait = std::chrono::seconds(20);

// Ids and uids of the recorded pods (tests/tail/data/kube/).
const std::string kApiId = "4b1e2c9d0f3a5b6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e";
const std::string kApiUid = "0f8e2d6a-1b3c-4d5e-8f90-a1b2c3d4e5f6";
const std::string kDbId = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";
const std::string kAgentId = "1111222233334444555566667777888899990000aaaabbbbccccddddeeeeffff";

std::string field(const MetadataStore& store, const std::string& key, const std::string& name) {
  const auto fields = store.find(key);
  if (fields == nullptr) return "<no entry>";
  for (const auto& [k, v] : *fields) {
    if (k == name) return v;
  }
  return "<no field>";
}

bool anyHead(const kube::FakeKubeApi& api, const std::string& part) {
  for (const auto& head : const_cast<kube::FakeKubeApi&>(api).server().heads()) {
    if (head.find(part) != std::string::npos) return true;
  }
  return false;
}

struct Fixture {
  TempDir dir;
  kube::FakeKubeApi api{dir};
  SimulatedTimeSource clock;
  KubernetesMetadataOptions options;
  std::unique_ptr<KubernetesApiWatcher> watcher;

  void start() {
    options.node = "node-1";
    options.cleanup_timeout = std::chrono::seconds(60);
    watcher = std::make_unique<KubernetesApiWatcher>(KubernetesApi(kubeconfigConnection(api.writeKubeconfig("s3cret"))),
                                                     options, clock);
    watcher->start();
  }
};

TEST(KubernetesApiWatcher, ListThenWatchOverTls) {
  Fixture f;
  ASSERT_TRUE(f.api.ok()) << "openssl could not make the stand-in's certificate";
  f.start();
  ASSERT_TRUE(pollUntil([&] { return f.api.server().openStreams() == 1; }, kWait));
  EXPECT_EQ(f.watcher->lists(), 1);
  const MetadataStore& store = f.watcher->store();
  EXPECT_EQ(store.size(), 10u);  // per pod: uid, and per container uid/name and its id
  EXPECT_EQ(field(store, kApiId, "kubernetes.deployment.name"), "\"api\"");
  EXPECT_EQ(field(store, kApiId, "kubernetes.container.name"), "\"api\"");
  EXPECT_EQ(field(store, kApiUid + "/logship", "container.id"),
            "\"aa11bb22cc33dd44ee55ff6600112233445566778899aabbccddeeff00112233\"");
  EXPECT_EQ(field(store, kApiUid, "kubernetes.container.name"), "<no field>");
  EXPECT_EQ(field(store, kDbId, "kubernetes.statefulset.name"), "\"db\"");
  EXPECT_TRUE(anyHead(f.api, "Authorization: Bearer s3cret"));
  EXPECT_TRUE(anyHead(f.api, "GET /api/v1/pods?limit=0&fieldSelector=spec.nodeName%3Dnode-1 "));
  EXPECT_TRUE(anyHead(f.api, "&watch=1&allowWatchBookmarks=true&resourceVersion=48213&timeoutSeconds=600 "));
  EXPECT_TRUE(anyHead(f.api, "GET /apis/apps/v1/namespaces/shop/replicasets/api-7d9f8b6c5d "));

  std::istringstream lines(kube::kubeData("watch_events.jsonl"));
  for (std::string line; std::getline(lines, line);) f.api.server().push(kube::watchChunk(line));
  ASSERT_TRUE(pollUntil([&] { return f.watcher->events() == 4; }, kWait))
      << f.watcher->events() << " lists " << f.watcher->lists();
  EXPECT_EQ(field(store, kAgentId, "kubernetes.daemonset.name"), "\"fluent-agent\"");  // ADDED
  EXPECT_EQ(field(store, kApiId, "kubernetes.labels.tier"), "\"frontend\"");           // MODIFIED
  EXPECT_EQ(field(store, kApiId, "kubernetes.deployment.name"), "\"api\"");            // owner cached
  EXPECT_EQ(f.api.server().targets().size(), 3u);  // list, ReplicaSet, watch: no second lookup
  // DELETED: db-0's entries go once cleanup_timeout passed without lookups.
  EXPECT_EQ(store.size(), 13u);
  f.clock.advance(std::chrono::seconds(61));
  ASSERT_TRUE(pollUntil([&] { return store.size() == 8u; }, kWait)) << store.size();
}

TEST(KubernetesApiWatcher, GoneForcesARelist) {
  Fixture f;
  ASSERT_TRUE(f.api.ok()) << "openssl could not make the stand-in's certificate";
  f.api.setPodLists({kube::kubeData("pod_list.json"), kube::kubeData("pod_list_relisted.json")});
  f.api.setWatchScript([](int n) {
    if (n == 0) {  // the watch starts, then its resourceVersion has expired
      return kube::FakeAnswer{
          kube::httpChunkedHead() + kube::watchChunk(kube::kubeData("watch_gone.json")) + "0\r\n\r\n", false};
    }
    if (n == 1) return kube::FakeAnswer{kube::httpWhole(kube::kubeData("watch_gone.json"), 410), false};
    return kube::FakeAnswer{kube::httpChunkedHead(), true};
  });
  f.start();
  ASSERT_TRUE(pollUntil([&] { return f.api.server().openStreams() == 1; }, kWait));
  EXPECT_EQ(f.watcher->lists(), 3);
  EXPECT_TRUE(anyHead(f.api, "&resourceVersion=48600&"));  // the relist's version
  // db-0 is not in the relist: marked removed, gone after cleanup_timeout.
  f.clock.advance(std::chrono::seconds(61));
  ASSERT_TRUE(pollUntil([&] { return f.watcher->store().size() == 5u; }, kWait));
  EXPECT_EQ(field(f.watcher->store(), kApiId, "kubernetes.pod.name"), "\"api-7d9f8b6c5d-x2x4q\"");
}

TEST(KubernetesApiWatcher, UnreachableApiLeavesEventsAlone) {
  KubeConnection c;
  ASSERT_TRUE(parseServerUrl("https://127.0.0.1:1", c));  // nothing listens on port 1
  SimulatedTimeSource clock;
  KubernetesApiWatcher watcher(KubernetesApi(c), KubernetesMetadataOptions{}, clock);
  KubernetesPathMatch m;
  m.container_id = kApiId;
  Event e;
  watcher.apply(m, e);  // starts the watcher, which fails its first list
  EXPECT_EQ(e.find("kubernetes.pod.uid"), nullptr);
  EXPECT_EQ(watcher.lists(), 0);
}

// Synchronous calls: what each kubeconfig credential and TLS setting does to a list request.
TEST(KubernetesApi, ClientCertificateAndServerVerification) {
  TempDir dir;
  kube::FakeKubeApi api(dir);
  ASSERT_TRUE(api.ok()) << "openssl could not make the stand-in's certificate";
  const std::atomic<bool> stop{false};
  const auto list = [&](const KubeConnection& c) { return KubernetesApi(c).listPods("node-1", "", stop).pods.size(); };
  KubeConnection c = kubeconfigConnection(api.writeKubeconfig("tok"));
  EXPECT_EQ(list(c), 2u);
  api.requireClientCertificate();
  EXPECT_THROW(list(c), Error);  // no client certificate: the handshake fails
  c.client_cert_pem = logship::testing::readFile(api.caFile());
  c.client_key_pem = logship::testing::readFile(api.keyFile());
  EXPECT_EQ(list(c), 2u);
  // Without the cluster's CA the server is not trusted, unless verification is off.
  KubeConnection untrusted = c;
  untrusted.ca_pem.clear();
  untrusted.ca_file.clear();
  EXPECT_THROW(list(untrusted), Error);
  untrusted.insecure_skip_verify = true;
  EXPECT_EQ(list(untrusted), 2u);
  // The kubeconfig's CA came as PEM (certificate-authority is read at load); the service
  // account's ca.crt is a file name.
  KubeConnection ca_file = c;
  ca_file.ca_pem.clear();
  ca_file.ca_file = api.caFile();
  EXPECT_EQ(list(ca_file), 2u);
}

struct Parsed {
  std::unique_ptr<config::Document> doc;
  std::vector<ProcessorConfig> list;
};

TEST(AddKubernetesMetadata, FieldsFromTheApiByLogPath) {
  TempDir dir;
  kube::FakeKubeApi api(dir);
  ASSERT_TRUE(api.ok()) << "openssl could not make the stand-in's certificate";
  Parsed p;
  p.doc = config::Document::loadString(
      "processors:\n  - add_kubernetes_metadata:\n      kube_config: " + api.writeKubeconfig("tok") +
          "\n      node: node-1\n      include_annotations: [prometheus.io/scrape]\n",
      "k.yml", {});
  std::vector<std::string> warnings;
  p.list = parseProcessors(p.doc->root().child("processors"), warnings);
  ASSERT_TRUE(warnings.empty()) << warnings.front();
  Processors chain(nullptr, &p.list);
  const std::string path = "/var/log/containers/api-7d9f8b6c5d-x2x4q_shop_api-" + kApiId + ".log";
  auto labelled = [&] {
    Event e;
    e.setString("log.file.path", path);
    chain.run(e);
    const Entry* label = e.find("kubernetes.labels.app_kubernetes_io/name");
    return label != nullptr && label->value == "\"api\"" && e.find("kubernetes.deployment.name") != nullptr &&
           e.find("kubernetes.deployment.name")->value == "\"api\"" &&
           e.find("kubernetes.annotations.prometheus_io/scrape")->value == "\"true\"" &&
           e.find("kubernetes.node.name")->value == "\"node-1\"" &&
           e.find("kubernetes.pod.uid")->value == "\"" + kApiUid + "\"";
  };
  ASSERT_TRUE(pollUntil(labelled, kWait));
  Event pods;
  const std::string pod_path = "/var/log/pods/shop_db-0_7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d/postgres/1.log";
  pods.setString("log.file.path", pod_path);
  chain.run(pods);
  ASSERT_NE(pods.find("container.id"), nullptr);
  EXPECT_EQ(pods.find("container.id")->value, "\"" + kDbId + "\"");
  EXPECT_EQ(pods.find("kubernetes.statefulset.name")->value, "\"db\"");
}

}  // namespace
}  // namespace logship::tail
