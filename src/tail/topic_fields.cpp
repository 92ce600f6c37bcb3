#include "logship/tail/topic_fields.h"

#include <algorithm>
#include <optional>

#include "logship/tail/format_string.h"
#include "logship/tail/processor.h"

namespace logship::tail {
namespace {

// What one input's events can carry: exact keys, and prefixes under which any key may appear.
struct Provided {
  bool anything = false;
  std::vector<std::string> keys;
  std::vector<std::string> prefixes;  // "json." for a JSON target

  bool has(const std::string& field) const {
    if (anything || std::find(keys.begin(), keys.end(), field) != keys.end()) return true;
    return std::any_of(prefixes.begin(), prefixes.end(), [&](const auto& p) { return field.rfind(p, 0) == 0; });
  }
  void addProcessors(const std::vector<ProcessorConfig>& processors) {
    for (const auto& p : processors) {
      const auto added = p.processor->addedFields();
      if (!added) {
        anything = true;
        return;
      }
      keys.insert(keys.end(), added->begin(), added->end());
    }
  }
};

// The fields every event of the pipeline has (pipeline.cpp, the harvester's log.*).
const std::vector<std::string>& eventFields() {
  static const std::vector<std::string> fields = {
      "message",    "log.offset", "log.file.path", "log.flags",   "input.type", "agent.ephemeral_id", "agent.id",
      "agent.name", "agent.type", "agent.version", "ecs.version", "host.name",  "error.type",         "error.message"};
  return fields;
}

Provided providedBy(const InputConfig& in, const std::vector<ProcessorConfig>& global) {
  Provided p;
  // Other input types (container, docker) add fields of their own (stream, ...): not judged.
  p.anything = in.type != "log" && in.type != "filestream";
  p.keys = eventFields();
  for (const auto& f : in.fields) p.keys.push_back(f.first);  // fields, general fields, document_type
  if (!in.tags.empty()) p.keys.push_back("tags");
  if (in.json.enabled) {
    if (in.json.target.empty())
      p.anything = true;  // decoded keys under the root: any name
    else
      p.prefixes.push_back(in.json.target + ".");
  }
  p.addProcessors(in.processors);
  p.addProcessors(global);
  return p;
}

void check(const std::string& key, const std::string& format, const std::vector<Provided>& inputs,
           const std::string& consequence, std::vector<std::string>& out) {
  if (format.empty()) return;
  for (const auto& field : FormatString(format).requiredFields()) {
    const bool someone = std::any_of(inputs.begin(), inputs.end(), [&](const Provided& p) { return p.has(field); });
    if (!someone) out.push_back(key + ": " + format + " refers to " + field + ", which no input sets: " + consequence);
  }
}

}  // namespace

std::vector<std::string> topicFieldWarnings(const TailConfig& config, bool inputs_elsewhere) {
  std::vector<std::string> out;
  if (!config.kafka.enabled || config.inputs.empty() || inputs_elsewhere) return out;
  std::vector<Provided> inputs;
  for (const auto& in : config.inputs) inputs.push_back(providedBy(in, config.processors));
  const auto& k = config.kafka;
  for (size_t i = 0; i < k.topics.size(); ++i) {
    check("output.kafka.topics[" + std::to_string(i) + "].topic", k.topics[i].topic, inputs,
          "the rule never routes an event (the next rule, then topic, is used)", out);
  }
  check("output.kafka.topic", k.topic, inputs,
        k.topics.empty() ? "every event would be dropped (\"cannot resolve topic\")"
                         : "every event no topics rule routes would be dropped (\"cannot resolve topic\")",
        out);
  check("output.kafka.key", k.key, inputs, "every event would be sent without a key (a random partition)", out);
  return out;
}

}  // namespace logship::tail
