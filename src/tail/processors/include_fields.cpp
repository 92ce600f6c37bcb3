// include_fields: keeps only the listed fields (each with everything under it) and drops the
// rest. As libbeat: `type` is always kept, and so are @timestamp and @metadata (they are not among
// the event's fields there); a listed field that is missing is no error. Names are plain dotted
// keys: libbeat's include_fields has no `/regexp/` form (drop_fields has). A listed path inside
// a raw JSON object (`json.level` with `json` decoded) keeps just that part of the object.
#include <string>
#include <vector>

#include "logship/tail/event.h"
#include "logship/tail/event_encoder.h"
#include "logship/tail/processor.h"
#include "logship/tail/raw_json.h"

namespace logship::tail::processors {
namespace {

class IncludeFields final : public Processor {
 public:
  explicit IncludeFields(std::vector<std::string> fields) : fields_(std::move(fields)) {}
  std::optional<std::vector<std::string>> addedFields() const override { return std::vector<std::string>{}; }
  void run(Event& event) const override {
    for (auto& e : event.entries()) {
      if (!e.removed && !kept(e.key) && !project(event, e)) e.removed = true;
    }
  }

 private:
  // Narrows the raw object `e` to the listed paths below it; false when none of them is there.
  bool project(Event& event, Entry& e) const {
    if (e.kind != Entry::Kind::kRaw || !raw::isObject(e.value)) return false;
    thread_local std::vector<Entry> picked;
    thread_local std::string text;
    picked.clear();
    for (const auto& f : fields_) {
      if (f.size() <= e.key.size() || !keyUnder(f, e.key)) continue;
      const std::string_view path = std::string_view(f).substr(e.key.size() + 1);
      std::string_view value;
      if (raw::findPath(e.value, path, value)) picked.push_back(Entry{path, value, Entry::Kind::kRaw, false});
    }
    if (picked.empty()) return false;
    text.assign("{");
    EventEncoder::encodeMembers(picked, text);
    text.push_back('}');
    e.value = event.arena().copy(text);
    return true;
  }

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
