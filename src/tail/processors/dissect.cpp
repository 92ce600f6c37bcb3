// dissect: splits a string field by libbeat's dissect tokenizer (dissect_tokenizer.h) into keys
// under `target_prefix` (default "dissect"; "" = the event's root). Options as libbeat: tokenizer
// (compiled at load), field (message), ignore_failure, overwrite_keys, trim_values
// (none|left|right|all), trim_chars (" "), `|type` suffixes converted as libbeat (a value that does
// not convert stays a string). A text the tokenizer does not match adds `dissect_parsing_error` to
// `log.flags` and, unless ignore_failure, sets error.message (libbeat returns the error); a key
// that already exists (without overwrite_keys) leaves the event as it was, flagged. Keys below a
// decoded JSON object (target_prefix: json after decode_json_fields) are written into it.
#include <bitset>
#include <charconv>

#include "dissect_tokenizer.h"
#include "go_strconv.h"
#include "logship/tail/event.h"
#include "logship/tail/processor.h"

namespace logship::tail::processors {
namespace {

constexpr std::string_view kParsingFlag = "\"dissect_parsing_error\"";

std::string conflict(std::string_view key) { return "cannot override existing key with `" + std::string(key) + "`"; }

// A value after its `|type`: JSON text (kRaw) or a string; unconverted values stay strings.
Entry convertValue(Event& event, std::string_view value, DissectType type) {
  Entry out{{}, value, Entry::Kind::kString};
  if (type == DissectType::kNone) return out;
  std::string_view v = value;
  while (!v.empty() && v.back() == ' ') v.remove_suffix(1);  // libbeat trims right spaces first
  char buf[32];
  const auto raw = [&](std::string_view text) {
    out.value = event.arena().copy(text);
    out.kind = Entry::Kind::kRaw;
  };
  int64_t n = 0;
  double d = 0;
  switch (type) {
    case DissectType::kInteger:
    case DissectType::kLong:
      if (goParseInt(v, type == DissectType::kInteger ? 32 : 64, n, nullptr))
        raw(std::string_view(buf, static_cast<size_t>(std::to_chars(buf, buf + sizeof(buf), n).ptr - buf)));
      break;
    case DissectType::kFloat:
    case DissectType::kDouble:
      if (goParseDouble(v, d)) raw(type == DissectType::kFloat ? goFloat(static_cast<float>(d)) : goFloat(d));
      break;
    case DissectType::kBoolean:
      if (const auto b = goParseBool(v)) raw(*b ? "true" : "false");
      break;
    case DissectType::kString:
      out.value = v;
      break;
    case DissectType::kIp:
      if (isIpAddress(v)) out.value = v;
      break;
    case DissectType::kNone:
      break;
  }
  return out;
}

class Dissect final : public Processor {
 public:
  Dissect(DissectTokenizer tokenizer, std::string field, std::string prefix, DissectTrimmer trimmer,
          bool ignore_failure, bool overwrite_keys)
      : tokenizer_(std::move(tokenizer)),
        field_(std::move(field)),
        prefix_(std::move(prefix)),
        trimmer_(std::move(trimmer)),
        ignore_failure_(ignore_failure),
        overwrite_keys_(overwrite_keys) {
    for (const auto& key : tokenizer_.slotKeys()) targets_.push_back(prefix_.empty() ? key : prefix_ + "." + key);
  }

  void run(Event& event) const override {
    std::string_view text;
    if (const std::string failure = source(event, text); !failure.empty()) return flagProcessorError(event, failure);
    thread_local std::vector<DissectSpan> spans;
    thread_local std::string error;
    if (!tokenizer_.extract(text, spans, error)) {
      addTags(event, "log.flags", kParsingFlag);
      if (!ignore_failure_) flagProcessorError(event, error);
      return;
    }
    if (trimmer_.active())
      for (auto& span : spans) trimmer_.trim(text, span);
    thread_local std::vector<DissectValue> values;
    thread_local std::string joined;
    tokenizer_.resolve(text, spans, values, [&](std::string_view a, std::string_view join, std::string_view b) {
      joined.assign(a).append(join).append(b);
      return event.arena().copy(joined);
    });
    thread_local std::vector<DissectValue> kept;
    thread_local std::vector<std::string_view> targets;
    kept.clear();
    targets.clear();
    for (const auto& v : values) {
      if (!v.present || (prefix_.empty() && v.key.empty())) continue;  // an `&` key named by an empty value
      kept.push_back(v);
      targets.push_back(target(event, v));
    }
    bool into_object = false;
    if (const std::string failure = makeRoom(event, targets, into_object); !failure.empty())
      return flagProcessorError(event, failure);
    for (size_t i = 0; i < kept.size(); ++i) {
      const Entry e = convertValue(event, kept[i].value, kept[i].type);
      // Below a decoded JSON object the value is spliced into it (mapstr's Put); elsewhere the key is
      // known to be free.
      if (into_object) {
        // A scalar inside the object where the key needs an object: mapstr's "expected map".
        if (!event.set(targets[i], e.value, e.kind)) flagProcessorError(event, conflict(targets[i]));
      } else
        event.append(targets[i], e.value, e.kind);
    }
  }

