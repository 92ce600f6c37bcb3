#include "logship/tail/cli.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <map>

#include "logship/common/config.h"

namespace logship::tail {
namespace {

enum class Kind { kBool, kValue, kCommand };

struct Flag {
  Kind kind;
  // Applies the flag: `value` is "true"/"false" for booleans. Null for kCommand.
  void (*apply)(CommandLine&, const std::string& value);
  Command command = Command::kRun;  // kCommand: a boolean flag that selects this command
};

const std::map<std::string, Flag>& flags() {
  static const std::map<std::string, Flag> table = {
      {"c", {Kind::kValue, [](CommandLine& c, const std::string& v) { c.config_file = v; }}},
      {"config", {Kind::kValue, [](CommandLine& c, const std::string& v) { c.config_file = v; }}},
      {"E", {Kind::kValue, [](CommandLine& c, const std::string& v) { c.overrides.push_back(v); }}},
      {"d",
       {Kind::kValue,
        [](CommandLine& c, const std::string& v) {
          for (auto& s : config::splitList(v)) c.debug_selectors.push_back(s);
        }}},
      {"path.home", {Kind::kValue, [](CommandLine& c, const std::string& v) { c.path_home = v; }}},
      {"path.config", {Kind::kValue, [](CommandLine& c, const std::string& v) { c.path_config = v; }}},
      {"path.data", {Kind::kValue, [](CommandLine& c, const std::string& v) { c.path_data = v; }}},
      {"path.logs", {Kind::kValue, [](CommandLine& c, const std::string& v) { c.path_logs = v; }}},
      {"e", {Kind::kBool, [](CommandLine& c, const std::string& v) { c.log_to_stderr = v == "true"; }}},
      {"environment", {Kind::kValue, [](CommandLine& c, const std::string& v) { c.environment = v; }}},
      {"v", {Kind::kBool, [](CommandLine& c, const std::string& v) { c.verbose = v == "true"; }}},
      {"strict.perms", {Kind::kBool, [](CommandLine& c, const std::string& v) { c.strict_perms = v == "true"; }}},
      {"once", {Kind::kBool, [](CommandLine& c, const std::string& v) { c.once = v == "true"; }}},
      {"dry-run", {Kind::kBool, [](CommandLine& c, const std::string& v) { c.dry_run = v == "true"; }}},
      {"check", {Kind::kCommand, nullptr, Command::kTestConfig}},
      {"version", {Kind::kCommand, nullptr, Command::kVersion}},
      {"help", {Kind::kCommand, nullptr, Command::kHelp}},
      {"h", {Kind::kCommand, nullptr, Command::kHelp}},
  };
  return table;
}

// Go's strconv.ParseBool.
std::optional<bool> parseGoBool(const std::string& s) {
  static const char* const kTrue[] = {"1", "t", "T", "true", "TRUE", "True"};
  static const char* const kFalse[] = {"0", "f", "F", "false", "FALSE", "False"};
  for (const char* t : kTrue)
    if (s == t) return true;
  for (const char* f : kFalse)
    if (s == f) return false;
  return std::nullopt;
}

// The subcommand words: Filebeat's `run`, `test config|output`, `export config`, `version`, `help`.
std::optional<CommandLineError> applySubcommand(const std::vector<std::string>& words, CommandLine& cl) {
  if (words.empty()) return std::nullopt;
  const std::string& w = words[0];
  auto extra = [&](size_t n) -> std::optional<CommandLineError> {
    if (words.size() > n) return CommandLineError{"unexpected argument \"" + words[n] + "\" after " + w};
    return std::nullopt;
  };
  if (w == "run" || w == "version" || w == "help") {
    if (auto e = extra(1)) return e;
    if (w == "version") cl.command = Command::kVersion;
    if (w == "help") cl.command = Command::kHelp;
    return std::nullopt;
  }
  if (w == "test" || w == "export") {
    if (words.size() < 2)
      return CommandLineError{w + " needs a subcommand: " + (w == "test" ? "config or output" : "config")};
    const std::string& sub = words[1];
    if (w == "test" && sub == "config") {
      cl.command = Command::kTestConfig;
    } else if (w == "test" && sub == "output") {
      cl.command = Command::kTestOutput;
    } else if (w == "export" && sub == "config") {
      cl.command = Command::kExportConfig;
    } else if (w == "export") {
      return CommandLineError{"export " + sub +
                              ": not supported by logship-tail (only `export config`: there is no Elasticsearch "
                              "setup for a Kafka output)"};
    } else {
      return CommandLineError{"unknown command \"test " + sub + "\" (test config, test output)"};
    }
    return extra(2);
  }
  if (w == "setup" || w == "keystore" || w == "modules" || w == "completion" || w == "enroll") {
    return CommandLineError{"command \"" + w + "\" is not supported by logship-tail"};
  }
  return CommandLineError{"unknown command \"" + w + "\""};
}

}  // namespace

const char* const kTailUsage =
    "usage: logship-tail [run|test config|test output|export config|version] [flags]\n"
    "  -c FILE              configuration file, relative to --path.config (default filebeat.yml)\n"
    "  -E key=value         override a setting, e.g. -E 'output.kafka.hosts=[\"127.0.0.1:9092\"]'\n"
    "  -e                   log to stderr, not to files or syslog (logging.to_files)\n"
    "  --environment ENV    systemd, container: stderr by default; default: files (as Filebeat)\n"
    "  -d SELECTORS         debug logging for these selectors (\"*\": everything)\n"
    "  -v                   log at least at info level\n"
    "  --path.home|config|data|logs DIR\n"
    "  --strict.perms=BOOL  refuse a config file writable by others (default true)\n"
    "  --check              = test config: validate the configuration and exit (0 ok, 2 invalid)\n"
    "  --dry-run            print each event as it would be sent, reading every file from the start\n"
    "  --once               ship until every file is at EOF and every event is acknowledged, then exit\n"
    "  --version            print the version\n"
    "Flags take one or two dashes (-strict.perms=false = --strict.perms=false).\n";

std::variant<CommandLine, CommandLineError> parseCommandLine(int argc, const char* const* argv) {
  CommandLine cl;
  std::vector<std::string> words;
  bool only_words = false;
  bool config_given = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (only_words || a.size() < 2 || a[0] != '-') {
      words.push_back(a);
      continue;
    }
    if (a == "--") {
      only_words = true;
      continue;
    }
    const bool two = a[1] == '-';
    std::string body = a.substr(two ? 2 : 1);
    // logship's historical -Ekey=value (no space, no '=' after E).
    if (!two && body.size() > 1 && body[0] == 'E' && body[1] != '=') {
      cl.overrides.push_back(body.substr(1));
      continue;
    }
    if (body.empty() || body[0] == '-' || body[0] == '=') return CommandLineError{"bad flag syntax: " + a};
    std::optional<std::string> value;
    if (const auto eq = body.find('='); eq != std::string::npos) {
      value = body.substr(eq + 1);
      body.resize(eq);
    }
    const std::string shown = (two ? "--" : "-") + body;
    const auto it = flags().find(body);
    if (it == flags().end()) return CommandLineError{"unknown flag: " + shown};
    if (it->second.kind != Kind::kValue) {
      bool b = true;
      if (value) {
        const auto parsed = parseGoBool(*value);
        if (!parsed)
          return CommandLineError{"invalid boolean value \"" + *value + "\" for " + shown + " (true or false)"};
        b = *parsed;
      }
      if (it->second.kind == Kind::kCommand) {
        if (b) cl.command = it->second.command;
      } else {
        it->second.apply(cl, b ? "true" : "false");
      }
    } else {
      if (!value) {
        if (i + 1 >= argc) return CommandLineError{"flag needs an argument: " + shown};
        value = argv[++i];
      }
      // Filebeat merges several -c files in order (the first replaces the default filebeat.yml).
      if ((body == "c" || body == "config") && config_given) {
        cl.more_config_files.push_back(*value);
        continue;
      }
      config_given = config_given || body == "c" || body == "config";
      it->second.apply(cl, *value);
    }
  }
  static const char* const kEnvironments[] = {"",          "default",       "systemd",
                                              "container", "macos_service", "windows_service"};
  if (std::find(std::begin(kEnvironments), std::end(kEnvironments), cl.environment) == std::end(kEnvironments))
    return CommandLineError{"invalid --environment \"" + cl.environment +
                            "\" (default, systemd, container, macos_service, windows_service)"};
  const Command from_flags = cl.command;
  if (auto err = applySubcommand(words, cl)) return *err;
  // --help and --version win over a subcommand, as cobra's do.
  if (from_flags == Command::kHelp || from_flags == Command::kVersion) cl.command = from_flags;
  return cl;
}

