// Test helpers: synchronous Elasticsearch HTTP calls with cpprestsdk.
// For tests only (not fast, not clever). The base URL is ES_URL from the
// services env file (ServicesEnv::load()) unless set with setEsBaseUrl().
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <cpprest/json.h>

namespace logship::testing {

struct EsResponse {
  int status = 0;    // HTTP status code
  std::string body;  // response body as text
};

// Overrides / reads the base URL ("http://127.0.0.1:PORT").
void setEsBaseUrl(const std::string& url);
std::string esBaseUrl();

// One HTTP request. `url_path` is relative to the base URL and may carry a
// query ("/logship-*/_search?size=10"). `body` is sent when non-empty with
// `content_type` (default: "application/x-ndjson" for paths containing
// "_bulk", "application/json" otherwise). Throws std::runtime_error only
// when no HTTP answer was received (connection refused, timeout).
EsResponse esRequest(const std::string& method, const std::string& url_path, const std::string& body = "",
                     const std::string& content_type = "");

// POST /<index>/_refresh. Returns false when the index does not exist;
// throws on other errors.
bool esRefresh(const std::string& index_pattern);

// Number of documents in the indices matching the pattern (0 when none
// exists). Refreshes them first unless refresh == false.
std::int64_t esCount(const std::string& index_pattern, bool refresh = true);

// Polls esCount until it is >= expected or the timeout passes; returns the
// last count seen.
std::int64_t esWaitForCount(const std::string& index_pattern, std::int64_t expected,
                            std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Deletes the indices matching the pattern (wildcards allowed: the test ES
// runs with action.destructive_requires_name=false); missing ones are fine.
void esDeleteIndex(const std::string& index_pattern);

// _source of the documents matching the pattern (refreshes first), sorted by
// the query's order (default: by _doc). At most `size` documents.
std::vector<web::json::value> esSearchSources(const std::string& index_pattern,
                                              const std::string& query_json = R"({"query":{"match_all":{}}})",
                                              int size = 1000);

// Parses a JSON text (throws web::json::json_exception on bad input).
web::json::value parseJson(const std::string& text);

}  // namespace logship::testing
