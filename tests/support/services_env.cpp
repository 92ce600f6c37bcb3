#include "support/services_env.h"

#include <sys/wait.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace logship::testing {

namespace {

std::string envOr(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return (v != nullptr && *v != '\0') ? std::string(v) : fallback;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  const auto e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// Undoes the quoting that bash's `printf %q` may apply ('..', "..", \x).
std::string unquote(const std::string& raw) {
  std::string v = trim(raw);
  if (v.size() >= 2 && v.front() == '\'' && v.back() == '\'') {
    return v.substr(1, v.size() - 2);
  }
  if (v.size() >= 3 && v[0] == '$' && v[1] == '\'' && v.back() == '\'') {
    v = v.substr(2, v.size() - 3);
  } else if (v.size() >= 2 && v.front() == '"' && v.back() == '"') {
    v = v.substr(1, v.size() - 2);
  }
  std::string out;
  out.reserve(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] == '\\' && i + 1 < v.size()) {
      ++i;
    }
    out.push_back(v[i]);
  }
  return out;
}

}  // namespace

std::string ServicesEnv::envFilePath() {
  const std::string explicit_file = envOr("LOGSHIP_SERVICES_ENV", "");
  if (!explicit_file.empty()) return explicit_file;
  std::string run_dir = envOr("LOGSHIP_RUN_DIR", "");
  if (run_dir.empty()) {
    std::string cache = envOr("LOGSHIP_CACHE", "");
    if (cache.empty()) cache = envOr("HOME", "/root") + "/.cache/logship";
    run_dir = cache + "/run";
  }
  while (run_dir.size() > 1 && run_dir.back() == '/') run_dir.pop_back();
  return run_dir + "/services.env";
}

ServicesEnv ServicesEnv::load() {
  ServicesEnv env;
  env.env_file = envFilePath();
  std::ifstream in(env.env_file);
  if (!in) {
    throw std::runtime_error("test services env file " + env.env_file +
                             " not found: run `scripts/services start` first "
                             "(or set LOGSHIP_SERVICES_ENV)");
  }
  std::string line;
  while (std::getline(in, line)) {
    line = trim(line);
    if (line.empty() || line[0] == '#') continue;
    if (line.rfind("export ", 0) == 0) line = trim(line.substr(7));
    const auto eq = line.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    env.vars[trim(line.substr(0, eq))] = unquote(line.substr(eq + 1));
  }
  env.kafka_bootstrap = env.get("KAFKA_BOOTSTRAP");
  env.es_url = env.get("ES_URL");
  while (!env.es_url.empty() && env.es_url.back() == '/') env.es_url.pop_back();
  env.run_dir = env.get("LOGSHIP_RUN_DIR");
  env.kafka_version = env.get("KAFKA_VERSION");
  env.es_version = env.get("ES_VERSION");
  if (env.kafka_bootstrap.empty() || env.es_url.empty()) {
    throw std::runtime_error("test services env file " + env.env_file + " lacks KAFKA_BOOTSTRAP or ES_URL");
  }
  return env;
}

std::string ServicesEnv::get(const std::string& key, const std::string& fallback) const {
  const auto it = vars.find(key);
  return it == vars.end() ? fallback : it->second;
}

std::string servicesScript() {
  std::string dir = envOr("LOGSHIP_SOURCE_DIR", "");
#ifdef LOGSHIP_SOURCE_DIR
  if (dir.empty()) dir = LOGSHIP_SOURCE_DIR;
#endif
  if (dir.empty()) {
    throw std::runtime_error("LOGSHIP_SOURCE_DIR is neither a compile definition nor set in the environment");
  }
  return dir + "/scripts/services";
}

void runServicesCommand(const std::string& args) {
  const std::string cmd = "'" + servicesScript() + "' " + args + " </dev/null";
  const int rc = std::system(cmd.c_str());
  if (rc == -1) {
    throw std::runtime_error("could not run: " + cmd);
  }
  if (!WIFEXITED(rc) || WEXITSTATUS(rc) != 0) {
    const int code = WIFEXITED(rc) ? WEXITSTATUS(rc) : 128 + WTERMSIG(rc);
    throw std::runtime_error("`" + cmd + "` failed with exit code " + std::to_string(code));
  }
}

}  // namespace logship::testing
