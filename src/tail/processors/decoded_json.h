#pragma once
// decode_json_fields' options on decoded values, as libbeat's decode_json_fields.go and
// jsontransform: max_depth / process_array (JSON held in strings decoded further) and
// expand_keys (dotted keys become nested objects). Values are raw JSON text already validated.
#include <string>
#include <string_view>
#include <vector>

#include "logship/tail/event.h"

namespace logship::tail::processors {

// Writes the member value `value` with libbeat's tryUnmarshal applied `levels` deep: a string
// holding a JSON object (or array: decoded only with `process_array`, or at the last level) is
// written decoded, its own members treated the same one level less. Other values are copied.
void writeNestedDecoded(std::string_view value, int levels, bool process_array, std::string& out);

// jsontransform.expandFields on the decoded top-level members `members` (keys may hold dots):
// appends to `leaves` one entry per non-object value under its full dotted key (member keys
// unescaped; objects merge). False with `error` set ("cannot expand \"a.b\": found conflicting
// key") when a value and an object, or two values, meet at one key.
bool expandKeys(const std::vector<Entry>& members, Arena& arena, std::vector<Entry>& leaves, std::string& error);

// libbeat's document_id: the string at `key` of the decoded `event` is taken out of it and returned
// (copied into `storage`) to become @metadata._id; empty, and nothing removed, when `key` is missing
// or not a string.
std::string_view takeDocumentId(Event& event, std::string_view key, Arena& storage);

}  // namespace logship::tail::processors
