#pragma once
// One event on its way from a file to the output, as a flat list of (dotted key, value) entries.
// Values are views: into the line buffer, into the JSON decoder's buffer, into config-owned
// strings, or into the event's Arena. Nothing is allocated per event once buffers have grown.
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace logship::tail {

// Chunked bump allocator: views into it stay valid until reset().
class Arena {
 public:
  std::string_view copy(std::string_view s);
  // `n` bytes of uninitialised storage (n > 0), valid until reset().
  char* allocate(size_t n);
  void reset() {
    block_ = 0;
    used_ = 0;
  }

 private:
  static constexpr size_t kBlock = 64 * 1024;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::vector<size_t> sizes_;
  size_t block_ = 0;
  size_t used_ = 0;
};

struct Entry {
  enum class Kind : uint8_t { kString, kRaw };  // kString: text to be escaped; kRaw: JSON
  std::string_view key;                         // dotted: "log.file.path"
  std::string_view value;
  Kind kind = Kind::kString;
  bool removed = false;
  bool preencoded = false;  // written from the pipeline's cached fragment: the encoder skips it
  // A string value: text, or raw JSON holding a string (a value decoded from a line).
  bool isString() const { return kind == Kind::kString || (!value.empty() && value.front() == '"'); }
};

class Event {
 public:
  void clear() {
    entries_.clear();
    arena_.reset();
    timestamp_.clear();
    timestamp_ms = 0;
    dropped = false;
  }
  // mapstr's Put: adds or replaces `key` (replacing keeps the slot) and drops what was below it.
  // Below a raw JSON object entry (`json.a.b` with `json` raw) the object is rewritten into the
  // arena with the value spliced in. False, writing nothing, when a non-object value lies on the
  // way (`a.b` with `a` a string: mapstr's "expected map" error).
  bool set(std::string_view key, std::string_view value, Entry::Kind kind);
  bool setString(std::string_view key, std::string_view v) { return set(key, v, Entry::Kind::kString); }
  bool setRaw(std::string_view key, std::string_view v) { return set(key, v, Entry::Kind::kRaw); }
  // Adds without checking for an existing key (callers that know the key is new).
  void append(std::string_view key, std::string_view value, Entry::Kind kind) {
    entries_.push_back(Entry{key, value, kind, false});
  }
  // The value at dotted path `key`: an entry of that key, or a value inside the raw JSON object of
  // an entry whose key is a prefix of it (`find("json.level")` with only `json` raw). A value found
  // inside raw JSON is returned through a slot of this event: the pointer stays valid until the
  // next find/lookup on this event or any change to it.
  const Entry* find(std::string_view key) const;
  // As find, into `out` (no slot): false when absent.
  bool lookup(std::string_view key, Entry& out) const;
  // True when `key` or anything under it (`key.x`) exists, inside raw JSON objects too.
  bool has(std::string_view key) const;
  // Removes `key` and everything under it, inside raw objects too; returns whether anything was
  // removed.
  bool remove(std::string_view key);
  // The whole value at `key` as one entry (for copies and moves): the entry itself, a value inside
  // a raw object, or the entries under `key` encoded into one raw object (in the arena).
  bool subtree(std::string_view key, Entry& out);
  // The live entry whose key is the longest strict prefix of `key` (`a` or `a.b` for `a.b.c`).
  Entry* ancestor(std::string_view key);
  // The value as text: a string's contents, or the raw JSON of other values. `scratch` holds an
  // unescaped copy when needed.
  static std::string_view text(const Entry& e, std::string& scratch);

  std::vector<Entry>& entries() { return entries_; }
  const std::vector<Entry>& entries() const { return entries_; }
  Arena& arena() { return arena_; }

  // "@timestamp" as RFC 3339 UTC with milliseconds; set by the harvester or the JSON decoder.
  std::string timestamp_;
  // The same instant in ms since the epoch when known (0: unknown); the Kafka message timestamp,
  // as Filebeat sets it from the event's @timestamp.
  int64_t timestamp_ms = 0;
  bool dropped = false;  // drop_event

 private:
  std::vector<Entry> entries_;
  Arena arena_;
  bool lookupInsideRaw(std::string_view key, Entry& out) const;
  bool putBelow(Entry& parent, std::string_view key, std::string_view value, Entry::Kind kind);

  mutable Entry found_;  // find()'s result when it lies inside a raw object
};

// True when `key` equals `prefix` or starts with `prefix.`.
// Processors call it per entry: the cheap byte checks come before the comparison of whole keys.
inline bool keyUnder(std::string_view key, std::string_view prefix) {
  const size_t n = prefix.size();
  if (key.size() < n || (key.size() > n && key[n] != '.')) return false;
  return n == 0 || (key[0] == prefix[0] && std::memcmp(key.data(), prefix.data(), n) == 0);
}

// The encoder's key order: "a.b" sorts right after "a" and before "a-b" ('.' counts as the lowest
// byte), so everything under a key follows it.
inline bool dottedKeyLess(std::string_view a, std::string_view b) {
  const size_t n = a.size() < b.size() ? a.size() : b.size();
  for (size_t i = 0; i < n; ++i) {
    unsigned char x = static_cast<unsigned char>(a[i]);
    unsigned char y = static_cast<unsigned char>(b[i]);
    if (x == y) continue;
    if (x == '.') x = 0;
    if (y == '.') y = 0;
    return x < y;
  }
  return a.size() < b.size();
}

}  // namespace logship::tail
