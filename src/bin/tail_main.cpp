// logship-tail: a Filebeat-compatible log tailer shipping to Kafka (see docs/tail.md). The command
// line is Filebeat's (tail/cli.h); this file only dispatches the subcommands.
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <variant>
#include <vector>

#include "logship/common/config.h"
#include "logship/common/lifecycle.h"
#include "logship/common/logging.h"
#include "logship/tail/cli.h"
#include "logship/tail/config_inputs.h"
#include "logship/tail/config_warnings.h"
#include "logship/tail/output_check.h"
#include "logship/tail/tail_app.h"
#include "logship/tail/tail_config.h"

namespace {

int run(int argc, char** argv) {
  using namespace logship;
  auto parsed = tail::parseCommandLine(argc, argv);
  if (auto* err = std::get_if<tail::CommandLineError>(&parsed)) {
    std::fprintf(stderr, "logship-tail: %s (see logship-tail --help)\n", err->message.c_str());
    return 2;
  }
  const auto& cl = std::get<tail::CommandLine>(parsed);
  if (cl.command == tail::Command::kHelp) {
    std::fputs(tail::kTailUsage, stdout);
    return 0;
  }
  if (cl.command == tail::Command::kVersion) {
    std::printf("logship-tail %s (filebeat-compatible %s)\n", LOGSHIP_VERSION, "8.6.2");
    return 0;
  }

  tail::LoadArgs args;
  args.file = tail::configFilePath(cl);
  args.overrides = tail::effectiveOverrides(cl);
  args.path_home = cl.path_home;
  args.path_config = cl.path_config;
  const auto files = tail::configFilePaths(cl);
  args.more_files.assign(files.begin() + 1, files.end());
  // Filebeat refuses a config file others can change (exit 1, its wording) unless -strict.perms=false.
  for (const auto& file : files) {
    if (!cl.strict_perms) break;
    if (auto refused = tail::checkConfigPermissions(file)) {
      std::fprintf(stderr, "Exiting: error loading config file: %s\n", refused->c_str());
      return 1;
    }
  }

  tail::TailConfig config;
  tail::LogLevels levels;
  try {
    if (cl.command == tail::Command::kExportConfig) {
      std::fputs(tail::exportTailConfig(args).c_str(), stdout);
      return 0;
    }
    config = tail::loadTailConfig(args);
    levels = tail::logLevels(cl, config.logging.level, config.logging.selectors);
    log::Options log_options{levels.level, config.logging.json};
    // Only the daemon logs where logging.* says; `test config` and `test output` answer on stderr.
    if (cl.command == tail::Command::kRun) {
      const auto output = tail::logOutput(config.logging, cl.log_to_stderr, cl.environment);
      log_options.sink = tail::makeLogSink(config.logging, output);
    }
    log::setup(log_options);
    for (const auto& component : levels.debug_components) log::get(component)->set_level(spdlog::level::debug);
    tail::validate(config);
    if (cl.command != tail::Command::kTestOutput) tail::requireAnInput(config);  // nothing to read: exit 2
  } catch (const config::ConfigError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  } catch (const std::exception& e) {  // Error, or anything a library throws on a bad value
    std::fprintf(stderr, "%s: %s\n", args.file.c_str(), e.what());
    return 2;
  }
  auto logger = log::get("tail");
  auto warnings = config.warnings;
  for (const auto& s : levels.unmatched_selectors) {
    warnings.push_back("selector \"" + s +
                       "\" matches no logship-tail component (tail, kafka, registry, processors, admin, config), "
                       "has no effect");
  }
  tail::logConfigWarnings(warnings, args.file, *log::get("config"));
  if (cl.command == tail::Command::kTestConfig) {
    std::printf("Config OK\n");  // stdout, as Filebeat prints it
    return 0;
  }
  if (cl.command == tail::Command::kTestOutput) return tail::testOutput(config, std::cout) ? 0 : 1;
  try {
    ShutdownSignal shutdown;
    SignalWatcher watcher(shutdown);
    tail::AppOptions options;
    options.dry_run = cl.dry_run;
    options.once = cl.once;
    return tail::runTail(config, options, shutdown);
  } catch (const Error& e) {
    log::error(*logger, "fatal error", {{"error", e.what()}, {"code", std::string(errorCodeName(e.code()))}});
    return 1;
  } catch (const std::exception& e) {
    log::error(*logger, "fatal error", {{"error", e.what()}, {"code", "internal"}});
    return 1;
  }
}

}  // namespace

// Nothing escapes: an exception reaching here is reported as one line and exit 1, never abort().
int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "logship-tail: fatal: %s\n", e.what());
  } catch (...) {
    std::fprintf(stderr, "logship-tail: fatal: unknown exception\n");
  }
  return 1;
}
