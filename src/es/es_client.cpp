#include "logship/es/es_client.h"

#include <cpprest/http_client.h>
#include <cpprest/rawptrstream.h>
#include <openssl/err.h>
#include <simdjson.h>
#include <boost/asio/ssl.hpp>

#include "logship/common/error.h"
#include "logship/common/logging.h"
#include "logship/es/gzip.h"

namespace logship::es {

using web::http::client::http_client;
using web::http::client::http_client_config;

struct EsClient::Host {
  std::string url;
  std::string shown;
  std::unique_ptr<http_client> client;
};

namespace {
std::string base64(const std::string& s) {
  std::vector<unsigned char> bytes(s.begin(), s.end());
  return utility::conversions::to_base64(bytes);
}
}  // namespace

std::optional<EsVersion> parseVersion(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body).get(root) != simdjson::SUCCESS) return std::nullopt;
  std::string_view number;
  if (root["version"]["number"].get(number) != simdjson::SUCCESS) return std::nullopt;
  EsVersion v;
  v.number = std::string(number);
  std::string_view dist;
  if (root["version"]["distribution"].get(dist) == simdjson::SUCCESS) v.distribution = std::string(dist);
  v.major = std::atoi(v.number.c_str());
  const auto dot = v.number.find('.');
  if (dot != std::string::npos) v.minor = std::atoi(v.number.c_str() + dot + 1);
  return v;
}

