#pragma once
// Finds the files an input's `paths` match: glob(3) with Filebeat's recursive `**` (expanded to
// up to 8 directory levels, as Filebeat does), exclude_files (RE2 on the path), regular files only.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace re2 {
class RE2;
}

namespace logship::tail {

struct FoundFile {
  std::string path;
  uint64_t dev = 0;
  uint64_t inode = 0;
  uint64_t size = 0;
  int64_t mtime_ms = 0;  // unix ms
};

class Scanner {
 public:
  // Throws Error(kConfigInvalid) on an invalid exclude pattern.
  Scanner(std::vector<std::string> patterns, const std::vector<std::string>& exclude_files);
  ~Scanner();
  // Sorted by path, each file once (even when several patterns match it).
  std::vector<FoundFile> scan() const;
  bool excluded(const std::string& path) const;
  // `path` is one scan() would find by name (a pattern matches it, exclude_files does not):
  // Filebeat's matchesFile, which decides which registry states an input looks after.
  bool matches(const std::string& path) const;

  // `a/**/b` -> `a/b`, `a/*/b`, ..., up to `max_depth` levels.
  static std::vector<std::string> expandRecursive(const std::string& pattern, int max_depth = 8);

 private:
  std::vector<std::string> globs_;
  std::vector<std::unique_ptr<re2::RE2>> exclude_;
};

}  // namespace logship::tail
