#pragma once
// One Filebeat processor as a component: its parser (the YAML under its name -> a Processor) and
// its behaviour (Processor::run) live together in src/tail/processors/<name>.cpp.
//
// The registry is an explicit table in src/tail/processors/registry.cpp, not static registrars:
// logship_tail is a static library, and the linker leaves out an object file nothing refers to,
// so a processor that only registered itself from a static initializer would silently be missing
// from the binaries. Adding a processor is therefore its own file plus one line in that table
// (its parse function's declaration and name sit next to each other there); nothing else changes.
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "logship/common/config.h"

namespace logship::tail {

class Event;

class Processor {
 public:
  virtual ~Processor() = default;
  // Changes the event in place, or sets event.dropped. Called only when the processor's `when`
  // condition (kept by the caller, ProcessorConfig::when) matches.
  virtual void run(Event& event) const = 0;
  // The fields the processor may add (dotted keys), for --check's topic field warnings
  // (topic_fields.h). nullopt, the default: it cannot be told, any field may appear.
  virtual std::optional<std::vector<std::string>> addedFields() const { return std::nullopt; }
};

// A processor that sets fixed fields, (dotted key, raw JSON) pairs: add_fields, add_host_metadata.
class SetFieldsProcessor : public Processor {
 public:
  void run(Event& event) const override;
  std::optional<std::vector<std::string>> addedFields() const override;

 protected:
  explicit SetFieldsProcessor(std::vector<std::pair<std::string, std::string>> fields) : fields_(std::move(fields)) {}
  std::vector<std::pair<std::string, std::string>> fields_;
};

// Marks `event` as failed in a processor as Filebeat does: `error.message` is set to `message`
// (replacing an earlier one, as libbeat's PutValue), the event goes on to the next processor and to
// the output; it is never dropped for a processor's failure.
void flagProcessorError(Event& event, std::string_view message);

// libbeat's mapstr.AddTagsWithKey: appends `members` (JSON strings, comma-separated) to the array at
// `key`, created when absent, without de-duplication; a field there that is not an array is left as
// it is (add_tags tags, dissect's `log.flags: [dissect_parsing_error]`).
void addTags(Event& event, std::string_view key, std::string_view members);

// Parses the processor's node (`add_fields: {...}` -> the `{...}`). Fails through node.fail();
// options it accepts without effect are declared with Node::noEffect. `when` is the caller's.
using ProcessorParseFn = std::unique_ptr<const Processor> (*)(const config::Node& node);

struct ProcessorFactory {
  std::string_view name;  // the key under `processors:` (add_fields, drop_fields, ...)
  ProcessorParseFn parse;
};

// The processor registered under `name`; null when logship has none (a warning, then skipped).
const ProcessorFactory* findProcessor(std::string_view name);
// Every registered processor, in the table's order.
const std::vector<ProcessorFactory>& processorFactories();

}  // namespace logship::tail
