#pragma once
// filebeat.yml -> ContainerConfig for `type: container`, `type: docker` and filestream's
// container parser (the rest of those inputs is a log input, parsed by tail_config.cpp).
#include <string>
#include <vector>

#include "logship/common/config.h"
#include "logship/tail/tail_config.h"

namespace logship::tail {

// `in.type` is "container" or "docker"; may set in.paths (docker: from containers.ids).
void parseContainerInput(const config::Node& n, InputConfig& in, std::vector<std::string>& warnings);
// One `- container: {stream, format}` item of filestream's parsers, at `position` in the list.
void parseContainerParser(const config::Node& body, size_t position, InputConfig& in);

}  // namespace logship::tail
