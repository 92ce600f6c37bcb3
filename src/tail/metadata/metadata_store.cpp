// MetadataStore: see metadata_store.h.
#include "logship/tail/metadata_store.h"

#include <algorithm>
#include <unordered_set>

#include "logship/tail/event.h"

namespace logship::tail {

void MetadataStore::put(std::string_view key, std::shared_ptr<const MetadataFields> fields) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = slots_.find(key);
  if (it == slots_.end()) {
    auto slot = std::make_unique<Slot>();
    slot->key = std::string(key);
    std::string_view view = slot->key;
    it = slots_.emplace(view, std::move(slot)).first;
  }
  it->second->fields = std::move(fields);
  it->second->removed = false;
}

void MetadataStore::markRemoved(std::string_view key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = slots_.find(key);
  if (it == slots_.end() || it->second->removed) return;
  it->second->removed = true;
  it->second->last_access = clock_.monotonicTime();
}

void MetadataStore::retainOnly(const std::vector<std::string>& keep) {
  std::unordered_set<std::string_view> kept(keep.begin(), keep.end());
  std::vector<std::string> gone;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [key, slot] : slots_) {
      if (!kept.count(key)) gone.push_back(slot->key);
    }
  }
  for (const auto& key : gone) markRemoved(key);
}

size_t MetadataStore::cleanup() {
  std::lock_guard<std::mutex> lock(mu_);
  const auto now = clock_.monotonicTime();
  size_t removed = 0;
  for (auto it = slots_.begin(); it != slots_.end();) {
    if (it->second->removed && now - it->second->last_access >= cleanup_timeout_) {
      it = slots_.erase(it);
      ++removed;
    } else {
      ++it;
    }
  }
  return removed;
}

std::shared_ptr<const MetadataFields> MetadataStore::find(std::string_view key) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = slots_.find(key);
  if (it == slots_.end()) return nullptr;
  // A removed entry that is still looked up stays: late lines of a dead container keep matching.
  if (it->second->removed) it->second->last_access = clock_.monotonicTime();
  return it->second->fields;
}

size_t MetadataStore::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return slots_.size();
}

void MetadataStore::apply(const MetadataFields& fields, Event& event) {
  for (const auto& [key, value] : fields) {
    event.setRaw(event.arena().copy(key), event.arena().copy(value));
  }
}

std::string dedot(std::string_view key) {
  std::string out(key);
  std::replace(out.begin(), out.end(), '.', '_');
  return out;
}

}  // namespace logship::tail
