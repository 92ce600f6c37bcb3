// rename: moves fields to new names, in order ({from, to} pairs); libbeat's rules: an existing
// target is a failure, a missing source too unless ignore_missing; with fail_on_error (default) the
// event is rolled back, flagged and the remaining pairs skipped.
#include "field_paths.h"

namespace logship::tail::processors {

std::unique_ptr<const Processor> parseRename(const config::Node& node) {
  return std::make_unique<FromToProcessor>(parseFromToList(node, "rename"), parseFromToOptions(node),
                                           static_cast<FieldOp>(&moveField), "Failed to rename fields in processor: ");
}

}  // namespace logship::tail::processors
