// The docker provider's settings and its container -> inputs step (docker_provider.h), after
// libbeat's docker provider (templates, then the hints builder) and its template package
// (ApplyConfigTemplate: ${data.*} from the discovered container).
#include "logship/tail/autodiscover/docker_provider.h"

#include <cstdio>

#include "logship/common/error.h"
#include "logship/common/json.h"
#include "logship/tail/autodiscover/hints.h"
#include "logship/tail/config_inputs.h"
#include "logship/tail/event.h"
#include "logship/tail/file_identity.h"
#include "logship/tail/metadata_store.h"

namespace logship::tail::autodiscover {
namespace {

using config::Node;

// Filebeat 8's hints.default_config for the docker provider (filebeat/autodiscover/builder/hints).
YAML::Node defaultHintsConfig() {
  return YAML::Load("{type: container, paths: ['/var/lib/docker/containers/${data.container.id}/*-json.log']}");
}

std::string emit(const YAML::Node& node) {
  YAML::Emitter out;
  out << node;
  return out.c_str();
}

std::string hashOf(const std::string& text) {
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(fnv1a(text.data(), text.size())));
  return hex;
}

// go-ucfg's merge as the hints builder uses it: maps key by key, anything else replaced.
YAML::Node merged(const YAML::Node& base, const YAML::Node& over) {
  if (!base.IsMap() || !over.IsMap()) return YAML::Clone(over);
  YAML::Node out = YAML::Clone(base);
  for (const auto& kv : over) {
    const std::string key = kv.first.as<std::string>();
    out[key] = merged(out[key], kv.second);
  }
  return out;
}

// The container's labels with `<prefix>.logs/` renamed to the hints parser's co.elastic.logs/.
std::map<std::string, std::string> hintLabels(const DockerContainer& c, const std::string& prefix) {
  if (prefix == "co.elastic") return c.labels;
  const std::string from = prefix + ".logs/";
  std::map<std::string, std::string> out;
  for (const auto& [key, value] : c.labels) {
    if (key.compare(0, from.size(), from) == 0) out[kLogsHintPrefix + key.substr(from.size())] = value;
  }
  return out;
}

// The configs for `c`: the first matching template's, else the hints over the default config.
std::vector<YAML::Node> configsFor(const DockerProviderConfig& p, const DockerContainer& c,
                                   const std::map<std::string, std::string>& data, std::vector<std::string>& errors) {
  Event fields;  // views into `data`, alive for the match
  for (const auto& [key, value] : data) fields.setString(key, value);
  for (const auto& t : p.templates) {
    if (!t.condition || t.condition->matches(fields)) return t.configs;
  }
  if (!p.hints_enabled) return {};
  const LogsHints hints = parseLogsHints(hintLabels(c, p.prefix), p.hints_default_enabled);
  for (const auto& w : hints.warnings) errors.push_back("container " + c.name + ": " + w);
  if (!hints.enabled) return {};
  return {merged(p.hints_default_config, YAML::Load(hintsOverlayYaml(hints)))};
}

// A rendered config parsed as a filebeat.inputs item; `name` stands for the file in errors.
InputConfig parseRendered(const YAML::Node& rendered, const std::string& name, std::vector<std::string>& warnings) {
  config::LoadOptions opts;
  opts.split_dotted_keys = true;
  auto doc = config::Document::loadString(emit(rendered), name, opts);
  InputConfig in = parseInputConfig(doc->root(), warnings);
  for (const auto& key : doc->noEffectKeys()) warnings.push_back(key);
  for (const auto& key : doc->unknownKeys()) warnings.push_back(key + ": not supported by logship-tail, ignored");
  return in;
}

std::string substituteText(const std::string& text, const std::map<std::string, std::string>& data) {
  static const std::string kOpen = "${data.";
  std::string out;
  size_t at = 0;
  for (size_t open; (open = text.find(kOpen, at)) != std::string::npos;) {
    const size_t close = text.find('}', open);
    if (close == std::string::npos) break;
    std::string inner = text.substr(open + kOpen.size(), close - open - kOpen.size());
    std::optional<std::string> def;
    if (const size_t colon = inner.find(':'); colon != std::string::npos) {
      def = inner.substr(colon + 1);
      inner.resize(colon);
    }
    const auto found = data.find(inner);
    if (found == data.end() && !def)
      throw Error(ErrorCode::kConfigInvalid, "field 'data." + inner + "' not available in the container's data");
    out += text.substr(at, open - at);
    out += found != data.end() ? found->second : *def;
    at = close + 1;
  }
  return out + text.substr(at);
}

void substituteScalars(YAML::Node node, const std::map<std::string, std::string>& data) {
  if (node.IsScalar()) {
    const std::string text = node.Scalar();
    if (text.find("${data.") != std::string::npos) node = substituteText(text, data);
    return;
  }
  if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i) substituteScalars(node[i], data);
  } else if (node.IsMap()) {
    for (auto kv : node) substituteScalars(kv.second, data);
  }
}

