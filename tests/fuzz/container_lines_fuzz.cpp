// The container read path on arbitrary file contents: raw lines -> ContainerParser (Docker
// json-file and CRI, partial lines joined, the stderr stream skipped) -> Multiline -> Pipeline
// (JSON decoding of the unwrapped text) -> encoder. Every encoded event must be valid JSON, and
// event offsets must move forward within the input.
#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz_check.h"
#include "logship/tail/container_parser.h"
#include "logship/tail/line_reader.h"
#include "logship/tail/multiline.h"
#include "logship/tail/pipeline.h"

namespace {

using namespace logship::tail;

InputConfig makeInput() {
  InputConfig in;
  in.paths = {"/var/log/containers/*.log"};
  in.max_bytes = 512;
  in.container.enabled = true;
  in.container.format = ContainerConfig::Format::kAuto;
  in.container.stream = ContainerConfig::Stream::kStdout;
  in.multiline.enabled = true;
  in.multiline.pattern = R"(^[[:space:]]|^goroutine )";
  in.multiline.match_after = true;
  in.multiline.max_lines = 4;
  in.json.enabled = true;
  in.json.keys_under_root = true;
  in.json.add_error_key = true;
  in.json.message_key = "content";
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
  HarvesterContext ctx{"/var/log/containers/p_ns_c-0.log", 0x4321};
  LineReader reader(fd, 0, ContainerParser::rawLineLimit(input.max_bytes));
  ContainerParser container(input.container, input.max_bytes);
  Multiline multiline(input.multiline, input.max_bytes);
  const auto now = Multiline::Clock::now();
  uint64_t last_offset = 0;
  const auto ship = [&](const Message& m) {
    if (m.end_offset < m.offset || m.offset < last_offset || m.end_offset > size) std::abort();
    last_offset = m.offset;
    const PipelineOutcome out = pipeline.process(m, ctx);
    if (out.kind == PipelineOutcome::Kind::kPublish) logship::fuzz::requireValidJson(out.payload, "encoded event");
  };
  const ContainerParser::Emit to_multiline = [&](const Message& m) { multiline.feed(m, now, ship); };
  const ContainerParser::Skip skip = [&](uint64_t end_offset) {
    if (end_offset > size) std::abort();
    if (multiline.pending()) multiline.absorb(end_offset);
  };
  Line line;
  while (reader.next(line) == LineReader::Status::kLine) container.feed(line, to_multiline, skip);
  multiline.flush(ship);
  ::close(fd);
  return 0;
}
