// decode_json_fields: decodes the JSON object held as text in each listed field, with the
// input-level JSON decoder (json_decoder.h): into the field itself (target unset), into the root
// (target ""), or under `target`. Each field is decoded into a scratch event first, then put into
// the event with mapstr's semantics (Event::set): a named target is replaced as a whole, even below
// a raw object (`target: json.payload`). Decoded values stay raw JSON, views into one copy of the
// field's text in the event's arena (no heap allocation once it has grown); max_depth /
// process_array / expand_keys rewrite them as libbeat does (decoded_json.h). document_id moves a
// decoded string into @metadata._id (the document id then, instead of the file and offset).
#include <optional>
#include <string>
#include <vector>

#include "decoded_json.h"
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
  int max_depth = 1;
  bool process_array = false;
  bool expand_keys = false;
  std::string document_id;  // a decoded key whose string value becomes @metadata._id
};

class DecodeJsonFields final : public Processor {
 public:
  explicit DecodeJsonFields(DecodeJsonOptions o) : options_(std::move(o)) {
    for (const auto& field : options_.fields) {
      JsonConfig c;
      c.enabled = true;
      c.keys_under_root = root();
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
  bool root() const { return options_.target && options_.target->empty(); }

  void decodeField(Event& event, std::string_view field, JsonDecoder& decoder) const {
    Entry source;
    if (!event.lookup(field, source)) return;  // libbeat: a missing field is skipped silently
    // libbeat decodes strings only (a number or an object already decoded stays as it is).
    if (source.kind == Entry::Kind::kRaw && (source.value.empty() || source.value.front() != '"')) return;
    thread_local std::string unescaped;
    const std::string_view text = Event::text(source, unescaped);
    thread_local Event decoded;
    decoded.clear();
    // Into the root, a decoded @timestamp replaces the event's: the decoder works on the event's
    // string, swapped in and out (no copies).
    if (root()) decoded.timestamp_.swap(event.timestamp_);
    const bool ok = decoder.decode(text, decoded, true, &event.arena());
    if (root()) {
      event.timestamp_.swap(decoded.timestamp_);
      if (decoded.timestamp_ms != 0) event.timestamp_ms = decoded.timestamp_ms;
    }
    if (!ok) {  // the field keeps its text; error.* when asked
      putAll(event, decoder, decoded.entries(), false);
      return;
    }
    std::string_view id;
    if (!options_.document_id.empty()) id = takeDocumentId(decoded, options_.document_id, event.arena());
    if (options_.max_depth > 1) decodeNested(decoded);
    if (root() && options_.expand_keys) {
      thread_local std::vector<Entry> leaves;
      leaves.clear();
      std::string error;
      if (!expandKeys(decoded.entries(), decoded.arena(), leaves, error)) {
        if (options_.add_error_key) {
          event.setString("error.message", event.arena().copy(error));
          event.setString("error.type", "json");
        }
        return;
      }
      putAll(event, decoder, leaves, !options_.overwrite_keys);
    } else {
      // mapstr's Put of the decoded object at the target: what was there goes first.
      if (!root()) event.remove(options_.target ? std::string_view(*options_.target) : field);
      putAll(event, decoder, decoded.entries(), root() && !options_.overwrite_keys);
    }
    if (!id.empty()) event.setString("@metadata._id", id);  // libbeat's event.SetID
  }

  void decodeNested(Event& decoded) const {
    thread_local std::string out;
    for (auto& e : decoded.entries()) {
      out.clear();
      writeNestedDecoded(e.value, options_.max_depth - 1, options_.process_array, out);
      if (out != e.value) e.value = decoded.arena().copy(out);
    }
  }

  // Puts the scratch event's entries into `event`. Views into the decoded line are kept as they
  // are: its copy lies in `event`'s arena. What lies in the scratch event's arena (escaped keys,
  // values rewritten by max_depth, error texts) is copied, as the scratch event is reused.
  static void putAll(Event& event, const JsonDecoder& decoder, const std::vector<Entry>& entries, bool keep_existing) {
    auto keep = [&](std::string_view v) { return decoder.holds(v) ? v : event.arena().copy(v); };
    for (const auto& e : entries) {
      if (e.removed || (keep_existing && event.has(e.key))) continue;
      event.set(keep(e.key), keep(e.value), e.kind);
    }
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
  const int64_t max_depth = node.child("max_depth").integer(1);
  if (max_depth < 1 || max_depth > 64) node.child("max_depth").fail("max_depth must be between 1 and 64");
  o.max_depth = static_cast<int>(max_depth);
  o.process_array = node.child("process_array").boolean(false);
  o.expand_keys = node.child("expand_keys").boolean(false);
  if (o.expand_keys && !(o.target && o.target->empty()))
    node.child("expand_keys").noEffect("libbeat expands keys only when decoding into the root (target: \"\")");
  o.document_id = node.child("document_id").str();
  return std::make_unique<DecodeJsonFields>(std::move(o));
}

}  // namespace logship::tail::processors
