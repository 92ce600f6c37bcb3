#include "logship/tail/config_inputs.h"

#include <glob.h>
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "logship/tail/autodiscover/docker_provider.h"
#include "logship/tail/file_identity.h"

namespace logship::tail {

using config::Node;

namespace {

// The error thrown later (requireAnInput), made now while `at` knows its position.
std::shared_ptr<const config::ConfigError> errorAt(const Node& at, const std::string& message) {
  try {
    at.fail(message);
  } catch (const config::ConfigError& e) {
    return std::make_shared<const config::ConfigError>(e);
  }
}

// filebeat.autodiscover: the docker provider runs (autodiscover/docker_provider.h); any other is
// refused, so a config relying on it does not start with fewer inputs than it means.
void parseAutodiscover(const Node& autodiscover, TailConfig& c) {
  for (const auto& provider : autodiscover.child("providers").items()) {
    const Node type = provider.child("type");
    const std::string name = type.str();
    if (name == "docker") {
      auto p =
          std::make_shared<autodiscover::DockerProviderConfig>(autodiscover::parseDockerProvider(provider, c.warnings));
      p->general = c.general;
      c.autodiscover.push_back(std::move(p));
      continue;
    }
    if (name == "kubernetes") {
      type.fail(
          "the kubernetes autodiscover provider is not supported by logship-tail (only docker is); list the "
          "pods' log files under filebeat.inputs (type: container, paths: [/var/log/containers/*.log]) with "
          "add_kubernetes_metadata instead");
    }
    type.fail("autodiscover provider \"" + name + "\" is not supported by logship-tail (only docker is)");
  }
  if (c.autodiscover.empty()) autodiscover.noEffect("no autodiscover provider is configured");
}

void parseConfigInputs(const Node& inputs, bool legacy, ConfigInputsSettings& s) {
  if (!inputs.child("enabled").boolean(true)) {
    inputs.markSubtreeUsed();
    return;
  }
  s.path = inputs.child("path").str();
  if (s.path.empty()) inputs.child("path").fail("a glob of input files is required");
  s.legacy = legacy;
  s.reload = inputs.child("reload").child("enabled").boolean(false);
  s.period = inputs.child("reload").child("period").duration(milliseconds(10000));
  if (s.period.count() <= 0) inputs.child("reload").child("period").fail("must be positive");
  if (!s.reload) {
    s.empty_error = errorAt(inputs.child("path"), "no file matched by \"" + s.path +
                                                      "\" holds an enabled input and reload.enabled is false: "
                                                      "nothing would ever be read");
  }
}

std::string resolveAgainst(const std::string& dir, const std::string& path) {
  return std::filesystem::path(path).is_absolute() ? path : (std::filesystem::path(dir) / path).string();
}

config::LoadOptions fileOptions(const ConfigInputsSettings& settings) {
  config::LoadOptions opts;
  opts.split_dotted_keys = true;
  opts.list_root = true;
  opts.builtins = settings.builtins;
  return opts;
}

// A module file that enables a module would ship nothing here: refused rather than ignored.
void refuseEnabledModules(const std::string& glob, const ConfigInputsSettings& settings) {
  for (const auto& file : globFiles(glob)) {
    auto doc = config::Document::loadFile(file, fileOptions(settings));
    for (const auto& item : doc->root().items()) {
      if (!item.child("enabled").boolean(true)) continue;
      item.child("module").fail("module \"" + item.child("module").str() +
                                "\" is enabled, but logship-tail has no modules: disable it (rename the file to "
                                "*.disabled) and read its log files with an input");
    }
  }
}

std::string configHash(const YAML::Node& item) {
  YAML::Emitter out;
  out << item;
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx",
                static_cast<unsigned long long>(fnv1a(out.c_str(), std::char_traits<char>::length(out.c_str()))));
  return hex;
}

}  // namespace

void parseExternalConfig(const Node& root, TailConfig& c) {
  const Node fb = root.child("filebeat");
  const Node external = fb.child("config");
  if (external.child("inputs").exists()) {
    parseConfigInputs(external.child("inputs"), false, c.config_inputs);
  } else if (external.child("prospectors").exists()) {
    c.warnings.push_back("filebeat.config.prospectors: deprecated since Filebeat 6.3, read as filebeat.config.inputs");
    parseConfigInputs(external.child("prospectors"), true, c.config_inputs);
  }
  const Node modules = external.child("modules");
  if (modules.exists() && modules.child("enabled").boolean(true))
    c.config_inputs.modules_path = modules.child("path").str();
  modules.noEffect("logship-tail has no modules; a module file enabled in its path is refused at start");
  if (fb.child("autodiscover").exists()) parseAutodiscover(fb.child("autodiscover"), c);
  if (root.child("path").child("config").exists())
    c.config_inputs.builtins["path.config"] = root.child("path").child("config").str();
  if (c.inputs.empty() && c.config_inputs.path.empty() && c.autodiscover.empty()) {
    const Node inputs = fb.child("inputs").exists() ? fb.child("inputs") : root;
    c.nothing_to_read = errorAt(inputs,
                                "no enabled input, no filebeat.config.inputs path and no autodiscover "
                                "provider: nothing would ever be read (Filebeat: \"no modules or inputs "
                                "enabled and configuration reloading disabled\")");
  }
}

