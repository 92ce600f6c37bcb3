#pragma once
// include_lines / exclude_lines (RE2, any match). Empty lists cost nothing.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace re2 {
class RE2;
}

namespace logship::tail {

class LineFilter {
 public:
  // Throws Error(kConfigInvalid) on an invalid expression.
  LineFilter(const std::vector<std::string>& include, const std::vector<std::string>& exclude);
  ~LineFilter();
  bool active() const { return !include_.empty() || !exclude_.empty(); }
  // True when the line is kept.
  bool keep(std::string_view line) const;

 private:
  std::vector<std::unique_ptr<re2::RE2>> include_;
  std::vector<std::unique_ptr<re2::RE2>> exclude_;
};

}  // namespace logship::tail
