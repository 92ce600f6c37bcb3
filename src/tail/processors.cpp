#include "logship/tail/processors.h"

#include <unistd.h>

#include "logship/tail/event.h"
#include "logship/tail/processor.h"

namespace logship::tail {

std::string hostName() {
  char buf[256] = {0};
  if (gethostname(buf, sizeof(buf) - 1) != 0) return "localhost";
  return buf;
}

namespace {

// `script` is the one Filebeat processor logship will not run (it embeds a JavaScript engine); its
// warning says so and points to docs/tail.md, which shows the usual scripts as plain processors.
std::string unsupportedProcessorWarning(const std::string& path, const std::string& name) {
  if (name == "script") {
    return path +
           ": processor \"script\" is skipped: logship-tail does not run JavaScript; see docs/tail.md "
           "\"Replacing the script processor\" for the equivalent processors";
  }
  return path + ": processor \"" + name + "\" is not supported by logship-tail and is skipped";
}

}  // namespace

std::vector<ProcessorConfig> parseProcessors(const config::Node& list, std::vector<std::string>& warnings) {
  std::vector<ProcessorConfig> out;
  for (const auto& item : list.items()) {
    for (const auto& [name, node] : item.entries()) {
      const ProcessorFactory* factory = findProcessor(name);
      if (!factory) {
        node.markSubtreeUsed();
        warnings.push_back(unsupportedProcessorWarning(node.path(), name));
        continue;
      }
      ProcessorConfig p;
      p.processor = factory->parse(node);
      if (node.child("when").exists()) p.when = Condition::parse(node.child("when"));
      out.push_back(std::move(p));
    }
  }
  return out;
}

Processors::Processors(const std::vector<ProcessorConfig>* input, const std::vector<ProcessorConfig>* global) {
  // Filebeat runs the input's processors first, then the global ones.
  for (const auto* l : {input, global}) {
    if (!l) continue;
    for (const auto& p : *l) list_.push_back(&p);
  }
}

void Processors::run(Event& event) const {
  for (const auto* p : list_) {
    if (event.dropped) return;
    if (p->when && !p->when->matches(event)) continue;
    p->processor->run(event);
  }
}

}  // namespace logship::tail
