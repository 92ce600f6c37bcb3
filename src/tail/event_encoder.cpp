#include "logship/tail/event_encoder.h"

#include <algorithm>

#include <simdjson.h>

#include "logship/common/json.h"
#include "logship/tail/event.h"

namespace logship::tail {
namespace {

bool keyLess(const Entry& a, const Entry& b) { return dottedKeyLess(a.key, b.key); }

void writeValue(const Entry& e, std::string& out) {
  if (e.kind == Entry::Kind::kString) {
    json::appendString(out, e.value);
  } else {
    out.append(e.value);
  }
}

}  // namespace

void appendEventId(uint64_t file_hash, uint64_t offset, std::string& out) {
  static const char* hex = "0123456789abcdef";
  char buf[17];
  for (int i = 15; i >= 0; --i) {
    buf[i] = hex[file_hash & 0xf];
    file_hash >>= 4;
  }
  out.append(buf, 16);
  out.push_back('-');
  json::appendUint(out, offset);
}

namespace {

// Writes the live entries (not removed, not preencoded) as nested members, in key order;
// `first`: no member written yet in the enclosing object. Entries keep their order (a plan
// refers to them by index): an index list is sorted instead. `plan`, when given, records the
// text between values.
void writeMembers(const std::vector<Entry>& entries, std::vector<uint32_t>& order, std::string& out, bool first,
                  EncodePlan* plan) {
  order.clear();
  for (size_t i = 0; i < entries.size(); ++i)
    if (!entries[i].removed && !entries[i].preencoded) order.push_back(static_cast<uint32_t>(i));
  // Equal keys keep the order they were added in (the first one wins, below).
  std::sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
    if (keyLess(entries[a], entries[b])) return true;
    return !keyLess(entries[b], entries[a]) && a < b;
  });
  if (plan) plan->startRecording(entries, out);
  // Open object path, as views of key components.
  std::string_view open[16];
  size_t depth = 0;
  std::string_view prev_key;
  for (const uint32_t index : order) {
    const Entry& e = entries[index];
    if (e.key.empty()) continue;
    // A duplicate key, or a key below a value already written (`a.b` after `a`: sorted right
    // after it): the first one wins, so the object never holds a key twice. Event::set keeps
    // events free of both; this guards entries appended directly.
    if (!prev_key.empty() && keyUnder(e.key, prev_key)) continue;
    prev_key = e.key;
    // Split into components (at most 16 levels; deeper keys keep their dots in the last one).
    std::string_view comps[16];
    size_t n = 0;
    std::string_view rest = e.key;
    while (n < 15) {
      const size_t dot = rest.find('.');
      if (dot == std::string_view::npos) break;
      comps[n++] = rest.substr(0, dot);
      rest.remove_prefix(dot + 1);
    }
    comps[n++] = rest;
    size_t common = 0;
    while (common < depth && common + 1 < n && open[common] == comps[common]) ++common;
    while (depth > common) {
      out.push_back('}');
      --depth;
      first = false;
    }
    for (size_t i = common; i + 1 < n; ++i) {
      if (!first) out.push_back(',');
      json::appendString(out, comps[i]);
      out.append(":{");
      open[depth++] = comps[i];
      first = true;
    }
    if (!first) out.push_back(',');
    json::appendString(out, comps[n - 1]);
    out.push_back(':');
    if (plan) plan->recordValue(index, out);
    writeValue(e, out);
    if (plan) plan->valueWritten(out);
    first = false;
  }
  while (depth > 0) {
    out.push_back('}');
    --depth;
  }
  if (plan) plan->finishRecording(out);
}

}  // namespace

void EventEncoder::encodeMembers(std::vector<Entry>& entries, std::string& out) {
  std::vector<uint32_t> order;
  writeMembers(entries, order, out, true, nullptr);
}

