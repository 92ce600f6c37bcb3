#include "logship/tail/condition.h"

#include <re2/re2.h>

#include <charconv>
#include <cstdlib>

#include "condition_network.h"
#include "logship/tail/event.h"

namespace logship::tail {
namespace {

bool isInteger(std::string_view s) {
  size_t i = !s.empty() && (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (i == s.size()) return false;
  for (; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}

// A plain scalar's number, as YAML reads it (quoted scalars are strings).
std::optional<double> parseNumber(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::string text(s);
  char* end = nullptr;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return v;
}

bool quoted(const config::Node& n) { return n.yaml().Tag() == "!"; }

// What libbeat sees at `e`: its Go type (string, number, bool, other) and text.
enum class ValueType { kString, kInteger, kFloat, kBool, kOther };
ValueType typeOf(const Entry& e) {
  if (e.kind == Entry::Kind::kString) return ValueType::kString;
  const std::string_view v = e.value;
  if (v.empty()) return ValueType::kOther;
  if (v.front() == '"') return ValueType::kString;
  if (v == "true" || v == "false") return ValueType::kBool;
  if (isInteger(v)) return ValueType::kInteger;  // jsontransform.TransformNumbers: int64
  if (parseNumber(v)) return ValueType::kFloat;
  return ValueType::kOther;
}

// A uint64 as libbeat's ExtractInt makes of an int64 (negative numbers wrap the same way).
uint64_t asUint(std::string_view s) {
  if (!s.empty() && s[0] == '-') {
    uint64_t v = 0;
    std::from_chars(s.data() + 1, s.data() + s.size(), v);
    return ~v + 1;
  }
  uint64_t v = 0;
  std::from_chars(s.data() + (!s.empty() && s[0] == '+'), s.data() + s.size(), v);
  return v;
}

bool inRange(double v, const std::optional<double>& gte, const std::optional<double>& gt,
             const std::optional<double>& lte, const std::optional<double>& lt) {
  return (!gte || v >= *gte) && (!gt || v > *gt) && (!lte || v <= *lte) && (!lt || v < *lt);
}

}  // namespace

Condition::~Condition() = default;

void Condition::addCheck(Condition& c, const std::string& field, const config::Node& value) {
  if (c.kind_ == Kind::kRange) {
    // `http.code.gte: 400`: the last segment is the operator, the rest the field.
    const size_t dot = field.rfind('.');
    const std::string op = dot == std::string::npos ? field : field.substr(dot + 1);
    const std::string target = dot == std::string::npos ? std::string() : field.substr(0, dot);
    const auto number = quoted(value) ? std::nullopt : parseNumber(value.str());
    if (op != "gte" && op != "gt" && op != "lte" && op != "lt") value.fail("unexpected range operator " + op);
    if (!number) value.fail("range needs a number");
    Check* check = nullptr;
    for (auto& existing : c.checks_)
      if (existing.field == target) check = &existing;
    if (check == nullptr) check = &c.checks_.emplace_back(Check{target, {}, Type::kString, {}, {}, {}, {}, {}, {}});
    (op == "gte" ? check->gte : op == "gt" ? check->gt : op == "lte" ? check->lte : check->lt) = number;
    return;
  }
  Check check;
  check.field = field;
  if (c.kind_ == Kind::kNetwork) {
    for (const auto& item : value.items()) {
      auto m = NetworkMatcher::parse(item.str());
      if (!m)
        item.fail(
            "failed to parse CIDR, values must be an IP address and prefix length, like '192.0.2.0/24' or "
            "'2001:db8::/32', or a named network (loopback, unicast, multicast, private, public, ...)");
      check.networks.push_back(std::make_shared<NetworkMatcher>(*m));
    }
    c.checks_.push_back(std::move(check));
    return;
  }
  if (value.isSequence()) value.fail("expected a single value");
  check.value = value.str();
  if (c.kind_ == Kind::kEquals && !quoted(value)) {
    // libbeat's equals takes ints, strings and bools: a float is a configuration error.
    if (isInteger(check.value)) {
      check.type = Type::kInteger;
    } else if (check.value == "true" || check.value == "false") {
      check.type = Type::kBool;
    } else if (parseNumber(check.value)) {
      value.fail("equals takes strings, integers and booleans only");
    }
  }
  if (c.kind_ == Kind::kRegexp) {
    check.regexp = std::make_shared<re2::RE2>(check.value, re2::RE2::Quiet);
    if (!check.regexp->ok()) value.fail("invalid regexp: " + check.regexp->error());
  }
  c.checks_.push_back(std::move(check));
}

// `equals: {fields.app: api}` reaches here as {fields: {app: api}} (go-ucfg splits dotted keys):
// nested maps are field paths, joined back with dots.
void Condition::addChecks(Condition& c, const config::Node& map, const std::string& prefix) {
  for (const auto& [key, value] : map.entries()) {
    if (value.isMap()) {
      addChecks(c, value, prefix + key + ".");
      continue;
    }
    addCheck(c, prefix + key, value);
  }
}

std::shared_ptr<const Condition> Condition::parse(const config::Node& node) {
  static const char* kSupported = "equals, contains, regexp, range, network, has_fields, and, or, not";
  auto out = std::make_shared<Condition>();
  const auto entries = node.entries();
  if (entries.empty()) node.fail(std::string("expected a condition (") + kSupported + ")");
  // Several operators in one map: all must hold.
  out->kind_ = Kind::kAnd;
  auto parseOne = [](const std::string& name, const config::Node& child) {
    auto c = std::make_shared<Condition>();
    static const std::pair<const char*, Kind> kFieldConditions[] = {{"equals", Kind::kEquals},
                                                                    {"contains", Kind::kContains},
                                                                    {"regexp", Kind::kRegexp},
                                                                    {"range", Kind::kRange},
                                                                    {"network", Kind::kNetwork}};
    for (const auto& [op, kind] : kFieldConditions) {
      if (name != op) continue;
      c->kind_ = kind;
      addChecks(*c, child, "");
      if (c->checks_.empty()) child.fail("expected a map of field: value");
      return std::shared_ptr<const Condition>(c);
    }
    if (name == "has_fields") {
      c->kind_ = Kind::kHasFields;
      c->fields_ = child.strings();
    } else if (name == "and" || name == "or") {
      c->kind_ = name == "and" ? Kind::kAnd : Kind::kOr;
      for (const auto& item : child.items()) c->children_.push_back(parse(item));
    } else if (name == "not") {
      c->kind_ = Kind::kNot;
      c->children_.push_back(parse(child));
    } else {
      child.fail("unsupported condition \"" + name + "\" (supported: " + kSupported + ")");
    }
    return std::shared_ptr<const Condition>(c);
  };
  if (entries.size() == 1) return parseOne(entries[0].first, entries[0].second);
  for (const auto& [name, child] : entries) out->children_.push_back(parseOne(name, child));
  return out;
}

bool Condition::checkMatches(const Check& check, const Event& event) const {
  Entry e;
  if (!event.lookup(check.field, e)) return false;
  std::string scratch;
  const ValueType type = typeOf(e);
  switch (kind_) {
    case Kind::kEquals:
      if (check.type == Type::kInteger) return type == ValueType::kInteger && asUint(e.value) == asUint(check.value);
      if (check.type == Type::kBool) return type == ValueType::kBool && e.value == check.value;
      return type == ValueType::kString && Event::text(e, scratch) == check.value;
    case Kind::kContains:
    case Kind::kRegexp: {
      const std::string_view text = Event::text(e, scratch);
      if (kind_ == Kind::kContains) return text.find(check.value) != std::string_view::npos;
      return re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *check.regexp);
    }
    case Kind::kRange: {
      // Numbers, and strings holding one (libbeat's ExtractFloat parses strings).
      if (type != ValueType::kInteger && type != ValueType::kFloat && type != ValueType::kString) return false;
      const auto v = parseNumber(Event::text(e, scratch));
      return v && inRange(*v, check.gte, check.gt, check.lte, check.lt);
    }
    case Kind::kNetwork: {
      // libbeat's extractIP takes a string (decoded JSON arrays are []interface{}: no match).
      if (type != ValueType::kString) return false;
      const auto ip = parseIp(Event::text(e, scratch));
      if (!ip) return false;
      for (const auto& n : check.networks)
        if (n->contains(*ip)) return true;
      return false;
    }
    default:
      return false;
  }
}

bool Condition::matches(const Event& event) const {
  switch (kind_) {
    case Kind::kEquals:
    case Kind::kContains:
    case Kind::kRegexp:
    case Kind::kRange:
    case Kind::kNetwork:
      for (const auto& check : checks_)
        if (!checkMatches(check, event)) return false;
      return true;
    case Kind::kHasFields:
      for (const auto& f : fields_) {
        if (!event.has(f)) return false;
      }
      return true;
    case Kind::kAnd:
      for (const auto& c : children_) {
        if (!c->matches(event)) return false;
      }
      return true;
    case Kind::kOr:
      for (const auto& c : children_) {
        if (c->matches(event)) return true;
      }
      return false;
    case Kind::kNot:
      return !children_.front()->matches(event);
  }
  return false;
}

}  // namespace logship::tail
