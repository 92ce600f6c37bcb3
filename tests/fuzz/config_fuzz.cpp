// The config loaders on arbitrary text: a malformed file may only ever produce ConfigError (or
// the project's Error), which the daemons print as one line before exiting 2. Any other
// exception, a crash or a sanitizer report is a bug.
//
// Besides whole files, the text is also tried as the two small languages inside a filebeat.yml:
// a format string (`topic: '%{[fields.x]}'`) and a `when` condition, each then evaluated on an
// event, so their parsers and evaluators see malformed input directly.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "logship/common/config.h"
#include "logship/stash/config.h"
#include "logship/tail/condition.h"
#include "logship/tail/event.h"
#include "logship/tail/format_string.h"
#include "logship/tail/tail_app.h"
#include "logship/tail/tail_config.h"

namespace {

using logship::config::Document;
using logship::config::LoadOptions;

void sampleEvent(logship::tail::Event& e) {
  e.setString("message", "GET /api/courseware took 12ms");
  e.setString("fields.log_topic", "courseware-log");
  e.setRaw("json.level", "\"error\"");
  e.setRaw("log.offset", "1024");
}

void formatString(const std::string& text) {
  try {
    logship::tail::FormatString f(text);
    logship::tail::Event e;
    sampleEvent(e);
    std::string out;
    f.evaluate(e, out);
  } catch (const std::invalid_argument&) {  // what the config layer turns into a ConfigError
  }
}

void condition(const std::string& text) {
  LoadOptions filebeat;
  filebeat.split_dotted_keys = true;
  try {
    auto doc = Document::loadString("when:\n" + text, "fuzz.yml", filebeat);
    const auto when = doc->root().child("when");
    if (!when.exists()) return;
    const auto c = logship::tail::Condition::parse(when);
    logship::tail::Event e;
    sampleEvent(e);
    c->matches(e);
  } catch (const logship::Error&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    LoadOptions filebeat;
    filebeat.split_dotted_keys = true;
    filebeat.builtins = {{"path.config", "/tmp"}, {"path.home", "/tmp"}};
    auto doc = Document::loadString(text, "fuzz.yml", filebeat);
    const auto config = logship::tail::parseTailConfig(*doc, "/tmp");
    doc->unknownKeys();
    logship::tail::validate(config);  // what --check runs after parsing (format strings, librdkafka)
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
  formatString(text);
  condition(text);
  return 0;
}