namespace {

constexpr std::string_view kMeta = "@metadata";

// What takeMetadata keeps of a key below @metadata: not the encoder's own members.
bool keptMetadataKey(std::string_view rest) {
  const std::string_view top = rest.substr(0, rest.find('.'));
  return top != "beat" && top != "type" && top != "version";
}

// The members of a whole `@metadata` object (libbeat merges a decoded "@metadata" key into the
// event's metadata), as entries whose keys and values live in the event's arena. Rare: the
// object is parsed here, not on any usual path.
void flattenMetadataObject(Event& event, std::string_view object, std::vector<Entry>& out) {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::object members;
  if (parser.parse(object.data(), object.size()).get_object().get(members) != simdjson::SUCCESS) return;
  for (const auto field : members) {
    if (!keptMetadataKey(field.key)) continue;
    const std::string value = simdjson::minify(field.value);
    out.push_back(Entry{event.arena().copy(field.key), event.arena().copy(value), Entry::Kind::kRaw});
  }
}

}  // namespace

bool EventEncoder::takeMetadata(Event& event, std::string& members) {
  thread_local std::vector<Entry> below;  // re-keyed without "@metadata."; reused across events
  below.clear();
  for (auto& e : event.entries()) {
    if (e.removed || e.key.empty() || e.key[0] != '@' || !keyUnder(e.key, kMeta)) continue;
    e.removed = true;
    if (e.key.size() == kMeta.size()) {
      if (e.kind == Entry::Kind::kRaw && !e.value.empty() && e.value.front() == '{')
        flattenMetadataObject(event, e.value, below);
      continue;
    }
    const std::string_view rest = e.key.substr(kMeta.size() + 1);
    if (keptMetadataKey(rest)) below.push_back(Entry{rest, e.value, e.kind});
  }
  if (below.empty()) return false;
  // A key written twice (the whole object, then a processor's key below it) is written once: the
  // later entry wins, as the later write does in libbeat.
  for (size_t i = 0; i < below.size(); ++i)
    for (size_t k = i + 1; k < below.size() && !below[i].removed; ++k)
      if (keyUnder(below[i].key, below[k].key) || keyUnder(below[k].key, below[i].key)) below[i].removed = true;
  bool has_id = false;
  for (const auto& e : below) has_id = has_id || (!e.removed && keyUnder(e.key, "_id"));  // `_id.x` too
  encodeMembers(below, members);
  return has_id;
}

void EventEncoder::encode(Event& event, std::string_view id, std::string& out, bool pretty, std::string_view preencoded,
                          std::string_view metadata) {
  static const std::string metadata_head =
      "\",\"@metadata\":{\"beat\":\"filebeat\",\"type\":\"_doc\",\"version\":\"" + std::string(kBeatVersion) + "\"";
  out.append("{\"@timestamp\":\"", 15);
  out.append(event.timestamp_);
  out.append(metadata_head);
  if (!id.empty()) {
    out.append(",\"_id\":\"", 8);
    out.append(id);
    out.push_back('"');
  }
  if (!metadata.empty()) {
    out.push_back(',');
    out.append(metadata);
  }
  out.push_back('}');
  if (!preencoded.empty()) {
    out.push_back(',');
    out.append(preencoded);
  }
  if (pretty) {
    writeMembers(event.entries(), order_, out, false, nullptr);
  } else if (const EncodePlan* plan = plans_.find(event.entries())) {
    plan->play(event.entries(), out);
  } else {
    writeMembers(event.entries(), order_, out, false, &plans_.slotForNewShape());
  }
  out.push_back('}');
  if (pretty) {
    // Console output only: re-indent (not on the Kafka path).
    std::string indented;
    int level = 0;
    bool in_string = false;
    for (size_t i = 0; i < out.size(); ++i) {
      const char c = out[i];
      indented.push_back(c);
      if (in_string) {
        if (c == '\\' && i + 1 < out.size()) {
          indented.push_back(out[++i]);
        } else if (c == '"') {
          in_string = false;
        }
      } else if (c == '"') {
        in_string = true;
      } else if (c == '{' || c == '[') {
        indented += "\n" + std::string(static_cast<size_t>(2 * ++level), ' ');
      } else if (c == ',') {
        indented += "\n" + std::string(static_cast<size_t>(2 * level), ' ');
      } else if (c == ':') {
        indented.push_back(' ');
      }
      if (!in_string && i + 1 < out.size() && (out[i + 1] == '}' || out[i + 1] == ']'))
        indented += "\n" + std::string(static_cast<size_t>(2 * --level), ' ');
    }
    out.swap(indented);
  }
}

}  // namespace logship::tail
