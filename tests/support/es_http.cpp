#include "support/es_http.h"

#include <cpprest/http_client.h>

#include <mutex>
#include <stdexcept>

#include "support/poll.h"
#include "support/services_env.h"

namespace logship::testing {

namespace {

std::mutex g_mutex;
std::string g_base_url;  // empty: read from the services env file

[[noreturn]] void fail(const std::string& what) { throw std::runtime_error("es test helper: " + what); }

std::string withQuery(const std::string& path, const std::string& query) {
  return path + (path.find('?') == std::string::npos ? "?" : "&") + query;
}

std::string slashPath(const std::string& p) { return (!p.empty() && p[0] == '/') ? p : "/" + p; }

}  // namespace

void setEsBaseUrl(const std::string& url) {
  std::lock_guard<std::mutex> lock(g_mutex);
  g_base_url = url;
  while (!g_base_url.empty() && g_base_url.back() == '/') g_base_url.pop_back();
}

std::string esBaseUrl() {
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    if (!g_base_url.empty()) return g_base_url;
  }
  return ServicesEnv::load().es_url;
}

EsResponse esRequest(const std::string& method, const std::string& url_path, const std::string& body,
                     const std::string& content_type) {
  const std::string base = esBaseUrl();
  web::http::client::http_client_config cfg;
  cfg.set_timeout(std::chrono::seconds(60));
  try {
    web::http::client::http_client client(base, cfg);
    web::http::http_request req(method);
    req.set_request_uri(slashPath(url_path));
    if (!body.empty()) {
      std::string ct = content_type;
      if (ct.empty()) {
        ct = url_path.find("_bulk") != std::string::npos ? "application/x-ndjson" : "application/json";
      }
      req.set_body(body, ct);
    }
    web::http::http_response resp = client.request(req).get();
    EsResponse out;
    out.status = resp.status_code();
    out.body = resp.extract_utf8string(true).get();
    return out;
  } catch (const std::exception& e) {
    fail(method + " " + base + slashPath(url_path) + ": " + e.what());
  }
}

namespace {
// A read on an index created a moment ago (or after an ES restart) answers 503
// no_shard_available / all shards failed until its primary shard is started: wait for that,
// it is not the answer the test asked about.
EsResponse esReadWhenShardsReady(const std::string& method, const std::string& url_path, const std::string& body = {}) {
  EsResponse r;
  pollUntil([&] { return (r = esRequest(method, url_path, body)).status != 503; }, std::chrono::seconds(60));
  return r;
}
}  // namespace

bool esRefresh(const std::string& index_pattern) {
  const EsResponse r =
      esReadWhenShardsReady("POST", withQuery("/" + index_pattern + "/_refresh", "ignore_unavailable=true"));
  if (r.status == 404) return false;
  if (r.status >= 300) fail("refresh " + index_pattern + ": HTTP " + std::to_string(r.status) + " " + r.body);
  return true;
}

std::int64_t esCount(const std::string& index_pattern, bool refresh) {
  if (refresh) esRefresh(index_pattern);
  const EsResponse r = esReadWhenShardsReady(
      "GET", withQuery("/" + index_pattern + "/_count", "ignore_unavailable=true&allow_no_indices=true"));
  if (r.status == 404) return 0;
  if (r.status >= 300) fail("count " + index_pattern + ": HTTP " + std::to_string(r.status) + " " + r.body);
  const web::json::value v = parseJson(r.body);
  if (!v.has_field("count")) fail("count " + index_pattern + ": unexpected answer " + r.body);
  return v.at("count").as_number().to_int64();
}

std::int64_t esWaitForCount(const std::string& index_pattern, std::int64_t expected,
                            std::chrono::milliseconds timeout) {
  std::int64_t last = 0;
  pollUntil([&] { return (last = esCount(index_pattern, true)) >= expected; }, timeout);
  return last;
}

void esDeleteIndex(const std::string& index_pattern) {
  const EsResponse r = esRequest("DELETE", withQuery("/" + index_pattern, "ignore_unavailable=true"));
  if (r.status == 404 || r.status < 300) return;
  fail("delete index " + index_pattern + ": HTTP " + std::to_string(r.status) + " " + r.body);
}

std::vector<web::json::value> esSearchSources(const std::string& index_pattern, const std::string& query_json,
                                              int size) {
  esRefresh(index_pattern);
  const EsResponse r =
      esReadWhenShardsReady("POST",
                            withQuery("/" + index_pattern + "/_search",
                                      "ignore_unavailable=true&allow_no_indices=true&size=" + std::to_string(size)),
                            query_json);
  if (r.status == 404) return {};
  if (r.status >= 300) fail("search " + index_pattern + ": HTTP " + std::to_string(r.status) + " " + r.body);
  const web::json::value v = parseJson(r.body);
  std::vector<web::json::value> out;
  if (!v.has_field("hits")) return out;
  for (const web::json::value& hit : v.at("hits").at("hits").as_array()) {
    if (hit.has_field("_source")) out.push_back(hit.at("_source"));
  }
  return out;
}

web::json::value parseJson(const std::string& text) { return web::json::value::parse(text); }

}  // namespace logship::testing
