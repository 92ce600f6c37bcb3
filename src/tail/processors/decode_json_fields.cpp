// decode_json_fields: decodes the JSON object held as text in each listed field, with the
// input-level JSON decoder (json_decoder.h): into the field itself (target unset), into the root
// (target ""), or under `target`. Decoded values stay raw JSON; they are copied into the event's
// arena (no heap allocation once it has grown) because the decoder's buffer is reused per field.
#include <optional>
#include <string>
#include <vector>

#include "logship/tail/event.h"
#include "logship/tail/json_decoder.h"
#include "logship/tail/processor.h"

namespace logship::tail::processors {
namespace {

struct DecodeJsonOptions {
  std::vector<std::string> fields;
  std::optional<std::string> target;  // nullopt: each field itself; "": the root
  bool overwrite_keys = false;
  bool add_error_key = false;
};

class DecodeJsonFields final : public Processor {
 public:
  explicit DecodeJsonFields(DecodeJsonOptions o) : options_(std::move(o)) {
    for (const auto& field : options_.fields) {
      JsonConfig c;
      c.enabled = true;
      c.keys_under_root = options_.target && options_.target->empty();
      c.target = options_.target ? *options_.target : field;
      c.overwrite_keys = options_.overwrite_keys;
      c.add_error_key = options_.add_error_key;
      c.log_errors = false;
      decoders_.emplace_back(c);
    }
  }
  // Decoded keys are known only per event.
  std::optional<std::vector<std::string>> addedFields() const override { return std::nullopt; }

  void run(Event& event) const override {
    for (size_t i = 0; i < options_.fields.size(); ++i) decodeField(event, options_.fields[i], decoders_[i]);
  }

 private:
  void decodeField(Event& event, std::string_view field, JsonDecoder& decoder) const {
    const Entry* source = event.find(field);
    if (!source) return;  // libbeat: a missing field is skipped silently
    thread_local std::string scratch;
    const std::string_view text = Event::text(*source, scratch);
    const size_t source_index = static_cast<size_t>(source - event.entries().data());
    const size_t mark = event.entries().size();
    if (!decoder.decode(text, event)) return;  // the field keeps its text (error.* when asked)
    auto& entries = event.entries();
    // Without a target the object replaces the field's text; a decoded key landing on the field
    // itself (target: the field's own name) already replaced it through set().
    if (!options_.target && entries[source_index].key == field) entries[source_index].removed = true;
    for (size_t i = mark; i < entries.size(); ++i) entries[i].value = event.arena().copy(entries[i].value);
    // set() may have replaced existing entries in place (overwrite_keys): their values too.
    for (size_t i = 0; i < mark; ++i)
      if (!entries[i].removed && decoder.holds(entries[i].value))
        entries[i].value = event.arena().copy(entries[i].value);
  }

  DecodeJsonOptions options_;
  // The pipeline runs processors on its one thread; the decoders' buffers are scratch space.
  mutable std::vector<JsonDecoder> decoders_;
};

}  // namespace

std::unique_ptr<const Processor> parseDecodeJsonFields(const config::Node& node) {
  DecodeJsonOptions o;
  o.fields = node.child("fields").strings();
  if (o.fields.empty()) node.fail("decode_json_fields needs a list under fields");
  if (node.child("target").present()) o.target = node.child("target").str();
  o.overwrite_keys = node.child("overwrite_keys").boolean(false);
  o.add_error_key = node.child("add_error_key").boolean(false);
  if (node.child("max_depth").integer(1) != 1)
    node.child("max_depth").fail("max_depth other than 1 is not supported yet (nested JSON strings stay text)");
  if (node.child("process_array").boolean(false))
    node.child("process_array").fail("process_array: true is not supported yet (arrays stay as decoded)");
  if (node.child("expand_keys").boolean(false))
    node.child("expand_keys").fail("expand_keys: true is not supported yet (decoded keys keep their dots)");
  node.child("document_id").noEffect("logship always sets @metadata._id from the file and offset");
  return std::make_unique<DecodeJsonFields>(std::move(o));
}

}  // namespace logship::tail::processors
