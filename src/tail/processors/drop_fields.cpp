// drop_fields: removes the listed fields (prefix match on dotted keys); @timestamp and @metadata
// are never dropped (as in Filebeat).
#include <string>
#include <vector>

#include "logship/common/logging.h"
#include "logship/tail/event.h"
#include "logship/tail/processor.h"

namespace logship::tail::processors {
namespace {

void logMissingField(std::string_view field) {
  static const auto logger = log::get("processors");
  if (logger->should_log(spdlog::level::debug)) log::debug(*logger, "drop_fields: field not found", {{"field", field}});
}

class DropFields final : public Processor {
 public:
  DropFields(std::vector<std::string> fields, bool ignore_missing)
      : fields_(std::move(fields)), ignore_missing_(ignore_missing) {}
  std::optional<std::vector<std::string>> addedFields() const override { return std::vector<std::string>{}; }
  void run(Event& event) const override {
    for (const auto& f : fields_) {
      if (f == "@timestamp" || keyUnder(f, "@metadata")) continue;
      // As in libbeat: a missing field is an error of the processor, which is only logged at
      // debug level (the event goes on); ignore_missing silences it.
      if (!event.remove(f) && !ignore_missing_) logMissingField(f);
    }
  }

 private:
  std::vector<std::string> fields_;
  bool ignore_missing_;
};

}  // namespace

std::unique_ptr<const Processor> parseDropFields(const config::Node& node) {
  auto fields = node.child("fields").strings();
  const bool ignore_missing = node.child("ignore_missing").boolean(false);
  if (fields.empty()) node.fail("drop_fields needs a list under fields");
  return std::make_unique<DropFields>(std::move(fields), ignore_missing);
}

}  // namespace logship::tail::processors
