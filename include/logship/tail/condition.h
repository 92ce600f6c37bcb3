#pragma once
// Filebeat's `when` conditions (libbeat/conditions): equals (typed: strings, integers and bools
// compare only with their own type), contains, regexp, range (gt/gte/lt/lte on numbers), network
// (CIDRs and named ranges), has_fields, and, or, not. Fields are dotted paths, inside raw JSON too.
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "logship/common/config.h"

namespace re2 {
class RE2;
}

namespace logship::tail {

class Event;
class NetworkMatcher;

class Condition {
 public:
  enum class Kind { kEquals, kContains, kRegexp, kRange, kNetwork, kHasFields, kAnd, kOr, kNot };
  ~Condition();
  bool matches(const Event& event) const;

  // Parses the map under `when` (or a nested condition). Throws ConfigError on unknown operators.
  static std::shared_ptr<const Condition> parse(const config::Node& node);

 private:
  enum class Type { kString, kInteger, kBool };  // equals: the configured value's YAML type
  struct Check {
    std::string field;
    std::string value;  // equals / contains
    Type type = Type::kString;
    std::shared_ptr<re2::RE2> regexp;                       // regexp
    std::optional<double> gte, gt, lte, lt;                 // range
    std::vector<std::shared_ptr<NetworkMatcher>> networks;  // network: any of them
  };
  static void addChecks(Condition& c, const config::Node& map, const std::string& prefix);
  static void addCheck(Condition& c, const std::string& field, const config::Node& value);
  bool checkMatches(const Check& check, const Event& event) const;

  Kind kind_ = Kind::kAnd;
  std::vector<Check> checks_;        // all must hold
  std::vector<std::string> fields_;  // has_fields
  std::vector<std::shared_ptr<const Condition>> children_;
};

}  // namespace logship::tail
