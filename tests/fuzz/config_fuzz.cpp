// The config loaders on arbitrary text: a malformed file may only ever produce ConfigError (or
// the project's Error), which the daemons print as one line before exiting 2. Any other
// exception, a crash or a sanitizer report is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "logship/common/config.h"
#include "logship/stash/config.h"
#include "logship/tail/tail_config.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  using logship::config::Document;
  using logship::config::LoadOptions;
  try {
    LoadOptions filebeat;
    filebeat.split_dotted_keys = true;
    filebeat.builtins = {{"path.config", "/tmp"}, {"path.home", "/tmp"}};
    auto doc = Document::loadString(text, "fuzz.yml", filebeat);
    logship::tail::parseTailConfig(*doc, "/tmp");
    doc->unknownKeys();
  } catch (const logship::Error&) {
  }
  try {
    LoadOptions gozero;
    gozero.case_insensitive = true;
    auto doc = Document::loadString(text, "fuzz.yml", gozero);
    logship::stash::parseStashConfig(doc->root());
    doc->unknownKeys();
  } catch (const logship::Error&) {
  }
  return 0;
}
