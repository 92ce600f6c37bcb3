// extract_array: copies elements of a JSON array field to fields of their own
// (`mappings: {source.ip: 0, destination.ip: 1}`), as libbeat's extract_array.
#include <algorithm>
#include <string>
#include <vector>

#include "json_array.h"
#include "logship/tail/event.h"
#include "logship/tail/processor.h"

namespace logship::tail::processors {
namespace {

struct Mapping {
  size_t from;
  std::string to;
};

struct ExtractArrayConfig {
  std::string field;
  std::vector<Mapping> mappings;  // by index, as libbeat sorts them
  bool ignore_missing = false;
  bool omit_empty = false;
  bool overwrite_keys = false;
  bool fail_on_error = true;
};

// null, "", [] and {}: the cells omit_empty leaves out (libbeat's isEmpty on decoded values).
bool isEmptyJson(std::string_view raw) {
  if (raw == "null" || raw == "\"\"") return true;
  if (raw.size() < 2 || (raw.front() != '[' && raw.front() != '{')) return false;
  return skipJsonSpace(raw, 1) == raw.size() - 1;
}

class ExtractArray final : public Processor {
 public:
  explicit ExtractArray(ExtractArrayConfig c) : c_(std::move(c)) {}

  std::optional<std::vector<std::string>> addedFields() const override {
    std::vector<std::string> out;
    for (const auto& m : c_.mappings) out.push_back(m.to);
    return out;
  }

  void run(Event& event) const override {
    const Entry* source = event.find(c_.field);
    if (!source) {
      if (!c_.ignore_missing)
        flagProcessorError(event, "could not fetch value for field " + c_.field + ": key not found");
      return;
    }
    const std::string_view array = source->kind == Entry::Kind::kRaw ? source->value : std::string_view{};
    const long n = forEachJsonArrayElement(array, [](size_t, std::string_view) {});
    if (n < 0) {
      if (c_.fail_on_error) {
        flagProcessorError(event,
                           "unsupported type for field " + c_.field + ": got: " + typeName(*source) + " needed: array");
      }
      return;
    }
    // libbeat restores the event as it was when a mapping fails; checking every mapping before
    // setting any gives the same result without a copy of the event.
    if (c_.fail_on_error && !firstFailure(event, array, static_cast<size_t>(n))) return;
    forEachMappedCell(array, [&](const Mapping& m, std::string_view cell) {
      if (c_.overwrite_keys || !event.has(m.to)) event.setRaw(m.to, cell);
    });
  }

 private:
  static std::string typeName(const Entry& e) {
    if (e.kind == Entry::Kind::kString) return "string";
    if (e.value.empty()) return "nothing";
    if (e.value.front() == '{') return "object";
    if (e.value.front() == '"') return "string";
    if (e.value == "true" || e.value == "false") return "bool";
    if (e.value == "null") return "null";
    return "number";
  }

  // fn(mapping, cell) for each mapping whose index exists, cells omit_empty drops left out.
  template <typename Fn>
  void forEachMappedCell(std::string_view array, Fn&& fn) const {
    size_t k = 0;
    forEachJsonArrayElement(array, [&](size_t i, std::string_view cell) {
      for (; k < c_.mappings.size() && c_.mappings[k].from == i; ++k) {
        if (!(c_.omit_empty && isEmptyJson(cell))) fn(c_.mappings[k], cell);
      }
    });
  }

  // Flags the first mapping that would fail (libbeat's order: by index); true when none does.
  bool firstFailure(Event& event, std::string_view array, size_t n) const {
    // Mappings are sorted by index, so every in-range one (target check) precedes every
    // out-of-range one: checking targets first reports the failure libbeat meets first.
    const Mapping* taken = nullptr;
    if (!c_.overwrite_keys) {
      forEachMappedCell(array, [&](const Mapping& m, std::string_view) {
        if (!taken && event.has(m.to)) taken = &m;
      });
    }
    if (taken) {
      flagProcessorError(event, "target field " + taken->to +
                                    " already has a value. Set the overwrite_keys flag or drop/rename the field first");
      return false;
    }
    for (const auto& m : c_.mappings) {
      if (m.from >= n) {
        flagProcessorError(event, "index " + std::to_string(m.from) + " exceeds length of " + std::to_string(n) +
                                      " when processing mapping for field " + m.to);
        return false;
      }
    }
    return true;
  }

  ExtractArrayConfig c_;
};

// `mappings` as go-ucfg flattens it: nested maps (split dotted keys) join with dots.
void readMappings(const config::Node& node, const std::string& prefix, std::vector<Mapping>& out) {
  for (const auto& [key, value] : node.entries()) {
    const std::string to = prefix.empty() ? key : prefix + "." + key;
    if (value.isMap()) {
      readMappings(value, to, out);
      continue;
    }
    const int64_t index = value.integer(-1);
    if (index < 0) value.fail("bad extract_array mapping for field " + to + ": not a positive integer");
    out.push_back({static_cast<size_t>(index), to});
  }
}

}  // namespace

std::unique_ptr<const Processor> parseExtractArray(const config::Node& node) {
  ExtractArrayConfig c;
  const auto field = node.child("field");
  if (!field.exists()) node.fail("extract_array needs `field`");
  c.field = field.str();
  const auto mappings = node.child("mappings");
  if (mappings.exists() && !mappings.isMap()) mappings.fail("expected a map of field: index");
  if (mappings.exists()) readMappings(mappings, "", c.mappings);
  if (c.mappings.empty()) node.fail("no mappings defined in extract_array processor (`mappings`)");
  std::stable_sort(c.mappings.begin(), c.mappings.end(),
                   [](const Mapping& a, const Mapping& b) { return a.from < b.from; });
  c.ignore_missing = node.child("ignore_missing").boolean(false);
  c.omit_empty = node.child("omit_empty").boolean(false);
  c.overwrite_keys = node.child("overwrite_keys").boolean(false);
  c.fail_on_error = node.child("fail_on_error").boolean(true);
  return std::make_unique<ExtractArray>(std::move(c));
}

}  // namespace logship::tail::processors
