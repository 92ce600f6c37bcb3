// logship-tail: a Filebeat-compatible log tailer shipping to Kafka (see docs/tail.md).
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "logship/common/config.h"
#include "logship/common/lifecycle.h"
#include "logship/common/logging.h"
#include "logship/tail/tail_app.h"
#include "logship/tail/tail_config.h"

namespace {

const char* kUsage =
    "usage: logship-tail -c filebeat.yml [-E key=value ...] [--check] [--dry-run] [--once]\n"
    "                    [--path.home DIR] [--path.data DIR] [--version] [--help]\n"
    "  -c, --c FILE     configuration file (default: filebeat.yml)\n"
    "  -E key=value     override a setting, e.g. -E 'output.kafka.hosts=[\"127.0.0.1:9092\"]'\n"
    "  --check          validate the configuration and exit (0 ok, 2 invalid)\n"
    "  --dry-run        print each event as it would be sent, reading every file from the start; no registry\n"
    "  --once           ship until every file is at EOF and every event is acknowledged, then exit\n";

int run(int argc, char** argv) {
  using namespace logship;
  tail::LoadArgs args;
  args.file = "filebeat.yml";
  bool check = false;
  tail::AppOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&](const char* name) -> std::string {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "logship-tail: %s needs a value\n%s", name, kUsage);
        std::exit(2);
      }
      return argv[++i];
    };
    if (a == "-c" || a == "--c" || a == "--config") {
      args.file = value("-c");
    } else if (a == "-E") {
      args.overrides.push_back(value("-E"));
    } else if (a.rfind("-E", 0) == 0 && a.size() > 2) {
      args.overrides.push_back(a.substr(2));
    } else if (a == "--check" || a == "test" || a == "config") {
      check = true;
    } else if (a == "--dry-run") {
      options.dry_run = true;
    } else if (a == "--once") {
      options.once = true;
    } else if (a == "--path.home") {
      args.path_home = value("--path.home");
    } else if (a == "--path.data") {
      args.overrides.push_back("path.data=" + value("--path.data"));
    } else if (a == "-e" || a == "-d") {
      if (a == "-d") value("-d");  // Filebeat's debug selectors: accepted
    } else if (a == "--version" || a == "version") {
      std::printf("logship-tail %s (filebeat-compatible %s)\n", LOGSHIP_VERSION, "8.6.2");
      return 0;
    } else if (a == "--help" || a == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    } else {
      std::fprintf(stderr, "logship-tail: unknown argument %s\n%s", a.c_str(), kUsage);
      return 2;
    }
  }

  tail::TailConfig config;
  try {
    config = tail::loadTailConfig(args);
    log::setup({config.logging_level, config.logging_json});
    tail::validate(config);
  } catch (const config::ConfigError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  } catch (const std::exception& e) {  // Error, or anything a library throws on a bad value
    std::fprintf(stderr, "%s: %s\n", args.file.c_str(), e.what());
    return 2;
  }
  auto logger = log::get("tail");
  for (const auto& w : config.warnings) log::warn(*logger, w, {{"config", args.file}});
  if (check) {
    std::fprintf(stderr, "Config OK\n");
    return 0;
  }
  try {
    ShutdownSignal shutdown;
    SignalWatcher watcher(shutdown);
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
