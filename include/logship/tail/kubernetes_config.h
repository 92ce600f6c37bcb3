#pragma once
// Where the Kubernetes API is and how to authenticate to it, from what client-go reads: a
// kubeconfig file (its current context's cluster and user), or the pod's service account
// (in-cluster: KUBERNETES_SERVICE_HOST/PORT, the token, CA and namespace files).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

namespace logship::tail {

constexpr const char* kServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

struct KubeConnection {
  std::string server;  // as configured, for messages: "https://10.0.0.1:443"
  std::string host;
  uint16_t port = 443;
  bool tls = true;
  bool insecure_skip_verify = false;
  std::string ca_file;          // certificate-authority, or the service account's ca.crt
  std::string ca_pem;           // certificate-authority-data, decoded
  std::string client_cert_pem;  // client-certificate(-data), read at parse time
  std::string client_key_pem;   // client-key(-data)
  std::string token;            // a kubeconfig's user token
  std::string token_file;       // tokenFile / the service account token: re-read per request (rotated)
  std::string namespace_name;   // the context's or the service account's namespace, may be empty

  // "Bearer <token>" for the next request, or empty.
  std::string authorization() const;
};

// Reads `path` (a kubeconfig). Throws Error(kConfigInvalid / kConfigIo) naming what is wrong.
KubeConnection kubeconfigConnection(const std::string& path);

using EnvLookup = std::function<std::optional<std::string>(const char*)>;
// The process' environment.
std::optional<std::string> processEnv(const char* name);

// The in-cluster connection from `dir`'s token/ca.crt/namespace files and the service env
// variables, or nullopt (with `why`) when this is not a pod with a service account.
std::optional<KubeConnection> inClusterConnection(const std::string& dir, const EnvLookup& env, std::string& why);

// Splits "https://host:port" (port defaulting by scheme) into `c`; false when it is no URL.
bool parseServerUrl(const std::string& url, KubeConnection& c);

}  // namespace logship::tail
