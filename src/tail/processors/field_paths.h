#pragma once
// What rename and copy_fields share: their `fields: [{from, to}]` list, moving or copying a field
// (the entry under that dotted key and every entry below it), and libbeat's rollback of an event
// to its state before the processor when fail_on_error is set.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "logship/common/config.h"
#include "logship/tail/event.h"
#include "logship/tail/processor.h"

namespace logship::tail::processors {

struct FromTo {
  std::string from;
  std::string to;
};

// `fields: [{from: a, to: b}, ...]`; fails naming `what` (the processor) when the list is empty or
// an item lacks from (or to, when `require_to`; urldecode's `to` defaults to `from`).
std::vector<FromTo> parseFromToList(const config::Node& node, std::string_view what, bool require_to = true);

// What one walk over the entries tells about a {from, to} pair.
struct PairScan {
  bool to_exists = false;    // Event::has(to)
  bool from_exists = false;  // Event::has(from)
  // `from` is held by entries of its own (not inside a raw object) and nothing lies above `to` (no
  // raw object to write into, no value that would make the put fail): moving or copying is
  // rebasing entry keys, and cannot fail.
  bool rebasable = false;
};
PairScan scanPair(const Event& event, std::string_view from, std::string_view to);

// Gives every live entry at or under `from` the key `to` + its rest; false when there is none.
// `rebasable` as scanPair() found it (the three-argument form scans itself).
bool moveField(Event& event, std::string_view from, std::string_view to, bool rebasable);
bool moveField(Event& event, std::string_view from, std::string_view to);
// Appends a copy of every live entry at or under `from` under `to` (values are shared views);
// false when there is none.
bool copyField(Event& event, std::string_view from, std::string_view to, bool rebasable);
bool copyField(Event& event, std::string_view from, std::string_view to);

struct FromToOptions {
  bool ignore_missing = false;  // a missing `from` is skipped instead of failing
  bool fail_on_error = true;    // on a failure: roll back, set error.message, stop (libbeat)
};
// `ignore_missing` and `fail_on_error` of node, with libbeat's defaults (false, true).
FromToOptions parseFromToOptions(const config::Node& node);

using FieldOp = bool (*)(Event&, std::string_view from, std::string_view to, bool rebasable);

// libbeat's rename/copy_fields loop: each pair in order; an existing `to` or a missing `from` is
// a failure ("target field b already exists, drop or rename this field first", "could not fetch
// value for key: a, Error: key not found"), flagged as error_prefix + that text.
void applyFromTo(Event& event, const std::vector<FromTo>& fields, FromToOptions options, FieldOp op,
                 std::string_view error_prefix);

// rename / copy_fields: applyFromTo with the processor's op and error prefix; adds the targets
// (and error.message when a failure is flagged).
class FromToProcessor final : public Processor {
 public:
  FromToProcessor(std::vector<FromTo> fields, FromToOptions options, FieldOp op, std::string_view error_prefix)
      : fields_(std::move(fields)), options_(options), op_(op), error_prefix_(error_prefix) {}
  void run(Event& event) const override { applyFromTo(event, fields_, options_, op_, error_prefix_); }
  std::optional<std::vector<std::string>> addedFields() const override {
    std::vector<std::string> out{"error.message"};
    for (const auto& ft : fields_) out.push_back(ft.to);
    return out;
  }

 private:
  std::vector<FromTo> fields_;
  FromToOptions options_;
  FieldOp op_;
  std::string_view error_prefix_;  // a string literal
};

// The event's entries before a processor ran, to put back when it fails (libbeat clones the event).
// The copy reuses one buffer per thread: no allocation per event once it has grown. Values stay
// valid because the arena is only ever appended to while the event lives.
class EntriesBackup {
 public:
  explicit EntriesBackup(const Event& event);
  void restore(Event& event) const;

 private:
  std::vector<Entry>& saved_;
};

}  // namespace logship::tail::processors
