#pragma once
// One `_bulk` request body being built: NDJSON `create` actions with `_index` and `_id`, and per
// item where its lines are and an opaque tag the caller uses to acknowledge it (Kafka partition
// slot and offset). Batches are recycled: clear() keeps the buffers.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace logship::es {

struct ItemTag {
  uint32_t slot = 0;
  uint32_t epoch = 0;
  int64_t offset = 0;
  int64_t read_ms = 0;  // the Kafka message's timestamp, for the index latency histogram (0: none)
};

class BulkBatch {
 public:
  // `doc_type` empty: no `_type` (Elasticsearch >= 7, OpenSearch).
  void appendCreate(std::string_view index, std::string_view id, std::string_view doc_type, std::string_view doc,
                    ItemTag tag);
  // Appends item `i` of `other` (for retrying a subset).
  void appendFrom(const BulkBatch& other, size_t i);
  void clear();
  void reserve(size_t bytes) { body_.reserve(bytes); }
  size_t capacity() const { return body_.capacity(); }

  size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }
  size_t bytes() const { return body_.size(); }
  const std::string& body() const { return body_; }
  const ItemTag& tag(size_t i) const { return items_[i].tag; }
  std::string_view index(size_t i) const { return slice(items_[i].index_off, items_[i].index_len); }
  std::string_view id(size_t i) const { return slice(items_[i].id_off, items_[i].id_len); }
  std::string_view doc(size_t i) const { return slice(items_[i].doc_off, items_[i].end - items_[i].doc_off - 1); }
  // Both lines of item `i` (action and document, with their newlines).
  std::string_view lines(size_t i) const { return slice(items_[i].start, items_[i].end - items_[i].start); }

 private:
  struct Item {
    uint32_t start, index_off, index_len, id_off, id_len, doc_off, end;
    ItemTag tag;
  };
  std::string_view slice(uint32_t off, uint32_t len) const { return std::string_view(body_.data() + off, len); }
  std::string body_;
  std::vector<Item> items_;
};

}  // namespace logship::es
