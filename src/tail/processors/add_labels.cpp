// add_labels: `labels` (a map, required) set under `labels.` as libbeat's add_labels does: nested
// maps and lists are flattened into dotted names (`a: {b: x}` -> `a.b`, list items by index:
// `list.0`), every value is written as a string (go-ucfg's String of the flattened config:
// `3` -> "3", `true` -> "true"), existing labels of other names are kept, same names replaced.
#include <string>
#include <utility>
#include <vector>

#include "logship/common/json.h"
#include "logship/tail/event.h"
#include "logship/tail/processor.h"

namespace logship::tail::processors {
namespace {

class AddLabels final : public SetFieldsProcessor {
 public:
  explicit AddLabels(std::vector<std::pair<std::string, std::string>> fields) : SetFieldsProcessor(std::move(fields)) {}
};

// Appends (labels.<dotted name>, JSON string) for every scalar under `node`.
void flattenLabels(const config::Node& node, const std::string& name,
                   std::vector<std::pair<std::string, std::string>>& out) {
  if (node.isMap()) {
    for (const auto& [key, child] : node.entries()) flattenLabels(child, name + "." + key, out);
  } else if (node.isSequence()) {
    const std::vector<config::Node> items = node.items();
    for (size_t i = 0; i < items.size(); ++i) flattenLabels(items[i], name + "." + std::to_string(i), out);
  } else if (node.exists()) {
    std::string value;
    json::appendString(value, node.str());
    out.emplace_back(name, std::move(value));
  }
}

}  // namespace

std::unique_ptr<const Processor> parseAddLabels(const config::Node& node) {
  const config::Node labels = node.child("labels");
  if (!labels.isMap()) labels.fail("add_labels needs a map under labels");
  std::vector<std::pair<std::string, std::string>> fields;
  flattenLabels(labels, "labels", fields);
  return std::make_unique<AddLabels>(std::move(fields));
}

}  // namespace logship::tail::processors
