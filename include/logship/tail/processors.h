#pragma once
// Filebeat processors: add_fields, drop_fields, drop_event (with `when`), add_host_metadata, each a
// component of its own (processor.h, src/tail/processors/). Unknown processors are reported once
// as warnings by the parser and skipped.
#include <string>
#include <vector>

#include "logship/common/config.h"
#include "logship/tail/tail_config.h"

namespace logship::tail {

class Event;

// Parses a `processors:` list, each entry by the processor registered under its name. Unknown
// processors add a warning and are skipped.
std::vector<ProcessorConfig> parseProcessors(const config::Node& list, std::vector<std::string>& warnings);

// Applies processors in order. After run(), event.dropped tells whether to ship the event.
// Values added by processors point into the ProcessorConfig (which must outlive the Processors).
class Processors {
 public:
  Processors(const std::vector<ProcessorConfig>* input, const std::vector<ProcessorConfig>* global);
  bool empty() const { return list_.empty(); }
  void run(Event& event) const;

 private:
  std::vector<const ProcessorConfig*> list_;
};

// host.name for events (the `name` setting, else gethostname()).
std::string hostName();

}  // namespace logship::tail
