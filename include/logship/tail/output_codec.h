#pragma once
// Filebeat's output codec, shared by output.kafka and output.console: `codec.json` (pretty,
// escape_html) or `codec.format` (string). Parsed here; applied by the Pipeline to each event.
#include <optional>
#include <string>

#include "logship/common/config.h"
#include "logship/tail/format_string.h"

namespace logship::tail {

struct OutputCodec {
  bool pretty = false;       // codec.json.pretty (indent 2, as Go's json.Indent)
  bool escape_html = false;  // codec.json.escape_html: <, >, & in strings as \u003c, \u003e, \u0026
  // codec.format.string: the event is this text instead of JSON; an event missing a field it names
  // (without a default) is dropped, as Filebeat's encoder error drops it.
  std::optional<FormatString> format;
};

// Reads `codec` (absent: `defaults`, Filebeat's json codec). Fails at the key for anything else.
OutputCodec parseOutputCodec(const config::Node& codec, OutputCodec defaults = {});

// Rewrites <, > and & inside `json` (an encoded document: they occur only in strings) as Go's
// HTML-safe escapes, through `scratch` (kept by the caller so the buffers are reused).
void escapeHtml(std::string& json, std::string& scratch);

}  // namespace logship::tail
