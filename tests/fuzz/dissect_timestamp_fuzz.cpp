// dissect and timestamp on arbitrary tokenizers, layouts and lines: the input's first line is a
// dissect tokenizer, its second a Go time layout, every further line a message. A tokenizer or
// layout the config refuses ends the run (exit 2 in the daemon); every line then goes through
// dissect (keys at the root, overwrite_keys from the input's length) and two timestamp processors
// (the message itself and a dissected `ts`), and each encoded event must be valid JSON.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "logship/common/config.h"
#include "logship/common/json.h"
#include "logship/common/metrics.h"
#include "logship/tail/pipeline.h"
#include "logship/tail/processors.h"

namespace {

using namespace logship;

std::string quoted(std::string_view s) {
  std::string out;
  json::appendString(out, s);
  return out;
}

std::string_view nextLine(std::string_view& rest) {
  const size_t nl = rest.find('\n');
  const std::string_view line = rest.substr(0, nl);
  rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  const std::string_view tokenizer = nextLine(rest), layout = nextLine(rest);
  const std::string yaml = "processors:\n- dissect: {tokenizer: " + quoted(tokenizer) +
                           ", target_prefix: '', overwrite_keys: " + (size % 2 ? "true" : "false") +
                           "}\n- timestamp: {field: message, layouts: [" + quoted(layout) +
                           ", UNIX], ignore_failure: true}\n- timestamp: {field: ts, layouts: [" + quoted(layout) +
                           ", UNIX_MS], target_field: event.created, timezone: America/New_York}\n";
  std::unique_ptr<config::Document> doc;
  std::vector<tail::ProcessorConfig> processors;
  try {
    doc = config::Document::loadString(yaml, "fuzz.yml", {});
    std::vector<std::string> warnings;
    processors = tail::parseProcessors(doc->root().child("processors"), warnings);
  } catch (const config::ConfigError&) {
    return 0;  // refused at load, as the daemon would
  }
  tail::InputConfig input;
  input.paths = {"/fuzz/*.log"};
  metrics::Registry registry;
  tail::Pipeline pipeline(input, processors, tail::AgentInfo{"h", "id", "eph"}, tail::PipelineMetrics::in(registry));
  const tail::HarvesterContext ctx{"/fuzz/app.log", 7};
  uint64_t offset = 0;
  while (!rest.empty()) {
    const std::string line(nextLine(rest));
    tail::Message m;
    m.text = line;
    m.offset = offset;
    m.end_offset = offset += line.size() + 1;
    const tail::PipelineOutcome out = pipeline.process(m, ctx);
    if (out.kind == tail::PipelineOutcome::Kind::kPublish) fuzz::requireValidJson(out.payload, "encoded event");
  }
  return 0;
}
