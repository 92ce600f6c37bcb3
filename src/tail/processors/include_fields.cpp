// include_fields: keeps only the listed fields (each with everything under it) and drops the
// rest. As libbeat: `type` is always kept, and so are @timestamp and @metadata (they are not among
// the event's fields there); a listed field that is missing is no error. Names are plain dotted
// keys: libbeat's include_fields has no `/regexp/` form (drop_fields has).
#include <string>
#include <vector>

#include "logship/tail/event.h"
#include "logship/tail/processor.h"

namespace logship::tail::processors {
namespace {

class IncludeFields final : public Processor {
 public:
  explicit IncludeFields(std::vector<std::string> fields) : fields_(std::move(fields)) {}
  std::optional<std::vector<std::string>> addedFields() const override { return std::vector<std::string>{}; }
  void run(Event& event) const override {
    for (auto& e : event.entries()) {
      if (!e.removed && !kept(e.key)) e.removed = true;
    }
  }

 private:
  bool kept(std::string_view key) const {
    if (key == "@timestamp" || keyUnder(key, "@metadata")) return true;
    for (const auto& f : fields_)
      if (keyUnder(key, f)) return true;
    return false;
  }

  std::vector<std::string> fields_;
};

}  // namespace

std::unique_ptr<const Processor> parseIncludeFields(const config::Node& node) {
  auto fields = node.child("fields").strings();
  if (fields.empty()) node.fail("include_fields needs a list under fields");
  // libbeat's MandatoryExportedFields: added unless listed already.
  bool has_type = false;
  for (const auto& f : fields) has_type = has_type || f == "type";
  if (!has_type) fields.emplace_back("type");
  return std::make_unique<IncludeFields>(std::move(fields));
}

}  // namespace logship::tail::processors
