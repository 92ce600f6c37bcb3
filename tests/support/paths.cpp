#include "support/paths.h"

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <stdlib.h>

namespace logship::testing {

std::filesystem::path sourceDir() { return LOGSHIP_SOURCE_DIR; }
std::filesystem::path binaryDir() { return LOGSHIP_BINARY_DIR; }
std::filesystem::path checkedInSharedDir() { return sourceDir() / "tests" / "data" / "shared"; }

std::filesystem::path sharedDir() {
  // ../shared beside the checkout when it is there (a developer machine); a clone elsewhere (CI)
  // uses the copy under tests/data/shared, which SharedCopy.MatchesTheOriginal keeps identical.
  if (const char* env = std::getenv("LOGSHIP_SHARED_DIR")) return env;
  const auto beside = sourceDir().parent_path() / "shared";
  if (std::filesystem::exists(beside / "reference-configs")) return beside;
  return checkedInSharedDir();
}
std::filesystem::path daemonPath(const std::string& name) { return binaryDir() / name; }

TempDir::TempDir() {
  std::string templ = (std::filesystem::temp_directory_path() / "logship-test-XXXXXX").string();
  if (!mkdtemp(templ.data())) throw std::runtime_error("mkdtemp failed");
  path_ = templ;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void writeFile(const std::filesystem::path& path, const std::string& content) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("cannot write " + path.string());
  out << content;
}

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace logship::testing
