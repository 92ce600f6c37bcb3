// Several config files as one Document: Filebeat's repeated `-c` (libbeat cfgfile.Load ->
// common.LoadFiles, go-ucfg's Merge with its default options).
#include "logship/common/config.h"

namespace logship::config {
namespace {

bool isBelow(const std::string& path, const std::string& prefix) {
  if (prefix.empty()) return true;
  if (path.compare(0, prefix.size(), prefix) != 0) return false;
  return path.size() == prefix.size() || path[prefix.size()] == '.' || path[prefix.size()] == '[';
}

std::string childPath(const std::string& path, const std::string& key) { return path.empty() ? key : path + "." + key; }

}  // namespace

std::unique_ptr<Document> Document::loadFiles(const std::vector<std::string>& files, const LoadOptions& options) {
  if (files.empty()) throw ConfigError("<config>", 0, 0, "", "no config file given");
  LoadOptions each = options;
  each.overrides.clear();  // -E applies once, to the merged result
  auto doc = loadFile(files[0], each);
  doc->options_ = options;
  doc->files_ = files;
  for (size_t i = 1; i < files.size(); ++i) {
    const auto next = loadFile(files[i], each);
    doc->mergeFile(doc->root_, next->root_, "", i);
  }
  doc->applyOverrides();
  return doc;
}

// go-ucfg's mergeConfigDict / mergeConfigMergeArr: two maps merge key by key, two lists item by
// item, anything else is replaced by the later file's value. A null (`key:`) changes nothing.
void Document::mergeFile(YAML::Node target, const YAML::Node& source, const std::string& path, size_t file) {
  if (source.IsMap()) {
    for (const auto& kv : source) {
      const std::string key = kv.first.Scalar();
      const std::string child = childPath(path, key);
      YAML::Node existing = target[key];
      const bool both_maps = existing.IsMap() && kv.second.IsMap();
      const bool both_lists = existing.IsSequence() && kv.second.IsSequence();
      if (both_maps || both_lists) {
        mergeFile(existing, kv.second, child, file);
      } else if (kv.second.IsDefined() && !kv.second.IsNull()) {
        target[key] = kv.second;
        setOrigin(child, file);
      }
    }
    return;
  }
  for (size_t i = 0; i < source.size(); ++i) {
    const std::string child = path + "[" + std::to_string(i) + "]";
    const YAML::Node item = source[i];
    if (i < target.size()) {
      YAML::Node existing = target[i];
      if ((existing.IsMap() && item.IsMap()) || (existing.IsSequence() && item.IsSequence())) {
        mergeFile(existing, item, child, file);
        continue;
      }
      target[i] = item;
    } else {
      target.push_back(item);
    }
    setOrigin(child, file);
  }
}

void Document::setOrigin(const std::string& path, size_t file) {
  for (auto it = origins_.begin(); it != origins_.end();) {
    it = isBelow(it->first, path) ? origins_.erase(it) : std::next(it);
  }
  origins_[path] = file;
}

const std::string& Document::fileOf(const std::string& path) const {
  if (files_.empty()) return file_;
  size_t best_len = 0;
  size_t best = 0;
  for (const auto& [prefix, file] : origins_) {
    if (isBelow(path, prefix) && prefix.size() >= best_len) {
      best_len = prefix.size();
      best = file;
    }
  }
  return files_[best];
}

}  // namespace logship::config
