// The container inputs of filebeat.yml (Filebeat's filebeat/input/container and
// filebeat/input/docker, both a log input with the docker-json reader) and filestream's
// `parsers: [{container: ...}]` (filebeat/input/filestream/parser). Called from tail_config.cpp.
#include "logship/tail/container_config.h"

namespace logship::tail {
namespace {

using config::Node;

ContainerConfig::Stream parseStream(const Node& n) {
  const std::string s = n.oneOf({"all", "stdout", "stderr"}, "all");
  return s == "stdout"   ? ContainerConfig::Stream::kStdout
         : s == "stderr" ? ContainerConfig::Stream::kStderr
                         : ContainerConfig::Stream::kAll;
}

ContainerConfig::Format parseFormat(const Node& n) {
  const std::string f = n.oneOf({"auto", "docker", "cri"}, "auto");
  return f == "docker" ? ContainerConfig::Format::kDocker
         : f == "cri"  ? ContainerConfig::Format::kCri
                       : ContainerConfig::Format::kAuto;
}

// type: container — stream and format; partial lines are always joined and CRI flags parsed.
void parseContainer(const Node& n, InputConfig& in) {
  in.container.stream = parseStream(n.child("stream"));
  in.container.format = parseFormat(n.child("format"));
}

// type: docker — paths from containers.ids; combine_partial(s), cri.parse_flags, cri.force.
void parseDocker(const Node& n, InputConfig& in, std::vector<std::string>& warnings) {
  warnings.push_back(n.path() + ": the docker input is deprecated (as in Filebeat): use the container input");
  const Node containers = n.child("containers");
  const auto ids = containers.child("ids").strings();
  const std::string dir = containers.child("path").str("/var/lib/docker/containers");
  if (in.enabled && ids.empty())
    containers.child("ids").fail("the docker input requires at least one entry under containers.ids ('*': all)");
  for (const auto& item : containers.child("ids").items()) {
    if (item.str().empty()) item.fail("empty container id");
  }
  if (n.child("paths").exists()) n.child("paths").noEffect("the docker input derives its paths from containers.ids");
  in.paths.clear();
  for (const auto& id : ids) in.paths.push_back(dir + "/" + id + "/*.log");
  in.container.stream = parseStream(containers.child("stream"));
  // Filebeat reads `combine_partials` (its docs say `combine_partial`): both are accepted.
  const Node combine = n.child("combine_partials").exists() ? n.child("combine_partials") : n.child("combine_partial");
  in.container.combine_partial = combine.boolean(true);
  in.container.cri_flags = n.child("cri").child("parse_flags").boolean(false);
  in.container.format =
      n.child("cri").child("force").boolean(false) ? ContainerConfig::Format::kCri : ContainerConfig::Format::kAuto;
}

}  // namespace

void parseContainerInput(const Node& n, InputConfig& in, std::vector<std::string>& warnings) {
  in.container.enabled = true;
  if (in.type == "docker") {
    parseDocker(n, in, warnings);
  } else {
    parseContainer(n, in);
  }
}

void parseContainerParser(const Node& body, size_t position, InputConfig& in) {
  // The parser unwraps the raw line; logship runs it before multiline and ndjson, so it must be
  // listed first for the order to be the one given.
  if (position != 0) body.fail("the container parser must be the first of parsers (it unwraps the raw line)");
  if (in.container.enabled) body.fail("only one container parser per input");
  in.container.enabled = true;
  in.container.stream = parseStream(body.child("stream"));
  in.container.format = parseFormat(body.child("format"));
}

}  // namespace logship::tail
