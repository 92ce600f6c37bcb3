#include "logship/tail/scanner.h"

#include <algorithm>
#include <set>

#include <fnmatch.h>
#include <glob.h>
#include <sys/stat.h>

#include <re2/re2.h>

#include "logship/common/error.h"

namespace logship::tail {

std::vector<std::string> Scanner::expandRecursive(const std::string& pattern, int max_depth) {
  const size_t pos = pattern.find("**");
  if (pos == std::string::npos) return {pattern};
  std::string before = pattern.substr(0, pos);
  std::string after = pattern.substr(pos + 2);
  if (!after.empty() && after.front() == '/') after.erase(0, 1);
  std::vector<std::string> out;
  std::string stars;
  for (int depth = 0; depth <= max_depth; ++depth) {
    // depth 0: `a/b` ; depth 1: `a/*/b` ; ...
    std::string p = before + stars + after;
    if (after.empty() && !p.empty() && p.back() == '/') p += "*";
    for (auto& rest : expandRecursive(p, max_depth)) out.push_back(rest);
    stars += "*/";
  }
  return out;
}

Scanner::Scanner(std::vector<std::string> patterns, const std::vector<std::string>& exclude_files) {
  for (const auto& p : patterns) {
    for (auto& g : expandRecursive(p)) globs_.push_back(std::move(g));
  }
  for (const auto& e : exclude_files) {
    auto re = std::make_unique<re2::RE2>(e, re2::RE2::Quiet);
    if (!re->ok()) throw Error(ErrorCode::kConfigInvalid, "invalid exclude_files pattern \"" + e + "\"", re->error());
    exclude_.push_back(std::move(re));
  }
}

Scanner::~Scanner() = default;

bool Scanner::excluded(const std::string& path) const {
  for (const auto& re : exclude_) {
    if (re2::RE2::PartialMatch(path, *re)) return true;
  }
  return false;
}

bool Scanner::matches(const std::string& path) const {
  for (const auto& g : globs_) {
    if (::fnmatch(g.c_str(), path.c_str(), FNM_PATHNAME) == 0) return !excluded(path);
  }
  return false;
}

std::vector<FoundFile> Scanner::scan() const {
  std::set<std::string> seen;
  std::vector<FoundFile> out;
  for (const auto& pattern : globs_) {
    glob_t g{};
    if (::glob(pattern.c_str(), GLOB_NOSORT, nullptr, &g) == 0) {
      for (size_t i = 0; i < g.gl_pathc; ++i) {
        std::string path = g.gl_pathv[i];
        if (seen.count(path) || excluded(path)) continue;
        struct stat st {};
        if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
        seen.insert(path);
        FoundFile f;
        f.path = std::move(path);
        f.dev = static_cast<uint64_t>(st.st_dev);
        f.inode = static_cast<uint64_t>(st.st_ino);
        f.size = static_cast<uint64_t>(st.st_size);
        f.mtime_ms = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1000000;
        out.push_back(std::move(f));
      }
    }
    globfree(&g);
  }
  std::sort(out.begin(), out.end(), [](const FoundFile& a, const FoundFile& b) { return a.path < b.path; });
  return out;
}

}  // namespace logship::tail
