#include "logship/tail/ack_tracker.h"

#include <stdexcept>

namespace logship::tail {

AckTracker::FileId AckTracker::open(uint64_t offset) {
  FileId id;
  if (!free_.empty()) {
    id = free_.back();
    free_.pop_back();
    *files_[id] = File(offset);
  } else {
    id = static_cast<FileId>(files_.size());
    if (id >= (1u << (64 - kSeqBits))) throw std::runtime_error("too many open files in the ack tracker");
    files_.push_back(std::make_unique<File>(offset));
  }
  files_[id]->used = true;
  return id;
}

AckToken AckTracker::track(FileId file, uint64_t end_offset) {
  File& f = *files_[file];
  const uint64_t seq = f.next_seq++;
  f.window.push(seq, end_offset);
  ++inflight_;
  return (static_cast<uint64_t>(file) << kSeqBits) | (seq & ((uint64_t{1} << kSeqBits) - 1));
}

AckTracker::FileId AckTracker::ack(AckToken token) {
  const FileId id = fileOf(token);
  File& f = *files_.at(id);
  // The token carries the low kSeqBits of the sequence number: the full one is the first pending
  // sequence number plus the distance from it (an empty window knows no token at all).
  const uint64_t mask = (uint64_t{1} << kSeqBits) - 1;
  const uint64_t base = f.window.empty() ? 0 : f.window.frontKey();
  const uint64_t seq = base + (((token & mask) - (base & mask)) & mask);
  f.window.complete(seq);  // throws std::logic_error for an unknown or acked token
  --inflight_;
  return id;
}

void AckTracker::skip(FileId file, uint64_t end_offset) {
  File& f = *files_[file];
  if (f.window.empty()) {
    f.window.reset(end_offset);  // nothing pending: committed at once
    return;
  }
  f.window.push(f.next_seq++, end_offset, /*done=*/true);
}

void AckTracker::close(FileId file) {
  if (!files_[file]->window.empty()) throw std::logic_error("closing a file with pending acks");
  files_[file]->used = false;
  free_.push_back(file);
}

}  // namespace logship::tail
