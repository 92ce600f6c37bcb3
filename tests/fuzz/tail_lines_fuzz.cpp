// The tailer's read path on arbitrary file contents: line splitting with max_bytes truncation,
// multiline joining (stack-trace style), JSON decoding of go-zero lines, processors and event
// encoding. Every encoded event must be valid JSON, and offsets must move forward.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_check.h"
#include "logship/tail/line_reader.h"
#include "logship/tail/multiline.h"
#include "logship/tail/pipeline.h"

namespace {

using namespace logship::tail;

InputConfig makeInput() {
  InputConfig in;
  in.paths = {"/fuzz/*.log"};
  in.max_bytes = 256;
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
  in.fields = {{"fields.log_topic", "\"fuzz\""}};
  in.tags = {"fuzz"};
  return in;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const InputConfig input = makeInput();
  static const AgentInfo agent{"fuzzhost", "agent-id", "ephemeral-id"};
  const int fd = memfd_create("fuzz", 0);
  if (fd < 0) return 0;
  if (size > 0 && ::write(fd, data, size) != static_cast<ssize_t>(size)) std::abort();

  logship::metrics::Registry registry;
  Pipeline pipeline(input, {}, agent, PipelineMetrics::in(registry));
  HarvesterContext ctx{"/fuzz/app.log", 0x1234};
  LineReader reader(fd, 0, input.max_bytes);
  Multiline multiline(input.multiline, input.max_bytes);
  const auto now = Multiline::Clock::now();
  uint64_t last_offset = 0;
  const auto emit = [&](const Message& m) {
    if (m.end_offset < m.offset || m.offset < last_offset) std::abort();
    last_offset = m.offset;
    const PipelineOutcome out = pipeline.process(m, ctx);
    if (out.kind == PipelineOutcome::Kind::kPublish) logship::fuzz::requireValidJson(out.payload, "encoded event");
  };
  Line line;
  while (reader.next(line) == LineReader::Status::kLine) {
    if (line.text.size() > input.max_bytes || line.end_offset > size) std::abort();
    multiline.feed(line, now, emit);
  }
  multiline.flush(emit);
  ::close(fd);
  return 0;
}
