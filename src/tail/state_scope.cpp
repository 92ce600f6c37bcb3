#include "logship/tail/state_scope.h"

namespace logship::tail {
namespace {

std::string streamScope(const InputConfig& input) {
  if (!input.container.enabled) return "";
  switch (input.container.stream) {
    case ContainerConfig::Stream::kStdout:
      return "stream::stdout";
    case ContainerConfig::Stream::kStderr:
      return "stream::stderr";
    case ContainerConfig::Stream::kAll:
      break;
  }
  return "";
}

}  // namespace

std::string stateScope(const InputConfig& input) {
  if (input.type == "filestream" && !input.id.empty()) return "filestream::" + input.id;
  return streamScope(input);
}

std::string filebeatStateScope(const InputConfig& input) {
  if (input.type == "filestream") return "filestream::" + (input.id.empty() ? std::string(".global") : input.id);
  return streamScope(input);
}

}  // namespace logship::tail
