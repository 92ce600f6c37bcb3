#pragma once
// The answer to a `_bulk` request: `errors` and, when there are errors, each item's status and
// error (type, reason), in request order.
#include <string>
#include <string_view>
#include <vector>

namespace logship::es {

struct BulkItemResult {
  int status = 0;
  std::string error_type;
  std::string error_reason;
};

struct BulkResponse {
  bool errors = false;
  std::vector<BulkItemResult> items;  // filled only when errors is true
};

// false when `body` is not a bulk answer (then the whole request is retried).
bool parseBulkResponse(std::string_view body, BulkResponse& out);

}  // namespace logship::es
