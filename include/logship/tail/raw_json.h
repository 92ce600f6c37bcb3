#pragma once
// Reads paths inside raw JSON values held by an Event (decoded objects stay raw text until a
// processor writes below them). The text is valid JSON already (the decoder validated it), so
// this only scans (common/json_scan.h): no parsing into a tree, no allocation.
#include <string_view>

#include "logship/common/json_scan.h"

namespace logship::tail::raw {

// True when `v` (trimmed) is a JSON object.
bool isObject(std::string_view v);

// Looks `path` up inside the raw object `obj` as libbeat's mapstr does: at each level the whole
// remaining path is tried as a literal key first ("a.b" as one key), then the part before the
// first dot descends into an object member. Member keys are compared as written (a key holding
// an escape does not match). Sets `out` to the raw value; false when absent or not below an object
// (array elements are never addressed: path segments are keys).
bool findPath(std::string_view obj, std::string_view path, std::string_view& out);

}  // namespace logship::tail::raw
