#pragma once
// A pipeline whose global processors come from a `processors:` YAML list, for tests that look at
// what a processor's event becomes on the wire: the encoded payload (nesting, log.flags) and the
// event's timestamps (the Kafka message timestamp).
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "logship/common/config.h"
#include "logship/common/metrics.h"
#include "logship/tail/pipeline.h"
#include "logship/tail/processors.h"

namespace logship::tail {

class ProcessorPipeline {
 public:
  // `processors`: the YAML list under `processors:` ("- dissect: {...}\n- ...").
  // `json`: the input's own JSON decoding (json.* / ndjson), off by default.
  explicit ProcessorPipeline(const std::string& processors, const JsonConfig& json = {})
      : doc_(config::Document::loadString("processors:\n" + processors, "p.yml", {})) {
    std::vector<std::string> warnings;
    list_ = parseProcessors(doc_->root().child("processors"), warnings);
    input_.paths = {"/x/*.log"};
    input_.json = json;
    pipeline_ = std::make_unique<Pipeline>(input_, list_, AgentInfo{"h", "id", "eph"}, PipelineMetrics::in(metrics_));
  }
  // The outcome of one line (the payload and event stay valid until the next call).
  PipelineOutcome process(const std::string& line) {
    line_ = line;
    Message m;
    m.text = line_;
    m.offset = offset_;
    m.end_offset = offset_ += line_.size() + 1;
    return pipeline_->process(m, HarvesterContext{"/x/app.log", 7});
  }
  std::string payload(const std::string& line) { return std::string(process(line).payload); }

 private:
  std::unique_ptr<config::Document> doc_;
  std::vector<ProcessorConfig> list_;
  InputConfig input_;
  metrics::Registry metrics_;
  std::unique_ptr<Pipeline> pipeline_;
  std::string line_;
  uint64_t offset_ = 0;
};

}  // namespace logship::tail
