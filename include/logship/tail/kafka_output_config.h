#pragma once
// output.kafka (and the output codec shared with output.console) -> KafkaOutputConfig: Filebeat's
// (sarama's) keys mapped to librdkafka properties, each checked by librdkafka at its key.
#include "logship/common/config.h"
#include "logship/tail/tail_config.h"

namespace logship::tail {

// Reads output.kafka into `k` (k.enabled false when `enabled: false`). Throws config::ConfigError.
void parseKafkaOutput(const config::Node& n, KafkaOutputConfig& k);

// Filebeat's output codec: `codec.json` (pretty, escape_html) or `codec.format`. Returns
// codec.json.pretty; what logship cannot produce is refused, never sent differently.
bool parseOutputCodec(const config::Node& codec);

}  // namespace logship::tail
