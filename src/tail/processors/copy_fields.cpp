// copy_fields: copies fields under new names, in order ({from, to} pairs); libbeat's rules: an
// existing target is never overwritten (a failure), a missing source fails unless ignore_missing;
// with fail_on_error (default) the event is rolled back, flagged and the remaining pairs skipped.
#include "field_paths.h"

namespace logship::tail::processors {

std::unique_ptr<const Processor> parseCopyFields(const config::Node& node) {
  return std::make_unique<FromToProcessor>(parseFromToList(node, "copy_fields"), parseFromToOptions(node),
                                           static_cast<FieldOp>(&copyField),
                                           "Failed to copy fields in copy_fields processor: ");
}

}  // namespace logship::tail::processors
