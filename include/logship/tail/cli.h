#pragma once
// logship-tail's command line: Filebeat's (libbeat/cmd, cfgfile) flags and subcommands, parsed
// with Go's flag syntax (`-strict.perms=false` = `--strict.perms=false`, `-path.data X`,
// `--c=x`; booleans take `=true|false` or nothing). Pure: parsing neither reads files nor exits.
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace logship::tail {

enum class Command {
  kRun,           // no subcommand, or `run`
  kTestConfig,    // `test config`, --check
  kTestOutput,    // `test output`
  kExportConfig,  // `export config`
  kVersion,       // `version`, --version
  kHelp,          // --help, -h, `help`
};

struct CommandLine {
  Command command = Command::kRun;
  std::string config_file = "filebeat.yml";                  // -c (relative: to path.config, else path.home)
  std::vector<std::string> more_config_files;                // the 2nd, 3rd... -c: merged over the first
  std::vector<std::string> overrides;                        // -E, in order
  std::string path_home, path_config, path_data, path_logs;  // --path.* ("" = not given)
  std::vector<std::string> debug_selectors;                  // -d "a,b" / "*"
  bool log_to_stderr = false;                                // -e: stderr, never files or syslog
  std::string environment;                                   // --environment (systemd, container, ...)
  bool verbose = false;                                      // -v: at least info
  bool strict_perms = true;                                  // --strict.perms
  bool once = false;                                         // --once
  bool dry_run = false;                                      // --dry-run (logship)
};

// A usage error: `message` is one line naming the flag or argument; the exit status is 2.
struct CommandLineError {
  std::string message;
};

std::variant<CommandLine, CommandLineError> parseCommandLine(int argc, const char* const* argv);

// The config file as Filebeat finds it: an absolute -c as given; a relative one joined to
// --path.config, else to --path.home, else to the working directory.
std::string configFilePath(const CommandLine& cl);
// Every -c file, in order, each resolved as configFilePath does.
std::vector<std::string> configFilePaths(const CommandLine& cl);

// -E overrides with the --path.* flags appended (Filebeat turns them into overrides too).
std::vector<std::string> effectiveOverrides(const CommandLine& cl);

// Filebeat's strict.perms check (libbeat OwnerHasExclusiveWritePerms): the file must be owned by
// the effective user or root and not writable by group or others. Returns Filebeat's message.
std::optional<std::string> checkConfigPermissions(const std::string& file);

// The logging level the flags ask for over the file's: "*" in -d gives debug; -v at least info.
std::string effectiveLogLevel(const CommandLine& cl, const std::string& from_file);
// -d selectors naming one of logship's logger components (tail, kafka, registry, processors,
// admin, config), or Filebeat selectors that map to one (harvester, input, publisher, ...).
std::vector<std::string> debugComponents(const CommandLine& cl);
// -d selectors that match no logship component (named by a warning).
std::vector<std::string> unmatchedSelectors(const CommandLine& cl);

// The levels of the file's logging.level and logging.selectors with the flags applied: as in
// libbeat, file selectors count only at level debug, and then restrict debug lines to their
// components (the others log at info) unless one of them is "*".
struct LogLevels {
  std::string level;
  std::vector<std::string> debug_components;
  std::vector<std::string> unmatched_selectors;
};
LogLevels logLevels(const CommandLine& cl, const std::string& file_level,
                    const std::vector<std::string>& file_selectors);

extern const char* const kTailUsage;

}  // namespace logship::tail
