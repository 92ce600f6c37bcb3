#include "logship/es/bulk_response.h"

#include <simdjson.h>

namespace logship::es {

bool parseBulkResponse(std::string_view body, BulkResponse& out) {
  out.errors = false;
  out.items.clear();
  // Fast path: Elasticsearch writes `took` and `errors` first; without errors the items need no look.
  const std::string_view head = body.substr(0, 96);
  if (head.find("\"errors\":false") != std::string_view::npos) return true;

  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(body.data(), body.size(), true).get(root) != simdjson::SUCCESS) return false;
  bool errors = false;
  if (root["errors"].get(errors) != simdjson::SUCCESS) return false;
  out.errors = errors;
  if (!errors) return true;
  simdjson::dom::array items;
  if (root["items"].get(items) != simdjson::SUCCESS) return false;
  for (simdjson::dom::element wrapper : items) {
    simdjson::dom::object obj;
    if (wrapper.get(obj) != simdjson::SUCCESS) return false;
    BulkItemResult r;
    for (auto [action, item] : obj) {
      (void)action;
      int64_t status = 0;
      if (item["status"].get(status) != simdjson::SUCCESS) return false;
      r.status = static_cast<int>(status);
      simdjson::dom::element err;
      if (item["error"].get(err) == simdjson::SUCCESS) {
        std::string_view s;
        if (err.is_object()) {
          if (err["type"].get(s) == simdjson::SUCCESS) r.error_type = std::string(s);
          if (err["reason"].get(s) == simdjson::SUCCESS) r.error_reason = std::string(s);
        } else if (err.get(s) == simdjson::SUCCESS) {
          r.error_reason = std::string(s);
        }
      }
      break;
    }
    out.items.push_back(std::move(r));
  }
  return true;
}

}  // namespace logship::es
