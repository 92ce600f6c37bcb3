#include "logship/tail/line_filter.h"

#include <re2/re2.h>

#include "logship/common/error.h"

namespace logship::tail {
namespace {

std::vector<std::unique_ptr<re2::RE2>> compile(const std::vector<std::string>& patterns, const char* what) {
  std::vector<std::unique_ptr<re2::RE2>> out;
  for (const auto& p : patterns) {
    auto re = std::make_unique<re2::RE2>(p, re2::RE2::Quiet);
    if (!re->ok())
      throw Error(ErrorCode::kConfigInvalid, std::string("invalid ") + what + " pattern \"" + p + "\"", re->error());
    out.push_back(std::move(re));
  }
  return out;
}

bool anyMatch(const std::vector<std::unique_ptr<re2::RE2>>& list, std::string_view line) {
  const re2::StringPiece text(line.data(), line.size());
  for (const auto& re : list) {
    if (re2::RE2::PartialMatch(text, *re)) return true;
  }
  return false;
}

}  // namespace

LineFilter::LineFilter(const std::vector<std::string>& include, const std::vector<std::string>& exclude)
    : include_(compile(include, "include_lines")), exclude_(compile(exclude, "exclude_lines")) {}

LineFilter::~LineFilter() = default;

bool LineFilter::keep(std::string_view line) const {
  if (!include_.empty() && !anyMatch(include_, line)) return false;
  if (!exclude_.empty() && anyMatch(exclude_, line)) return false;
  return true;
}

}  // namespace logship::tail
