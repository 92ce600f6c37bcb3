#pragma once
// The docker autodiscover provider's settings (filebeat.autodiscover.providers[] with
// `type: docker`) and what turns one container into inputs: the first template whose condition
// matches the container, else the hints over hints.default_config (libbeat's provider: templates
// win, builders only when none matched). A config is kept as YAML and rendered per container:
// `${data.*}` replaced with the container's data, then parsed as any filebeat.inputs item.
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "logship/common/config.h"
#include "logship/tail/condition.h"
#include "logship/tail/docker_engine.h"
#include "logship/tail/input_set.h"
#include "logship/tail/tail_config.h"

namespace logship::tail::autodiscover {

struct ContainerTemplate {
  std::shared_ptr<const Condition> condition;  // null: every container
  std::vector<YAML::Node> configs;             // each a filebeat.inputs item, ${data.*} unresolved
};

struct DockerProviderConfig {
  std::string socket_path = "/var/run/docker.sock";
  std::vector<ContainerTemplate> templates;
  bool hints_enabled = false;
  bool hints_default_enabled = true;  // hints.default_config.enabled
  YAML::Node hints_default_config;    // without `enabled`
  std::string prefix = "co.elastic";  // labels `<prefix>.logs/...` are the hints
  bool labels_dedot = true;           // docker.container.labels.* in the events
  std::chrono::milliseconds cleanup_timeout{60000};
  GeneralFields general;  // filebeat.yml's fields and tags, for the rendered inputs
};

// Reads one provider item (its type is docker). Every template config and the default config is
// rendered once for a placeholder container and parsed, so `--check` fails on a template that
// could never load (the error names the template in filebeat.yml) and lists its warnings.
DockerProviderConfig parseDockerProvider(const config::Node& provider, std::vector<std::string>& warnings);

// `${data.<key>}` / `${data.<key>:default}` in every scalar of `config` from `data` (keys without
// `data.`); other `${...}` stay for the normal expansion. Throws Error (kConfig) naming a key that
// is neither in `data` nor defaulted (libbeat: the config is skipped with a warning).
YAML::Node substituteData(const YAML::Node& config, const std::map<std::string, std::string>& data);

// What a template sees of a container: as ${data.*} and as the fields of its condition
// (container.id, container.name, container.image.name, container.labels.*, docker.container.*).
std::map<std::string, std::string> containerData(const DockerContainer& c);

// The inputs for `c` (none: no template matched and hints are off or disabled for it, or its
// configs are disabled). Id: docker-autodiscover/<container id>/<hash of the rendered config>.
// A config that does not render or parse is skipped, its error appended to `errors`.
std::vector<InputSpec> inputsForContainer(const DockerProviderConfig& provider, const DockerContainer& c,
                                          std::vector<std::string>& errors);

}  // namespace logship::tail::autodiscover