void loadExternalInputs(const LoadArgs& args, const std::string& home, TailConfig& c) {
  ConfigInputsSettings& s = c.config_inputs;
  std::string dir =
      !args.path_config.empty() ? args.path_config : std::filesystem::absolute(args.file).parent_path().string();
  if (s.builtins.count("path.config")) dir = s.builtins["path.config"];  // the file's own path.config wins
  s.builtins = {{"path.home", home}, {"path.config", dir}, {"path.data", c.path_data}, {"path.logs", home + "/logs"}};
  if (!s.modules_path.empty()) refuseEnabledModules(resolveAgainst(dir, s.modules_path), s);
  if (s.path.empty()) return;
  s.path = resolveAgainst(dir, s.path);
  std::vector<InputConfig> found;
  for (const auto& file : globFiles(s.path)) {
    for (auto& spec : loadInputsFile(file, s, c.general, c.warnings)) found.push_back(*spec.config);
  }
  if (s.reload) return;
  for (auto& in : found) c.inputs.push_back(std::move(in));
  c.nothing_to_read = c.inputs.empty() && c.autodiscover.empty() ? s.empty_error : nullptr;
}

std::vector<InputSpec> loadInputsFile(const std::string& file, const ConfigInputsSettings& settings,
                                      const GeneralFields& general, std::vector<std::string>& warnings) {
  auto doc = config::Document::loadFile(file, fileOptions(settings));
  const Node root = doc->root();
  std::vector<InputSpec> specs;
  if (root.isMap() && root.yaml().size() == 0) return specs;  // an empty file holds no input
  if (!root.isSequence()) {
    // The rebuilt root map has no position; its first key has.
    const auto entries = root.entries();
    (entries.empty() ? root : entries.front().second)
        .fail("expected a list of inputs (each item as under filebeat.inputs)");
  }
  std::vector<std::string> file_warnings;
  for (const auto& item : root.items()) {
    std::vector<InputConfig> one{parseInputConfig(item, file_warnings, settings.legacy)};
    if (!one.front().enabled) continue;
    applyGeneralFields(general, one);
    specs.push_back(
        InputSpec{configHash(item.yaml()), std::make_shared<const InputConfig>(std::move(one.front())), file});
  }
  for (const auto& key : doc->noEffectKeys()) file_warnings.push_back(key);
  for (const auto& key : doc->unknownKeys()) file_warnings.push_back(key + ": not supported by logship-tail, ignored");
  for (auto& w : file_warnings) warnings.push_back(file + ": " + w);
  return specs;
}

std::vector<std::string> globFiles(const std::string& pattern) {
  std::vector<std::string> files;
  glob_t g{};
  if (::glob(pattern.c_str(), 0, nullptr, &g) == 0) {
    for (size_t i = 0; i < g.gl_pathc; ++i) {
      struct stat st {};
      if (::stat(g.gl_pathv[i], &st) == 0 && S_ISREG(st.st_mode)) files.emplace_back(g.gl_pathv[i]);
    }
  }
  ::globfree(&g);
  return files;
}

// The general `fields`, `fields_under_root` and `tags` (top level of filebeat.yml) go into every
// event, as libbeat adds them: an input's own field of the same name wins; tags are appended.
void applyGeneralFields(const GeneralFields& general, std::vector<InputConfig>& inputs) {
  for (auto& in : inputs) {
    for (const auto& f : general.fields) {
      const bool own =
          std::any_of(in.fields.begin(), in.fields.end(), [&](const auto& g) { return g.first == f.first; });
      if (!own) in.fields.push_back(f);
    }
    for (const auto& t : general.tags) {
      if (std::find(in.tags.begin(), in.tags.end(), t) == in.tags.end()) in.tags.push_back(t);
    }
  }
}

void requireAnInput(const TailConfig& c) {
  if (c.nothing_to_read) throw *c.nothing_to_read;
}

}  // namespace logship::tail
