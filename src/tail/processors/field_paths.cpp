#include "field_paths.h"

#include <optional>

#include "logship/common/logging.h"
#include "logship/tail/processor.h"

namespace logship::tail::processors {
namespace {

// `to` + the part of `key` after `from`, copied into the event's arena (keys must outlive the call).
std::string_view rebasedKey(Event& event, std::string_view key, std::string_view from, std::string_view to) {
  if (key.size() == from.size()) return event.arena().copy(to);
  thread_local std::string scratch;
  scratch.assign(to);
  scratch.append(key.substr(from.size()));
  return event.arena().copy(scratch);
}

}  // namespace

std::vector<FromTo> parseFromToList(const config::Node& node, std::string_view what, bool require_to) {
  std::vector<FromTo> out;
  const config::Node fields = node.child("fields");
  for (const auto& item : fields.items()) {
    FromTo ft{item.child("from").str(), item.child("to").str()};
    if (ft.from.empty()) item.fail(std::string(what) + " needs a non-empty from in each fields item");
    if (ft.to.empty() && require_to) item.fail(std::string(what) + " needs a non-empty to in each fields item");
    out.push_back(std::move(ft));
  }
  if (out.empty()) node.fail(std::string(what) + " needs a list of {from, to} under fields");
  return out;
}

namespace {

// Whether rebasing entry keys moves or copies `from` to `to`: `from` is held by entries of its own
// (not inside a raw object) and nothing lies above `to` (no raw object to write into, no value
// that would make the put fail).
bool rebasable(Event& event, std::string_view from, std::string_view to) {
  if (event.ancestor(to) != nullptr) return false;
  for (const auto& e : event.entries())
    if (!e.removed && keyUnder(e.key, from)) return true;
  return false;
}

}  // namespace

bool moveField(Event& event, std::string_view from, std::string_view to) {
  if (!rebasable(event, from, to)) {
    // libbeat's order: the value is read, deleted, then put (so `a` can become `a.b`).
    Entry value;
    if (!event.subtree(from, value)) return false;
    event.remove(from);
    return event.set(to, value.value, value.kind);
  }
  for (auto& e : event.entries()) {
    if (e.removed || !keyUnder(e.key, from)) continue;
    e.key = rebasedKey(event, e.key, from, to);
  }
  return true;
}

bool copyField(Event& event, std::string_view from, std::string_view to) {
  if (!rebasable(event, from, to)) {
    Entry value;
    return event.subtree(from, value) && event.set(to, value.value, value.kind);
  }
  auto& entries = event.entries();
  const size_t n = entries.size();  // the copies appended below are not visited again
  for (size_t i = 0; i < n; ++i) {
    if (entries[i].removed || !keyUnder(entries[i].key, from)) continue;
    const std::string_view key = rebasedKey(event, entries[i].key, from, to);
    event.append(key, entries[i].value, entries[i].kind);
  }
  return true;
}

namespace {
std::vector<Entry>& backupBuffer() {
  thread_local std::vector<Entry> buffer;
  return buffer;
}
}  // namespace

EntriesBackup::EntriesBackup(const Event& event) : saved_(backupBuffer()) {
  saved_.assign(event.entries().begin(), event.entries().end());
}

void EntriesBackup::restore(Event& event) const { event.entries().assign(saved_.begin(), saved_.end()); }

FromToOptions parseFromToOptions(const config::Node& node) {
  FromToOptions o;
  o.ignore_missing = node.child("ignore_missing").boolean(false);
  o.fail_on_error = node.child("fail_on_error").boolean(true);
  return o;
}

namespace {
// The failure of one pair, as libbeat words it; empty when the pair can be applied or skipped.
std::string pairError(const Event& event, const FromTo& ft, bool ignore_missing, bool& skip) {
  skip = false;
  if (event.has(ft.to)) return "target field " + ft.to + " already exists, drop or rename this field first";
  if (event.has(ft.from)) return {};
  if (ignore_missing) {
    skip = true;
    return {};
  }
  return "could not fetch value for key: " + ft.from + ", Error: key not found";
}
}  // namespace

void applyFromTo(Event& event, const std::vector<FromTo>& fields, FromToOptions options, FieldOp op,
                 std::string_view error_prefix) {
  std::optional<EntriesBackup> backup;
  if (options.fail_on_error) backup.emplace(event);
  for (const auto& ft : fields) {
    bool skip = false;
    const std::string error = pairError(event, ft, options.ignore_missing, skip);
    if (skip) continue;
    std::string put_error;
    if (error.empty()) {
      if (op(event, ft.from, ft.to)) continue;
      // mapstr's Put failed: a value that is not an object lies on the way to `to`.
      put_error = "could not put value: " + ft.to + ": expected map";
    }
    const std::string& why = error.empty() ? put_error : error;
    static const auto logger = log::get("processors");
    if (logger->should_log(spdlog::level::debug)) log::debug(*logger, std::string(error_prefix) + why, {});
    if (!options.fail_on_error) continue;
    backup->restore(event);
    flagProcessorError(event, std::string(error_prefix) + why);
    return;
  }
}

}  // namespace logship::tail::processors
