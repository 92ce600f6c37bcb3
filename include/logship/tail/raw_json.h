#pragma once
// Reads and rewrites paths inside raw JSON values held by an Event (decoded objects stay raw text
// until a processor writes below them). The text is valid JSON already (the decoder validated
// it), so this only scans (common/json_scan.h): no parsing into a tree.
#include <string>
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

// mapstr's Put below `obj`: writes to `out` the object with `path` set to the JSON `value` (the
// member found as findPath finds it is replaced; a missing one is appended, with an object for
// each missing level of a dotted rest). False, with `out` untouched, when a non-object value lies
// on the way (mapstr: "expected map"). Duplicate members of the rewritten key collapse into one.
bool put(std::string_view obj, std::string_view path, std::string_view value, std::string& out);

// mapstr's Delete below `obj`: writes to `out` the object without `path`; false (out untouched)
// when there is nothing at `path`.
bool erase(std::string_view obj, std::string_view path, std::string& out);

}  // namespace logship::tail::raw
