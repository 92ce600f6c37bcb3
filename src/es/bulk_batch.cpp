#include "logship/es/bulk_batch.h"

#include "logship/common/json.h"

namespace logship::es {

void BulkBatch::appendCreate(std::string_view index, std::string_view id, std::string_view doc_type,
                             std::string_view doc, ItemTag tag) {
  Item it;
  it.start = static_cast<uint32_t>(body_.size());
  it.tag = tag;
  body_.append("{\"create\":{\"_index\":\"", 21);
  it.index_off = static_cast<uint32_t>(body_.size());
  json::appendEscaped(body_, index);
  it.index_len = static_cast<uint32_t>(body_.size() - it.index_off);
  body_.append("\",\"_id\":\"", 9);
  it.id_off = static_cast<uint32_t>(body_.size());
  json::appendEscaped(body_, id);
  it.id_len = static_cast<uint32_t>(body_.size() - it.id_off);
  body_.push_back('"');
  if (!doc_type.empty()) {
    body_.append(",\"_type\":", 9);
    json::appendString(body_, doc_type);
  }
  body_.append("}}\n", 3);
  it.doc_off = static_cast<uint32_t>(body_.size());
  body_.append(doc);
  body_.push_back('\n');
  it.end = static_cast<uint32_t>(body_.size());
  items_.push_back(it);
}

void BulkBatch::appendFrom(const BulkBatch& other, size_t i) {
  const Item& src = other.items_[i];
  const uint32_t shift = static_cast<uint32_t>(body_.size()) - src.start;
  body_.append(other.lines(i));
  Item it = src;
  it.start += shift;
  it.index_off += shift;
  it.id_off += shift;
  it.doc_off += shift;
  it.end += shift;
  items_.push_back(it);
}

void BulkBatch::clear() {
  body_.clear();
  items_.clear();
}

}  // namespace logship::es
