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

PairScan scanPair(const Event& event, std::string_view from, std::string_view to) {
  // One walk over the entries answers what has(to), has(from) and rebasable() asked in four.
  bool to_below = false, from_below = false, to_above = false, from_above = false;
  // Keys at, under or above a path start with its first byte: the others are passed over on one
  // comparison (paths are never empty: the config refuses an empty from or to).
  const char to_first = to.empty() ? '\0' : to.front(), from_first = from.empty() ? '\0' : from.front();
  const bool filter = !to.empty() && !from.empty();
  for (const auto& e : event.entries()) {
    if (e.removed) continue;
    if (filter && (e.key.empty() || (e.key.front() != to_first && e.key.front() != from_first))) continue;
    if (keyUnder(e.key, to)) {
      to_below = true;
    } else if (e.key.size() < to.size() && keyUnder(to, e.key)) {
      to_above = true;
    }
    if (keyUnder(e.key, from)) {
      from_below = true;
    } else if (e.key.size() < from.size() && keyUnder(from, e.key)) {
      from_above = true;
    }
  }
  PairScan scan;
  // Only an entry above a path can hold it inside a raw object: look inside then (rare).
  scan.to_exists = to_below || (to_above && event.has(to));
  scan.from_exists = from_below || (from_above && event.has(from));
  scan.rebasable = from_below && !to_above;
  return scan;
}

bool moveField(Event& event, std::string_view from, std::string_view to, bool rebasable) {
  if (!rebasable) {
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

bool copyField(Event& event, std::string_view from, std::string_view to, bool rebasable) {
  if (!rebasable) {
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

bool moveField(Event& event, std::string_view from, std::string_view to) {
  return moveField(event, from, to, scanPair(event, from, to).rebasable);
}

bool copyField(Event& event, std::string_view from, std::string_view to) {
  return copyField(event, from, to, scanPair(event, from, to).rebasable);
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
std::string pairError(const PairScan& scan, const FromTo& ft, bool ignore_missing, bool& skip) {
  skip = false;
  if (scan.to_exists) return "target field " + ft.to + " already exists, drop or rename this field first";
  if (scan.from_exists) return {};
  if (ignore_missing) {
    skip = true;
    return {};
  }
  return "could not fetch value for key: " + ft.from + ", Error: key not found";
}
}  // namespace

void applyFromTo(Event& event, const std::vector<FromTo>& fields, FromToOptions options, FieldOp op,
                 std::string_view error_prefix) {
  // The backup is taken before the first pair that changes the event, and only when a failure
  // could follow: another pair, or a put that can fail (not rebasable). A rename of one field to a
  // free key, the common case, needs none.
  std::optional<EntriesBackup> backup;
  for (size_t i = 0; i < fields.size(); ++i) {
    const FromTo& ft = fields[i];
    const PairScan scan = scanPair(event, ft.from, ft.to);
    bool skip = false;
    const std::string error = pairError(scan, ft, options.ignore_missing, skip);
    if (skip) continue;
    std::string put_error;
    if (error.empty()) {
      const bool last = i + 1 == fields.size();
      if (options.fail_on_error && !backup && (!last || !scan.rebasable)) backup.emplace(event);
      if (op(event, ft.from, ft.to, scan.rebasable)) continue;
      // mapstr's Put failed: a value that is not an object lies on the way to `to`.
      put_error = "could not put value: " + ft.to + ": expected map";
    }
    const std::string& why = error.empty() ? put_error : error;
    static const auto logger = log::get("processors");
    if (logger->should_log(spdlog::level::debug)) log::debug(*logger, std::string(error_prefix) + why, {});
    if (!options.fail_on_error) continue;
    if (backup) backup->restore(event);  // none: nothing was changed yet
    flagProcessorError(event, std::string(error_prefix) + why);
    return;
  }
}

}  // namespace logship::tail::processors
