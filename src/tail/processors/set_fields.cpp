#include "logship/tail/event.h"
#include "logship/tail/processor.h"

namespace logship::tail {

void SetFieldsProcessor::run(Event& event) const {
  for (const auto& [k, v] : fields_) event.setRaw(k, v);
}

std::optional<std::vector<std::string>> SetFieldsProcessor::addedFields() const {
  std::vector<std::string> keys;
  keys.reserve(fields_.size());
  for (const auto& f : fields_) keys.push_back(f.first);
  return keys;
}

}  // namespace logship::tail
