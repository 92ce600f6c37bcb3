// decode_csv_fields: `fields: {from: to}` (nested maps flatten to dotted sources), separator (one
// character, default ","), ignore_missing, overwrite_keys, trim_leading_space, fail_on_error
// (true). The first record of the field is read as Go's encoding/csv does with LazyQuotes (a quote
// inside a field is kept; `""` inside quotes is one quote; a quoted field may span lines) and
// written as a JSON array of strings.
#include <optional>

#include "field_paths.h"
#include "logship/common/json.h"
#include "logship/tail/event.h"

namespace logship::tail::processors {
namespace {

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r' || c == '\n'; }

// Go csv.Reader.Read (LazyQuotes) of the first record of `text` into `fields`; false at EOF.
bool readRecord(std::string_view text, char comma, bool trim, std::vector<std::string>& fields) {
  size_t i = 0;
  while (i < text.size() && (text[i] == '\n' || (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n')))
    i += text[i] == '\r' ? 2 : 1;  // Go skips empty lines before a record
  if (i >= text.size()) return false;
  fields.clear();
  while (true) {
    std::string field;
    if (trim)
      while (i < text.size() && isSpace(text[i]) && text[i] != '\n' && text[i] != comma) ++i;
    if (i < text.size() && text[i] == '"') {
      ++i;
      while (i < text.size()) {
        if (text[i] != '"') {
          field += text[i++];
          continue;
        }
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          i += 2;
        } else if (i + 1 >= text.size() || text[i + 1] == comma || text[i + 1] == '\n' ||
                   (text[i + 1] == '\r' && i + 2 < text.size() && text[i + 2] == '\n')) {
          ++i;  // the closing quote
          break;
        } else {
          field += text[i++];  // LazyQuotes: a stray quote is text
        }
      }
    } else {
      while (i < text.size() && text[i] != comma && text[i] != '\n') field += text[i++];
      if (!field.empty() && field.back() == '\r' && (i >= text.size() || text[i] == '\n')) field.pop_back();
    }
    fields.push_back(std::move(field));
    if (i < text.size() && text[i] == comma) {
      ++i;
      continue;
    }
    return true;  // end of line or of text
  }
}

class DecodeCsvFields final : public Processor {
 public:
  DecodeCsvFields(std::vector<FromTo> fields, char separator, bool ignore_missing, bool overwrite_keys, bool trim,
                  bool fail_on_error)
      : fields_(std::move(fields)),
        separator_(separator),
        ignore_missing_(ignore_missing),
        overwrite_keys_(overwrite_keys),
        trim_(trim),
        fail_on_error_(fail_on_error) {}

  void run(Event& event) const override {
    std::optional<EntriesBackup> backup;
    if (fail_on_error_) backup.emplace(event);
    for (const auto& f : fields_) {
      const std::string failure = decode(event, f);
      if (failure.empty() || !fail_on_error_) continue;
      backup->restore(event);
      flagProcessorError(event, failure);  // libbeat returns it; logship also flags (docs/tail.md)
      return;
    }
  }
  std::optional<std::vector<std::string>> addedFields() const override {
    std::vector<std::string> out{"error.message"};
    for (const auto& f : fields_) out.push_back(f.to);
    return out;
  }

 private:
  std::string decode(Event& event, const FromTo& f) const {
    const Entry* e = event.find(f.from);
    if (!e) return ignore_missing_ ? std::string() : "could not fetch value for field " + f.from + ": key not found";
    if (e->kind != Entry::Kind::kString && (e->value.empty() || e->value.front() != '"'))
      return "field " + f.from + " is not of string type";
    thread_local std::string scratch, array;
    thread_local std::vector<std::string> record;
    if (!readRecord(Event::text(*e, scratch), separator_, trim_, record))
      return "error decoding CSV from field " + f.from + ": EOF";
    if (f.from != f.to && !overwrite_keys_ && event.has(f.to))
      return "target field " + f.to +
             " already has a value. Set the overwrite_keys flag or drop/rename the field first";
    array = "[";
    for (size_t k = 0; k < record.size(); ++k) {
      if (k > 0) array += ',';
      json::appendString(array, record[k]);
    }
    array += ']';
    if (f.from != f.to) event.remove(f.to);
    event.setRaw(f.to, event.arena().copy(array));
    return {};
  }

  std::vector<FromTo> fields_;
  char separator_;
  bool ignore_missing_, overwrite_keys_, trim_, fail_on_error_;
};

void flatten(const config::Node& map, const std::string& prefix, std::vector<FromTo>& out) {
  for (const auto& [key, value] : map.entries()) {
    if (value.isMap()) {
      flatten(value, prefix + key + ".", out);
    } else {
      const std::string to = value.str();
      if (to.empty()) value.fail("destination field must be a non-empty string");
      out.push_back({prefix + key, to});
    }
  }
}

}  // namespace

std::unique_ptr<const Processor> parseDecodeCsvFields(const config::Node& node) {
  std::vector<FromTo> fields;
  if (node.child("fields").isMap()) flatten(node.child("fields"), "", fields);
  if (fields.empty()) node.fail("no fields to decode configured");
  const std::string sep = node.child("separator").str(",");
  if (sep.size() != 1)
    node.child("separator")
        .fail("separator must be a single character, got " + std::to_string(sep.size()) + " in string '" + sep + "'");
  return std::make_unique<DecodeCsvFields>(std::move(fields), sep[0], node.child("ignore_missing").boolean(false),
                                           node.child("overwrite_keys").boolean(false),
                                           node.child("trim_leading_space").boolean(false),
                                           node.child("fail_on_error").boolean(true));
}

}  // namespace logship::tail::processors
