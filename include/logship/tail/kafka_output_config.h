#pragma once
// output.kafka -> KafkaOutputConfig (its codec: output_codec.h): Filebeat's
// (sarama's) keys mapped to librdkafka properties, each checked by librdkafka at its key.
#include "logship/common/config.h"
#include "logship/tail/tail_config.h"

namespace logship::tail {

// Reads output.kafka into `k` (k.enabled false when `enabled: false`). Throws config::ConfigError.
void parseKafkaOutput(const config::Node& n, KafkaOutputConfig& k);

}  // namespace logship::tail
