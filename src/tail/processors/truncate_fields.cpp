// truncate_fields: `fields`, `max_bytes` or `max_characters` (exactly one), ignore_missing,
// fail_on_error (both false by default, as libbeat). Each cut value appends "truncated" to
// `log.flags`, as libbeat's AddTagsWithKey does (after a max_bytes cut of the line, or two cut
// fields, the flag appears twice, as in Filebeat).
#include <optional>

#include "field_paths.h"
#include "logship/tail/event.h"
#include "logship/tail/processor.h"

namespace logship::tail::processors {
namespace {

class TruncateFields final : public Processor {
 public:
  TruncateFields(std::vector<std::string> fields, size_t max_bytes, size_t max_chars, FromToOptions options)
      : fields_(std::move(fields)), max_bytes_(max_bytes), max_chars_(max_chars), options_(options) {}

  void run(Event& event) const override {
    std::optional<EntriesBackup> backup;
    if (options_.fail_on_error) backup.emplace(event);
    for (const auto& field : fields_) {
      const std::string failure = truncate(event, field);
      if (failure.empty() || !options_.fail_on_error) continue;
      backup->restore(event);
      // libbeat returns the error without setting error.message; logship flags it so the
      // failure is visible in the event (docs/tail.md).
      flagProcessorError(event, "Failed to truncate fields: " + failure);
      return;
    }
  }
  std::optional<std::vector<std::string>> addedFields() const override {
    return std::vector<std::string>{"log.flags", "error.message"};
  }

 private:
  // The cut length of `text`: at most max_bytes_ bytes, or the first max_chars_ UTF-8 characters.
  size_t cutAt(std::string_view text) const {
    if (max_bytes_ > 0) return std::min(text.size(), max_bytes_);
    size_t chars = 0;
    for (size_t i = 0; i < text.size(); ++i) {
      if ((static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) continue;  // a continuation byte
      if (chars++ == max_chars_) return i;
    }
    return text.size();
  }

  std::string truncate(Event& event, const std::string& field) const {
    const Entry* e = event.find(field);
    if (!e)
      return options_.ignore_missing ? std::string() : "could not fetch value for key: " + field + ": key not found";
    const bool is_string = e->isString();
    if (!is_string) return "value cannot be truncated: " + std::string(e->value);
    thread_local std::string scratch;
    const std::string_view text = Event::text(*e, scratch);
    const size_t cut = cutAt(text);
    if (cut == text.size()) return {};
    event.setString(field, event.arena().copy(text.substr(0, cut)));
    addTags(event, "log.flags", "\"truncated\"");  // per field cut, as libbeat's AddTagsWithKey
    return {};
  }

  std::vector<std::string> fields_;
  size_t max_bytes_, max_chars_;
  FromToOptions options_;
};

}  // namespace

std::unique_ptr<const Processor> parseTruncateFields(const config::Node& node) {
  const std::vector<std::string> fields = node.child("fields").strings();
  if (fields.empty()) node.fail("truncate_fields needs a list of fields");
  const config::Node bytes = node.child("max_bytes"), chars = node.child("max_characters");
  if (bytes.exists() == chars.exists()) node.fail("truncate_fields needs exactly one of max_bytes and max_characters");
  const int64_t limit = bytes.exists() ? bytes.integer(0) : chars.integer(0);
  if (limit <= 0) (bytes.exists() ? bytes : chars).fail("must be positive");
  FromToOptions options;
  options.ignore_missing = node.child("ignore_missing").boolean(false);
  options.fail_on_error = node.child("fail_on_error").boolean(false);
  return std::make_unique<TruncateFields>(fields, bytes.exists() ? static_cast<size_t>(limit) : 0,
                                          chars.exists() ? static_cast<size_t>(limit) : 0, options);
}

}  // namespace logship::tail::processors
