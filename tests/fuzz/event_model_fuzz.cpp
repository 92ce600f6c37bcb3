// The tailer's event model on arbitrary programs: events built from fuzzed paths, raw JSON values
// (a fixed set plus any valid JSON the input holds) and strings, then a sequence of set / remove /
// rename / copy of parents and children and decode_json_fields / include_fields / drop_fields,
// as processors apply them, and the pipeline's gathering of @metadata keys. The encoded event must
// always be valid JSON; while all raw values
// come from the fixed set (none with a key twice), no object in it may hold a key twice.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "../../src/tail/processors/field_paths.h"
#include "fuzz_check.h"
#include "logship/common/config.h"
#include "logship/tail/event.h"
#include "logship/tail/event_encoder.h"
#include "logship/tail/processor.h"

namespace {

using namespace logship::tail;

const char* const kSegments[] = {"a", "b", "json", "c.d", "x", "msg", "@metadata", "_id"};
const char* const kRaw[] = {"1",
                            "-2.5e3",
                            "\"s\"",
                            "true",
                            "null",
                            "[]",
                            "{}",
                            "[1,{\"a\":2},\"x\"]",
                            "{\"a\":{\"b\":1},\"c\":\"x\"}",
                            "{\"a.b\":1,\"x\":{\"y\":[{\"z\":1}]}}",
                            "\"{\\\"a\\\":{\\\"b\\\":\\\"[1]\\\"},\\\"c.d\\\":2}\"",
                            "{ \"json\" : { \"msg\" : \"{\\\"x\\\":1}\" } , \"b\":\"\\u00e9\" }"};

// Processors parsed once: events keep views of their configuration strings.
struct Processors {
  std::vector<std::unique_ptr<logship::config::Document>> docs;
  std::vector<std::unique_ptr<const Processor>> list;
  Processors() {
    const std::pair<const char*, const char*> configs[] = {
        {"decode_json_fields", "{fields: [msg], target: json}"},
        {"decode_json_fields", "{fields: [json.msg, a], max_depth: 4, process_array: true}"},
        {"decode_json_fields", "{fields: [msg, b], target: \"\", expand_keys: true, overwrite_keys: true}"},
        {"decode_json_fields", "{fields: [a.b], target: json.a}"},
        {"decode_json_fields", "{fields: [msg], target: \"\", document_id: a}"},
        {"include_fields", "{fields: [json.a, x, msg]}"},
        {"drop_fields", "{fields: [json.a.b, /^c/]}"},
        {"rename", "{fields: [{from: json.a, to: json.a.b}, {from: x, to: json.x}], fail_on_error: false}"},
    };
    for (const auto& [name, yaml] : configs) {
      docs.push_back(logship::config::Document::loadString(std::string(name) + ": " + yaml + "\n", "f.yml", {}));
      list.push_back(findProcessor(name)->parse(docs.back()->root().child(name)));
    }
  }
};

class Program {
 public:
  Program(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool done() const { return pos_ >= size_; }
  uint8_t byte() { return pos_ < size_ ? data_[pos_++] : 0; }
  std::string_view bytes(size_t n) {
    n = std::min(n, size_ - pos_);
    const std::string_view out(reinterpret_cast<const char*>(data_) + pos_, n);
    pos_ += n;
    return out;
  }
  // A dotted path of 1-3 segments.
  std::string_view path(Event& event) {
    std::string p;
    const int n = 1 + byte() % 3;
    for (int i = 0; i < n; ++i) {
      if (i > 0) p.push_back('.');
      p.append(kSegments[byte() % std::size(kSegments)]);
    }
    return event.arena().copy(p);
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

// Raw JSON the input holds, accepted only when it parses (raw values are valid JSON by contract).
bool validJson(std::string_view text) {
  static simdjson::dom::parser parser;
  simdjson::dom::element unused;
  return !parser.parse(text.data(), text.size()).get(unused);
}

void requireUniqueKeys(simdjson::dom::element e, std::string_view json) {
  if (e.is_array()) {
    const simdjson::dom::array array = e.get_array().value_unsafe();
    for (auto item : array) requireUniqueKeys(item, json);
    return;
  }
  if (!e.is_object()) return;
  std::set<std::string_view> keys;
  const simdjson::dom::object object = e.get_object().value_unsafe();
  for (auto field : object) {
    if (!keys.insert(field.key).second) {
      std::fprintf(stderr, "key %.*s twice in %.*s\n", static_cast<int>(field.key.size()), field.key.data(),
                   static_cast<int>(json.size()), json.data());
      std::abort();
    }
    requireUniqueKeys(field.value, json);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const Processors processors;
  static Event event;
  static EventEncoder encoder;
  event.clear();
  event.timestamp_ = "2024-01-02T03:04:05.000Z";
  Program program(data, size);
  bool only_known_raw = true;
  // A copy of a parent onto its child doubles the value (as in Filebeat): a few keep runs fast.
  int copies_left = 6;
  for (int step = 0; step < 64 && !program.done(); ++step) {
    const uint8_t op = program.byte() % 10;
    const std::string_view path = program.path(event);
    switch (op) {
      case 0:
      case 1:
        event.setRaw(path, kRaw[program.byte() % std::size(kRaw)]);
        break;
      case 2: {
        const std::string_view text = program.bytes(program.byte() % 48);
        if (validJson(text)) {
          event.setRaw(path, event.arena().copy(text));
          only_known_raw = false;
        } else {
          event.setString(path, event.arena().copy(text));
        }
        break;
      }
      case 3:
        event.remove(path);
        break;
      case 4:
        logship::tail::processors::moveField(event, path, program.path(event));
        break;
      case 5:
        if (copies_left-- > 0) logship::tail::processors::copyField(event, path, program.path(event));
        break;
      case 6:
      case 7:
        processors.list[program.byte() % processors.list.size()]->run(event);
        break;
      case 8: {
        Entry found;
        std::string scratch;
        if (event.lookup(path, found)) (void)Event::text(found, scratch);
        (void)event.has(path);
        break;
      }
      default:
        event.append(path, kRaw[program.byte() % std::size(kRaw)], Entry::Kind::kRaw);
        break;
    }
  }
  static std::string out;
  out.clear();
  // As the pipeline: what lies under @metadata joins the one @metadata object.
  static std::string metadata;
  metadata.clear();
  const bool own_id = !EventEncoder::takeMetadata(event, metadata);
  encoder.encode(event, own_id ? "f-0" : "", out, false, {}, metadata);
  logship::fuzz::requireValidJson(out, "encoded event");
  if (only_known_raw) {
    static simdjson::dom::parser parser;
    requireUniqueKeys(parser.parse(out).value_unsafe(), out);
  }
  return 0;
}
