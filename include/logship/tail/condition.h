#pragma once
// Filebeat's `when` conditions: equals, contains, regexp, has_fields, and, or, not.
#include <memory>
#include <string>
#include <vector>

#include "logship/common/config.h"

namespace re2 {
class RE2;
}

namespace logship::tail {

class Event;

class Condition {
 public:
  enum class Kind { kEquals, kContains, kRegexp, kHasFields, kAnd, kOr, kNot };
  ~Condition();
  bool matches(const Event& event) const;

  // Parses the map under `when` (or a nested condition). Throws ConfigError on unknown operators.
  static std::shared_ptr<const Condition> parse(const config::Node& node);

 private:
  struct Check {
    std::string field;
    std::string value;                 // equals / contains
    std::shared_ptr<re2::RE2> regexp;  // regexp
  };
  static void addChecks(Condition& c, const config::Node& map, const std::string& prefix);

  Kind kind_ = Kind::kAnd;
  std::vector<Check> checks_;        // all must hold
  std::vector<std::string> fields_;  // has_fields
  std::vector<std::shared_ptr<const Condition>> children_;
};

}  // namespace logship::tail
