// drop_fields: removes the listed fields (prefix match on dotted keys) and, for `/regexp/` names
// (Filebeat 8), every field whose dotted key or one of its parents' keys the expression matches
// anywhere (unanchored, as libbeat's match.Matcher); @timestamp and @metadata are never dropped.
#include <re2/re2.h>

#include <memory>
#include <string>
#include <vector>

#include "logship/common/logging.h"
#include "logship/tail/event.h"
#include "logship/tail/processor.h"

namespace logship::tail::processors {
namespace {

void logMissingField(std::string_view field) {
  static const auto logger = log::get("processors");
  if (logger->should_log(spdlog::level::debug)) log::debug(*logger, "drop_fields: field not found", {{"field", field}});
}

bool isProtected(std::string_view key) { return key == "@timestamp" || keyUnder(key, "@metadata"); }

// The first of `key`'s parents ("a", "a.b") or `key` itself that `re` matches; empty when none.
std::string_view matchingPath(std::string_view key, const re2::RE2& re) {
  for (size_t end = key.find('.');; end = key.find('.', end + 1)) {
    const std::string_view path = key.substr(0, end);
    if (re2::RE2::PartialMatch(re2::StringPiece(path.data(), path.size()), re)) return path;
    if (end == std::string_view::npos) return {};
  }
}

class DropFields final : public Processor {
 public:
  DropFields(std::vector<std::string> fields, std::vector<std::unique_ptr<re2::RE2>> regexps, bool ignore_missing)
      : fields_(std::move(fields)), regexps_(std::move(regexps)), ignore_missing_(ignore_missing) {}
  std::optional<std::vector<std::string>> addedFields() const override { return std::vector<std::string>{}; }
  void run(Event& event) const override {
    for (const auto& f : fields_) {
      if (isProtected(f)) continue;
      // As in libbeat: a missing field is an error of the processor, which is only logged at
      // debug level (the event goes on); ignore_missing silences it.
      if (!event.remove(f) && !ignore_missing_) logMissingField(f);
    }
    if (!regexps_.empty()) dropMatching(event);
  }

 private:
  void dropMatching(Event& event) const {
    auto& entries = event.entries();
    for (size_t i = 0; i < entries.size(); ++i) {
      if (entries[i].removed || isProtected(entries[i].key)) continue;
      for (const auto& re : regexps_) {
        const std::string_view path = matchingPath(entries[i].key, *re);
        if (path.empty()) continue;
        event.remove(path);
        break;
      }
    }
  }

  std::vector<std::string> fields_;
  std::vector<std::unique_ptr<re2::RE2>> regexps_;
  bool ignore_missing_;
};

}  // namespace

std::unique_ptr<const Processor> parseDropFields(const config::Node& node) {
  const config::Node list = node.child("fields");
  std::vector<std::string> fields;
  std::vector<std::unique_ptr<re2::RE2>> regexps;
  for (auto& f : list.strings()) {
    if (f.size() > 2 && f.front() == '/' && f.back() == '/') {
      auto re = std::make_unique<re2::RE2>(f.substr(1, f.size() - 2), re2::RE2::Quiet);
      if (!re->ok()) list.fail("invalid regexp " + f + ": " + re->error());
      regexps.push_back(std::move(re));
    } else {
      fields.push_back(std::move(f));
    }
  }
  const bool ignore_missing = node.child("ignore_missing").boolean(false);
  if (fields.empty() && regexps.empty()) node.fail("drop_fields needs a list under fields");
  return std::make_unique<DropFields>(std::move(fields), std::move(regexps), ignore_missing);
}

}  // namespace logship::tail::processors
