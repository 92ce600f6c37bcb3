// Test helpers: where the real test services (scripts/services) run.
#pragma once

#include <map>
#include <string>

namespace logship::testing {

// Contents of the env file written by `scripts/services start`.
struct ServicesEnv {
  std::string kafka_bootstrap;              // KAFKA_BOOTSTRAP, e.g. "127.0.0.1:23456"
  std::string es_url;                       // ES_URL, e.g. "http://127.0.0.1:23457" (no trailing '/')
  std::string run_dir;                      // LOGSHIP_RUN_DIR
  std::string kafka_version;                // KAFKA_VERSION, e.g. "3.9.2"
  std::string es_version;                   // ES_VERSION, e.g. "8.19.21"
  std::string env_file;                     // path the values were read from
  std::map<std::string, std::string> vars;  // every KEY=VALUE of the file

  // Reads the env file: $LOGSHIP_SERVICES_ENV if set, else
  // ${LOGSHIP_RUN_DIR:-${LOGSHIP_CACHE:-$HOME/.cache/logship}/run}/services.env.
  // Throws std::runtime_error if it is missing or lacks the required keys.
  static ServicesEnv load();

  // The path load() reads (whether or not it exists).
  static std::string envFilePath();

  // Value of any key of the env file, or `fallback`.
  std::string get(const std::string& key, const std::string& fallback = "") const;
};

// Path of scripts/services: $LOGSHIP_SOURCE_DIR (environment) if set, else
// the compile definition LOGSHIP_SOURCE_DIR (a string literal), + "/scripts/services".
std::string servicesScript();

// Runs `scripts/services <args>` through the shell (args are passed as is, so
// quote them yourself if needed), its output going to the test's stdout/stderr.
// Throws std::runtime_error when it exits non-zero.
void runServicesCommand(const std::string& args);

}  // namespace logship::testing
