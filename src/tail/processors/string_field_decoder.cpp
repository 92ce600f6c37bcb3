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

StringFieldDecoder::StringFieldDecoder(const std::vector<FromTo>& fields, FromToOptions options,
                                       const StringTransformFn& transform, StringFieldDecoderTexts texts)
    : options_(options), texts_(texts) {
  for (const auto& f : fields) steps_.push_back({f, transform});
}

std::string StringFieldDecoder::decodeOne(Event& event, const StringFieldStep& step) const {
  const FromTo& field = step.field;
  const Entry* e = event.find(field.from);
  if (!e) {
    if (options_.ignore_missing) return {};
    return std::string(texts_.fetch_error) + field.from + ", Error: key not found";
  }
  const bool is_string = e->isString();
  if (!is_string) {
    if (texts_.type_error) return texts_.type_error(field.from, e->value);
    return "invalid type for `from`, expecting a string received " + std::string(goTypeOfRaw(e->value));
  }
  thread_local std::string scratch, decoded, error;
  const std::string_view text = Event::text(*e, scratch);
  decoded.clear();
  error.clear();
  if (!step.transform(text, decoded, error)) return std::string(texts_.decode_error) + std::string(text) + ": " + error;
  const std::string& target = field.to.empty() ? field.from : field.to;
  event.setString(target, event.arena().copy(decoded));
  return {};
}

void StringFieldDecoder::run(Event& event) const {
  // libbeat clones the event first when a failure could leave it half changed.
  std::optional<EntriesBackup> backup;
  if (options_.fail_on_error && steps_.size() > 1) backup.emplace(event);
  for (const auto& step : steps_) {
    const std::string failure = decodeOne(event, step);
    if (failure.empty() || !options_.fail_on_error) continue;
    if (backup) backup->restore(event);
    flagProcessorError(event, std::string(texts_.error_prefix) + failure);
    return;
  }
}

std::optional<std::vector<std::string>> StringFieldDecoder::addedFields() const {
  std::vector<std::string> out{"error.message"};
  for (const auto& s : steps_) out.push_back(s.field.to.empty() ? s.field.from : s.field.to);
  return out;
}

}  // namespace logship::tail::processors
