#pragma once
// Writes an Event as Filebeat 8's JSON into a reusable buffer:
//   {"@timestamp":"...","@metadata":{"beat":"filebeat","type":"_doc","version":"8.6.2","_id":"..."},
//    "agent":{...},"ecs":{"version":"8.0.0"},"host":{"name":"..."},"input":{"type":"log"},
//    "log":{"file":{"path":"..."},"offset":0},"message":"..."}
// Dotted entry keys become nested objects; keys are written in sorted order.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "logship/tail/encode_plan.h"

namespace logship::tail {

class Event;

inline constexpr std::string_view kBeatVersion = "8.6.2";  // the Filebeat version we mimic

class EventEncoder {
 public:
  // `id` is @metadata._id (empty: none). Appends to `out` (callers clear it per event).
  // `preencoded`: members already encoded (`"agent":{...},"ecs":{...}`) written after @metadata;
  // the entries they came from are flagged `preencoded` and skipped. `metadata`: more members of
  // @metadata (takeMetadata's), written after the id.
  void encode(Event& event, std::string_view id, std::string& out, bool pretty = false,
              std::string_view preencoded = {}, std::string_view metadata = {});
  // Moves what processors put under `@metadata` (`@metadata.index`, add_id's or fingerprint's
  // `@metadata._id`) out of the entries into `members` (encoded, ready for encode's `metadata`),
  // so the event has one @metadata object as in Filebeat. `beat`, `type` and `version` stay the
  // encoder's. Returns whether `_id` was among them (it then replaces the event's own id).
  static bool takeMetadata(Event& event, std::string& members);
  // The members of `entries` (dotted keys nested into objects) without the enclosing braces.
  static void encodeMembers(std::vector<Entry>& entries, std::string& out);

 private:
  EncodePlanCache plans_;
  std::vector<uint32_t> order_;
};

// @metadata._id: "<16 hex digits of the file identity>-<offset>" (deterministic across restarts).
void appendEventId(uint64_t file_hash, uint64_t offset, std::string& out);

}  // namespace logship::tail
