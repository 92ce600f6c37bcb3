#include "logship/tail/output_codec.h"

#include <cstring>
#include <stdexcept>
#include <utility>

namespace logship::tail {

using config::Node;

namespace {

OutputCodec parseFormat(const Node& body) {
  if (!body.isMap()) body.fail("expected a map with string");
  const Node string = body.child("string");
  if (!string.exists()) body.fail("codec.format needs string");
  if (string.str().empty()) string.fail("codec.format.string is required (empty)");
  OutputCodec codec;
  try {
    codec.format.emplace(string.str());
  } catch (const std::invalid_argument& e) {
    string.fail(std::string(e.what()) + ": \"" + string.str() + "\"");
  }
  return codec;
}

}  // namespace

OutputCodec parseOutputCodec(const Node& codec, OutputCodec defaults) {
  if (!codec.exists()) return defaults;
  if (!codec.isMap()) codec.fail("expected json or format");
  const auto entries = codec.entries();
  if (entries.size() != 1) codec.fail("expected exactly one of json, format");
  const auto& [name, body] = entries[0];
  if (name == "format") return parseFormat(body);
  if (name != "json") body.fail("unknown codec \"" + name + "\" (json, format)");
  if (body.exists() && !body.isMap()) body.fail("expected a map (pretty, escape_html, local_time)");
  OutputCodec json;
  json.pretty = body.child("pretty").boolean(defaults.pretty);
  json.escape_html = body.child("escape_html").boolean(false);
  if (body.child("local_time").boolean(false))
    body.child("local_time").fail("local_time: true is not supported (@timestamp is always UTC)");
  return json;
}

void escapeHtml(std::string& json, std::string& scratch) {
  size_t special = json.find_first_of("<>&");
  if (special == std::string::npos) return;
  static constexpr char kHex[] = "0123456789abcdef";
  scratch.clear();
  size_t from = 0;
  for (; special != std::string::npos; special = json.find_first_of("<>&", from)) {
    scratch.append(json, from, special - from);  // the run without <, >, &: copied at once
    const char c = json[special];
    const char escaped[] = {'\\', 'u', '0', '0', kHex[(c >> 4) & 0xF], kHex[c & 0xF]};
    scratch.append(escaped, sizeof escaped);
    from = special + 1;
  }
  scratch.append(json, from, std::string::npos);
  json.swap(scratch);
}

}  // namespace logship::tail