// autodiscover's `meta`, added to every event of the container's inputs (libbeat's provider).
void addContainerMeta(const DockerProviderConfig& p, const DockerContainer& c, InputConfig& in) {
  auto quoted = [](const std::string& s) {
    std::string out;
    json::appendString(out, s);
    return out;
  };
  in.fields.emplace_back("container.id", quoted(c.id));
  in.fields.emplace_back("container.name", quoted(c.name));
  if (!c.image.empty()) in.fields.emplace_back("container.image.name", quoted(c.image));
  for (const auto& [key, value] : c.labels)
    in.fields.emplace_back("docker.container.labels." + (p.labels_dedot ? dedot(key) : key), quoted(value));
}

// A container standing for every real one at --check: any ${data.*} resolves.
const DockerContainer& placeholderContainer() {
  static const DockerContainer c{std::string(64, '0'), "placeholder", "placeholder:latest", {}};
  return c;
}

std::map<std::string, std::string> placeholderData(const YAML::Node& config) {
  std::map<std::string, std::string> data = containerData(placeholderContainer());
  const std::string text = emit(config);
  for (size_t at = 0; (at = text.find("${data.", at)) != std::string::npos; ++at) {
    const size_t end = text.find_first_of(":}", at);
    if (end == std::string::npos) break;
    data.emplace(text.substr(at + 7, end - at - 7), "placeholder");
  }
  return data;
}

// Renders `config` for the placeholder container and parses it; an error names `at`.
void validateConfig(const Node& at, const YAML::Node& config, std::vector<std::string>& warnings) {
  if (!config.IsMap()) at.fail("expected a map (an input, as under filebeat.inputs)");
  std::vector<std::string> own;
  try {
    parseRendered(substituteData(config, placeholderData(config)), at.path(), own);
  } catch (const config::ConfigError& e) {
    // Its own position is in the rendered text: keep only "key: message".
    const std::string what = e.what();
    const size_t key = what.find(": " + e.path() + ": ");
    at.fail("this config does not load as an input: " + (key == std::string::npos ? what : what.substr(key + 2)));
  } catch (const Error& e) {
    at.fail(std::string("this config does not load as an input: ") + e.what());
  }
  for (const auto& w : own) warnings.push_back(at.path() + ": " + w);
}

std::vector<ContainerTemplate> parseTemplates(const Node& templates, std::vector<std::string>& warnings) {
  std::vector<ContainerTemplate> out;
  for (const auto& item : templates.items()) {
    ContainerTemplate t;
    if (item.child("condition").exists()) t.condition = Condition::parse(item.child("condition"));
    const Node configs = item.child("config");
    if (!configs.exists()) configs.fail("a template needs a config (a list of inputs)");
    for (const auto& config : configs.items()) {
      validateConfig(config, config.yaml(), warnings);
      t.configs.push_back(YAML::Clone(config.yaml()));
    }
    configs.markSubtreeUsed();
    out.push_back(std::move(t));
  }
  return out;
}

