#include "logship/tail/ack_tracker.h"

#include <stdexcept>

namespace logship::tail {

AckTracker::FileId AckTracker::open(uint64_t offset) {
  FileId id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
    *files_[id] = File{};
  } else {
    id = static_cast<FileId>(files_.size());
    if (id >= (1u << (64 - kSeqBits))) throw std::runtime_error("too many open files in the ack tracker");
    files_.push_back(std::make_unique<File>());
  }
  files_[id]->committed = offset;
  files_[id]->used = true;
  return id;
}

AckToken AckTracker::track(FileId file, uint64_t end_offset) {
  File& f = *files_[file];
  f.slots.push_back(Slot{end_offset, false});
  ++inflight_;
  const uint64_t seq = f.next_seq++ & ((uint64_t{1} << kSeqBits) - 1);
  return (static_cast<uint64_t>(file) << kSeqBits) | seq;
}

AckTracker::FileId AckTracker::ack(AckToken token) {
  const FileId id = fileOf(token);
  File& f = *files_.at(id);
  const uint64_t mask = (uint64_t{1} << kSeqBits) - 1;
  const uint64_t index = ((token & mask) - (f.base_seq & mask)) & mask;
  if (index >= f.slots.size() || f.slots[index].done) throw std::logic_error("ack for an unknown or acked token");
  f.slots[index].done = true;
  --inflight_;
  while (!f.slots.empty() && f.slots.front().done) {
    f.committed = f.slots.front().end_offset;
    f.slots.pop_front();
    ++f.base_seq;
  }
  return id;
}

void AckTracker::skip(FileId file, uint64_t end_offset) {
  File& f = *files_[file];
  if (f.slots.empty()) {
    f.committed = end_offset;
    return;
  }
  f.slots.push_back(Slot{end_offset, true});
  ++f.next_seq;
}

void AckTracker::close(FileId file) {
  if (!files_[file]->slots.empty()) throw std::logic_error("closing a file with pending acks");
  files_[file]->used = false;
  free_.push_back(file);
}

}  // namespace logship::tail
