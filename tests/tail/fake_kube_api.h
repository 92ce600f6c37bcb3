#pragma once
// The stand-in for a Kubernetes API server (none can run here; docs/test-services.md): a TLS
// server on 127.0.0.1 with a certificate made by the openssl CLI at test time, serving the pod
// objects recorded in tests/tail/data/kube/ in the API's exact shape. Lists answer the current
// PodList (the k-th list gets the k-th of setPodLists, the last one from then on); each watch is answered by the test's
// script (keep the stream open and push() events, or end it with an ERROR 410 Gone); apps/v1 ReplicaSets answer their
// recorded object.
#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "fake_http_server.h"
#include "support/paths.h"

namespace logship::tail::testing {

inline std::string kubeData(const std::string& name) {
  return logship::testing::readFile(logship::testing::sourceDir() / "tests/tail/data/kube" / name);
}

// One watch event line, as the server streams it (a chunk of the watch's chunked body).
inline std::string watchChunk(const std::string& json_line) { return httpChunk(json_line + "\n"); }

class FakeKubeApi {
 public:
  // The n-th watch request (0-based) is answered by this.
  using WatchScript = std::function<FakeAnswer(int n)>;

  explicit FakeKubeApi(const logship::testing::TempDir& dir) : dir_(dir) {
    cert_ = (dir / "api.crt").string();
    key_ = (dir / "api.key").string();
    const std::string cmd =
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
        "-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout " +
        key_ + " -out " + cert_ + " 2>/dev/null";
    if (std::system(cmd.c_str()) != 0) return;
    ctx_ = SSL_CTX_new(TLS_server_method());
    if (SSL_CTX_use_certificate_file(ctx_, cert_.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_use_PrivateKey_file(ctx_, key_.c_str(), SSL_FILETYPE_PEM) != 1) {
      return;
    }
    pod_lists_ = {kubeData("pod_list.json")};
    server_ = std::make_unique<FakeHttpServer>([this](const std::string& target) { return answer(target); }, ctx_);
  }
  ~FakeKubeApi() {
    server_.reset();
    if (ctx_ != nullptr) SSL_CTX_free(ctx_);
  }
  bool ok() const { return server_ != nullptr && server_->ok(); }
  // From now on the handshake requires a client certificate signed by (here: equal to) api.crt.
  void requireClientCertificate() {
    SSL_CTX_load_verify_locations(ctx_, cert_.c_str(), nullptr);
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  }
  const std::string& keyFile() const { return key_; }
  FakeHttpServer& server() { return *server_; }
  const std::string& caFile() const { return cert_; }
  std::string url() const { return "https://127.0.0.1:" + std::to_string(server_->port()); }
  int watches() const { return watches_.load(); }

  void setPodLists(std::vector<std::string> lists) {
    std::lock_guard<std::mutex> lock(mu_);
    pod_lists_ = std::move(lists);
  }
  void setWatchScript(WatchScript script) {
    std::lock_guard<std::mutex> lock(mu_);
    watch_ = std::move(script);
  }
  // A kubeconfig whose current context reaches this server with `token`.
  std::string writeKubeconfig(const std::string& token) const {
    const std::string path = (dir_ / "kubeconfig").string();
    logship::testing::writeFile(path,
                                "apiVersion: v1\nkind: Config\ncurrent-context: test\n"
                                "clusters:\n- name: stand-in\n  cluster:\n    server: " +
                                    url() +
                                    "\n    certificate-authority: api.crt\n"
                                    "contexts:\n- name: test\n  context: {cluster: stand-in, user: "
                                    "agent, namespace: shop}\n"
                                    "users:\n- name: agent\n  user:\n    token: " +
                                    token + "\n");
    return path;
  }

 private:
  FakeAnswer answer(const std::string& target) {
    std::lock_guard<std::mutex> lock(mu_);
    if (target.rfind("/apis/apps/v1/namespaces/shop/replicasets/api-7d9f8b6c5d", 0) == 0) {
      return FakeAnswer{httpWhole(kubeData("replicaset_api.json")), false};
    }
    if (target.rfind("/api/v1/pods?", 0) != 0) return FakeAnswer{httpWhole(R"({"kind":"Status","code":404})", 404)};
    if (target.find("watch=1") == std::string::npos) {
      const size_t k = std::min(lists_++, pod_lists_.size() - 1);
      return FakeAnswer{httpWhole(pod_lists_[k]), false};
    }
    const int n = watches_++;
    if (watch_) return watch_(n);
    return FakeAnswer{httpChunkedHead(), true};
  }

  const logship::testing::TempDir& dir_;
  std::string cert_, key_;
  SSL_CTX* ctx_ = nullptr;
  std::mutex mu_;
  std::vector<std::string> pod_lists_;
  size_t lists_ = 0;
  WatchScript watch_;
  std::atomic<int> watches_{0};
  std::unique_ptr<FakeHttpServer> server_;
};

}  // namespace logship::tail::testing