namespace {

// `host:9200`, `http://host:9200/`, `https://user:pass@host`: the URL without credentials, which
// go to `user` / `pass` unless those are already set (Username wins over the URL).
std::string normalizeHost(std::string url, std::string& user, std::string& pass) {
  if (url.find("://") == std::string::npos) url = "http://" + url;
  const auto scheme_end = url.find("://") + 3;
  const auto at = url.find('@', scheme_end);
  const auto slash = url.find('/', scheme_end);
  if (at != std::string::npos && (slash == std::string::npos || at < slash)) {
    const std::string info = url.substr(scheme_end, at - scheme_end);
    url.erase(scheme_end, at - scheme_end + 1);
    if (user.empty()) {
      const auto colon = info.find(':');
      user = info.substr(0, colon);
      pass = colon == std::string::npos ? "" : info.substr(colon + 1);
    }
  }
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

}  // namespace

std::optional<std::string> checkHost(const std::string& host) {
  std::string user, pass;
  const std::string url = normalizeHost(host, user, pass);
  if (url.rfind("http://", 0) != 0 && url.rfind("https://", 0) != 0) return "expected an http:// or https:// URL";
  if (!web::uri::validate(url)) return "not a valid URL";
  const web::uri parsed(url);
  if (parsed.host().empty()) return "no host name";
  return std::nullopt;
}

std::optional<std::string> checkCaFile(const std::string& path) {
  try {
    boost::asio::ssl::context ctx(boost::asio::ssl::context::tls_client);
    ctx.load_verify_file(path);
  } catch (const std::exception& e) {
    return std::string("cannot load CA certificates from \"") + path + "\": " + e.what();
  }
  return std::nullopt;
}

EsClient::EsClient(EsClientOptions options) {
  std::string user = options.username, pass = options.password;
  for (const auto& host : options.hosts) {
    const std::string url = normalizeHost(host, user, pass);
    http_client_config cfg;
    cfg.set_timeout(std::chrono::duration_cast<std::chrono::seconds>(options.timeout));
    cfg.set_validate_certificates(options.tls_verify);
    if (!options.ca_file.empty()) {
      // CaFile: the server's chain is verified against these CAs (in addition to the system's).
      cfg.set_ssl_context_callback(
          [ca = options.ca_file](boost::asio::ssl::context& ctx) { ctx.load_verify_file(ca); });
    }
    auto h = std::make_unique<Host>();
    h->url = url;
    h->shown = log::redactUrl(url);
    try {
      h->client = std::make_unique<http_client>(url, cfg);
    } catch (const std::exception& e) {
      throw Error(ErrorCode::kConfigInvalid, "invalid Elasticsearch host " + h->shown, e.what());
    }
    hosts_.push_back(std::move(h));
  }
  if (!options.api_key.empty())
    auth_header_ = "ApiKey " + options.api_key;
  else if (!user.empty())
    auth_header_ = "Basic " + base64(user + ":" + pass);
  picker_ = std::make_unique<HostPicker>(hosts_.size());
}

EsClient::~EsClient() = default;

HttpResult EsClient::request(const std::string& method, const std::string& path, const std::string& body,
                             const std::string& content_type, bool gzip) {
  HttpResult result;
  if (hosts_.empty()) {
    result.error = "no hosts";
    return result;
  }
  std::string compressed;
  if (gzip && !body.empty()) gzipCompress(body, compressed);
  for (const size_t i : picker_->order(HostPicker::Clock::now())) {
    Host& h = *hosts_[i];
    result.host = h.shown;
    try {
      web::http::http_request req(method);
      req.set_request_uri(path);
      if (!auth_header_.empty()) req.headers().add("Authorization", auth_header_);
      if (!body.empty()) {
        // A stream over the caller's bytes, not a copy: a bulk body is up to MaxChunkBytes and
        // MaxInFlight of them are out at once. The request completes (get()) before they go.
        const std::string& sent = gzip ? compressed : body;
        req.set_body(concurrency::streams::rawptr_stream<uint8_t>::open_istream(
                         reinterpret_cast<const uint8_t*>(sent.data()), sent.size()),
                     sent.size(), content_type);
        if (gzip) req.headers().add("Content-Encoding", "gzip");
      }
      auto resp = h.client->request(req).get();
      result.status = resp.status_code();
      result.body = resp.extract_utf8string(true).get();
      result.error.clear();
      picker_->succeeded(i);
      return result;
    } catch (const std::exception& e) {
      result.status = 0;
      result.error = e.what();
      // cpprest says only "Error in SSL handshake"; the cause (certificate verify failed, ...)
      // is in the error code it carries.
      if (const auto* he = dynamic_cast<const web::http::http_exception*>(&e)) {
        // An OpenSSL error number (ERR_reason_error_string), else the code's own message.
        const char* ssl_reason = ERR_reason_error_string(static_cast<unsigned long>(he->error_code().value()));
        const std::string cause = ssl_reason ? ssl_reason : he->error_code().message();
        if (!cause.empty() && result.error.find(cause) == std::string::npos) result.error += ": " + cause;
      }
      // Connection-level failure: fail over to the next host; skip this one for a while.
      picker_->failed(i, HostPicker::Clock::now());
      log::warn(*log::get("es"), "Elasticsearch host failed; trying the next, this one again after a back-off",
                {{"host", h.shown}, {"error", result.error}});
    }
  }
  return result;
}

std::optional<EsVersion> EsClient::detectVersion(HttpResult* failed) {
  // `GET /` first; some distributions (the integ-test zip) do not serve it: then the nodes API.
  // Refused credentials are no answer: nothing may be consumed that could not be indexed.
  auto unusable = [failed](HttpResult& r) {
    if (r.status != 0 && r.status != 401 && r.status != 403) return false;
    if (failed) *failed = std::move(r);
    return true;
  };
  auto r = request("GET", "/", "");
  if (unusable(r)) return std::nullopt;
  if (r.status == 200)
    if (auto v = parseVersion(r.body)) return v;
  r = request("GET", "/_nodes/_local?filter_path=nodes.*.version,nodes.*.attributes", "");
  if (r.status == 200)
    if (auto v = parseNodesVersion(r.body)) return v;
  if (unusable(r)) return std::nullopt;
  // It answers but says nothing about its version: assume a current one (no `_type`).
  EsVersion v;
  v.number = "unknown";
  return v;
}

namespace {
// The `error.reason` of an Elasticsearch error answer (or its start), which names the cause.
std::string errorReason(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  std::string_view reason;
  if (parser.parse(body).get(root) == simdjson::SUCCESS && root["error"]["reason"].get(reason) == simdjson::SUCCESS)
    return std::string(reason);
  return body.substr(0, 200);
}

bool looksLikeTls(const std::string& error) {
  for (const char* word : {"certificate", "handshake", "SSL", "ssl", "TLS"})
    if (error.find(word) != std::string::npos) return true;
  return false;
}
}  // namespace

EsProblem describeProblem(const HttpResult& r) {
  if (r.status == 0) {
    if (looksLikeTls(r.error)) return {ErrorCode::kEsTls, "TLS handshake with " + r.host + " failed: " + r.error};
    return {ErrorCode::kEsTransport, r.host + " unreachable: " + r.error};
  }
  if (r.status == 401 || r.status == 403)
    return {ErrorCode::kEsAuth,
            r.host + " refused the credentials (HTTP " + std::to_string(r.status) + "): " + errorReason(r.body)};
  if (r.status >= 500) return {ErrorCode::kEsTransport, r.host + " answered HTTP " + std::to_string(r.status)};
  return {};
}

std::optional<EsVersion> parseNodesVersion(const std::string& body) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::dom::object nodes;
  if (parser.parse(body).get(root) != simdjson::SUCCESS || root["nodes"].get(nodes) != simdjson::SUCCESS)
    return std::nullopt;
  for (auto [id, node] : nodes) {
    (void)id;
    std::string_view number;
    if (node["version"].get(number) != simdjson::SUCCESS) continue;
    return parseVersion("{\"version\":{\"number\":\"" + std::string(number) + "\"}}");
  }
  return std::nullopt;
}

}  // namespace logship::es
