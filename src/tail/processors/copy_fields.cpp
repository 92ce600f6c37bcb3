// copy_fields: copies fields under new names, in order ({from, to} pairs); libbeat's rules: an
// existing target is never overwritten (a failure), a missing source fails unless ignore_missing;
// with fail_on_error (default) the event is rolled back, flagged and the remaining pairs skipped.
#include "field_paths.h"
#include "logship/tail/processor.h"

namespace logship::tail::processors {
namespace {

class CopyFields final : public Processor {
 public:
  CopyFields(std::vector<FromTo> fields, FromToOptions options) : fields_(std::move(fields)), options_(options) {}
  void run(Event& event) const override {
    applyFromTo(event, fields_, options_, &copyField, "Failed to copy fields in copy_fields processor: ");
  }
  // The targets, plus error.* when a failure is flagged.
  std::optional<std::vector<std::string>> addedFields() const override {
    std::vector<std::string> out{"error.message"};
    for (const auto& ft : fields_) out.push_back(ft.to);
    return out;
  }

 private:
  std::vector<FromTo> fields_;
  FromToOptions options_;
};

}  // namespace

std::unique_ptr<const Processor> parseCopyFields(const config::Node& node) {
  auto fields = parseFromToList(node, "copy_fields");
  return std::make_unique<CopyFields>(std::move(fields), parseFromToOptions(node));
}

}  // namespace logship::tail::processors
