#include "logship/stash/pipeline.h"

#include "logship/common/json.h"
#include "logship/common/json_scan.h"

namespace logship::stash {

Processor::Processor(const ClusterConfig& cluster, IndexNamer::Clock clock)
    : wrap_invalid_(cluster.dead_letter.invalid_json == "wrap"),
      namer_(cluster.es.index, cluster.es.time_zone, std::move(clock)),
      filters_(buildFilters(cluster.filters)) {}

ProcessResult Processor::process(std::string_view value, std::string& doc_out) {
  ProcessResult r;
  if (!event_.parse(value)) {
    if (!wrap_invalid_) return r;
    event_.wrapInvalid(value);
    r.wrapped = true;
  }
  index_.assign(namer_.name(event_));
  id_.clear();
  const int meta = event_.find("@metadata");
  if (meta >= 0) {
    const std::string_view raw = event_.rawValue(meta);
    if (!raw.empty() && raw[0] == '{') {
      const std::string_view id = scan::findMember(raw, "_id", scratch_);
      if (id.size() >= 2 && id[0] == '"') id_.assign(scan::unescape(id.substr(1, id.size() - 2), scratch_));
    }
  }
  for (size_t i = 0; i < filters_.size(); ++i) {
    if (!filters_[i]->apply(event_)) {
      r.kind = ProcessResult::kDropped;
      r.filter = i;
      return r;
    }
  }
  event_.serialize(doc_out);
  r.kind = ProcessResult::kDoc;
  r.index = index_;
  r.meta_id = id_;
  return r;
}

void derivedDocumentId(std::string_view topic, int32_t partition, int64_t offset, std::string& out) {
  out.clear();
  out.append(topic);
  out.push_back('-');
  json::appendInt(out, partition);
  out.push_back('-');
  json::appendInt(out, offset);
}

}  // namespace logship::stash
