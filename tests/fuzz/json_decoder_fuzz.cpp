// The JSON input decoder against simdjson's DOM parser on arbitrary lines. The decoder validates
// in one on-demand pass (each member value checked as it is read, nested values by the DOM
// parser): it must accept a line exactly when the DOM parser finds one JSON object in it (with
// only spaces and tabs around), and what it decodes must encode to valid JSON.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include <simdjson.h>

#include "fuzz_check.h"
#include "logship/tail/event.h"
#include "logship/tail/event_encoder.h"
#include "logship/tail/json_decoder.h"

namespace {

using namespace logship::tail;

JsonConfig rootConfig() {
  JsonConfig c;
  c.enabled = true;
  c.keys_under_root = true;
  c.target = "";
  c.overwrite_keys = true;
  c.message_key = "msg";
  return c;
}

// The decoder's own shape rule: the object fills the line but for spaces and tabs (and a final \r).
bool objectShaped(std::string_view line) {
  size_t b = 0, e = line.size();
  while (b < e && (line[b] == ' ' || line[b] == '\t')) ++b;
  while (e > b && (line[e - 1] == ' ' || line[e - 1] == '\t' || line[e - 1] == '\r')) --e;
  return b < e && line[b] == '{' && line[e - 1] == '}';
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view line(reinterpret_cast<const char*>(data), size);
  static JsonDecoder decoder(rootConfig());
  static simdjson::dom::parser dom;
  static EventEncoder encoder;
  Event event;
  const bool decoded = decoder.decode(line, event);
  const simdjson::padded_string copy(line);
  simdjson::dom::element root;
  const bool valid = objectShaped(line) && !dom.parse(copy).get(root) && root.is_object();
  if (decoded != valid) {
    std::fprintf(stderr, "decoder says %d, DOM parser says %d (%.*s): %.*s\n", decoded, valid,
                 static_cast<int>(decoder.error().size()), decoder.error().data(),
                 static_cast<int>(size > 400 ? 400 : size), line.data());
    std::abort();
  }
  if (!decoded) return 0;
  std::string out;
  encoder.encode(event, "fuzz-0", out);
  logship::fuzz::requireValidJson(out, "the decoded event");
  return 0;
}
