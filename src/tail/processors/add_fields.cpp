// add_fields: sets the configured fields under `target` (default `fields`), as raw JSON values.
#include <string>
#include <utility>
#include <vector>

#include "logship/tail/event.h"
#include "logship/tail/processor.h"
#include "logship/tail/tail_config.h"

namespace logship::tail::processors {
namespace {

class AddFields final : public SetFieldsProcessor {
 public:
  // fields: flattened (dotted key, raw JSON), the target applied.
  explicit AddFields(std::vector<std::pair<std::string, std::string>> fields) : SetFieldsProcessor(std::move(fields)) {}
};

}  // namespace

std::unique_ptr<const Processor> parseAddFields(const config::Node& node) {
  const auto target = node.child("target");
  // Filebeat: no `target` means `fields`; `target: ""` (or an empty value) means the event's root.
  const std::string prefix = target.present() ? target.str("") : "fields";
  if (!node.child("fields").isMap()) node.child("fields").fail("add_fields needs a map under fields");
  std::vector<std::pair<std::string, std::string>> fields;
  flattenYaml(node.child("fields"), prefix, fields);
  return std::make_unique<AddFields>(std::move(fields));
}

}  // namespace logship::tail::processors