namespace {

std::string resolveConfigFile(const CommandLine& cl, const std::string& name) {
  const std::filesystem::path file(name);
  if (file.is_absolute()) return name;
  const std::string& base = !cl.path_config.empty() ? cl.path_config : cl.path_home;
  if (base.empty()) return name;
  return (std::filesystem::path(base) / file).string();
}

}  // namespace

std::string configFilePath(const CommandLine& cl) { return resolveConfigFile(cl, cl.config_file); }

std::vector<std::string> configFilePaths(const CommandLine& cl) {
  std::vector<std::string> out{configFilePath(cl)};
  for (const auto& more : cl.more_config_files) out.push_back(resolveConfigFile(cl, more));
  return out;
}

std::vector<std::string> effectiveOverrides(const CommandLine& cl) {
  std::vector<std::string> out = cl.overrides;
  // Quoted so that the directory stays a string whatever it looks like to YAML.
  auto add = [&](const char* key, const std::string& dir) {
    if (dir.empty()) return;
    std::string quoted = "'";
    for (char ch : dir) quoted += ch == '\'' ? std::string("''") : std::string(1, ch);
    out.push_back(std::string(key) + "=" + quoted + "'");
  };
  add("path.home", cl.path_home);
  add("path.config", cl.path_config);
  add("path.data", cl.path_data);
  add("path.logs", cl.path_logs);
  return out;
}

