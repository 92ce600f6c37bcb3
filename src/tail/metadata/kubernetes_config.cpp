// kubeconfig and in-cluster connections: see kubernetes_config.h. Relative file names in a
// kubeconfig are relative to its directory, as client-go resolves them.
#include "logship/tail/kubernetes_config.h"

#include <openssl/evp.h>
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "logship/common/error.h"

namespace logship::tail {
namespace {

std::string readFile(const std::string& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error(ErrorCode::kConfigIo, std::string("cannot read the ") + what + " " + path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string base64Decode(const std::string& in, const std::string& key) {
  std::string clean;
  for (char c : in) {
    if (c != '\n' && c != '\r' && c != ' ') clean.push_back(c);
  }
  std::string out(clean.size() / 4 * 3 + 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(clean.data()), static_cast<int>(clean.size()));
  if (n < 0 || clean.size() % 4 != 0) throw Error(ErrorCode::kConfigInvalid, "kubeconfig " + key + " is not base64");
  size_t padding = 0;
  for (size_t i = clean.size(); i > 0 && clean[i - 1] == '='; --i) ++padding;
  out.resize(static_cast<size_t>(n) - padding);
  return out;
}

std::string resolve(const std::string& dir, const std::string& path) {
  if (path.empty() || path.front() == '/') return path;
  return dir + "/" + path;
}

// The entry of `list` (clusters, users, contexts) called `name`: its inner map (cluster/user/context).
YAML::Node named(const YAML::Node& list, const std::string& name, const char* inner) {
  if (list.IsSequence()) {
    for (const auto& item : list) {
      if (item["name"] && item["name"].as<std::string>() == name) return item[inner];
    }
  }
  throw Error(ErrorCode::kConfigInvalid, std::string("kubeconfig has no ") + inner + " named \"" + name + "\"");
}

std::string str(const YAML::Node& n, const char* key) { return n && n[key] ? n[key].as<std::string>() : ""; }

// `<key>-data` (base64) or `<key>` (a file name).
std::string pemOf(const YAML::Node& n, const std::string& key, const std::string& dir) {
  const std::string data = str(n, (key + "-data").c_str());
  if (!data.empty()) return base64Decode(data, key + "-data");
  const std::string file = str(n, key.c_str());
  return file.empty() ? "" : readFile(resolve(dir, file), key.c_str());
}

}  // namespace

std::string KubeConnection::authorization() const {
  std::string t = token;
  if (t.empty() && !token_file.empty()) {
    std::ifstream in(token_file);
    std::getline(in, t);
    t = trimmed(t);
  }
  return t.empty() ? "" : "Bearer " + t;
}

bool parseServerUrl(const std::string& url, KubeConnection& c) {
  c.server = url;
  std::string rest;
  if (url.rfind("https://", 0) == 0) {
    c.tls = true;
    c.port = 443;
    rest = url.substr(8);
  } else if (url.rfind("http://", 0) == 0) {
    c.tls = false;
    c.port = 80;
    rest = url.substr(7);
  } else {
    return false;
  }
  rest = rest.substr(0, rest.find('/'));
  if (!rest.empty() && rest.front() == '[') {  // [::1]:6443
    const size_t close = rest.find(']');
    if (close == std::string::npos) return false;
    c.host = rest.substr(1, close - 1);
    rest = rest.substr(close + 1);
  } else {
    c.host = rest.substr(0, rest.find(':'));
    rest = rest.find(':') == std::string::npos ? "" : rest.substr(rest.find(':'));
  }
  if (!rest.empty()) {
    if (rest.front() != ':') return false;
    char* end = nullptr;
    const long port = std::strtol(rest.c_str() + 1, &end, 10);
    if (*end != '\0' || port <= 0 || port > 65535) return false;
    c.port = static_cast<uint16_t>(port);
  }
  return !c.host.empty();
}

KubeConnection kubeconfigConnection(const std::string& path) {
  YAML::Node doc;
  try {
    doc = YAML::Load(readFile(path, "kubeconfig"));
  } catch (const YAML::Exception& e) {
    throw Error(ErrorCode::kConfigInvalid, "kubeconfig " + path + " is not YAML", e.what());
  }
  const std::string dir = path.find('/') == std::string::npos ? "." : path.substr(0, path.rfind('/'));
  const std::string current = str(doc, "current-context");
  if (current.empty()) throw Error(ErrorCode::kConfigInvalid, "kubeconfig " + path + " has no current-context");
  const YAML::Node context = named(doc["contexts"], current, "context");
  const YAML::Node cluster = named(doc["clusters"], str(context, "cluster"), "cluster");
  KubeConnection c;
  if (!parseServerUrl(str(cluster, "server"), c)) {
    throw Error(ErrorCode::kConfigInvalid,
                "kubeconfig cluster server is not an http(s) URL: \"" + str(cluster, "server") + "\"");
  }
  c.insecure_skip_verify = cluster["insecure-skip-tls-verify"] && cluster["insecure-skip-tls-verify"].as<bool>();
  c.ca_pem = pemOf(cluster, "certificate-authority", dir);
  c.namespace_name = str(context, "namespace");
  const std::string user_name = str(context, "user");
  if (!user_name.empty()) {
    const YAML::Node user = named(doc["users"], user_name, "user");
    c.token = str(user, "token");
    c.token_file = resolve(dir, str(user, "tokenFile"));
    c.client_cert_pem = pemOf(user, "client-certificate", dir);
    c.client_key_pem = pemOf(user, "client-key", dir);
    if (c.client_cert_pem.empty() != c.client_key_pem.empty()) {
      throw Error(ErrorCode::kConfigInvalid, "kubeconfig user \"" + user_name +
                                                 "\" has a client certificate or key "
                                                 "without the other");
    }
  }
  return c;
}

std::optional<std::string> processEnv(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr) return std::nullopt;
  return std::string(v);
}

std::optional<KubeConnection> inClusterConnection(const std::string& dir, const EnvLookup& env, std::string& why) {
  const auto host = env("KUBERNETES_SERVICE_HOST");
  const auto port = env("KUBERNETES_SERVICE_PORT");
  if (!host || host->empty() || !port || port->empty()) {
    why = "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT are not set (not running in a pod)";
    return std::nullopt;
  }
  KubeConnection c;
  const bool v6 = host->find(':') != std::string::npos;
  if (!parseServerUrl("https://" + (v6 ? "[" + *host + "]" : *host) + ":" + *port, c)) {
    why = "KUBERNETES_SERVICE_HOST/PORT do not form an address: " + *host + ":" + *port;
    return std::nullopt;
  }
  c.token_file = dir + "/token";
  if (!std::ifstream(c.token_file)) {
    why = "no service account token at " + c.token_file;
    return std::nullopt;
  }
  c.ca_file = dir + "/ca.crt";
  std::ifstream ns(dir + "/namespace");
  std::getline(ns, c.namespace_name);
  c.namespace_name = trimmed(c.namespace_name);
  return c;
}

}  // namespace logship::tail
