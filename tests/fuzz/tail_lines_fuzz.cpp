// The tailer's read path on arbitrary file contents: line splitting with max_bytes truncation,
// multiline joining (stack-trace style), JSON decoding of go-zero lines, processors and event
// encoding. Every encoded event must be valid JSON, and offsets must move forward.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "fuzz_read_path.h"
#include "logship/tail/line_reader.h"

namespace {

using namespace logship::tail;

InputConfig makeInput() {
  InputConfig in;
  in.paths = {"/fuzz/*.log"};
  in.max_bytes = 256;
  logship::fuzz::goZeroMultilineAndJson(in);
  in.fields = {{"fields.log_topic", "\"fuzz\""}};
  in.tags = {"fuzz"};
  return in;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const InputConfig input = makeInput();
  logship::fuzz::ReadPathRun run(input, data, size, "/fuzz/app.log", input.max_bytes);
  if (run.file.fd() < 0) return 0;
  Line line;
  while (run.reader.next(line) == LineReader::Status::kLine) {
    if (line.text.size() > input.max_bytes || line.end_offset > size) std::abort();
    run.multiline(line);
  }
  run.finish();
  return 0;
}
