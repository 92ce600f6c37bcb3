#pragma once
// The contiguous prefix of completed work, the idea behind both delivery guarantees: entries are
// appended in increasing key order (the tail: per-file sequence numbers; the stash: Kafka offsets),
// completed in any order (Kafka acks across partitions, bulk requests finishing out of order), and
// the committed value moves only over a prefix in which every entry is completed. The committed
// value is the value of the last entry of that prefix (the tail: the file offset after the event;
// the stash: the next offset to read).
//
// What completing an unknown key (never pushed, already completed, or forgotten by reset()) means
// is the caller's policy, stated at construction:
//   UnknownKey::kThrow   a programming error: std::logic_error (tail::AckTracker, where every token
//                        is acked exactly once);
//   UnknownKey::kIgnore  expected and harmless: complete() returns false (kafka::OffsetTracker,
//                        where acks from before a revoke or of a replayed message arrive late).
//
// Not thread-safe: the owner serialises access. Lookups are O(1) when keys are dense (consecutive,
// as sequence numbers and most Kafka offsets are), O(log n) otherwise.
#include <algorithm>
#include <cstddef>
#include <deque>
#include <stdexcept>

namespace logship {

enum class UnknownKey { kThrow, kIgnore };

template <typename Key, typename Value>
class ContiguousPrefix {
 public:
  ContiguousPrefix(UnknownKey policy, Value committed) : policy_(policy), committed_(committed) {}

  // Appends an entry (completed already when `done`: progress without anything to wait for).
  // Keys must increase: a key not above the last one appends nothing and returns false. Completed
  // entries at the front are absorbed at once, so a done push on an empty window commits `value`.
  bool push(Key key, Value value, bool done = false) {
    if (!window_.empty() && !(window_.back().key < key)) return false;
    window_.push_back(Entry{key, value, done});
    if (done) advance();
    return true;
  }

  // Completes `key`. Returns true when the committed value moved. An unknown or already completed
  // key throws (kThrow) or returns false (kIgnore).
  bool complete(Key key) {
    Entry* e = find(key);
    if (e == nullptr || e->done) {
      if (policy_ == UnknownKey::kThrow) throw std::logic_error("completion of an unknown or already completed key");
      return false;
    }
    e->done = true;
    return advance();
  }

  // Forgets every entry; the committed value becomes `committed`.
  void reset(Value committed) {
    window_.clear();
    committed_ = committed;
  }

  const Value& committed() const { return committed_; }
  // Entries after the committed prefix (completed or not).
  size_t pending() const { return window_.size(); }
  bool empty() const { return window_.empty(); }
  // The first pending key; only when !empty().
  Key frontKey() const { return window_.front().key; }
  UnknownKey policy() const { return policy_; }

 private:
  struct Entry {
    Key key;
    Value value;
    bool done;
  };

  Entry* find(Key key) {
    if (window_.empty() || key < window_.front().key) return nullptr;
    const auto index = static_cast<size_t>(key - window_.front().key);
    if (index < window_.size() && window_[index].key == key) return &window_[index];  // dense keys
    auto it = std::lower_bound(window_.begin(), window_.end(), key, [](const Entry& e, Key k) { return e.key < k; });
    return it != window_.end() && it->key == key ? &*it : nullptr;
  }

  bool advance() {
    bool moved = false;
    while (!window_.empty() && window_.front().done) {
      committed_ = window_.front().value;
      window_.pop_front();
      moved = true;
    }
    return moved;
  }

  UnknownKey policy_;
  Value committed_;
  std::deque<Entry> window_;
};

}  // namespace logship
