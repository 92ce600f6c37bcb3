#include "logship/tail/condition.h"

#include <re2/re2.h>

#include "logship/tail/event.h"

namespace logship::tail {

Condition::~Condition() = default;

// `equals: {fields.app: api}` reaches here as {fields: {app: api}} (go-ucfg splits dotted keys):
// nested maps are field paths, joined back with dots.
void Condition::addChecks(Condition& c, const config::Node& map, const std::string& prefix) {
  for (const auto& [key, value] : map.entries()) {
    if (value.isMap()) {
      addChecks(c, value, prefix + key + ".");
      continue;
    }
    Check check;
    check.field = prefix + key;
    check.value = value.str();
    if (c.kind_ == Kind::kRegexp) {
      check.regexp = std::make_shared<re2::RE2>(check.value, re2::RE2::Quiet);
      if (!check.regexp->ok()) value.fail("invalid regexp: " + check.regexp->error());
    }
    c.checks_.push_back(std::move(check));
  }
}

std::shared_ptr<const Condition> Condition::parse(const config::Node& node) {
  auto out = std::make_shared<Condition>();
  const auto entries = node.entries();
  if (entries.empty()) node.fail("expected a condition (equals, contains, regexp, has_fields, and, or, not)");
  // Several operators in one map: all must hold.
  out->kind_ = Kind::kAnd;
  auto parseOne = [](const std::string& name, const config::Node& child) {
    auto c = std::make_shared<Condition>();
    if (name == "equals" || name == "contains" || name == "regexp") {
      c->kind_ = name == "equals" ? Kind::kEquals : name == "contains" ? Kind::kContains : Kind::kRegexp;
      addChecks(*c, child, "");
      if (c->checks_.empty()) child.fail("expected a map of field: value");
    } else if (name == "has_fields") {
      c->kind_ = Kind::kHasFields;
      c->fields_ = child.strings();
    } else if (name == "and" || name == "or") {
      c->kind_ = name == "and" ? Kind::kAnd : Kind::kOr;
      for (const auto& item : child.items()) c->children_.push_back(parse(item));
    } else if (name == "not") {
      c->kind_ = Kind::kNot;
      c->children_.push_back(parse(child));
    } else {
      child.fail("unsupported condition \"" + name +
                 "\" (supported: equals, contains, regexp, has_fields, and, or, not)");
    }
    return std::shared_ptr<const Condition>(c);
  };
  if (entries.size() == 1) return parseOne(entries[0].first, entries[0].second);
  for (const auto& [name, child] : entries) out->children_.push_back(parseOne(name, child));
  return out;
}

bool Condition::matches(const Event& event) const {
  std::string scratch;
  switch (kind_) {
    case Kind::kEquals:
    case Kind::kContains:
    case Kind::kRegexp:
      for (const auto& check : checks_) {
        const Entry* e = event.find(check.field);
        if (!e) return false;
        const std::string_view text = Event::text(*e, scratch);
        if (kind_ == Kind::kEquals && text != check.value) return false;
        if (kind_ == Kind::kContains && text.find(check.value) == std::string_view::npos) return false;
        if (kind_ == Kind::kRegexp &&
            !re2::RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *check.regexp))
          return false;
      }
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
