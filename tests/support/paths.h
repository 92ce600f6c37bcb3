#pragma once
// Where tests find the built daemons, the source tree and ../shared, and a scratch directory
// that is removed when the test ends.
#include <filesystem>
#include <string>

namespace logship::testing {

std::filesystem::path sourceDir();
std::filesystem::path binaryDir();
std::filesystem::path sharedDir();                          // ../shared beside the project root, else tests/data/shared
std::filesystem::path checkedInSharedDir();                 // tests/data/shared: the copy of ../shared in the repo
std::filesystem::path daemonPath(const std::string& name);  // "logship-tail", "logship-stash"

class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  std::filesystem::path operator/(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

void writeFile(const std::filesystem::path& path, const std::string& content);
std::string readFile(const std::filesystem::path& path);

}  // namespace logship::testing