  std::optional<std::vector<std::string>> addedFields() const override {
    if (tokenizer_.hasIndirect()) return std::nullopt;  // `&` keys are named by the text
    std::vector<std::string> out{"log.flags", "error.message"};
    for (size_t i = 0; i < targets_.size(); ++i)
      if (!tokenizer_.slotIsReference(i)) out.push_back(targets_[i]);
    return out;
  }

 private:
  // The text of the source field (a view that lives as long as the event), or the failure.
  std::string source(Event& event, std::string_view& text) const {
    const Entry* e = event.find(field_);
    if (!e) return "could not fetch value for key: " + field_ + ", Error: key not found";
    const bool is_string = e->isString();
    if (!is_string) return "field is not a string, value: `" + std::string(e->value) + "`, field: `" + field_ + "`";
    thread_local std::string scratch;
    const std::string_view raw = e->value;
    text = Event::text(*e, scratch);
    if (text.data() < raw.data() || text.data() > raw.data() + raw.size()) text = event.arena().copy(text);
    return {};
  }

  std::string_view target(Event& event, const DissectValue& v) const {
    if (v.slot >= 0) return targets_[static_cast<size_t>(v.slot)];
    if (prefix_.empty()) return v.key;
    thread_local std::string key;
    key.assign(prefix_).append(".").append(v.key);
    return event.arena().copy(key);
  }

  // libbeat checks every key before writing any: an existing one fails unless overwrite_keys, which
  // replaces it (and a non-object value where a key needs an object). A decoded JSON object above a
  // key is written into (`into_object`), failing only when it already holds the key.
  std::string makeRoom(Event& event, const std::vector<std::string_view>& targets, bool& into_object) const {
    // Passes over the event compare an entry with the targets only when a target starts with its
    // first byte (most entries, agent, host, log, ..., share none).
    std::bitset<256> first;
    for (const std::string_view t : targets) first.set(static_cast<unsigned char>(t[0]));
    const auto pass = [&](bool remove) -> std::string {
      for (auto& e : event.entries()) {
        if (e.removed || e.key.empty() || !first.test(static_cast<unsigned char>(e.key[0]))) continue;
        for (const std::string_view t : targets) {
          const bool at_or_below = keyUnder(e.key, t);
          const bool above = !at_or_below && keyUnder(t, e.key);
          if (!at_or_below && !above) continue;
          const bool object = above && e.kind == Entry::Kind::kRaw && !e.value.empty() && e.value.front() == '{';
          if (object) {
            into_object = true;
            continue;
          }
          if (remove) {
            e.removed = true;
            break;
          }
          if (!overwrite_keys_) return conflict(t);
        }
      }
      return {};
    };
    std::string failure = pass(false);
    if (failure.empty() && into_object && !overwrite_keys_)
      for (const std::string_view t : targets)
        if (event.has(t)) return conflict(t);            // inside the object
    if (failure.empty() && overwrite_keys_) pass(true);  // replaced only once every key may be
    return failure;
  }

  DissectTokenizer tokenizer_;
  std::string field_, prefix_;
  std::vector<std::string> targets_;  // prefix + key of each of the tokenizer's slots
  DissectTrimmer trimmer_;
  bool ignore_failure_, overwrite_keys_;
};

}  // namespace

std::unique_ptr<const Processor> parseDissect(const config::Node& node) {
  const config::Node tok = node.child("tokenizer");
  if (!tok.exists()) node.fail("dissect needs a tokenizer");
  DissectTokenizer tokenizer;
  std::string error;
  if (!tokenizer.compile(tok.str(), error)) tok.fail(error);
  const config::Node target = node.child("target_prefix");
  std::string prefix = target.present() ? target.str("") : "dissect";
  const std::string trim = node.child("trim_values").oneOf({"none", "left", "right", "all"}, "none");
  DissectTrimmer trimmer(node.child("trim_chars").str(" "), trim == "left" || trim == "all",
                         trim == "right" || trim == "all");
  std::string field = node.child("field").str("message");
  if (field.empty()) field = "message";
  return std::make_unique<Dissect>(std::move(tokenizer), std::move(field), std::move(prefix), std::move(trimmer),
                                   node.child("ignore_failure").boolean(false),
                                   node.child("overwrite_keys").boolean(false));
}

}  // namespace logship::tail::processors
