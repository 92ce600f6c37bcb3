// The container read path on arbitrary file contents: raw lines -> ContainerParser (Docker
// json-file and CRI, partial lines joined, the stderr stream skipped) -> Multiline -> Pipeline
// (JSON decoding of the unwrapped text) -> encoder. Every encoded event must be valid JSON, and
// event offsets must move forward within the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "fuzz_read_path.h"
#include "logship/tail/container_parser.h"
#include "logship/tail/line_reader.h"

namespace {

using namespace logship::tail;

InputConfig makeInput() {
  InputConfig in;
  in.paths = {"/var/log/containers/*.log"};
  in.max_bytes = 512;
  in.container.enabled = true;
  in.container.format = ContainerConfig::Format::kAuto;
  in.container.stream = ContainerConfig::Stream::kStdout;
  logship::fuzz::goZeroMultilineAndJson(in);
  return in;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const InputConfig input = makeInput();
  logship::fuzz::ReadPathRun run(input, data, size, "/var/log/containers/p_ns_c-0.log",
                                 ContainerParser::rawLineLimit(input.max_bytes));
  if (run.file.fd() < 0) return 0;
  ContainerParser container(input.container, input.max_bytes);
  const ContainerParser::Emit to_multiline = [&](const Message& m) { run.multiline(m); };
  const ContainerParser::Skip skip = [&](uint64_t end_offset) {
    if (end_offset > size) std::abort();
    if (run.joiner.pending()) run.joiner.absorb(end_offset);
  };
  Line line;
  while (run.reader.next(line) == LineReader::Status::kLine) container.feed(line, to_multiline, skip);
  run.finish();
  return 0;
}
