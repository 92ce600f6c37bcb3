// The processors logship-tail knows, by name (see processor.h for why this is a table).
#include "logship/tail/processor.h"

#include "logship/tail/event.h"

namespace logship::tail {
namespace processors {

// One line per processor: defined in src/tail/processors/<name>.cpp.
std::unique_ptr<const Processor> parseAddFields(const config::Node& node);
std::unique_ptr<const Processor> parseDropFields(const config::Node& node);
std::unique_ptr<const Processor> parseDropEvent(const config::Node& node);
std::unique_ptr<const Processor> parseAddHostMetadata(const config::Node& node);
std::unique_ptr<const Processor> parseAddKubernetesMetadata(const config::Node& node);
std::unique_ptr<const Processor> parseAddDockerMetadata(const config::Node& node);
std::unique_ptr<const Processor> parseAddTags(const config::Node& node);
std::unique_ptr<const Processor> parseAddId(const config::Node& node);
std::unique_ptr<const Processor> parseExtractArray(const config::Node& node);
std::unique_ptr<const Processor> parseFingerprint(const config::Node& node);
std::unique_ptr<const Processor> parseRename(const config::Node& node);
std::unique_ptr<const Processor> parseCopyFields(const config::Node& node);
std::unique_ptr<const Processor> parseIncludeFields(const config::Node& node);
std::unique_ptr<const Processor> parseDecodeJsonFields(const config::Node& node);
std::unique_ptr<const Processor> parseUrlDecode(const config::Node& node);
std::unique_ptr<const Processor> parseDecodeBase64Field(const config::Node& node);
std::unique_ptr<const Processor> parseReplace(const config::Node& node);
std::unique_ptr<const Processor> parseTruncateFields(const config::Node& node);
std::unique_ptr<const Processor> parseAddLocale(const config::Node& node);
std::unique_ptr<const Processor> parseConvert(const config::Node& node);
std::unique_ptr<const Processor> parseDecodeCsvFields(const config::Node& node);
std::unique_ptr<const Processor> parseAddLabels(const config::Node& node);
std::unique_ptr<const Processor> parseDissect(const config::Node& node);
std::unique_ptr<const Processor> parseTimestamp(const config::Node& node);

}  // namespace processors

const std::vector<ProcessorFactory>& processorFactories() {
  static const std::vector<ProcessorFactory> table{
      {"add_fields", &processors::parseAddFields},
      {"drop_fields", &processors::parseDropFields},
      {"drop_event", &processors::parseDropEvent},
      {"add_host_metadata", &processors::parseAddHostMetadata},
      {"add_kubernetes_metadata", &processors::parseAddKubernetesMetadata},
      {"add_docker_metadata", &processors::parseAddDockerMetadata},
      {"add_tags", &processors::parseAddTags},
      {"add_id", &processors::parseAddId},
      {"extract_array", &processors::parseExtractArray},
      {"fingerprint", &processors::parseFingerprint},
      {"rename", &processors::parseRename},
      {"copy_fields", &processors::parseCopyFields},
      {"include_fields", &processors::parseIncludeFields},
      {"decode_json_fields", &processors::parseDecodeJsonFields},
      {"urldecode", &processors::parseUrlDecode},
      {"decode_base64_field", &processors::parseDecodeBase64Field},
      {"replace", &processors::parseReplace},
      {"truncate_fields", &processors::parseTruncateFields},
      {"add_locale", &processors::parseAddLocale},
      {"convert", &processors::parseConvert},
      {"decode_csv_fields", &processors::parseDecodeCsvFields},
      {"add_labels", &processors::parseAddLabels},
      {"dissect", &processors::parseDissect},
      {"timestamp", &processors::parseTimestamp},
  };
  return table;
}

void flagProcessorError(Event& event, std::string_view message) {
  event.setString("error.message", event.arena().copy(message));
}

const ProcessorFactory* findProcessor(std::string_view name) {
  for (const auto& f : processorFactories()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace logship::tail
