#include "logship/tail/registry_cleaner.h"

#include <cerrno>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "logship/common/logging.h"

namespace logship::tail {
namespace {

// Only ENOENT/ENOTDIR count as gone: a directory we cannot stat for another reason may still be there.
bool directoryGone(const std::string& path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string::npos) return false;
  const std::string dir = slash == 0 ? "/" : path.substr(0, slash);
  struct stat st {};
  return ::stat(dir.c_str(), &st) != 0 && (errno == ENOENT || errno == ENOTDIR);
}

}  // namespace

size_t RegistryCleaner::forgetOrphans(Registry& registry) const {
  std::vector<std::string> gone;
  for (const auto& [key, state] : registry.states()) {
    if (state.path.empty() || (held && held(state)) || (kept && kept(state))) continue;
    if (directoryGone(state.path)) gone.push_back(key);
  }
  for (const auto& key : gone) {
    const FileState& state = registry.states().at(key);
    log::info(*log::get("registry"), "state forgotten: no input holds it and its file's directory is gone",
              {{"file", state.path}, {"scope", state.scope}, {"offset", state.offset}});
    registry.erase(key);
  }
  return gone.size();
}

}  // namespace logship::tail
