#pragma once
// One Kafka message as a JSON object that is cheap to filter and re-serialise: simdjson validates
// the text, then the top-level members are kept as (key, raw value) slices of the message. Filters
// mark members removed or append new ones (their text lives in an arena); serialising copies the
// live slices. An Event is reused for every message of a consumer: no per-event allocation once
// its buffers have grown.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

namespace logship::stash {

class Event {
 public:
  Event();
  Event(const Event&) = delete;
  Event& operator=(const Event&) = delete;

  // Parses `raw`. Returns false (and leaves the event empty) when `raw` is not a valid JSON object.
  bool parse(std::string_view raw);
  // Makes the event {"message":"<raw>","tags":["_jsonparsefailure"]} (raw made valid UTF-8).
  void wrapInvalid(std::string_view raw);

  // Index of the live top-level member named `key` (unescaped), or -1.
  int find(std::string_view key) const;
  std::string_view rawValue(int index) const;
  // The unescaped text when member `index` holds a string; false otherwise.
  bool stringValue(int index, std::string_view& out);
  // A value by key; when no top-level key matches and `key` has dots, the path into nested
  // objects (`data.level`). Returns an empty view when absent.
  std::string_view lookupRaw(std::string_view key);
  // The unescaped string at `key` (same lookup rules); false when absent or not a string.
  bool lookupString(std::string_view key, std::string_view& out);

  void remove(int index);
  void removeKey(std::string_view key);
  // Replaces (or appends) `key` with `raw_json` (must be valid JSON).
  void setRaw(std::string_view key, std::string_view raw_json);
  void setString(std::string_view key, std::string_view value);

  // Appends `{...}` without the members named in `skip` (`@metadata`).
  void serialize(std::string& out, std::string_view skip = "@metadata") const;
  std::string toString() const {
    std::string s;
    serialize(s);
    return s;
  }
  size_t liveMembers() const;

 private:
  struct Ref {
    uint32_t off = 0;
    uint32_t len = 0;
    bool arena = false;
  };
  struct Member {
    Ref key;      // unescaped
    Ref key_raw;  // escaped, without quotes
    Ref value;    // raw JSON
    bool removed = false;
  };
  std::string_view view(const Ref& r) const {
    return std::string_view((r.arena ? arena_.data() : input_.data()) + r.off, r.len);
  }
  Ref toArena(std::string_view s);
  void clear();

  std::string input_;  // the message, with simdjson's padding after it
  size_t input_len_ = 0;
  std::string arena_;  // keys and values added by filters
  std::string scratch_;
  std::string scratch2_;
  std::vector<Member> members_;
  simdjson::dom::parser parser_;
};

}  // namespace logship::stash
