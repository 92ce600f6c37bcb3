#include "string_field_decoder.h"

#include <optional>

#include "logship/tail/event.h"

namespace logship::tail::processors {

std::string_view goTypeOfRaw(std::string_view raw) {
  const char c = raw.empty() ? 'n' : raw.front();
  if (c == '{') return "map[string]interface {}";
  if (c == '[') return "[]interface {}";
  if (c == 't' || c == 'f') return "bool";
  if (c == 'n') return "<nil>";
  return "float64";
}

std::string StringFieldDecoder::decodeOne(Event& event, const FromTo& field) const {
  const Entry* e = event.find(field.from);
  if (!e) {
    if (options_.ignore_missing) return {};
    return std::string(texts_.fetch_error) + field.from + ", Error: key not found";
  }
  const bool is_string = e->kind == Entry::Kind::kString || (!e->value.empty() && e->value.front() == '"');
  if (!is_string) return "invalid type for `from`, expecting a string received " + std::string(goTypeOfRaw(e->value));
  thread_local std::string scratch, decoded, error;
  const std::string_view text = Event::text(*e, scratch);
  decoded.clear();
  error.clear();
  if (!decode_(text, decoded, error)) return std::string(texts_.decode_error) + std::string(text) + ": " + error;
  const std::string& target = field.to.empty() ? field.from : field.to;
  event.setString(target, event.arena().copy(decoded));
  return {};
}

void StringFieldDecoder::run(Event& event) const {
  // libbeat clones the event first when a failure could leave it half changed.
  std::optional<EntriesBackup> backup;
  if (options_.fail_on_error && fields_.size() > 1) backup.emplace(event);
  for (const auto& field : fields_) {
    const std::string failure = decodeOne(event, field);
    if (failure.empty() || !options_.fail_on_error) continue;
    if (backup) backup->restore(event);
    flagProcessorError(event, std::string(texts_.error_prefix) + failure);
    return;
  }
}

std::optional<std::vector<std::string>> StringFieldDecoder::addedFields() const {
  std::vector<std::string> out{"error.message"};
  for (const auto& f : fields_) out.push_back(f.to.empty() ? f.from : f.to);
  return out;
}

}  // namespace logship::tail::processors
