// add_host_metadata: host.hostname, host.architecture, host.os.type and host.os.kernel, taken once
// when the processor is built. Its other options (netinfo, geo, cache.ttl, ...) have no effect.
#include <string>
#include <utility>
#include <vector>

#include <sys/utsname.h>

#include "logship/common/json.h"
#include "logship/tail/event.h"
#include "logship/tail/processor.h"
#include "logship/tail/processors.h"

namespace logship::tail::processors {
namespace {

std::string quoted(std::string_view s) {
  std::string out;
  json::appendString(out, s);
  return out;
}

std::vector<std::pair<std::string, std::string>> hostFields() {
  struct utsname u {};
  uname(&u);
  return {{"host.hostname", quoted(hostName())},
          {"host.architecture", quoted(u.machine)},
          {"host.os.type", quoted("linux")},
          {"host.os.kernel", quoted(u.release)}};
}

class AddHostMetadata final : public SetFieldsProcessor {
 public:
  AddHostMetadata() : SetFieldsProcessor(hostFields()) {}
};

}  // namespace

std::unique_ptr<const Processor> parseAddHostMetadata(const config::Node& node) {
  for (const auto& [key, value] : node.entries()) {
    if (key != "when") value.noEffect("add_host_metadata sets host.hostname, architecture, os.type and os.kernel only");
  }
  return std::make_unique<AddHostMetadata>();
}

}  // namespace logship::tail::processors
