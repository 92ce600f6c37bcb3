// The stash's JSON event path on arbitrary Kafka values: parse, index naming, the reference
// go-stash filters (drop / remove_field / transfer / uri), serialisation. Every document that
// comes out must be valid JSON; nothing may crash or throw.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "fuzz_check.h"
#include "logship/common/config.h"
#include "logship/stash/config.h"
#include "logship/stash/pipeline.h"

namespace {

constexpr const char* kConfig = R"(
Clusters:
  - Input:
      Kafka:
        Brokers: ["127.0.0.1:9092"]
        Topics: [fuzz]
        Group: fuzz
    Filters:
      - Action: drop
        Conditions:
          - Key: k8s_container_name
            Value: "-rpc"
            Type: contains
          - Key: level
            Value: info
            Type: match
            Op: and
      - Action: drop
        Conditions:
          - Key: data.level
            Value: "^debu"
            Type: regex
            Op: or
      - Action: remove_field
        Fields: [_source, "@version", offset, stream, "@metadata"]
      - Action: transfer
        Field: message
        Target: data
      - Action: transfer
        Field: extra
        Target: ""
    Output:
      ElasticSearch:
        Hosts: ["http://127.0.0.1:9200"]
        Index: "fuzz-{{yyyy-MM-dd}}-{.level}"
        TimeZone: Asia/Shanghai
)";

logship::stash::Processor& processor() {
  static std::unique_ptr<logship::stash::StashConfig> config;
  static std::unique_ptr<logship::stash::Processor> p;
  if (!p) {
    logship::config::LoadOptions options;
    options.case_insensitive = true;
    auto doc = logship::config::Document::loadString(kConfig, "fuzz.yml", options);
    config = std::make_unique<logship::stash::StashConfig>(logship::stash::parseStashConfig(doc->root()));
    p = std::make_unique<logship::stash::Processor>(config->clusters.at(0));
  }
  return *p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string doc;
  const auto result = processor().process(std::string_view(reinterpret_cast<const char*>(data), size), doc);
  if (result.kind == logship::stash::ProcessResult::kDoc) {
    logship::fuzz::requireValidJson(doc, "indexed document");
    if (result.index.empty()) std::abort();
  }
  return 0;
}
