#pragma once
// One message through go-stash's handler: parse, name the index (before the filters, as go-stash
// does), take `@metadata._id`, run the filters, serialise without `@metadata`. Shared by the
// daemon and --dry-run so both give the same outcome for the same input.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "logship/stash/config.h"
#include "logship/stash/event.h"
#include "logship/stash/filters.h"
#include "logship/stash/index_namer.h"

namespace logship::stash {

struct ProcessResult {
  enum Kind { kDoc, kDropped, kInvalid } kind = kInvalid;
  std::string_view index;    // kDoc: valid until the next process()
  std::string_view meta_id;  // `@metadata._id` when present (kDoc), else empty
  bool wrapped = false;      // the value was not a JSON object and was wrapped
  size_t filter = 0;         // kDropped: position of the dropping filter in the cluster's Filters[]
};

class Processor {
 public:
  explicit Processor(const ClusterConfig& cluster, IndexNamer::Clock clock = {});
  // Appends the document to `doc_out` (kDoc only).
  ProcessResult process(std::string_view value, std::string& doc_out);

 private:
  bool wrap_invalid_;
  IndexNamer namer_;
  std::vector<std::unique_ptr<Filter>> filters_;
  Event event_;
  std::string index_;
  std::string id_;
  std::string scratch_;
};

// `<topic>-<partition>-<offset>`: the id of a message without `@metadata._id`; a replay of the
// same message gets the same id, so `create` answers 409 instead of indexing a duplicate.
void derivedDocumentId(std::string_view topic, int32_t partition, int64_t offset, std::string& out);

}  // namespace logship::stash