std::optional<std::string> checkConfigPermissions(const std::string& file) {
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0) return std::nullopt;  // unreadable: the loader reports it
  const uid_t euid = ::geteuid();
  if (st.st_uid != 0 && st.st_uid != euid) {
    return "config file (\"" + file + "\") must be owned by the user identifier (uid=" + std::to_string(euid) +
           ") or root";
  }
  const mode_t perm = st.st_mode & 0777;
  if (perm & 0022) {
    std::string mode = "-";
    const char* const letters = "rwx";
    for (int bit = 8; bit >= 0; --bit) mode += (perm & (1u << bit)) ? letters[(8 - bit) % 3] : '-';
    std::error_code ec;
    auto abs = std::filesystem::absolute(file, ec);
    return "config file (\"" + file + "\") can only be writable by the owner but the permissions are \"" + mode +
           "\" (to fix the permissions use: 'chmod go-w " + (ec ? file : abs.string()) + "')";
  }
  return std::nullopt;
}

namespace {

int levelRank(const std::string& level) {
  static const std::map<std::string, int> ranks = {{"trace", 0},   {"debug", 1}, {"info", 2},     {"warn", 3},
                                                   {"warning", 3}, {"error", 4}, {"critical", 5}, {"off", 6}};
  const auto it = ranks.find(level);
  return it == ranks.end() ? 2 : it->second;
}

// Filebeat's selectors (logp.NewLogger names) that correspond to one of logship's components.
const std::map<std::string, std::string>& selectorComponents() {
  static const std::map<std::string, std::string> table = {
      {"tail", "tail"},         {"harvester", "tail"},     {"input", "tail"},       {"input.harvester", "tail"},
      {"file_watcher", "tail"}, {"scanner", "tail"},       {"prospector", "tail"},  {"crawler", "tail"},
      {"publisher", "tail"},    {"publish", "tail"},       {"pipeline", "tail"},    {"kafka", "kafka"},
      {"registry", "registry"}, {"registrar", "registry"}, {"memlog", "registry"},  {"processors", "processors"},
      {"admin", "admin"},       {"api", "admin"},          {"monitoring", "admin"}, {"config", "config"},
      {"cfgfile", "config"},
  };
  return table;
}

}  // namespace

std::string effectiveLogLevel(const CommandLine& cl, const std::string& from_file) {
  if (std::find(cl.debug_selectors.begin(), cl.debug_selectors.end(), "*") != cl.debug_selectors.end()) return "debug";
  if (cl.verbose && levelRank(from_file) > levelRank("info")) return "info";
  return from_file;
}

std::vector<std::string> debugComponents(const CommandLine& cl) {
  std::vector<std::string> out;
  for (const auto& s : cl.debug_selectors) {
    const auto it = selectorComponents().find(s);
    if (it != selectorComponents().end() && std::find(out.begin(), out.end(), it->second) == out.end())
      out.push_back(it->second);
  }
  return out;
}

std::vector<std::string> unmatchedSelectors(const CommandLine& cl) {
  std::vector<std::string> out;
  for (const auto& s : cl.debug_selectors) {
    if (s != "*" && !selectorComponents().count(s)) out.push_back(s);
  }
  return out;
}

LogLevels logLevels(const CommandLine& cl, const std::string& file_level,
                    const std::vector<std::string>& file_selectors) {
  CommandLine merged = cl;
  std::string level = file_level;
  if (file_level == "debug" && !file_selectors.empty()) {
    const bool all = std::find(file_selectors.begin(), file_selectors.end(), "*") != file_selectors.end();
    if (!all) level = "info";
    merged.debug_selectors.insert(merged.debug_selectors.end(), file_selectors.begin(), file_selectors.end());
  }
  return {effectiveLogLevel(merged, level), debugComponents(merged), unmatchedSelectors(merged)};
}

}  // namespace logship::tail
