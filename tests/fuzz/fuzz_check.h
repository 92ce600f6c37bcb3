#pragma once
// What a fuzz target asserts beyond "no crash": outputs that must be valid JSON are parsed back.
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include <simdjson.h>

namespace logship::fuzz {

inline void requireValidJson(std::string_view json, const char* what) {
  static simdjson::dom::parser parser;
  auto result = parser.parse(json.data(), json.size());
  if (result.error()) {
    std::fprintf(stderr, "%s is not valid JSON (%s): %.*s\n", what, simdjson::error_message(result.error()),
                 static_cast<int>(json.size() > 400 ? 400 : json.size()), json.data());
    std::abort();
  }
}

}  // namespace logship::fuzz
