// add_tags: appends `tags` to the array at `target` (default `tags`), as libbeat's
// mapstr.AddTagsWithKey: created when absent, appended to without de-duplication, and left as it
// is when the field is not an array (libbeat's error there is ignored by add_tags).
#include <string>
#include <vector>

#include "logship/common/json.h"
#include "logship/tail/event.h"
#include "logship/tail/processor.h"

namespace logship::tail {

void addTags(Event& event, std::string_view key, std::string_view members) {
  const Entry* existing = event.find(key);
  thread_local std::string merged;  // reused: no allocation once it has grown
  merged.clear();
  if (!existing) {
    merged.append("[").append(members).append("]");
  } else {
    const std::string_view v = existing->value;
    const size_t open = v.find_first_not_of(" \t\r\n");
    const size_t close = v.find_last_not_of(" \t\r\n");
    if (existing->kind != Entry::Kind::kRaw || open == std::string_view::npos || v[open] != '[' || v[close] != ']')
      return;
    const std::string_view inner = v.substr(open + 1, close - open - 1);
    merged.push_back('[');
    if (inner.find_first_not_of(" \t\r\n") != std::string_view::npos) merged.append(inner).push_back(',');
    merged.append(members).append("]");
  }
  event.setRaw(key, event.arena().copy(merged));
}

namespace processors {
namespace {

class AddTags final : public Processor {
 public:
  AddTags(std::string target, const std::vector<std::string>& tags) : target_(std::move(target)) {
    for (const auto& tag : tags) {
      if (!members_.empty()) members_.push_back(',');
      json::appendString(members_, tag);
    }
  }

  std::optional<std::vector<std::string>> addedFields() const override { return std::vector<std::string>{target_}; }

  void run(Event& event) const override { addTags(event, target_, members_); }

 private:
  std::string target_;
  std::string members_;  // the tags as JSON strings, comma-separated
};

}  // namespace

std::unique_ptr<const Processor> parseAddTags(const config::Node& node) {
  const auto tags = node.child("tags");
  if (!tags.exists()) tags.fail("add_tags needs tags");
  const std::vector<std::string> list = tags.strings();
  std::string target = node.child("target").str("");
  if (target.empty()) target = "tags";
  return std::make_unique<AddTags>(std::move(target), list);
}

}  // namespace processors
}  // namespace logship::tail
