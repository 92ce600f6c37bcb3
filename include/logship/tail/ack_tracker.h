#pragma once
// Per-file contiguous acknowledgement: a file's committed offset advances only when an event and
// every earlier event of that file are acknowledged (Kafka acks arrive out of order across
// partitions). Tokens are plain integers (file slot + sequence) so they can travel as the
// librdkafka message opaque without any allocation. Each file is a ContiguousPrefix of sequence
// numbers whose values are end offsets; an unknown or repeated ack is a bug (UnknownKey::kThrow).
#include <cstdint>
#include <memory>
#include <vector>

#include "logship/common/contiguous_prefix.h"

namespace logship::tail {

using AckToken = uint64_t;

class AckTracker {
 public:
  using FileId = uint32_t;

  // A new file slot whose committed offset starts at `offset`.
  FileId open(uint64_t offset);
  // Registers an event ending at `end_offset`; the token must be acked exactly once.
  AckToken track(FileId file, uint64_t end_offset);
  // Acks an event. Returns the file whose committed offset may have moved.
  FileId ack(AckToken token);
  // Marks progress without an event (lines filtered out): behaves like track()+ack().
  void skip(FileId file, uint64_t end_offset);
  uint64_t committed(FileId file) const { return files_[file]->window.committed(); }
  size_t pending(FileId file) const { return files_[file]->window.pending(); }
  // Frees the slot; only call when pending(file) == 0.
  void close(FileId file);
  // Events tracked and not yet acked, all files together (the backpressure measure).
  size_t inflight() const { return inflight_; }

  static FileId fileOf(AckToken t) { return static_cast<FileId>(t >> kSeqBits); }

 private:
  static constexpr int kSeqBits = 44;
  struct File {
    explicit File(uint64_t offset) : window(UnknownKey::kThrow, offset) {}
    ContiguousPrefix<uint64_t, uint64_t> window;  // sequence number -> end offset
    uint64_t next_seq = 0;
    bool used = false;
  };
  std::vector<std::unique_ptr<File>> files_;
  std::vector<FileId> free_;
  size_t inflight_ = 0;
};

}  // namespace logship::tail
