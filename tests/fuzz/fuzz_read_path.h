#pragma once
// What the read-path fuzz targets share: the input bytes as a file (a memfd, read by LineReader),
// and the end of the path, where each message gets its offsets checked (forward, within the
// input) and is encoded by a Pipeline into an event that must be valid JSON.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>

#include "fuzz_check.h"
#include "logship/tail/line_reader.h"
#include "logship/tail/multiline.h"
#include "logship/tail/pipeline.h"

namespace logship::fuzz {

// The stages after the line reader as the targets configure them: go-zero's stack traces joined
// (continuation lines, goroutine dumps) and its JSON lines decoded with `content` as the message.
inline void goZeroMultilineAndJson(tail::InputConfig& in) {
  in.multiline.enabled = true;
  in.multiline.pattern = R"(^[[:space:]]|^goroutine )";
  in.multiline.negate = false;
  in.multiline.match_after = true;
  in.multiline.max_lines = 4;
  in.json.enabled = true;
  in.json.keys_under_root = true;
  in.json.overwrite_keys = true;
  in.json.add_error_key = true;
  in.json.message_key = "content";
}

class MemFile {
 public:
  MemFile(const uint8_t* data, size_t size) : fd_(memfd_create("fuzz", 0)) {
    if (fd_ >= 0 && size > 0 && ::write(fd_, data, size) != static_cast<ssize_t>(size)) std::abort();
  }
  ~MemFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  int fd() const { return fd_; }

 private:
  int fd_;
};

class CheckedShipper {
 public:
  CheckedShipper(const tail::InputConfig& input, std::string path, size_t size)
      : pipeline_(input, {}, agent(), tail::PipelineMetrics::in(registry_)),
        ctx_{std::move(path), 0x1234},
        size_(size) {}

  void operator()(const tail::Message& m) {
    if (m.end_offset < m.offset || m.offset < last_offset_ || m.end_offset > size_) std::abort();
    last_offset_ = m.offset;
    const tail::PipelineOutcome out = pipeline_.process(m, ctx_);
    if (out.kind == tail::PipelineOutcome::Kind::kPublish) requireValidJson(out.payload, "encoded event");
  }

 private:
  static const tail::AgentInfo& agent() {
    static const tail::AgentInfo a{"fuzzhost", "agent-id", "ephemeral-id"};
    return a;
  }
  metrics::Registry registry_;  // before pipeline_, which counts into it
  tail::Pipeline pipeline_;
  tail::HarvesterContext ctx_;
  const size_t size_;  // offsets must stay within the input
  uint64_t last_offset_ = 0;
};

// One run over the input: its file, a LineReader allowing `raw_limit` bytes a line, the input's
// Multiline, and the checked end (ship). Lines go in through multiline(); finish() flushes.
struct ReadPathRun {
  ReadPathRun(const tail::InputConfig& input, const uint8_t* data, size_t size, std::string path, uint64_t raw_limit)
      : file(data, size),
        ship(input, std::move(path), size),
        reader(file.fd(), 0, raw_limit),
        joiner(input.multiline, input.max_bytes) {}
  template <typename LineOrMessage>
  void multiline(const LineOrMessage& m) {
    joiner.feed(m, now, emit);
  }
  void finish() { joiner.flush(emit); }

  MemFile file;
  CheckedShipper ship;
  tail::LineReader reader;
  tail::Multiline joiner;
  const tail::Multiline::Clock::time_point now = tail::Multiline::Clock::now();
  const std::function<void(const tail::Message&)> emit = [this](const tail::Message& m) { ship(m); };
};

}  // namespace logship::fuzz
