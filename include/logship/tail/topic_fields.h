#pragma once
// --check's warnings for output.kafka `topic`, `topics[].topic` and `key` format strings that
// refer to a field nothing can set: no input (its fields, tags, document_type), no general
// setting, no JSON decoder and no processor. Such a topic drops every event it should route
// ("cannot resolve topic"). Conservative: an input that decodes JSON keys under the root, or a
// processor whose fields cannot be told, may set anything, and then nothing is warned about.
#include <string>
#include <vector>

#include "logship/tail/tail_config.h"

namespace logship::tail {

// `inputs_elsewhere`: inputs also come from filebeat.config.inputs files or autodiscover (read
// later, or changed at run time): the inputs of `config` are not all of them, nothing is judged.
std::vector<std::string> topicFieldWarnings(const TailConfig& config, bool inputs_elsewhere = false);

}  // namespace logship::tail
