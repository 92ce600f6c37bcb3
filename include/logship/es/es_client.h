#pragma once
// HTTP to an Elasticsearch / OpenSearch cluster: one cpprestsdk client per host, hosts used
// round-robin, a failed connection tries the next host at once and puts the failed one in a
// back-off (HostPicker) so later requests skip it until then. Basic auth (Username/Password or
// user:pass@ in the URL) or an API key.
#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "logship/common/error.h"
#include "logship/es/host_picker.h"

namespace logship::es {

struct HttpResult {
  int status = 0;  // 0: no answer (connection refused, reset, timeout)
  std::string body;
  std::string error;  // transport error text when status is 0
  std::string host;   // redacted
};

// What the bulk writer needs; EsClient is the real one, tests may inject others.
class BulkTransport {
 public:
  virtual ~BulkTransport() = default;
  virtual HttpResult bulk(const std::string& body, bool gzip) = 0;
};

struct EsClientOptions {
  std::vector<std::string> hosts;
  std::string username;
  std::string password;
  std::string api_key;
  std::chrono::milliseconds timeout{60000};
  bool tls_verify = true;
  std::string ca_file;  // PEM file of CAs that sign the cluster's certificates (go-stash's CaFile)
};

// Config-time checks, so `--check` reports what the client would only find when it starts.
// Each returns the problem, or nothing when the value is usable.
std::optional<std::string> checkHost(const std::string& host);
std::optional<std::string> checkCaFile(const std::string& path);

struct EsVersion {
  int major = 0;
  int minor = 0;
  std::string number;
  std::string distribution = "elasticsearch";  // or "opensearch"
  // `_type` in bulk actions: only before Elasticsearch 7.
  bool acceptsDocType() const { return distribution == "elasticsearch" && major > 0 && major < 7; }
};

// Why an answer (or its absence) shows Elasticsearch unusable, for /healthz and the error log:
// kEsTls (handshake failed), kEsAuth (401/403), kEsTransport (no answer, 5xx), with a message that
// names the host and the cause. kOk, with no message (no allocation), when it does not.
struct EsProblem {
  ErrorCode code = ErrorCode::kOk;
  std::string message;
};
EsProblem describeProblem(const HttpResult& r);

// Parses the answer to `GET /`.
std::optional<EsVersion> parseVersion(const std::string& body);
// Parses `GET /_nodes/_local?filter_path=nodes.*.version` (the first node's version).
std::optional<EsVersion> parseNodesVersion(const std::string& body);

class EsClient : public BulkTransport {
 public:
  explicit EsClient(EsClientOptions options);
  ~EsClient() override;

  HttpResult request(const std::string& method, const std::string& path, const std::string& body,
                     const std::string& content_type = "application/json", bool gzip = false);
  HttpResult bulk(const std::string& body, bool gzip) override {
    return request("POST", "/_bulk", body, "application/x-ndjson", gzip);
  }
  // GET / on the hosts in turn; nullopt when none answers or the credentials are refused (then
  // `failed`, when given, holds that answer).
  std::optional<EsVersion> detectVersion(HttpResult* failed = nullptr);

 private:
  struct Host;
  std::vector<std::unique_ptr<Host>> hosts_;
  std::string auth_header_;
  std::unique_ptr<HostPicker> picker_;
};

}  // namespace logship::es
