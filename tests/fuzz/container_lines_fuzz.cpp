// The container read path on arbitrary file contents: raw lines -> ContainerParser (Docker
// json-file and CRI, partial lines joined, the stderr stream skipped) -> Multiline -> Pipeline
// (JSON decoding of the unwrapped text) -> encoder. Every encoded event must be valid JSON, and
// event offsets must move forward within the input. A second parser keeps Docker's `log` escaped
// (keep_escaped): its messages, decoded, must be the first parser's, one for one.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include <string>
#include <vector>

#include "fuzz_read_path.h"
#include "logship/common/json.h"
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
  ContainerParser escaped(input.container, input.max_bytes, /*keep_escaped=*/true);
  std::vector<std::string> decoded_out, escaped_out;
  const auto record = [](std::vector<std::string>& out, const Message& m) {
    std::string text(m.text);
    if (m.json_string) {  // a JSON string literal: its decoded text
      if (text.size() < 2 || text.front() != '"' || text.back() != '"') std::abort();
      std::string buf(text.size(), '\0');
      size_t written = 0;
      if (logship::json::decodeString(std::string_view(text).substr(1), buf.data(), written) != text.size() - 1)
        std::abort();
      text = buf.substr(0, written);
    }
    out.push_back(text + '|' + std::to_string(m.offset) + '|' + std::to_string(m.end_offset) + '|' +
                  (m.truncated ? "t" : "") + '|' + std::string(m.container ? m.container->stream : "") + '|' +
                  std::string(m.container ? m.container->error : ""));
  };
  const ContainerParser::Emit to_decoded = [&](const Message& m) {
    record(decoded_out, m);
    to_multiline(m);
  };
  const ContainerParser::Emit to_escaped = [&](const Message& m) { record(escaped_out, m); };
  const ContainerParser::Skip skip_escaped = [&](uint64_t end_offset) {
    escaped_out.push_back(std::to_string(end_offset));
  };
  const ContainerParser::Skip skip_decoded = [&](uint64_t end_offset) {
    decoded_out.push_back(std::to_string(end_offset));
    skip(end_offset);
  };
  Line line;
  while (run.reader.next(line) == LineReader::Status::kLine) {
    container.feed(line, to_decoded, skip_decoded);
    escaped.feed(line, to_escaped, skip_escaped);
    if (decoded_out != escaped_out) std::abort();  // keep_escaped changed what a line yields
  }
  run.finish();
  return 0;
}