void parseHints(const Node& hints, DockerProviderConfig& p, std::vector<std::string>& warnings) {
  p.hints_enabled = hints.child("enabled").boolean(false);
  const Node def = hints.child("default_config");
  // go-ucfg unpacks the user's default_config over the builder's own: `enabled: false` alone keeps
  // the default input.
  p.hints_default_config = def.exists() ? merged(defaultHintsConfig(), def.yaml()) : defaultHintsConfig();
  if (def.exists()) {
    p.hints_default_enabled = def.child("enabled").boolean(true);
    p.hints_default_config.remove("enabled");
    validateConfig(def, p.hints_default_config, warnings);
    def.markSubtreeUsed();
  }
  hints.child("key").noEffect("the hints of logs are always read under <prefix>.logs/");
}

}  // namespace

DockerProviderConfig parseDockerProvider(const Node& provider, std::vector<std::string>& warnings) {
  DockerProviderConfig p;
  provider.child("type").str();
  p.socket_path = dockerSocketPath(provider.child("host"));
  p.prefix = provider.child("prefix").str("co.elastic");
  if (!p.prefix.empty() && p.prefix.back() == '.') p.prefix.pop_back();
  p.labels_dedot = provider.child("labels").child("dedot").boolean(true);
  const Node cleanup = provider.child("cleanup_timeout");
  p.cleanup_timeout = cleanup.duration(std::chrono::seconds(60));
  if (p.cleanup_timeout.count() < 0) cleanup.fail("must not be negative");
  parseHints(provider.child("hints"), p, warnings);
  p.templates = parseTemplates(provider.child("templates"), warnings);
  if (p.templates.empty() && !p.hints_enabled)
    provider.fail("no templates and hints.enabled is false: this provider would never start an input");
  for (const char* key : {"builders", "appenders"}) {
    if (provider.child(key).exists())
      provider.child(key).fail(std::string(key) + " are not supported by logship-tail (use templates or hints)");
  }
  provider.child("ssl").noEffect("only the engine's unix socket is implemented, which needs no TLS");
  return p;
}

YAML::Node substituteData(const YAML::Node& config, const std::map<std::string, std::string>& data) {
  YAML::Node out = YAML::Clone(config);
  substituteScalars(out, data);
  return out;
}

std::map<std::string, std::string> containerData(const DockerContainer& c) {
  std::map<std::string, std::string> d{{"id", c.id},
                                       {"container.id", c.id},
                                       {"container.name", c.name},
                                       {"container.image.name", c.image},
                                       {"docker.container.id", c.id},
                                       {"docker.container.name", c.name},
                                       {"docker.container.image", c.image}};
  for (const auto& [key, value] : c.labels) {
    d["container.labels." + key] = value;
    d["docker.container.labels." + key] = value;
  }
  return d;
}

std::vector<InputSpec> inputsForContainer(const DockerProviderConfig& p, const DockerContainer& c,
                                          std::vector<std::string>& errors) {
  const auto data = containerData(c);
  std::vector<InputSpec> specs;
  for (const auto& config : configsFor(p, c, data, errors)) {
    try {
      const YAML::Node rendered = substituteData(config, data);
      std::vector<std::string> ignored;  // listed once by --check, for the placeholder container
      std::vector<InputConfig> one{parseRendered(rendered, "autodiscover config of container " + c.name, ignored)};
      if (!one.front().enabled) continue;
      applyGeneralFields(p.general, one);
      addContainerMeta(p, c, one.front());
      specs.push_back(InputSpec{"docker-autodiscover/" + c.id + "/" + hashOf(emit(rendered)),
                                std::make_shared<const InputConfig>(std::move(one.front())),
                                "docker autodiscover: container " + c.name});
    } catch (const Error& e) {
      errors.push_back("container " + c.name + ": configuration template cannot be resolved: " + e.what());
    }
  }
  return specs;
}

}  // namespace logship::tail::autodiscover
